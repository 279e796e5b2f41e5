package realtime

import (
	"context"
	"fmt"
	"net/http"
	"time"
)

// serveSSE streams events as Server-Sent Events: each event's id is the
// hub's, so a browser's EventSource resumes by itself with Last-Event-ID.
func (h *handler) serveSSE(w http.ResponseWriter, r *http.Request, sub *Subscription, req *streamRequest) {
	hdr := w.Header()
	hdr.Set("Content-Type", "text/event-stream")
	hdr.Set("Cache-Control", "no-cache")
	hdr.Set("X-Accel-Buffering", "no") // nginx: do not buffer the stream
	s := &sseSink{w: w, rc: http.NewResponseController(w), timeout: h.o.WriteTimeout}
	w.WriteHeader(http.StatusOK)
	// The status line reaches the client now: it is subscribed from here on.
	if s.flush() != nil {
		return
	}
	h.pump(r.Context(), sub, req, s)
}

type sseSink struct {
	w       http.ResponseWriter
	rc      *http.ResponseController
	timeout time.Duration
}

func (s *sseSink) flush() error {
	// A deadline per write: a client that stopped reading cannot hold the
	// stream (and the server's shutdown) forever.
	_ = s.rc.SetWriteDeadline(time.Now().Add(s.timeout))
	return s.rc.Flush()
}

func (s *sseSink) event(_ context.Context, id uint64, data []byte) error {
	if _, err := fmt.Fprintf(s.w, "id: %d\ndata: %s\n\n", id, data); err != nil {
		return err
	}
	return s.flush()
}

func (s *sseSink) heartbeat(context.Context) error {
	if _, err := s.w.Write([]byte(": ping\n\n")); err != nil {
		return err
	}
	return s.flush()
}

func (s *sseSink) end(_ context.Context, reason string) {
	// No id: the client resumes from the last real event.
	fmt.Fprintf(s.w, "data: %s\n\n", control(TypeClose, 0, reason, time.Now()))
	_ = s.flush()
}
