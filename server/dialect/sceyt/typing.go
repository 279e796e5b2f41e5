package sceyt

import (
	"net/http"

	"github.com/julienschmidt/httprouter"

	"parley/server/core"
)

// Typing indicators: from (body or query) starts or stops typing in a
// channel; the core keeps the state in memory and ends it by itself.

func (a *api) startTyping(w http.ResponseWriter, r *http.Request, c *core.Caller, p httprouter.Params) error {
	return a.typing(w, r, c, p, true)
}

func (a *api) stopTyping(w http.ResponseWriter, r *http.Request, c *core.Caller, p httprouter.Params) error {
	return a.typing(w, r, c, p, false)
}

func (a *api) typing(w http.ResponseWriter, r *http.Request, c *core.Caller, p httprouter.Params, on bool) error {
	from, err := fromBodyOrQuery(r)
	if err != nil {
		return err
	}
	if c, err = a.as(r, c, from, false); err != nil {
		return err
	}
	set := a.svc.StopTyping
	if on {
		set = a.svc.StartTyping
	}
	if err := set(r.Context(), c, p.ByName("channelId")); err != nil {
		return err
	}
	return noContent(w)
}
