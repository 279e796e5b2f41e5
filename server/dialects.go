package server

import (
	"net/http"

	"parley/server/core"
	"parley/server/dialect/channelize"
)

// mountDialects adds each wire dialect under its prefix.
func mountDialects(mux *http.ServeMux, svc *core.Service) {
	mux.Handle("/v2/", channelize.New(svc))
}

// dialects names the dialect of each ServeMux pattern, for the request log
// and the metrics (add a line with each mount above).
var dialects = map[string]string{
	"/admin/v1/": "admin",
	"/v2/":       "channelize",
}
