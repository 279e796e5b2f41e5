package cowork

import (
	"net/http"
	"strings"

	"github.com/julienschmidt/httprouter"

	"parley/server/core"
	"parley/server/httpx"
)

// teamIn is i-net's team body. Group ids are accepted and ignored: Parley
// has no user groups.
type teamIn struct {
	DisplayName    *string   `json:"displayName"`
	AdminGroupIDs  []string  `json:"adminGroupIDs"`
	AdminUserIDs   *[]string `json:"adminUserIDs"`
	MemberGroupIDs []string  `json:"memberGroupIDs"`
	MemberUserIDs  *[]string `json:"memberUserIDs"`
}

// channelIn is i-net's channel body.
type channelIn struct {
	DisplayName      string   `json:"displayName"`
	Description      string   `json:"description"`
	MemberGroupIDs   []string `json:"memberGroupIDs"`
	MemberUserIDs    []string `json:"memberUserIDs"`
	MembersInherited *bool    `json:"membersInherited"`
}

func (a *api) adminListTeams(w http.ResponseWriter, r *http.Request, c *core.Caller, _ httprouter.Params) error {
	teams, err := a.svc.AdministeredTeams(r.Context(), c)
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

// adminCreateTeam creates a team; its creator administers it.
func (a *api) adminCreateTeam(w http.ResponseWriter, r *http.Request, c *core.Caller, _ httprouter.Params) error {
	var in teamIn
	if err := decodeJSON(r, &in, true); err != nil {
		return err
	}
	if in.DisplayName == nil || *in.DisplayName == "" {
		return core.Invalidf("displayName", "displayName is required")
	}
	t := core.TeamInput{Name: *in.DisplayName}
	if in.AdminUserIDs != nil {
		t.Admins = *in.AdminUserIDs
	}
	if in.MemberUserIDs != nil {
		t.Members = *in.MemberUserIDs
	}
	d, err := a.svc.CreateTeamDetail(r.Context(), c, t)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, toWireAdminTeam(d))
	return nil
}

func (a *api) adminGetTeam(w http.ResponseWriter, r *http.Request, c *core.Caller, p httprouter.Params) error {
	d, err := a.svc.TeamDetails(r.Context(), c, p.ByName("team"))
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, toWireAdminTeam(d))
	return nil
}

// adminUpdateTeam changes a team's name and replaces the lists it names.
func (a *api) adminUpdateTeam(w http.ResponseWriter, r *http.Request, c *core.Caller, p httprouter.Params) error {
	var in teamIn
	if err := decodeJSON(r, &in, true); err != nil {
		return err
	}
	d, err := a.svc.UpdateTeam(r.Context(), c, p.ByName("team"), core.TeamUpdate{Name: in.DisplayName, Admins: in.AdminUserIDs, Members: in.MemberUserIDs})
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, toWireAdminTeam(d))
	return nil
}

func (a *api) adminListChannels(w http.ResponseWriter, r *http.Request, c *core.Caller, p httprouter.Params) error {
	chans, err := a.svc.AdminTeamChannels(r.Context(), c, p.ByName("team"))
	if err != nil {
		return err
	}
	writeChannels(w, chans, c)
	return nil
}

// adminCreateChannel creates a channel; without members, or with
// membersInherited, it takes the team's members.
func (a *api) adminCreateChannel(w http.ResponseWriter, r *http.Request, c *core.Caller, p httprouter.Params) error {
	var in channelIn
	if err := decodeJSON(r, &in, true); err != nil {
		return err
	}
	if in.DisplayName == "" {
		return core.Invalidf("displayName", "displayName is required")
	}
	ch, err := a.svc.CreateTeamChannel(r.Context(), c, p.ByName("team"), core.TeamChannelInput{Name: in.DisplayName,
		Description: in.Description, Members: in.MemberUserIDs, MembersInherited: in.MembersInherited != nil && *in.MembersInherited})
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, toWireAdminChannel(ch, c))
	return nil
}

func (a *api) adminGetChannel(w http.ResponseWriter, r *http.Request, c *core.Caller, p httprouter.Params) error {
	ch, err := a.svc.AdminTeamChannel(r.Context(), c, p.ByName("team"), p.ByName("channel"))
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, toWireAdminChannel(ch, c))
	return nil
}

// botMessage posts an administrator's message (JSON, or multipart with
// attachments as for any message) into a channel and answers its id as a
// JSON string.
func (a *api) botMessage(w http.ResponseWriter, r *http.Request, c *core.Caller, p httprouter.Params) error {
	var text string
	var uploads []*core.PendingUpload
	if isMultipart(r) {
		var err error
		if text, uploads, err = a.multipartMessage(r, c); err != nil {
			return err
		}
	} else {
		var in messageIn
		if err := decodeJSON(r, &in, false); err != nil {
			return err
		}
		if in.Text == nil || strings.TrimSpace(*in.Text) == "" {
			return core.Invalidf("text", "a message needs a text or an attachment")
		}
		text = *in.Text
	}
	m, err := a.svc.BotMessage(r.Context(), c, p.ByName("team"), p.ByName("channel"), core.SendInput{Body: text}, uploads)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, m.ID)
	return nil
}
