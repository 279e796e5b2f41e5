package server

import (
	"net/http"
	"strings"

	"parley/server/core"
	"parley/server/dialect/amity"
	"parley/server/dialect/appnet"
	"parley/server/dialect/channelize"
	"parley/server/dialect/cowork"
	"parley/server/dialect/sceyt"
	"parley/server/realtime"
)

// Dialect is one wire dialect the server mounts.
type Dialect struct {
	Name   string // as the journal, fault rules and messages name it
	Prefix string // the mux pattern it serves, e.g. "/v2/"
	New    func(*core.Service) http.Handler
	// WriteError writes an error of any status in the dialect's own shape:
	// fault rules answer with it.
	WriteError func(w http.ResponseWriter, status int, message string)
	// OpenAPI is the dialect's OpenAPI 3 document (JSON), served at
	// Prefix+"openapi.json". Its paths name the routes in the journal and
	// in fault rules, and a test holds it to the router.
	OpenAPI []byte
	// RenderMessage renders a message in the dialect's wire shape for the
	// event stream (GET /events?dialect=Name) and the inspector, by the
	// converter of the dialect's own GET of a message; nil: it has none.
	RenderMessage realtime.MessageRenderer
	// RenderPerViewer says RenderMessage's answer depends on the viewer
	// (RenderContext.Viewer), so streams cannot share it.
	RenderPerViewer bool
}

// Dialects lists every wire dialect, one line each: a new dialect adds its
// line here.
func Dialects() []Dialect {
	return []Dialect{
		{Name: "channelize", Prefix: "/v2/", New: channelize.New, WriteError: channelize.WriteStatus, OpenAPI: channelize.OpenAPI,
			RenderMessage: channelize.RenderMessage},
		{Name: "sceyt", Prefix: "/v1/", New: sceyt.New, WriteError: sceyt.WriteStatus, OpenAPI: sceyt.OpenAPI,
			RenderMessage: sceyt.RenderMessage},
		{Name: "appnet", Prefix: "/stream/0/", New: appnet.New, WriteError: appnet.WriteStatus, OpenAPI: appnet.OpenAPI,
			RenderMessage: appnet.RenderMessage},
		{Name: "cowork", Prefix: "/api/cowork/", New: cowork.New, WriteError: cowork.WriteStatus, OpenAPI: cowork.OpenAPI,
			RenderMessage: cowork.RenderMessage},
		// Amity's /api/ holds CoWork's /api/cowork/: see servingDialect.
		{Name: "amity", Prefix: "/api/", New: amity.New, WriteError: amity.WriteStatus, OpenAPI: amity.OpenAPI,
			RenderMessage: amity.RenderMessage, RenderPerViewer: true},
	}
}

// servingDialect returns the index of the dialect (of n, prefix(i) being
// each one's prefix) that serves path, -1 for none: the longest prefix of
// the path, as the ServeMux decides. Prefixes nest (CoWork's /api/cowork/
// lies inside Amity's /api/), so the table's order must not decide.
func servingDialect(path string, n int, prefix func(i int) string) int {
	best := -1
	for i := range n {
		if p := prefix(i); strings.HasPrefix(path, p) && (best < 0 || len(p) > len(prefix(best))) {
			best = i
		}
	}
	return best
}

// mountDialects adds each wire dialect under its prefix, with its OpenAPI
// document beside it.
func mountDialects(mux *http.ServeMux, svc *core.Service) {
	for _, d := range Dialects() {
		mux.Handle(d.Prefix, d.New(svc))
		if d.OpenAPI != nil {
			mux.Handle("GET "+d.Prefix+"openapi.json", serveDocument(d.OpenAPI))
		}
	}
}

// eventRenderers are the dialects' message renderers for the event stream
// (GET /events?dialect=NAME), by name.
func eventRenderers() map[string]realtime.Renderer {
	out := make(map[string]realtime.Renderer)
	for _, d := range Dialects() {
		if d.RenderMessage != nil {
			out[d.Name] = realtime.Renderer{Render: d.RenderMessage, PerViewer: d.RenderPerViewer}
		}
	}
	return out
}

// dialects names the dialect of each ServeMux pattern, for the request log
// and the metrics (add a line with each mount above).
var dialects = map[string]string{
	"/admin/v1/":   "admin",
	"/v2/":         "channelize",
	"/v1/":         "sceyt",
	"/stream/0/":   "appnet",
	"/api/cowork/": "cowork",
	"/api/":        "amity",
}
