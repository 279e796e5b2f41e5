package server

import (
	"net/http"

	"parley/server/core"
)

// mountDialects adds each wire dialect under its prefix.
func mountDialects(mux *http.ServeMux, svc *core.Service) {
	_ = svc
	_ = mux
}
