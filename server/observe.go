package server

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	"parley/server/core"
	"parley/server/fault"
	"parley/server/journal"
)

// observer is the middleware of Parley's test toolkit: it names the
// dialect of each request for the core (messages remember it), keeps the
// request journal, and applies fault rules. With the journal off and no
// fault rule it only puts the dialect's name in the request's context.
type observer struct {
	svc      *core.Service
	journal  *journal.Journal // nil: off
	faults   *fault.Set
	dialects []observed
}

type observed struct {
	Dialect
	routes *routeTable
}

func newObserver(svc *core.Service, j *journal.Journal, f *fault.Set) *observer {
	o := &observer{svc: svc, journal: j, faults: f}
	for _, d := range Dialects() {
		rt, err := newRouteTable(d.OpenAPI)
		if err != nil {
			panic("server: " + d.Name + ": " + err.Error()) // a test reads every document
		}
		o.dialects = append(o.dialects, observed{d, rt})
	}
	return o
}

// dialect returns the dialect serving path (see servingDialect).
func (o *observer) dialect(path string) *observed {
	if i := servingDialect(path, len(o.dialects), func(i int) string { return o.dialects[i].Prefix }); i >= 0 {
		return &o.dialects[i]
	}
	return nil
}

// untraced paths are Parley's own: never journaled nor faulted.
func untraced(path string) bool {
	return strings.HasPrefix(path, "/admin/") || strings.HasPrefix(path, "/events") || path == "/healthz" || path == "/readyz"
}

func (o *observer) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		d := o.dialect(r.URL.Path)
		tr := &core.Trace{}
		if d != nil {
			tr.Dialect = d.Name
		} else if strings.HasPrefix(r.URL.Path, "/admin/") {
			tr.Dialect = "admin"
		}
		faults := d != nil && o.faults.Any()
		if (o.journal == nil && !faults) || untraced(r.URL.Path) {
			next.ServeHTTP(w, r.WithContext(core.WithTrace(r.Context(), tr)))
			return
		}
		o.serve(w, r, d, tr, faults, next)
	})
}

// serve runs one journaled or faulted request.
func (o *observer) serve(w http.ResponseWriter, r *http.Request, d *observed, tr *core.Trace, faults bool, next http.Handler) {
	start := time.Now()
	route := ""
	if d != nil {
		route = d.routes.match(r.Method, r.URL.Path)
	}
	max := 0
	if o.journal != nil {
		max = o.journal.BodyMax()
	}
	rec := &recorder{ResponseWriter: w, status: http.StatusOK, max: max}
	var fired *fault.Rule
	if faults {
		var tried fault.Tried
		tr.OnCaller = func(tr *core.Trace) error {
			if fired != nil && fired.Answers() {
				return errFaulted // whatever the handler tries next
			}
			rule, ok := o.faults.Decide(tr.AppID, d.Name, r.Method, route, tr.UserID, &tried)
			if !ok {
				return nil
			}
			fired = &rule
			if rule.Latency > 0 {
				t := time.NewTimer(rule.Latency)
				select {
				case <-t.C:
				case <-r.Context().Done():
					t.Stop()
				}
			}
			if rule.Answers() {
				// The handler gets an authentication error before any
				// write, and what it answers is dropped for the rule's.
				rec.suppress.Store(true)
				return errFaulted
			}
			return nil
		}
	}
	var body *capture
	if o.journal != nil && r.Body != nil && r.Body != http.NoBody {
		body = &capture{ReadCloser: r.Body, max: max}
		r.Body = body
	}
	r = r.WithContext(core.WithTrace(r.Context(), tr))
	next.ServeHTTP(rec, r)
	cut := false
	if fired != nil && fired.Answers() {
		cut = fired.Cut || rec.wrote // an answer begun before the fault cannot be replaced
		if body != nil {
			// The handler may not have read the body: the journal shows it.
			_, _ = io.CopyN(io.Discard, body, int64(max))
		}
		if !cut {
			rec.suppress.Store(false)
			rec.buf, rec.n = rec.buf[:0], 0
			msg := fired.Message
			if msg == "" {
				msg = "injected fault " + fired.ID
			}
			d.WriteError(rec, fired.Status, msg)
		}
	}
	if o.journal != nil {
		o.record(r, d, tr, route, rec, body, fired, cut, start)
	}
	if cut {
		panic(http.ErrAbortHandler) // net/http closes the connection, answering nothing
	}
}

// errFaulted is the authentication error a request answered by a fault
// rule gets; its dialect's rendering of it is dropped.
var errFaulted = core.Errorf(core.EUNAUTHENTICATED, "answered by a fault rule")

func (o *observer) record(r *http.Request, d *observed, tr *core.Trace, route string, rec *recorder, body *capture, fired *fault.Rule, cut bool, start time.Time) {
	if tr.AppID == "" {
		// An unmatched route or a refused credential: the public key, when
		// sent, still names the app whose journal should show it.
		tr.OnCaller = nil
		for _, h := range []string{"Public-Key", "X-Api-Key"} {
			if key := r.Header.Get(h); key != "" {
				_, _ = o.svc.Authenticate(r.Context(), core.Credential{Kind: core.CredNone, PublicKey: key})
				break
			}
		}
	}
	e := journal.Entry{Time: start, AppID: tr.AppID, Dialect: tr.Dialect, Method: r.Method, Route: route,
		Path: r.URL.Path, Status: rec.status, Duration: time.Since(start), UserID: tr.UserID, Cut: cut,
		Truncated: rec.n > len(rec.buf)}
	raw := journal.Raw{Headers: r.Header, Query: r.URL.RawQuery, Response: rec.buf, Secrets: tr.Secrets}
	if cut {
		e.Status = 0
	}
	if body != nil {
		raw.Request = body.buf
		e.Truncated = e.Truncated || body.n > len(body.buf)
	}
	if fired != nil {
		e.Fault = fired.ID
	}
	if d == nil {
		e.Dialect = ""
	}
	o.journal.Add(e, raw)
}

// capture keeps the first max bytes of a request body as the handler reads it.
type capture struct {
	io.ReadCloser
	buf []byte
	max int
	n   int
}

func (c *capture) Read(p []byte) (int, error) {
	n, err := c.ReadCloser.Read(p)
	if room := c.max - len(c.buf); room > 0 {
		c.buf = append(c.buf, p[:min(n, room)]...)
	}
	c.n += n
	return n, err
}

// recorder remembers the status and the first max bytes of the answer.
// While suppress is set (a fault rule answers instead), what the handler
// writes is dropped.
type recorder struct {
	http.ResponseWriter
	suppress atomic.Bool
	status   int
	wrote    bool
	buf      []byte
	max      int
	n        int
}

func (r *recorder) WriteHeader(code int) {
	if r.suppress.Load() {
		return
	}
	if !r.wrote {
		r.status, r.wrote = code, true
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *recorder) Write(b []byte) (int, error) {
	if r.suppress.Load() {
		return len(b), nil
	}
	if !r.wrote {
		r.WriteHeader(http.StatusOK)
	}
	if room := r.max - len(r.buf); room > 0 {
		r.buf = append(r.buf, b[:min(len(b), room)]...)
	}
	r.n += len(b)
	return r.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection (flushes,
// hijacks for WebSockets).
func (r *recorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// Flush passes flushes on (server-sent events).
func (r *recorder) Flush() {
	if r.suppress.Load() {
		return
	}
	if f, ok := r.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// Hijack hands the connection over (WebSocket libraries that assert
// http.Hijacker rather than use http.ResponseController); the journal
// records it as 101 Switching Protocols.
func (r *recorder) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	c, rw, err := http.NewResponseController(r.ResponseWriter).Hijack()
	if err == nil && !r.wrote {
		r.status, r.wrote = http.StatusSwitchingProtocols, true
	}
	return c, rw, err
}
