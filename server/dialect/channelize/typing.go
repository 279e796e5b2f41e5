package channelize

import (
	"net/http"

	"github.com/julienschmidt/httprouter"

	"parley/server/core"
	"parley/server/httpx"
)

// typingIn is the body of send_typing_status, as the SDK's startTyping and
// stopTyping send it.
type typingIn struct {
	IsTyping *bool `json:"isTyping"`
}

// sendTypingStatus starts or stops the caller's typing indicator; it stops
// by itself a few seconds after the last start.
func (a *api) sendTypingStatus(w http.ResponseWriter, r *http.Request, c *core.Caller, p httprouter.Params) error {
	var in typingIn
	if err := httpx.DecodeJSON(r, &in, false, false); err != nil {
		return err
	}
	if in.IsTyping == nil {
		return core.Invalidf("isTyping", "isTyping is required")
	}
	typing := a.svc.StopTyping
	if *in.IsTyping {
		typing = a.svc.StartTyping
	}
	if err := typing(r.Context(), c, p.ByName("id")); err != nil {
		return err
	}
	return noContent(w)
}
