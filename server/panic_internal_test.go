package server

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
)

// TestPanicAnswersInDialectShape: a handler panic under a dialect's prefix
// answers 500 exactly as that dialect writes its own 500s.
func TestPanicAnswersInDialectShape(t *testing.T) {
	t.Parallel()
	boom := (&server{log: slog.New(slog.NewTextHandler(io.Discard, nil))}).recoverer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
		panic("boom")
	}))
	for _, d := range Dialects() {
		want := httptest.NewRecorder()
		d.WriteError(want, http.StatusInternalServerError, "internal error")
		got := httptest.NewRecorder()
		boom.ServeHTTP(got, httptest.NewRequest("GET", d.Prefix+"anything", nil))
		if got.Code != 500 || got.Body.String() != want.Body.String() || got.Header().Get("Content-Type") != want.Header().Get("Content-Type") {
			t.Errorf("%s: panic answered %d %q %s, want 500 %q %s", d.Name, got.Code, got.Header().Get("Content-Type"), got.Body, want.Header().Get("Content-Type"), want.Body)
		}
	}
}
