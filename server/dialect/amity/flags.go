package amity

import (
	"net/http"

	"github.com/julienschmidt/httprouter"

	"parley/server/core"
)

// Flags: moderation kept by the core. Flag and unflag answer the message
// with its new flagCount.

func (a *api) flagMessage(w http.ResponseWriter, r *http.Request, c *core.Caller, p httprouter.Params) error {
	m, err := a.svc.FlagMessage(r.Context(), c, p.ByName("messageId"))
	if err != nil {
		return err
	}
	return ok(w, messagesV3(c, m))
}

func (a *api) unflagMessage(w http.ResponseWriter, r *http.Request, c *core.Caller, p httprouter.Params) error {
	m, err := a.svc.UnflagMessage(r.Context(), c, p.ByName("messageId"))
	if err != nil {
		return err
	}
	return ok(w, messagesV3(c, m))
}

func (a *api) clearFlags(w http.ResponseWriter, r *http.Request, c *core.Caller, p httprouter.Params) error {
	m, err := a.svc.ClearFlags(r.Context(), c, p.ByName("messageId"))
	if err != nil {
		return err
	}
	return ok(w, messagesV3(c, m))
}

func (a *api) isFlaggedByMe(w http.ResponseWriter, r *http.Request, c *core.Caller, p httprouter.Params) error {
	flagged, err := a.svc.IsFlaggedByMe(r.Context(), c, p.ByName("messageId"))
	if err != nil {
		return err
	}
	type data struct {
		Result bool `json:"result"`
	}
	return ok(w, struct {
		Status string `json:"status"`
		Data   data   `json:"data"`
	}{"success", data{flagged}})
}
