package realtime

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/coder/websocket"
)

func isWebSocket(r *http.Request) bool {
	return strings.EqualFold(r.Header.Get("Upgrade"), "websocket")
}

// serveWebSocket streams events as WebSocket text messages, one envelope
// each. The client sends nothing; pings keep the connection alive.
func (h *handler) serveWebSocket(w http.ResponseWriter, r *http.Request, sub *Subscription, req *streamRequest) {
	c, err := websocket.Accept(w, r, &websocket.AcceptOptions{
		// A token, not a cookie, authenticates the stream, so another
		// site's page cannot ride on a visitor's session: any origin may
		// connect, as with the rest of the API.
		InsecureSkipVerify: true,
	})
	if err != nil {
		return // Accept has answered
	}
	defer c.CloseNow()
	// The client's frames are read (and dropped) only to see pongs and its
	// close; ctx ends when it goes.
	ctx := c.CloseRead(r.Context())
	h.pump(ctx, sub, req, &wsSink{c: c, timeout: h.o.WriteTimeout})
}

type wsSink struct {
	c       *websocket.Conn
	timeout time.Duration
}

func (s *wsSink) event(ctx context.Context, _ uint64, data []byte) error {
	ctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	return s.c.Write(ctx, websocket.MessageText, data)
}

func (s *wsSink) heartbeat(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	return s.c.Ping(ctx)
}

func (s *wsSink) end(ctx context.Context, reason string) {
	code := websocket.StatusGoingAway
	if reason == ReasonSlow {
		code = websocket.StatusTryAgainLater
	}
	_ = s.event(ctx, 0, control(TypeClose, 0, reason, time.Now()))
	_ = s.c.Close(code, reason)
}
