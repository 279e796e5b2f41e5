// Package server assembles Parley's HTTP surface: the shared middleware
// (request log and metrics, recover, CORS, request journal and faults,
// body limits, client address) in
// front of the prefix table that routes each request to its dialect or to
// Parley's own API.
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
	"parley/server/httpx"
	"parley/server/journal"
	"parley/server/metrics"
	"parley/server/realtime"
	"parley/server/ui"
)

// Options configure the handler. Zero values get the defaults.
type Options struct {
	Logger *slog.Logger
	// MaxBodyBytes bounds a JSON (or any non-multipart) request body
	// (default 1 MiB); MaxUploadBytes a multipart upload (default the
	// core's upload limit plus 1 MiB for the form); MaxAdminBodyBytes a
	// body to /admin/v1 (fixture documents; default 256 MiB).
	MaxBodyBytes      int64
	MaxUploadBytes    int64
	MaxAdminBodyBytes int64
	// UploadTimeout is how long a file upload (multipart, or raw bytes of
	// a media type) may take to arrive, and a file download to go out
	// (default 1 hour); other bodies have the http.Server's ReadTimeout.
	UploadTimeout time.Duration
	// WriteTimeout is the http.Server's: the time an answer has to go out
	// (0: none). Routes that need more get it on top (deadlines.go).
	WriteTimeout time.Duration
	// CORSOrigins lists the origins a browser may call from ("*": any);
	// empty: no cross-origin calls.
	CORSOrigins []string
	// Metrics, when set, are fed and served at /metrics.
	Metrics *metrics.Metrics
	// Version is served at /version.
	Version Version
	// Ready reports whether the server may take traffic (for /readyz).
	Ready func() bool
	// Journal keeps recent requests per app (nil: off, and free).
	Journal *journal.Journal
	// Faults holds the fault rules the admin API adds (nil: a new set).
	Faults *fault.Set
	// Hub serves GET /events when not nil: the hub the core publishes to.
	Hub *realtime.Hub
	// EventHeartbeat is how often an idle event stream is pinged (25 s
	// when 0).
	EventHeartbeat time.Duration
}

// Version names the running build.
type Version struct {
	Version string `json:"version"`
	Commit  string `json:"commit"`
	Go      string `json:"go"`
}

// dialectOf returns the dialect of a matched ServeMux pattern: its name
// in the dialects table, else the pattern's first segment ("GET /healthz"
// → "healthz"), "none" when nothing matched.
func dialectOf(pattern string) string {
	if _, path, ok := strings.Cut(pattern, " "); ok {
		pattern = path
	}
	if d, ok := dialects[pattern]; ok {
		return d
	}
	if pattern == "" {
		return "none"
	}
	first, _, _ := strings.Cut(strings.Trim(pattern, "/"), "/")
	return first
}

type server struct {
	o   Options
	log *slog.Logger
}

// New returns the whole HTTP surface of Parley over one core service.
func New(svc *core.Service, o Options) http.Handler {
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.MaxBodyBytes == 0 {
		o.MaxBodyBytes = 1 << 20
	}
	if o.MaxUploadBytes == 0 {
		o.MaxUploadBytes = svc.Limits().MaxUploadBytes + 1<<20
	}
	if o.MaxAdminBodyBytes == 0 {
		o.MaxAdminBodyBytes = 256 << 20
	}
	if o.UploadTimeout == 0 {
		o.UploadTimeout = time.Hour
	}
	if o.Faults == nil {
		o.Faults = fault.NewSet()
	}
	s := &server{o: o, log: o.Logger}
	mux := http.NewServeMux()
	// The prefix table (docs/architecture.md): one dialect or API per prefix.
	mux.Handle("/admin/v1/", admin.New(svc, admin.Tools{Journal: o.Journal, Faults: o.Faults, Renderers: eventRenderers()}))
	mux.Handle("GET /admin/v1/openapi.json", serveDocument(admin.OpenAPI))
	mountDialects(mux, svc)
	mux.Handle("/ui/", ui.Handler())
	if o.Hub != nil {
		mux.Handle("/events", realtime.NewHandler(svc, o.Hub, realtime.HandlerOptions{
			Renderers: eventRenderers(), Heartbeat: o.EventHeartbeat, Logger: o.Logger,
		}))
	}
	mux.HandleFunc("GET /livez", func(w http.ResponseWriter, _ *http.Request) {
		writeStatus(w, http.StatusOK, "alive")
	})
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
	mux.HandleFunc("GET /version", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(o.Version)
	})
	if o.Metrics != nil {
		mux.Handle("GET /metrics", o.Metrics.Handler())
	}

	// The middleware, outermost first: every request passes each in this
	// order before the prefix table. Add a layer by adding a line.
	chain := []func(http.Handler) http.Handler{
		s.observe,   // request info, then one log line and the metrics
		s.recoverer, // a panic becomes a logged 500
		s.cors,      // preflights answered, CORS headers set
		newObserver(svc, o.Journal, o.Faults).wrap, // the request journal and fault rules
		s.limitBody,  // body limits by route kind
		s.deadlines,  // longer deadlines for files and long polls
		s.clientAddr, // the client's address, for rate limits
	}
	var h http.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mux.ServeHTTP(w, r)
		httpx.InfoOf(r.Context()).Pattern = r.Pattern // the ServeMux set it on this copy of r
	})
	for i := len(chain) - 1; i >= 0; i-- {
		h = chain[i](h)
	}
	return h
}

func writeStatus(w http.ResponseWriter, status int, text string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]string{"status": text})
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
