package realtime

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"parley/server/core"
	"parley/server/httpx"
)

// HandlerOptions configure the event stream endpoint.
type HandlerOptions struct {
	// Renderers render message payloads per dialect (?dialect=NAME).
	Renderers map[string]Renderer
	// Heartbeat is how often an idle stream shows it is alive, to the
	// client and to proxies that close quiet connections (25 s when 0).
	Heartbeat time.Duration
	// Buffer is each stream's subscription buffer (DefaultBuffer when 0).
	Buffer int
	// WriteTimeout bounds one write to a client (10 s when 0).
	WriteTimeout time.Duration
	Logger       *slog.Logger
}

// NewHandler returns GET /events: one stream of every event the caller may
// see, as Server-Sent Events, or as WebSocket messages when the request
// asks to upgrade. docs/events.md describes it.
func NewHandler(svc *core.Service, hub *Hub, o HandlerOptions) http.Handler {
	if o.Heartbeat <= 0 {
		o.Heartbeat = 25 * time.Second
	}
	if o.WriteTimeout <= 0 {
		o.WriteTimeout = 10 * time.Second
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	return &handler{svc: svc, hub: hub, o: o}
}

type handler struct {
	svc *core.Service
	hub *Hub
	o   HandlerOptions
}

// streamRequest is what a client asks of its stream.
type streamRequest struct {
	watch   core.WatchInput
	dialect string // "" for Parley's own message shape
	render  Renderer
	rc      RenderContext   // the stream's base URL and viewer
	key     string          // the shared encoding's cache key: dialect and base URL
	own     bool            // the rendering is this viewer's own: never shared
	types   map[string]bool // nil: every type
	resume  bool
	after   uint64
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	// Any page may open a stream: the credential is a token the page holds,
	// never a cookie, so another site cannot ride on a visitor's session.
	w.Header().Set("Access-Control-Allow-Origin", "*")
	if r.Method == http.MethodOptions { // a CORS preflight (fetch-based EventSource polyfills)
		w.Header().Set("Access-Control-Allow-Methods", "GET")
		w.Header().Set("Access-Control-Allow-Headers", "Authorization, Last-Event-ID")
		w.Header().Set("Access-Control-Max-Age", "86400")
		w.WriteHeader(http.StatusNoContent)
		return
	}
	if r.Method != http.MethodGet {
		w.Header().Set("Allow", "GET")
		writeError(w, http.StatusMethodNotAllowed, "method", "use GET")
		return
	}
	req, err := h.parse(r)
	if err != nil {
		writeCoreError(w, err)
		return
	}
	watch, err := h.svc.Watch(r.Context(), req.watch)
	if err != nil {
		writeCoreError(w, err)
		return
	}
	req.rc.Viewer = watch.User
	req.own = req.render.PerViewer && watch.User != nil
	sub := h.hub.Subscribe(watch, SubscribeOptions{Buffer: h.o.Buffer, Resume: req.resume, After: req.after})
	defer sub.Close()
	// The user is online while the stream is open (member lists show it).
	defer h.svc.HoldPresence(watch)()
	// A stream outlives the server's read and write timeouts, which are
	// meant for requests: lift them (a hijacked WebSocket would keep them).
	// Each write sets its own deadline instead.
	rc := http.NewResponseController(w)
	_ = rc.SetReadDeadline(time.Time{})
	_ = rc.SetWriteDeadline(time.Time{})
	if isWebSocket(r) {
		h.serveWebSocket(w, r, sub, req)
		return
	}
	h.serveSSE(w, r, sub, req)
}

func (h *handler) parse(r *http.Request) (*streamRequest, error) {
	q := r.URL.Query()
	req := &streamRequest{watch: core.WatchInput{AppID: q.Get("app"), ConversationID: q.Get("conversation")}}
	if auth := r.Header.Get("Authorization"); auth != "" {
		scheme, token, ok := strings.Cut(auth, " ")
		if !ok || !strings.EqualFold(scheme, "Bearer") {
			return nil, core.Errorf(core.EUNAUTHENTICATED, "use Authorization: Bearer TOKEN")
		}
		req.watch.Credential = strings.TrimSpace(token)
	} else {
		// Browsers cannot set headers on EventSource or WebSocket.
		req.watch.Credential = q.Get("access_token")
	}
	if d := q.Get("dialect"); d != "" && d != "parley" {
		if req.render = h.o.Renderers[d]; req.render.Render == nil {
			return nil, core.Invalidf("dialect", "unknown dialect %q (one of: %s)", d, h.dialectNames())
		}
		req.dialect = d
		req.rc.BaseURL = httpx.BaseURL(r)
		// Links differ by the host the stream was opened at: streams
		// share an encoding only when they would write the same bytes.
		req.key = d + "\x00" + req.rc.BaseURL
	}
	if t := q.Get("types"); t != "" {
		req.types = make(map[string]bool)
		for _, typ := range strings.Split(t, ",") {
			typ = strings.TrimSpace(typ)
			if !slices.Contains(core.EventTypes, typ) {
				return nil, core.Invalidf("types", "unknown event type %q", typ)
			}
			req.types[typ] = true
		}
	}
	last := r.Header.Get("Last-Event-ID")
	if last == "" {
		last = q.Get("lastEventId")
	}
	if last != "" {
		id, err := strconv.ParseUint(last, 10, 64)
		if err != nil {
			return nil, core.Invalidf("Last-Event-ID", "an event id is a number")
		}
		req.resume, req.after = true, id
	}
	return req, nil
}

// wants reports whether the client asked for events of e's type.
func (req *streamRequest) wants(e *Event) bool { return req.types == nil || req.types[e.Type] }

// encoded returns e's envelope in the stream's dialect, encoded once for
// every stream of that dialect and base URL; a per-viewer rendering is
// made for this stream alone (kept, it would grow every buffered event by
// one copy per viewer).
func (req *streamRequest) encoded(ctx context.Context, e *Event) ([]byte, error) {
	enc := func() ([]byte, error) { return encode(ctx, e, req.render.Render, req.rc) }
	if req.own {
		return enc()
	}
	return e.Encoded(req.key, enc)
}

// sink is one transport's way of writing a stream.
type sink interface {
	event(ctx context.Context, id uint64, data []byte) error
	heartbeat(ctx context.Context) error
	// end sends the closing event (reason) and ends the stream.
	end(ctx context.Context, reason string)
}

// pump writes sub's events to s until the client leaves or the
// subscription ends (slow client, shutdown).
func (h *handler) pump(ctx context.Context, sub *Subscription, req *streamRequest, s sink) {
	if sub.Reset {
		if s.event(ctx, sub.LastID, control(TypeReset, sub.LastID, "", h.svc.Now())) != nil {
			return
		}
	}
	tick := time.NewTicker(h.o.Heartbeat)
	defer tick.Stop()
	for {
		select {
		case e, ok := <-sub.C:
			if !ok {
				s.end(ctx, sub.Reason())
				return
			}
			if !req.wants(e) {
				continue
			}
			b, err := req.encoded(ctx, e)
			if err != nil {
				h.o.Logger.Error("events: encode", "type", e.Type, "err", err)
				continue
			}
			if s.event(ctx, e.ID, b) != nil {
				return
			}
		case <-tick.C:
			if s.heartbeat(ctx) != nil {
				return
			}
		case <-ctx.Done():
			return
		}
	}
}

// dialectNames lists the names ?dialect= takes, sorted.
func (h *handler) dialectNames() string {
	names := []string{"parley"}
	for name := range h.o.Renderers {
		names = append(names, name)
	}
	slices.Sort(names)
	return strings.Join(names, ", ")
}

// statuses maps core error codes to HTTP statuses: the one table.
var statuses = map[string]int{
	core.EINVALID:         http.StatusBadRequest,
	core.EUNAUTHENTICATED: http.StatusUnauthorized,
	core.EFORBIDDEN:       http.StatusForbidden,
	core.ENOTFOUND:        http.StatusNotFound,
	core.ERATELIMIT:       http.StatusTooManyRequests,
}

func writeCoreError(w http.ResponseWriter, err error) {
	code := core.ErrorCode(err)
	status, ok := statuses[code]
	if !ok {
		status, code = http.StatusInternalServerError, core.EINTERNAL
	}
	if d := core.RetryAfter(err); d > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(int(d/time.Second)))
	}
	writeError(w, status, code, core.ErrorMessage(err))
}

// writeError writes {"error": {"code", "message"}}, Parley's own envelope.
func writeError(w http.ResponseWriter, status int, code, message string) {
	var body struct {
		Error struct {
			Code    string `json:"code"`
			Message string `json:"message"`
		} `json:"error"`
	}
	body.Error.Code, body.Error.Message = code, message
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="parley"`)
	}
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(body)
}
