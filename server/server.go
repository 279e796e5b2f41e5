// Package server assembles Parley's HTTP surface: the shared middleware
// (recover, request log, journal and faults, body limit) in front of the prefix table that
// routes each request to its dialect or to Parley's own API.
package server

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"parley/server/admin"
	"parley/server/core"
	"parley/server/fault"
	"parley/server/journal"
)

// Options configure the handler.
type Options struct {
	Logger       *slog.Logger
	MaxBodyBytes int64 // request bodies past this are refused; 0: 8 MiB
	// Ready reports whether the server may take traffic (for /readyz).
	Ready func() bool
	// Journal keeps recent requests per app (nil: off, and free).
	Journal *journal.Journal
	// Faults holds the fault rules the admin API adds (nil: a new set).
	Faults *fault.Set
}

// New returns the whole HTTP surface of Parley over one core service.
func New(svc *core.Service, o Options) http.Handler {
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.MaxBodyBytes == 0 {
		o.MaxBodyBytes = 8 << 20
	}
	if o.Faults == nil {
		o.Faults = fault.NewSet()
	}
	mux := http.NewServeMux()
	// The prefix table (DESIGN.md): one dialect or API per prefix.
	mux.Handle("/admin/v1/", admin.New(svc, admin.Tools{Journal: o.Journal, Faults: o.Faults}))
	mux.Handle("GET /admin/v1/openapi.json", serveDocument(admin.OpenAPI))
	mountDialects(mux, svc)
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		writeStatus(w, http.StatusOK, "ok")
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, _ *http.Request) {
		if o.Ready != nil && !o.Ready() {
			writeStatus(w, http.StatusServiceUnavailable, "starting")
			return
		}
		writeStatus(w, http.StatusOK, "ready")
	})
	// Uploads stream a file of up to the core's upload limit, plus the
	// multipart framing and form fields around it.
	maxUpload := max(o.MaxBodyBytes, svc.Limits().MaxUploadBytes+1<<20)
	observe := newObserver(svc, o.Journal, o.Faults).wrap
	return recoverer(o.Logger, logRequests(o.Logger, observe(limitBody(o.MaxBodyBytes, maxUpload, mux))))
}

func writeStatus(w http.ResponseWriter, status int, text string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]string{"status": text})
}

// recoverer turns a handler panic into a logged 500 instead of a dropped
// connection.
func recoverer(log *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				log.ErrorContext(r.Context(), "panic", "method", r.Method, "path", r.URL.Path, "panic", v)
				writePanic(w, r)
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// writePanic answers a panicked request with a 500 in the shape of the
// dialect whose prefix the path has (Parley's own shape elsewhere).
func writePanic(w http.ResponseWriter, r *http.Request) {
	for _, d := range Dialects() {
		if strings.HasPrefix(r.URL.Path, d.Prefix) && d.WriteError != nil {
			d.WriteError(w, http.StatusInternalServerError, "internal error")
			return
		}
	}
	writeStatus(w, http.StatusInternalServerError, "internal error")
}

// statusRecorder remembers the status a handler wrote.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (s *statusRecorder) WriteHeader(code int) {
	s.status = code
	s.ResponseWriter.WriteHeader(code)
}

// logRequests logs each request at debug level, and 5xx answers at error
// level (debug logging stays off the hot path unless asked for).
func logRequests(log *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(rec, r)
		level := slog.LevelDebug
		if rec.status >= 500 {
			level = slog.LevelError
		}
		if log.Enabled(r.Context(), level) {
			log.Log(r.Context(), level, "request", "method", r.Method, "path", r.URL.Path, "status", rec.status, "dur", time.Since(start))
		}
	})
}

// limitBody caps request bodies: those that carry files (uploads, read as
// streams) at maxUpload, others (decoded in memory) at max.
func limitBody(max, maxUpload int64, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		limit := max
		if isFileBody(r.Header.Get("Content-Type")) {
			limit = maxUpload
		}
		r.Body = http.MaxBytesReader(w, r.Body, limit)
		next.ServeHTTP(w, r)
	})
}

// isFileBody reports whether a body of this Content-Type carries a file:
// multipart forms, and raw bytes of a media or binary type (the PUT of a
// reserved upload). JSON and text bodies are not.
func isFileBody(contentType string) bool {
	ct := strings.ToLower(strings.TrimSpace(contentType))
	for _, p := range []string{"multipart/", "image/", "video/", "audio/", "application/octet-stream", "application/pdf", "application/zip"} {
		if strings.HasPrefix(ct, p) {
			return true
		}
	}
	return false
}
