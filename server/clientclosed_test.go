package server_test

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"parley/server"
	reqjournal "parley/server/journal"
	"parley/server/metrics"
	"parley/server/testenv"
)

// records is a slog.Handler that hands every record to a channel.
type records chan slog.Record

func (h records) Enabled(context.Context, slog.Level) bool { return true }
func (h records) Handle(_ context.Context, r slog.Record) error {
	h <- r.Clone()
	return nil
}
func (h records) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h records) WithGroup(string) slog.Handler      { return h }

// A client that aborts a long poll (wait=) is not a server error: the
// request's log line is at info with status 499 and no error, and the
// metrics count no 5xx.
func TestAbortedWaitIsNoServerError(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	logs := make(records, 64)
	m := metrics.New(metrics.Sources{})
	srv := httptest.NewServer(server.New(env.Service, server.Options{Logger: slog.New(logs), Metrics: m, Journal: reqjournal.New(50, 0)}))
	defer srv.Close()

	// The fixtures have 3 messages, not 100, and the journal keeps no
	// admin requests: both wait.
	tests := []struct{ route, path string }{
		{"/admin/v1/apps/:app/messages", "/admin/v1/apps/demo/messages?wait=60s&count=100"},
		{"/admin/v1/apps/:app/journal", "/admin/v1/apps/demo/journal?wait=60s&count=100"},
	}
	for _, tt := range tests {
		t.Run(tt.route, func(t *testing.T) {
			// The whole request, then the connection closed: the handler
			// starts waiting or finds its context already canceled; either
			// way its client is gone.
			conn, err := net.Dial("tcp", srv.Listener.Addr().String())
			if err != nil {
				t.Fatal(err)
			}
			if _, err := io.WriteString(conn, "GET "+tt.path+" HTTP/1.1\r\nHost: parley\r\n"+adminAuth+"\r\n\r\n"); err != nil {
				t.Fatal(err)
			}
			conn.Close()

			var line slog.Record
			attrs := map[string]slog.Value{}
			for line.Message == "" {
				select {
				case r := <-logs:
					r.Attrs(func(a slog.Attr) bool { attrs[a.Key] = a.Value; return true })
					if r.Message != "request" || attrs["route"].String() != tt.route {
						clear(attrs)
						continue
					}
					line = r
				case <-time.After(30 * time.Second): // a safety net, not a measurement
					t.Fatal("no request line: the aborted wait did not end")
				}
			}
			if line.Level != slog.LevelInfo || attrs["status"].Int64() != 499 || attrs["err"].Kind() != slog.KindAny {
				t.Errorf("log line: level %s, status %v, err %v; want INFO, 499, none", line.Level, attrs["status"], attrs["err"])
			}
		})
	}
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	scrape := rec.Body.String()
	if strings.Contains(scrape, `status="500"`) || strings.Count(scrape, `status="499"`) == 0 {
		t.Errorf("metrics count the aborted waits as:\n%s", grepLines(scrape, "parley_http_request_duration_seconds_count"))
	}
}

func grepLines(text, substr string) string {
	var out []string
	for _, l := range strings.Split(text, "\n") {
		if strings.Contains(l, substr) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}
