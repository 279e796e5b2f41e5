package admin

import (
	"net/http"
	"time"

	"github.com/julienschmidt/httprouter"

	"parley/server/core"
	"parley/server/httpx"
)

// wireRetention is an app's retention: maxAge is a Go duration ("24h"),
// "" or 0 for unbounded; own says whether the app has bounds of its own
// (false: the instance's apply).
type wireRetention struct {
	MaxMessages int    `json:"maxMessages"`
	MaxAge      string `json:"maxAge"`
	Own         *bool  `json:"own,omitempty"`
}

func toWireRetention(r core.Retention, own bool) wireRetention {
	age := ""
	if r.MaxAge > 0 {
		age = r.MaxAge.String()
	}
	return wireRetention{MaxMessages: r.MaxMessages, MaxAge: age, Own: &own}
}

func (a *api) getRetention(w http.ResponseWriter, r *http.Request, c *core.Caller, p httprouter.Params) error {
	ret, own, err := a.svc.AppRetention(r.Context(), c)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, toWireRetention(ret, own))
	return nil
}

// setRetention gives the app its own bounds; {"own": false} returns it to
// the instance's.
func (a *api) setRetention(w http.ResponseWriter, r *http.Request, c *core.Caller, p httprouter.Params) error {
	var in wireRetention
	if err := httpx.DecodeJSON(r, &in, true, false); err != nil {
		return err
	}
	var ret core.Retention
	ret.MaxMessages = in.MaxMessages
	if in.MaxAge != "" && in.MaxAge != "0" {
		d, err := time.ParseDuration(in.MaxAge)
		if err != nil {
			return core.Invalidf("maxAge", "maxAge must be a duration such as 24h or 90m, not %q", in.MaxAge)
		}
		ret.MaxAge = d
	}
	own := in.Own == nil || *in.Own
	if err := a.svc.SetAppRetention(r.Context(), c, ret, own); err != nil {
		return err
	}
	ret, own, err := a.svc.AppRetention(r.Context(), c)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, toWireRetention(ret, own))
	return nil
}
