package main

// The reliability scenario's slow connections: many held open while a
// normal client chats.

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"syscall"
	"time"
)

// relSlow holds slow connections (headers a byte at a time, never
// finished) while a normal client sends, and reads the server's memory.
func (b *bench) relSlow(ctx context.Context, rel *Reliability, dir, fixtures string) error {
	raiseFileLimit(2*slowConns + 200)
	in, err := start(ctx, b.bin, dir, "--ephemeral", "--addr", "127.0.0.1:0", "--fixtures", fixtures,
		"--admin-token", adminToken, "--log-level", "warn", "--read-header-timeout", "5m", "--read-timeout", "5m")
	if err != nil {
		return err
	}
	defer in.stop()
	addr := strings.TrimPrefix(in.base, "http://")
	hc := &http.Client{Timeout: 10 * time.Second}
	normal := func(d time.Duration, prefix string) (lat []time.Duration, errs int) {
		end := time.Now().Add(d)
		for i := 0; time.Now().Before(end) && ctx.Err() == nil; i++ {
			t0 := time.Now()
			if sendAs(ctx, hc, in.base, fmt.Sprintf("%s-%d-%d", prefix, t0.UnixNano(), i)) != http.StatusCreated {
				errs++
			}
			lat = append(lat, time.Since(t0))
			time.Sleep(10 * time.Millisecond)
		}
		return lat, errs
	}
	base, _ := normal(b.cfg.Duration/2, "baseline")
	_, bp99, _ := percentiles(base)
	before := statusKB(in.pid, "VmRSS")

	s := &SlowHold{Wanted: slowConns, BaselineP99MS: ms(bp99)}
	rel.Slow = s
	stop := make(chan struct{})
	var conns []net.Conn
	var closedMu sync.Mutex
	closed := 0
	for i := 0; i < slowConns; i++ {
		c, err := net.DialTimeout("tcp", addr, 2*time.Second)
		if err == nil {
			_, err = io.WriteString(c, "GET /livez HTTP/1.1\r\nHost: parley\r\nX-Slow: ")
		}
		if err != nil {
			s.Refused++
			continue
		}
		conns = append(conns, c)
		go func() {
			_, _ = io.Copy(io.Discard, c)
			closedMu.Lock()
			closed++
			closedMu.Unlock()
		}()
	}
	// One trickler writes a byte to each connection in turn: every one
	// stays slow, none idle.
	go func() {
		for {
			for _, c := range conns {
				select {
				case <-stop:
					return
				default:
				}
				_, _ = c.Write([]byte("a"))
				time.Sleep(time.Second / time.Duration(max(len(conns), 1)))
			}
		}
	}()
	lat, errs := normal(b.cfg.Duration, "during")
	holding := statusKB(in.pid, "VmRSS")
	close(stop)
	closedMu.Lock()
	s.Held = len(conns) - closed
	closedMu.Unlock()
	for _, c := range conns {
		c.Close()
	}
	p50, p99, mx := percentiles(lat)
	s.Normal, s.NormalErrors = len(lat), errs
	s.NormalP50MS, s.NormalP99MS, s.NormalMaxMS = ms(p50), ms(p99), ms(mx)
	s.RSSBeforeMB, s.RSSHoldingMB = float64(before)/1024, float64(holding)/1024
	if len(conns) > 0 {
		s.KiBEach = float64(holding-before) / float64(len(conns))
	}
	return nil
}

// raiseFileLimit lifts this process's soft limit on open files to at
// least n (within the hard limit); the server started next inherits it.
func raiseFileLimit(n uint64) {
	var l syscall.Rlimit
	if syscall.Getrlimit(syscall.RLIMIT_NOFILE, &l) != nil || l.Cur >= n {
		return
	}
	l.Cur = min(n, l.Max)
	_ = syscall.Setrlimit(syscall.RLIMIT_NOFILE, &l)
}
