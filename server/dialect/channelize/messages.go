package channelize

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/julienschmidt/httprouter"

	"parley/server/core"
	"parley/server/httpx"
)

// Channelize's Messages docs: the messages of a conversation and what users do with them.

func (a *api) listMessages(w http.ResponseWriter, r *http.Request, c *core.Caller, p httprouter.Params) error {
	q, err := messageQuery(r, true)
	if err != nil {
		return err
	}
	pg, err := a.svc.ListMessages(r.Context(), c, p.ByName("id"), q)
	if err != nil {
		return err
	}
	return a.pages.writePage(w, pg.Items)
}

func (a *api) countMessages(w http.ResponseWriter, r *http.Request, c *core.Caller, p httprouter.Params) error {
	q, err := messageQuery(r, false)
	if err != nil {
		return err
	}
	n, err := a.svc.CountMessages(r.Context(), c, p.ByName("id"), q)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, count{n})
	return nil
}

// messageQuery reads the documented filters; paged adds sort, limit (default
// 50) and skip. Recall tombstones are listed (isDeleted: true), as
// Channelize clients show "message deleted" in their place.
func messageQuery(r *http.Request, paged bool) (core.MessageQuery, error) {
	v := r.URL.Query()
	q := core.MessageQuery{IDs: queryList(v, "ids"), CustomTypes: queryList(v, "customTypes"),
		AttachmentTypes: queryList(v, "attachmentTypes"), OwnerIDs: queryList(v, "ownerIds"),
		ParentID: strings.TrimSpace(v.Get("parentId")), IncludeDeleted: true}
	for _, t := range queryList(v, "types") {
		q.Types = append(q.Types, core.MessageType(t))
	}
	var err error
	if q.ShowInConv, err = httpx.QueryBool(r, "showInConversation"); err != nil {
		return q, err
	}
	if q.Pinned, err = httpx.QueryBool(r, "pinned"); err != nil {
		return q, err
	}
	if !paged {
		return q, nil
	}
	asc, err := parseSort(v.Get("sort"))
	if err != nil {
		return q, err
	}
	if q.Page, err = httpx.Page(r, 50); err != nil {
		return q, err
	}
	q.Page.Reverse = asc // the core's list runs newest first
	return q, nil
}

// queryList reads a multi-valued filter in both forms clients send:
// comma-separated (ids=a,b, as documented) and repeated with brackets
// (ids[]=a&ids[]=b, axios's).
func queryList(v url.Values, name string) []string {
	var out []string
	for _, key := range []string{name, name + "[]"} {
		for _, raw := range v[key] {
			for _, s := range strings.Split(raw, ",") {
				if s = strings.TrimSpace(s); s != "" {
					out = append(out, s)
				}
			}
		}
	}
	return out
}

// parseSort reads "updatedAt DESC" (the default) and its kin, and reports
// whether the order is ascending. createdAt (the SDK's) and updatedAt both
// mean the conversation's order of messages: the core has one.
func parseSort(s string) (ascending bool, err error) {
	f := strings.Fields(s)
	if len(f) == 0 {
		return false, nil
	}
	bad := core.Invalidf("sort", "sort must be updatedAt or createdAt, then ASC or DESC; not %q", s)
	if len(f) > 2 || (!strings.EqualFold(f[0], "updatedAt") && !strings.EqualFold(f[0], "createdAt")) {
		return false, bad
	}
	if len(f) == 1 || strings.EqualFold(f[1], "ASC") {
		return true, nil
	}
	if strings.EqualFold(f[1], "DESC") {
		return false, nil
	}
	return false, bad
}

func (a *api) sendMessage(w http.ResponseWriter, r *http.Request, c *core.Caller, _ httprouter.Params) error {
	var in sendIn
	if err := httpx.DecodeJSON(r, &in, false, false); err != nil {
		return err
	}
	si, err := in.core()
	if err != nil {
		return err
	}
	// A retry of a stored id gets the first answer again: 201 and the message.
	m, _, err := a.svc.SendMessage(r.Context(), c, si)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusCreated, toWireMessage(m))
	return nil
}

// broadcast sends one message to each of userIds (their direct
// conversations with the caller), or to one conversation of
// conversationIds. Client ids are dropped: one id cannot name several
// messages.
func (a *api) broadcast(w http.ResponseWriter, r *http.Request, c *core.Caller, _ httprouter.Params) error {
	var in sendIn
	if err := httpx.DecodeJSON(r, &in, false, false); err != nil {
		return err
	}
	si, err := in.core()
	if err != nil {
		return err
	}
	if _, err := a.svc.Broadcast(r.Context(), c, si, core.Targets{ConversationIDs: in.ConversationIDs, UserIDs: in.UserIDs}); err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, []struct{}{})
	return nil
}

func (a *api) forward(w http.ResponseWriter, r *http.Request, c *core.Caller, _ httprouter.Params) error {
	var in idsIn
	if err := httpx.DecodeJSON(r, &in, false, false); err != nil {
		return err
	}
	if _, err := a.svc.Forward(r.Context(), c, in.MessageIDs, core.Targets{ConversationIDs: in.ConversationIDs, UserIDs: in.UserIDs}); err != nil {
		return err
	}
	return noContent(w)
}

func (a *api) deleteForMe(w http.ResponseWriter, r *http.Request, c *core.Caller, _ httprouter.Params) error {
	var in idsIn
	if err := httpx.DecodeJSON(r, &in, false, false); err != nil {
		return err
	}
	if err := a.svc.DeleteForMe(r.Context(), c, in.MessageIDs); err != nil {
		return err
	}
	return noContent(w)
}

func (a *api) deleteForEveryone(w http.ResponseWriter, r *http.Request, c *core.Caller, _ httprouter.Params) error {
	var in idsIn
	if err := httpx.DecodeJSON(r, &in, false, false); err != nil {
		return err
	}
	if _, err := a.svc.Recall(r.Context(), c, in.MessageIDs); err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, []struct{}{})
	return nil
}

func (a *api) unreadCount(w http.ResponseWriter, r *http.Request, c *core.Caller, _ httprouter.Params) error {
	n, err := a.svc.UnreadTotal(r.Context(), c)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, count{n})
	return nil
}

func (a *api) addReaction(w http.ResponseWriter, r *http.Request, c *core.Caller, p httprouter.Params) error {
	var in reactionIn
	if err := httpx.DecodeJSON(r, &in, false, false); err != nil {
		return err
	}
	if err := a.svc.AddReaction(r.Context(), c, p.ByName("id"), in.Type); err != nil {
		return err
	}
	return noContent(w)
}

func (a *api) removeReaction(w http.ResponseWriter, r *http.Request, c *core.Caller, p httprouter.Params) error {
	var in reactionIn
	if err := httpx.DecodeJSON(r, &in, false, false); err != nil {
		return err
	}
	if err := a.svc.RemoveReaction(r.Context(), c, p.ByName("id"), in.Type); err != nil {
		return err
	}
	return noContent(w)
}

func (a *api) listReactions(w http.ResponseWriter, r *http.Request, c *core.Caller, p httprouter.Params) error {
	pg, err := httpx.Page(r, 25)
	if err != nil {
		return err
	}
	users, err := a.svc.ListReactions(r.Context(), c, p.ByName("id"), r.URL.Query().Get("type"), pg)
	if err != nil {
		return err
	}
	out := make([]wireOwner, len(users.Items))
	for i, u := range users.Items {
		out[i] = *toWireOwner(u)
	}
	httpx.WriteJSON(w, http.StatusOK, out)
	return nil
}

// pin and unpin take no body: the SDK sends an empty form-encoded one,
// which is never read.
func (a *api) pin(w http.ResponseWriter, r *http.Request, c *core.Caller, p httprouter.Params) error {
	if _, err := a.svc.Pin(r.Context(), c, p.ByName("id")); err != nil {
		return err
	}
	return noContent(w)
}

func (a *api) unpin(w http.ResponseWriter, r *http.Request, c *core.Caller, p httprouter.Params) error {
	if _, err := a.svc.Unpin(r.Context(), c, p.ByName("id")); err != nil {
		return err
	}
	return noContent(w)
}
