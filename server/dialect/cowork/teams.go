package cowork

import (
	"net/http"

	"github.com/julienschmidt/httprouter"

	"parley/server/core"
	"parley/server/httpx"
)

func (a *api) listTeams(w http.ResponseWriter, r *http.Request, c *core.Caller, _ httprouter.Params) error {
	teams, err := a.svc.ListMyTeams(r.Context(), c)
	if err != nil {
		return err
	}
	out := make([]wireTeam, len(teams))
	for i, t := range teams {
		out[i] = toWireTeam(t)
	}
	httpx.WriteJSON(w, http.StatusOK, out)
	return nil
}

func (a *api) getTeam(w http.ResponseWriter, r *http.Request, c *core.Caller, p httprouter.Params) error {
	t, err := a.svc.GetTeam(r.Context(), c, p.ByName("team"))
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, toWireTeam(t))
	return nil
}

func (a *api) listChannels(w http.ResponseWriter, r *http.Request, c *core.Caller, p httprouter.Params) error {
	chans, err := a.svc.ListTeamChannels(r.Context(), c, p.ByName("team"))
	if err != nil {
		return err
	}
	writeChannels(w, chans, c)
	return nil
}

// listDirect lists the caller's direct message channels.
func (a *api) listDirect(w http.ResponseWriter, r *http.Request, c *core.Caller, _ httprouter.Params) error {
	chans, err := a.svc.ListTeamChannels(r.Context(), c, core.DirectTeamID)
	if err != nil {
		return err
	}
	writeChannels(w, chans, c)
	return nil
}

func writeChannels(w http.ResponseWriter, chans []*core.TeamChannel, c *core.Caller) {
	out := make([]wireChannel, len(chans))
	for i, ch := range chans {
		out[i] = toWireChannel(ch, c)
	}
	httpx.WriteJSON(w, http.StatusOK, out)
}

func (a *api) getChannel(w http.ResponseWriter, r *http.Request, c *core.Caller, p httprouter.Params) error {
	ch, err := a.svc.TeamChannel(r.Context(), c, p.ByName("team"), p.ByName("channel"))
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, toWireChannel(ch, c))
	return nil
}

// leaveChannel takes the caller off a channel's member list (or out of a
// direct conversation, which lasts until both have left).
func (a *api) leaveChannel(w http.ResponseWriter, r *http.Request, c *core.Caller, p httprouter.Params) error {
	if err := a.svc.LeaveChannel(r.Context(), c, p.ByName("team"), p.ByName("channel")); err != nil {
		return err
	}
	return ok(w)
}

func (a *api) listMembers(w http.ResponseWriter, r *http.Request, c *core.Caller, p httprouter.Params) error {
	members, err := a.svc.ChannelMembers(r.Context(), c, p.ByName("team"), p.ByName("channel"), core.Page{Limit: a.svc.Limits().MaxPageSize})
	if err != nil {
		return err
	}
	out := make([]wireMember, 0, len(members.Items))
	for _, m := range members.Items {
		if m.User != nil {
			out = append(out, toWireMember(m))
		}
	}
	httpx.WriteJSON(w, http.StatusOK, out)
	return nil
}

// openDirect answers the direct message channel with a user, creating it
// on first use.
func (a *api) openDirect(w http.ResponseWriter, r *http.Request, c *core.Caller, p httprouter.Params) error {
	ch, err := a.svc.OpenDirectChannel(r.Context(), c, p.ByName("user"))
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, toWireChannel(ch, c))
	return nil
}

// leaveDirect leaves the direct message channel with a user.
func (a *api) leaveDirect(w http.ResponseWriter, r *http.Request, c *core.Caller, p httprouter.Params) error {
	if err := a.svc.LeaveDirect(r.Context(), c, p.ByName("user")); err != nil {
		return err
	}
	return ok(w)
}
