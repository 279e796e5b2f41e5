package netlimit

import (
	"io"
	"net"
	"testing"
	"time"
)

func TestPerAddressCap(t *testing.T) {
	inner, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	l := New(inner, 2)
	defer l.Close()
	accepted := make(chan net.Conn, 8)
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			accepted <- c
		}
	}()
	dial := func() net.Conn {
		c, err := net.Dial("tcp", inner.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	a, b := dial(), dial()
	defer a.Close()
	defer b.Close()
	first, second := <-accepted, <-accepted
	third := dial()
	defer third.Close()
	// The third is closed by the server: a read sees EOF (or a reset).
	_ = third.SetReadDeadline(time.Now().Add(2 * time.Second))
	if _, err := third.Read(make([]byte, 1)); err == nil || err == io.ErrNoProgress {
		t.Fatalf("third connection read: %v, want it closed", err)
	}
	if n := l.Open("127.0.0.1"); n != 2 {
		t.Fatalf("open = %d, want 2", n)
	}
	// A place frees when a connection closes.
	_ = first.Close()
	_ = first.Close() // twice frees once
	fourth := dial()
	defer fourth.Close()
	select {
	case c := <-accepted:
		defer c.Close()
	case <-time.After(2 * time.Second):
		t.Fatal("a freed place was not given to the next connection")
	}
	if n := l.Open("127.0.0.1"); n != 2 {
		t.Fatalf("open = %d, want 2", n)
	}
	_ = second.Close()
}
