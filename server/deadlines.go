package server

import (
	"bufio"
	"net"
	"net/http"
	"strings"
	"time"
)

// longPollMax bounds an admin long poll (wait=, at most 5 minutes there):
// its answer's deadline is that much later than other answers'.
const longPollMax = 5 * time.Minute

// deadlines gives the requests that need more than the http.Server's
// timeouts their own, per request: a file upload (a multipart or raw media
// body) has UploadTimeout to arrive and then the write timeout to be
// answered; an answer that is a file or a page (not JSON) has
// UploadTimeout to go out; an admin long poll (wait=) has its longest wait
// on top of the write timeout. Event streams lift the deadlines and bound
// each write themselves (realtime). Everything else keeps the server's:
// a slow client is cut off there.
func (s *server) deadlines(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rc := http.NewResponseController(w)
		// A failure to set a deadline leaves the server's.
		if isFileBody(r.Header.Get("Content-Type")) {
			until := time.Now().Add(s.o.UploadTimeout)
			_ = rc.SetReadDeadline(until)
			if s.o.WriteTimeout > 0 {
				_ = rc.SetWriteDeadline(until.Add(s.o.WriteTimeout))
			}
		}
		if s.o.WriteTimeout > 0 && strings.HasPrefix(r.URL.Path, "/admin/") && r.URL.Query().Has("wait") {
			_ = rc.SetWriteDeadline(time.Now().Add(longPollMax + s.o.WriteTimeout))
		}
		if s.o.WriteTimeout > 0 {
			w = &fileWriter{ResponseWriter: w, rc: rc, timeout: s.o.UploadTimeout}
		}
		next.ServeHTTP(w, r)
	})
}

// fileWriter moves the write deadline to UploadTimeout from now when the
// answer turns out to be a file (or a page): any Content-Type but JSON.
type fileWriter struct {
	http.ResponseWriter
	rc      *http.ResponseController
	timeout time.Duration
	decided bool
}

func (f *fileWriter) decide() {
	if f.decided {
		return
	}
	f.decided = true
	if isSlowAnswer(f.Header().Get("Content-Type")) {
		_ = f.rc.SetWriteDeadline(time.Now().Add(f.timeout))
	}
}

// isSlowAnswer reports whether an answer of this Content-Type may be
// large: everything but JSON, an empty body and an event stream (which
// sets a deadline per write).
func isSlowAnswer(contentType string) bool {
	mt, _, _ := strings.Cut(strings.ToLower(contentType), ";")
	mt = strings.TrimSpace(mt)
	return mt != "" && mt != "application/json" && !strings.HasSuffix(mt, "+json") && mt != "text/event-stream"
}

func (f *fileWriter) WriteHeader(code int) {
	f.decide()
	f.ResponseWriter.WriteHeader(code)
}

func (f *fileWriter) Write(b []byte) (int, error) {
	f.decide()
	return f.ResponseWriter.Write(b)
}

func (f *fileWriter) Flush() {
	if fl, ok := f.ResponseWriter.(http.Flusher); ok {
		fl.Flush()
	}
}

func (f *fileWriter) Unwrap() http.ResponseWriter { return f.ResponseWriter }

// Hijack hands the connection to a WebSocket upgrade.
func (f *fileWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	f.decided = true
	return http.NewResponseController(f.ResponseWriter).Hijack()
}
