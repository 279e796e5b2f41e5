package server

import (
	"net/http"

	"parley/server/core"
	"parley/server/dialect/appnet"
	"parley/server/dialect/channelize"
	"parley/server/dialect/sceyt"
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
}

// Dialects lists every wire dialect, one line each: a new dialect adds its
// line here.
func Dialects() []Dialect {
	return []Dialect{
		{Name: "channelize", Prefix: "/v2/", New: channelize.New, WriteError: channelize.WriteStatus, OpenAPI: channelize.OpenAPI},
		{Name: "sceyt", Prefix: "/v1/", New: sceyt.New, WriteError: sceyt.WriteStatus, OpenAPI: sceyt.OpenAPI},
		{Name: "appnet", Prefix: "/stream/0/", New: appnet.New, WriteError: appnet.WriteStatus, OpenAPI: appnet.OpenAPI},
	}
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
