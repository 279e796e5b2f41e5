package admin

import (
	"net/http"

	"github.com/julienschmidt/httprouter"

	"parley/server/core"
	"parley/server/httpx"
	"parley/server/realtime"
)

// messageWire answers one message as every dialect that renders messages
// sends it: {"channelize": {...}, ...}, by the renderers of the event
// stream (the dialects' own converters). ?as=USER renders it as that user
// reads it (per-viewer fields such as Amity's myReactions), under that
// user's rights; without it, as the app's secret key reads it.
func (a *api) messageWire(w http.ResponseWriter, r *http.Request, c *core.Caller, p httprouter.Params) error {
	viewer, err := a.viewer(r, c)
	if err != nil {
		return err
	}
	m, err := a.svc.GetMessage(r.Context(), viewer, p.ByName("msg"))
	if err != nil {
		return err
	}
	rc := realtime.RenderContext{App: c.App(), BaseURL: httpx.BaseURL(r), Viewer: viewer.User()}
	out := make(map[string]any, len(a.tools.Renderers)+1)
	for name, render := range a.tools.Renderers {
		out[name] = render.Render(r.Context(), rc, m)
	}
	out["parley"] = toWireMessage(m)
	httpx.WriteJSON(w, http.StatusOK, out)
	return nil
}

// actionIn is the body of POST /apps/{app}/messages/{id}/actions: one
// thing a user does to a message, under that user's own rights.
type actionIn struct {
	As     string  `json:"as"`     // the acting user's id
	Action string  `json:"action"` // react, unreact, edit, recall, read
	Name   string  `json:"name"`   // the reaction (react, unreact)
	Body   *string `json:"body"`   // the new text (edit)
}

// messageAction lets the inspector act on a message as one of the app's
// users: react, unreact, edit, recall or mark read up to it; each is one
// core call, so the core's rules decide as for any dialect. It answers the
// message as it now is.
func (a *api) messageAction(w http.ResponseWriter, r *http.Request, c *core.Caller, p httprouter.Params) error {
	var in actionIn
	if err := httpx.DecodeJSON(r, &in, true, false); err != nil {
		return err
	}
	if in.As == "" {
		return core.Invalidf("as", "as names the user who acts")
	}
	token := bearerToken(r)
	as, err := a.svc.Authenticate(r.Context(), core.Credential{Kind: core.CredAdmin, Secret: token, AppID: c.App().ID, ActAs: in.As})
	if err != nil {
		return err
	}
	id := p.ByName("msg")
	switch in.Action {
	case "react":
		err = a.svc.AddReaction(r.Context(), as, id, in.Name)
	case "unreact":
		err = a.svc.RemoveReaction(r.Context(), as, id, in.Name)
	case "edit":
		if in.Body == nil {
			return core.Invalidf("body", "an edit needs the new body")
		}
		_, err = a.svc.EditMessage(r.Context(), as, id, core.EditInput{Body: in.Body})
	case "recall":
		_, err = a.svc.Recall(r.Context(), as, []string{id})
	case "read":
		var m *core.Message
		if m, err = a.svc.GetMessage(r.Context(), as, id); err == nil {
			err = a.svc.MarkRead(r.Context(), as, m.ConversationID, core.ReadInput{MessageID: m.ID})
		}
	default:
		return core.Invalidf("action", "action must be react, unreact, edit, recall or read, not %q", in.Action)
	}
	if err != nil {
		return err
	}
	m, err := a.svc.GetMessage(r.Context(), c, id)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, toWireMessage(m))
	return nil
}
