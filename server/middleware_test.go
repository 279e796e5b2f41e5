package server_test

import (
	"bytes"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"parley/server"
	"parley/server/metrics"
	"parley/server/testenv"
)

// The whole middleware list on a trivial route: what every request pays
// before its dialect (metrics on, request lines below the log level).
func BenchmarkMiddleware(b *testing.B) {
	e := testenv.New(b, testenv.WithFixtures(""))
	h := server.New(e.Service, server.Options{
		Logger:      slog.New(slog.NewTextHandler(&bytes.Buffer{}, &slog.HandlerOptions{Level: slog.LevelWarn})),
		Metrics:     metrics.New(metrics.Sources{}),
		CORSOrigins: []string{"*"},
	})
	req := httptest.NewRequest("GET", "/livez", nil)
	b.ReportAllocs()
	for b.Loop() {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		if w.Code != http.StatusOK {
			b.Fatalf("livez: %d", w.Code)
		}
	}
}

// Bodies past the JSON limit are refused in the dialect's own shape;
// multipart bodies get the upload limit.
func TestBodyLimits(t *testing.T) {
	e := testenv.New(t)
	h := server.New(e.Service, server.Options{Logger: slog.New(slog.DiscardHandler), MaxBodyBytes: 100, MaxUploadBytes: 1000})
	big := `{"conversationId":"general","body":"` + strings.Repeat("x", 200) + `"}`
	req := httptest.NewRequest("POST", "/v2/messages/send", strings.NewReader(big))
	req.Header.Set("Public-Key", "demo-public")
	req.Header.Set("Authorization", "Bearer YWxpY2UtdG9rZW4=") // alice-token
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	if w.Code != http.StatusRequestEntityTooLarge || !strings.Contains(w.Body.String(), "PAYLOAD_TOO_LARGE") {
		t.Fatalf("a JSON body past the limit: %d %s", w.Code, w.Body)
	}
}

func BenchmarkMiddlewareBare(b *testing.B) {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /livez", func(w http.ResponseWriter, _ *http.Request) { w.Write([]byte(`{"status":"alive"}`)) })
	req := httptest.NewRequest("GET", "/livez", nil)
	for b.Loop() {
		w := httptest.NewRecorder()
		mux.ServeHTTP(w, req)
	}
}
