package admin

import (
	"net/http"
	"time"

	"github.com/julienschmidt/httprouter"

	"parley/server/core"
	"parley/server/httpx"
)

// wireHit is a message found by a search, with where it is.
type wireHit struct {
	ID           string    `json:"id"`
	Conversation string    `json:"conversation"`
	Team         string    `json:"team,omitempty"`
	From         string    `json:"from"`
	Body         string    `json:"body"`
	CreatedAt    time.Time `json:"createdAt"`
}

// search runs the full-text search over the app's messages: q holds words,
// "phrases" and prefix* terms; conversation narrows it to one; before
// pages on (a message id).
func (a *api) search(w http.ResponseWriter, r *http.Request, c *core.Caller, _ httprouter.Params) error {
	limit, err := httpx.QueryInt(r, "limit", 0)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	hits, err := a.svc.Search(r.Context(), c, core.SearchQuery{Text: q.Get("q"), ConversationID: q.Get("conversation"),
		BeforeID: q.Get("before"), Limit: limit})
	if err != nil {
		return err
	}
	out := make([]wireHit, len(hits))
	for i, h := range hits {
		out[i] = wireHit{ID: h.Message.ID, Conversation: h.Conversation.ID, Team: h.Conversation.TeamID,
			Body: h.Message.Body, CreatedAt: h.Message.CreatedAt}
		if h.Message.Owner != nil {
			out[i].From = h.Message.Owner.ID
		}
	}
	httpx.WriteJSON(w, http.StatusOK, out)
	return nil
}

// wireRevision is an earlier text of a message.
type wireRevision struct {
	Body       string    `json:"body"`
	WrittenAt  time.Time `json:"writtenAt"`
	Editor     string    `json:"editor"`
	ReplacedAt time.Time `json:"replacedAt"`
}

// listRevisions lists the earlier texts of a message, oldest first.
func (a *api) listRevisions(w http.ResponseWriter, r *http.Request, c *core.Caller, p httprouter.Params) error {
	revs, err := a.svc.ListRevisions(r.Context(), c, p.ByName("msg"))
	if err != nil {
		return err
	}
	out := make([]wireRevision, len(revs))
	for i, rv := range revs {
		out[i] = wireRevision{Body: rv.Body, WrittenAt: rv.WrittenAt, Editor: rv.EditorID, ReplacedAt: rv.ReplacedAt}
	}
	httpx.WriteJSON(w, http.StatusOK, out)
	return nil
}

// setTeamRole adds a user to a team or changes their role:
// {"role": "owner"|"admin"|"member"}.
func (a *api) setTeamRole(w http.ResponseWriter, r *http.Request, c *core.Caller, p httprouter.Params) error {
	var in struct {
		Role string `json:"role"`
	}
	if err := httpx.DecodeJSON(r, &in, true, false); err != nil {
		return err
	}
	if err := a.svc.SetTeamRole(r.Context(), c, p.ByName("team"), p.ByName("user"), core.Role(in.Role)); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
