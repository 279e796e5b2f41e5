package channelize

import (
	"net/http"
	"slices"

	"github.com/julienschmidt/httprouter"

	"parley/server/core"
	"parley/server/httpx"
)

// The conversation calls the SDK makes around messages.

func (a *api) listConversations(w http.ResponseWriter, r *http.Request, c *core.Caller, _ httprouter.Params) error {
	kinds, none, err := conversationKinds(r)
	if err != nil {
		return err
	}
	pg, err := httpx.Page(r, 25)
	if err != nil {
		return err
	}
	out := []wireConversation{}
	if none { // e.g. type=public&isGroup=false: nothing can match
		httpx.WriteJSON(w, http.StatusOK, out)
		return nil
	}
	convs, err := a.svc.ListConversations(r.Context(), c, core.ConversationQuery{Kinds: kinds, Page: pg})
	if err != nil {
		return err
	}
	for _, conv := range convs.Items {
		out = append(out, toWireConversation(conv, nil, c))
	}
	httpx.WriteJSON(w, http.StatusOK, out)
	return nil
}

// countConversations counts the caller's conversations with the list's
// type and isGroup filters. The core cannot count conversations, so this
// reads one page of the largest size: exact below it, refused from it on
// (paging on would read several snapshots and could miscount).
func (a *api) countConversations(w http.ResponseWriter, r *http.Request, c *core.Caller, _ httprouter.Params) error {
	kinds, none, err := conversationKinds(r)
	if err != nil {
		return err
	}
	if none {
		httpx.WriteJSON(w, http.StatusOK, count{0})
		return nil
	}
	n, err := a.svc.CountConversations(r.Context(), c, core.ConversationQuery{Kinds: kinds})
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, count{n})
	return nil
}

// conversationKinds turns the type and isGroup filters into core kinds
// (nil: every kind); none is true when no kind can match.
func conversationKinds(r *http.Request) (kinds []core.ConversationKind, none bool, err error) {
	typ := r.URL.Query().Get("type")
	if typ != "" && typ != "private" && typ != "public" && typ != "open" {
		return nil, false, core.Invalidf("type", "type must be private, public or open, not %q", typ)
	}
	isGroup, err := httpx.QueryBool(r, "isGroup")
	if err != nil || (typ == "" && isGroup == nil) {
		return nil, false, err
	}
	for _, k := range []core.ConversationKind{core.KindDirect, core.KindGroup, core.KindPublic, core.KindOpen, core.KindBroadcast} {
		t, g := channelizeType(k)
		if (typ == "" || t == typ) && (isGroup == nil || g == *isGroup) {
			kinds = append(kinds, k)
		}
	}
	return kinds, len(kinds) == 0, nil
}

// createConversation creates a conversation; a private one that is not a
// group is the direct conversation of its two members, found again when it
// exists (200 instead of 201).
func (a *api) createConversation(w http.ResponseWriter, r *http.Request, c *core.Caller, _ httprouter.Params) error {
	var in conversationIn
	if err := httpx.DecodeJSON(r, &in, false, false); err != nil {
		return err
	}
	ci, err := in.core()
	if err != nil {
		return err
	}
	conv, created, err := a.svc.CreateConversation(r.Context(), c, ci)
	if err != nil {
		return err
	}
	status := http.StatusCreated
	if !created {
		status = http.StatusOK
	}
	httpx.WriteJSON(w, status, toWireConversation(conv, nil, c))
	return nil
}

// getConversation answers one conversation; include=members adds its
// members (up to the core's largest page) and their read times.
func (a *api) getConversation(w http.ResponseWriter, r *http.Request, c *core.Caller, p httprouter.Params) error {
	if !slices.Contains(queryList(r.URL.Query(), "include"), "members") {
		conv, err := a.svc.GetConversation(r.Context(), c, p.ByName("id"))
		if err != nil {
			return err
		}
		httpx.WriteJSON(w, http.StatusOK, toWireConversation(conv, nil, c))
		return nil
	}
	conv, members, err := a.svc.GetConversationWithMembers(r.Context(), c, p.ByName("id"), core.Page{Limit: a.svc.Limits().MaxPageSize})
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, toWireConversation(conv, members.Items, c))
	return nil
}

func (a *api) listMembers(w http.ResponseWriter, r *http.Request, c *core.Caller, p httprouter.Params) error {
	pg, err := httpx.Page(r, 0)
	if err != nil {
		return err
	}
	members, err := a.svc.ListMembers(r.Context(), c, p.ByName("id"), pg)
	if err != nil {
		return err
	}
	out := make([]wireMember, len(members.Items))
	for i, m := range members.Items {
		out[i] = toWireMember(p.ByName("id"), m, c)
	}
	httpx.WriteJSON(w, http.StatusOK, out)
	return nil
}

func (a *api) addMembers(w http.ResponseWriter, r *http.Request, c *core.Caller, p httprouter.Params) error {
	var in membersIn
	if err := httpx.DecodeJSON(r, &in, false, false); err != nil {
		return err
	}
	var members []core.MemberInput
	for _, id := range in.ids() {
		members = append(members, core.MemberInput{UserID: id})
	}
	if _, err := a.svc.AddMembers(r.Context(), c, p.ByName("id"), members); err != nil {
		return err
	}
	return noContent(w)
}

func (a *api) removeMembers(w http.ResponseWriter, r *http.Request, c *core.Caller, p httprouter.Params) error {
	var in membersIn
	if err := httpx.DecodeJSON(r, &in, false, false); err != nil {
		return err
	}
	if err := a.svc.RemoveMembers(r.Context(), c, p.ByName("id"), in.ids()); err != nil {
		return err
	}
	return noContent(w)
}

// markAsRead marks the caller's messages read up to timestamp (the
// client's clock; now when absent or in the future).
func (a *api) markAsRead(w http.ResponseWriter, r *http.Request, c *core.Caller, p httprouter.Params) error {
	var in readIn
	if err := httpx.DecodeJSON(r, &in, false, true); err != nil {
		return err
	}
	at, err := parseTime("timestamp", in.Timestamp)
	if err != nil {
		return err
	}
	if err := a.svc.MarkRead(r.Context(), c, p.ByName("id"), core.ReadInput{At: at}); err != nil {
		return err
	}
	return noContent(w)
}
