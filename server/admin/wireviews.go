package admin

import (
	"net/http"

	"github.com/julienschmidt/httprouter"

	"parley/server/core"
	"parley/server/httpx"
)

// messageWire answers one message as every dialect that renders messages
// sends it: {"channelize": {...}, ...}, by the dialects' own converters.
func (a *api) messageWire(w http.ResponseWriter, r *http.Request, c *core.Caller, p httprouter.Params) error {
	m, err := a.svc.GetMessage(r.Context(), c, p.ByName("msg"))
	if err != nil {
		return err
	}
	out := make(map[string]any, len(a.tools.Renderers)+1)
	for name, render := range a.tools.Renderers {
		out[name] = render(c.App(), m)
	}
	out["parley"] = toWireMessage(m)
	httpx.WriteJSON(w, http.StatusOK, out)
	return nil
}
