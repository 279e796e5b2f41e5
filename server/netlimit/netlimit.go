// Package netlimit caps how many connections one client address holds at
// once, so that a flood of idle or slow connections from one place cannot
// use up the server's file descriptors and memory while others wait.
package netlimit

import (
	"net"
	"sync"
)

// Listener wraps a net.Listener: a connection past the per-address cap is
// closed at once, before any byte is read.
type Listener struct {
	net.Listener
	max int

	mu    sync.Mutex
	count map[string]int
}

// New returns a listener allowing at most max connections per remote IP;
// max <= 0 means no limit.
func New(ln net.Listener, max int) *Listener {
	return &Listener{Listener: ln, max: max, count: map[string]int{}}
}

// Accept returns the next connection within the cap; connections over it
// are closed and skipped.
func (l *Listener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil || l.max <= 0 {
			return c, err
		}
		host := hostOf(c.RemoteAddr())
		l.mu.Lock()
		ok := l.count[host] < l.max
		if ok {
			l.count[host]++
		}
		l.mu.Unlock()
		if !ok {
			_ = c.Close()
			continue
		}
		return &conn{Conn: c, release: func() { l.release(host) }}, nil
	}
}

// Open reports how many connections the address holds now.
func (l *Listener) Open(host string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.count[host]
}

func (l *Listener) release(host string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.count[host]--; l.count[host] <= 0 {
		delete(l.count, host)
	}
}

func hostOf(a net.Addr) string {
	if a == nil {
		return ""
	}
	host, _, err := net.SplitHostPort(a.String())
	if err != nil {
		return a.String()
	}
	return host
}

// conn releases its place once, on the first Close.
type conn struct {
	net.Conn
	once    sync.Once
	release func()
}

func (c *conn) Close() error {
	err := c.Conn.Close()
	c.once.Do(c.release)
	return err
}
