package server

import (
	"net/http"

	"parley/server/core"
	"parley/server/dialect/channelize"
	"parley/server/dialect/sceyt"
	"parley/server/realtime"
)

// mountDialects adds each wire dialect under its prefix.
func mountDialects(mux *http.ServeMux, svc *core.Service) {
	mux.Handle("/v2/", channelize.New(svc))
	mux.Handle("/v1/", sceyt.New(svc))
}

// eventRenderers render the event stream's message payloads in each
// dialect's wire shape (GET /events?dialect=NAME), one line per dialect.
func eventRenderers() map[string]realtime.MessageRenderer {
	return map[string]realtime.MessageRenderer{
		"channelize": channelize.RenderMessage,
	}
}
