package admin

import (
	"net/http"

	"github.com/julienschmidt/httprouter"

	"parley/server/core"
	"parley/server/httpx"
)

func (a *api) listTeams(w http.ResponseWriter, r *http.Request, c *core.Caller, p httprouter.Params) error {
	pg, err := page(r)
	if err != nil {
		return err
	}
	teams, err := a.svc.ListTeams(r.Context(), c, pg)
	if err != nil {
		return err
	}
	out := make([]wireTeam, len(teams.Items))
	for i, t := range teams.Items {
		out[i] = wireTeam{ID: t.ID, Name: t.Name, CreatedAt: wireTime(t.CreatedAt)}
	}
	httpx.WriteJSON(w, http.StatusOK, out)
	return nil
}

func (a *api) createTeam(w http.ResponseWriter, r *http.Request, c *core.Caller, p httprouter.Params) error {
	var in teamIn
	if err := httpx.DecodeJSON(r, &in, true, false); err != nil {
		return err
	}
	t, err := a.svc.CreateTeam(r.Context(), c, core.TeamInput{ID: in.ID, Name: in.Name, Members: in.Members, Admins: in.Admins})
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusCreated, wireTeam{ID: t.ID, Name: t.Name, CreatedAt: wireTime(t.CreatedAt)})
	return nil
}

func (a *api) listConversations(w http.ResponseWriter, r *http.Request, c *core.Caller, p httprouter.Params) error {
	pg, err := page(r)
	if err != nil {
		return err
	}
	// as=USER lists that user's conversations with the user's own unread
	// counts (the member the inspector acts as); without it, the app's.
	as := c
	if user := r.URL.Query().Get("as"); user != "" {
		if as, err = a.actAs(r, c, user); err != nil {
			return err
		}
	}
	convs, err := a.svc.ListConversations(r.Context(), as, core.ConversationQuery{Page: pg})
	if err != nil {
		return err
	}
	unreadMembers, err := a.svc.UnreadMembers(r.Context(), c, convs.Items)
	if err != nil {
		return err
	}
	out := make([]wireConversation, len(convs.Items))
	for i, conv := range convs.Items {
		out[i] = toWireConversation(conv)
		n := unreadMembers[conv.ID]
		out[i].UnreadMembers = &n
		if as != c {
			unread := conv.Unread
			out[i].Unread = &unread
		}
	}
	httpx.WriteJSON(w, http.StatusOK, out)
	return nil
}

func (a *api) createConversation(w http.ResponseWriter, r *http.Request, c *core.Caller, p httprouter.Params) error {
	var in conversationIn
	if err := httpx.DecodeJSON(r, &in, true, false); err != nil {
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
	httpx.WriteJSON(w, status, toWireConversation(conv))
	return nil
}

func (a *api) getConversation(w http.ResponseWriter, r *http.Request, c *core.Caller, p httprouter.Params) error {
	conv, err := a.svc.GetConversation(r.Context(), c, p.ByName("conv"))
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, toWireConversation(conv))
	return nil
}

func (a *api) listMembers(w http.ResponseWriter, r *http.Request, c *core.Caller, p httprouter.Params) error {
	pg, err := page(r)
	if err != nil {
		return err
	}
	members, err := a.svc.ListMembers(r.Context(), c, p.ByName("conv"), pg)
	if err != nil {
		return err
	}
	out := make([]wireMember, len(members.Items))
	for i, m := range members.Items {
		out[i] = toWireMember(m)
	}
	httpx.WriteJSON(w, http.StatusOK, out)
	return nil
}

func (a *api) addMembers(w http.ResponseWriter, r *http.Request, c *core.Caller, p httprouter.Params) error {
	var in []memberIn
	if err := httpx.DecodeJSON(r, &in, true, false); err != nil {
		return err
	}
	var members []core.MemberInput
	for _, m := range in {
		members = append(members, core.MemberInput{UserID: m.User, Role: core.Role(m.Role)})
	}
	added, err := a.svc.AddMembers(r.Context(), c, p.ByName("conv"), members)
	if err != nil {
		return err
	}
	out := make([]wireMember, len(added))
	for i, m := range added {
		out[i] = toWireMember(m)
	}
	httpx.WriteJSON(w, http.StatusOK, out)
	return nil
}

func (a *api) removeMember(w http.ResponseWriter, r *http.Request, c *core.Caller, p httprouter.Params) error {
	if err := a.svc.RemoveMembers(r.Context(), c, p.ByName("conv"), []string{p.ByName("user")}); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
