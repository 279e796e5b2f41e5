package server

import (
	"net/http"

	"parley/server/core"
	"parley/server/dialect/amity"
	"parley/server/dialect/channelize"
	"parley/server/dialect/sceyt"
)

// mountDialects adds each wire dialect under its prefix.
func mountDialects(mux *http.ServeMux, svc *core.Service) {
	mux.Handle("/v2/", channelize.New(svc))
	mux.Handle("/v1/", sceyt.New(svc))
	mux.Handle("/api/", amity.New(svc))
}
