package server

import (
	"bufio"
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"slices"
	"strings"
	"time"

	"parley/server/core"
	"parley/server/httpx"
)

// statusWriter remembers the status and the bytes a handler wrote. It passes
// Flush on (event streams) and unwraps for http.ResponseController.
type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (r *statusWriter) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *statusWriter) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	n, err := r.ResponseWriter.Write(b)
	r.bytes += int64(n)
	return n, err
}

func (r *statusWriter) Flush() {
	if f, ok := r.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

func (r *statusWriter) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// Hijack hands the connection to a WebSocket upgrade (libraries that
// assert http.Hijacker rather than use http.ResponseController).
func (r *statusWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	if r.status == 0 {
		r.status = http.StatusSwitchingProtocols
	}
	return http.NewResponseController(r.ResponseWriter).Hijack()
}

// observe gives the request an httpx.Info for the handlers to fill, then
// writes one log line (info; error for a 5xx, unless the client went away:
// see clientClosed) and feeds the metrics. The line names the route
// pattern, never the path's ids, a credential or a body.
func (s *server) observe(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		r, info := httpx.WithInfo(r)
		rec := &statusWriter{ResponseWriter: w}
		next.ServeHTTP(rec, r)
		d := time.Since(start)
		if rec.status == 0 {
			rec.status = http.StatusOK
		}
		if info.Dialect == "" {
			info.Dialect = dialectOf(info.Pattern)
		}
		route := info.Route
		if route == "" {
			route = info.Pattern
			if route == "" {
				route = "unmatched"
			}
		}
		status := rec.status
		if clientClosed(r, status) {
			status, info.Err = statusClientClosed, nil
		}
		if s.o.Metrics != nil {
			s.o.Metrics.ObserveRequest(info.Dialect, route, status, d)
		}
		level := slog.LevelInfo
		if status >= 500 || info.Err != nil {
			level = slog.LevelError
		}
		if s.log.Enabled(r.Context(), level) {
			attrs := []slog.Attr{slog.String("method", r.Method), slog.String("route", route), slog.Int("status", status),
				slog.Int64("bytes", rec.bytes), slog.Duration("duration", d),
				slog.String("dialect", info.Dialect), slog.String("app", info.App)}
			if info.Err != nil {
				attrs = append(attrs, slog.String("err", info.Err.Error()))
			}
			s.log.LogAttrs(r.Context(), level, "request", attrs...)
		}
	})
}

// statusClientClosed is what the log and the metrics show for
// a request whose client closed the connection before the answer (nginx's
// 499): an aborted long poll or a closed tab is the client's doing.
const statusClientClosed = 499

// clientClosed reports whether a request answered with a 5xx failed only
// because its client went away: its context is canceled (the connection
// closed) and the handler's error, if it recorded one, is that
// cancellation. Such an answer reaches no one and is no server error.
func clientClosed(r *http.Request, status int) bool {
	err := httpx.InfoOf(r.Context()).Err
	return status >= 500 && errors.Is(r.Context().Err(), context.Canceled) &&
		(err == nil || errors.Is(err, context.Canceled))
}

// recoverer turns a handler panic into a logged 500 instead of a dropped
// connection.
func (s *server) recoverer(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.log.ErrorContext(r.Context(), "panic", "method", r.Method, "path", r.URL.Path, "panic", v)
				writePanic(w, r)
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// writePanic answers a panicked request with a 500 in the shape of the
// dialect whose prefix the path has (Parley's own shape elsewhere).
func writePanic(w http.ResponseWriter, r *http.Request) {
	ds := Dialects()
	if i := servingDialect(r.URL.Path, len(ds), func(i int) string { return ds[i].Prefix }); i >= 0 && ds[i].WriteError != nil {
		ds[i].WriteError(w, http.StatusInternalServerError, "internal error")
		return
	}
	writeStatus(w, http.StatusInternalServerError, "internal error")
}

// cors lets browser apps on the listed origins call every route: it answers
// preflights itself and sets the response headers on the rest. Requests
// from other origins pass without CORS headers (the browser then refuses
// them); requests without an Origin are not cross-origin at all.
func (s *server) cors(next http.Handler) http.Handler {
	all := slices.Contains(s.o.CORSOrigins, "*")
	allowed := func(origin string) bool {
		return all || slices.Contains(s.o.CORSOrigins, origin)
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		origin := r.Header.Get("Origin")
		if origin == "" {
			next.ServeHTTP(w, r)
			return
		}
		h := w.Header()
		h.Add("Vary", "Origin")
		preflight := r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != ""
		if !allowed(origin) {
			if preflight {
				w.WriteHeader(http.StatusNoContent)
				return
			}
			next.ServeHTTP(w, r)
			return
		}
		if all {
			h.Set("Access-Control-Allow-Origin", "*")
		} else {
			h.Set("Access-Control-Allow-Origin", origin)
			h.Set("Access-Control-Allow-Credentials", "true")
		}
		if !preflight {
			h.Set("Access-Control-Expose-Headers", "Retry-After, Content-Length, Content-Range, ETag, Location")
			next.ServeHTTP(w, r)
			return
		}
		h.Add("Vary", "Access-Control-Request-Method")
		h.Add("Vary", "Access-Control-Request-Headers")
		h.Set("Access-Control-Allow-Methods", "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS")
		if req := r.Header.Get("Access-Control-Request-Headers"); req != "" {
			h.Set("Access-Control-Allow-Headers", req) // every header the dialects read is allowed
		}
		h.Set("Access-Control-Max-Age", "600")
		w.WriteHeader(http.StatusNoContent)
	})
}

// limitBody caps request bodies by kind: small for JSON, the upload limit
// for file uploads (deadlines gives them more time), large for the admin
// API's fixture documents.
func (s *server) limitBody(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		max := s.o.MaxBodyBytes
		switch {
		case strings.HasPrefix(r.URL.Path, "/admin/"):
			max = s.o.MaxAdminBodyBytes
		case isFileBody(r.Header.Get("Content-Type")):
			max = s.o.MaxUploadBytes
		}
		r.Body = http.MaxBytesReader(w, r.Body, max)
		next.ServeHTTP(w, r)
	})
}

// clientAddr tells the core which address a request comes from, so that
// credential calls are rate-limited and failed guesses throttled per
// address. The admin API's calls are not rate-limited; its wrong admin
// tokens are throttled all the same.
func (s *server) clientAddr(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		host, _, err := net.SplitHostPort(r.RemoteAddr)
		if err != nil {
			host = r.RemoteAddr
		}
		if strings.HasPrefix(r.URL.Path, "/admin/") {
			r = r.WithContext(core.WithThrottleAddr(r.Context(), host))
		} else {
			r = r.WithContext(core.WithClientAddr(r.Context(), host))
		}
		next.ServeHTTP(w, r)
	})
}
