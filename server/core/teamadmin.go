package core

import (
	"context"
	"time"
)

// TeamDetail is a team with its members and their roles, as its admins
// see it.
type TeamDetail struct {
	*Team
	Members []TeamMember
}

// TeamUpdate changes a team; nil fields are left alone. Admins and Members
// replace the team's lists (an admin is a member too).
type TeamUpdate struct {
	Name    *string
	Admins  *[]string
	Members *[]string
}

// TeamChannelInput creates a channel of a team. Without members, or with
// MembersInherited, the channel takes its team's members.
type TeamChannelInput struct {
	ID               string
	Name             string
	Description      string
	Members          []string
	MembersInherited bool
}

func (s *Service) mayCreateTeam(tx Tx, c *Caller) error {
	var n int
	if c.user != nil {
		teams, err := tx.TeamsAdministeredBy(c.user.PK)
		if err != nil {
			return err
		}
		n = len(teams)
	}
	return allow(c, actCreateTeam, &standing{administers: n})
}

// adminTeam loads a team the caller administers.
func (s *Service) adminTeam(tx Tx, c *Caller, id string) (*Team, error) {
	t, role, n, err := s.team(tx, c, id)
	if err != nil {
		return nil, err
	}
	if err := allow(c, actSeeTeam, &standing{teamRole: role, teamMembers: n}); err != nil {
		return nil, err
	}
	return t, allow(c, actAdministerTeam, &standing{teamRole: role})
}

// AdministeredTeams lists the teams the caller administers (every team for
// the app).
func (s *Service) AdministeredTeams(ctx context.Context, c *Caller) ([]*Team, error) {
	var teams []*Team
	err := s.read(ctx, func(tx Tx) (err error) {
		if c.user == nil {
			if !appWide(c) {
				return Errorf(EFORBIDDEN, "no user to list teams for")
			}
			teams, err = tx.TeamsOf(c.app.PK, 0)
			return err
		}
		teams, err = tx.TeamsAdministeredBy(c.user.PK)
		return err
	})
	return teams, err
}

// TeamDetails returns a team the caller administers, with its members.
func (s *Service) TeamDetails(ctx context.Context, c *Caller, id string) (*TeamDetail, error) {
	var d *TeamDetail
	err := s.read(ctx, func(tx Tx) error {
		t, err := s.adminTeam(tx, c, id)
		if err != nil {
			return err
		}
		members, err := tx.ListTeamMemberRoles(t.PK)
		d = &TeamDetail{Team: t, Members: members}
		return err
	})
	return d, err
}

// UpdateTeam changes a team the caller administers.
func (s *Service) UpdateTeam(ctx context.Context, c *Caller, id string, in TeamUpdate) (*TeamDetail, error) {
	if in.Name != nil {
		if err := checkText("name", *in.Name, s.limits.NameLength); err != nil {
			return nil, err
		}
	}
	var d *TeamDetail
	err := s.write(ctx, func(tx Tx) error {
		t, err := s.adminTeam(tx, c, id)
		if err != nil {
			return err
		}
		if in.Name != nil && *in.Name != t.Name {
			t.Name = *in.Name
			if err := tx.UpdateTeam(t); err != nil {
				return err
			}
		}
		if in.Admins != nil || in.Members != nil {
			if err := s.replaceTeamMembers(tx, c.app, t, in); err != nil {
				return err
			}
		}
		members, err := tx.ListTeamMemberRoles(t.PK)
		d = &TeamDetail{Team: t, Members: members}
		return err
	})
	return d, err
}

// replaceTeamMembers sets the team's member and admin lists; a list left
// nil keeps its current users.
func (s *Service) replaceTeamMembers(tx Tx, app *App, t *Team, in TeamUpdate) error {
	current, err := tx.ListTeamMemberRoles(t.PK)
	if err != nil {
		return err
	}
	want := map[string]Role{}
	order := []string{}
	set := func(id string, r Role) {
		if _, ok := want[id]; !ok {
			order = append(order, id)
		}
		if want[id] != RoleAdmin && want[id] != RoleOwner {
			want[id] = r
		}
	}
	for _, m := range current {
		keepAdmin := in.Admins == nil && m.Role.CanManage()
		keepMember := in.Members == nil && !m.Role.CanManage()
		if keepAdmin || keepMember {
			set(m.User.ID, m.Role)
		}
	}
	if in.Admins != nil {
		if err := s.checkIDs("adminUserIDs", *in.Admins, true); err != nil {
			return err
		}
		for _, id := range *in.Admins {
			set(id, RoleAdmin)
		}
	}
	if in.Members != nil {
		if err := s.checkIDs("memberUserIDs", *in.Members, true); err != nil {
			return err
		}
		for _, id := range *in.Members {
			set(id, RoleMember)
		}
	}
	kept := map[int64]bool{}
	for _, id := range order {
		u, err := tx.UserByID(app.PK, id)
		if err != nil {
			return notFoundAs(err, Invalidf("members", "unknown user %q", id))
		}
		kept[u.PK] = true
		if err := tx.AddTeamMember(t.PK, u.PK, want[id]); err != nil {
			return err
		}
	}
	for _, m := range current {
		if !kept[m.UserPK] {
			if err := tx.RemoveTeamMember(t.PK, m.UserPK); err != nil {
				return err
			}
		}
	}
	return nil
}

// AdminTeamChannels lists every channel of a team the caller administers,
// whether or not the caller may read it.
func (s *Service) AdminTeamChannels(ctx context.Context, c *Caller, teamID string) ([]*TeamChannel, error) {
	var chans []*TeamChannel
	err := s.read(ctx, func(tx Tx) error {
		t, err := s.adminTeam(tx, c, teamID)
		if err != nil {
			return err
		}
		chans, err = tx.ListTeamChannels(t.PK, 0)
		return err
	})
	return chans, err
}

// AdminTeamChannel returns a channel of a team the caller administers,
// with its own member list. Its messages stay private to its members.
func (s *Service) AdminTeamChannel(ctx context.Context, c *Caller, teamID, channelID string) (*TeamChannel, error) {
	var ch *TeamChannel
	err := s.read(ctx, func(tx Tx) error {
		t, err := s.adminTeam(tx, c, teamID)
		if err != nil {
			return err
		}
		if ch, err = s.channelOf(tx, c, t, channelID); err != nil {
			return err
		}
		if !ch.MembersInherited {
			ch.Members, err = tx.ListMembers(ch.PK, Page{Limit: s.limits.Recipients})
		}
		return err
	})
	return ch, err
}

// channelOf loads a conversation of the team, without checking read rights.
func (s *Service) channelOf(tx Tx, c *Caller, t *Team, channelID string) (*TeamChannel, error) {
	if err := s.checkID("channelId", channelID); err != nil {
		return nil, err
	}
	conv, err := tx.ConversationByID(c.app.PK, channelID)
	missing := Errorf(ENOTFOUND, "channel %q not found in team %q", channelID, t.ID)
	if err != nil {
		return nil, notFoundAs(err, missing)
	}
	if conv.TeamPK != t.PK {
		return nil, missing
	}
	info, err := tx.TeamChannel(conv.PK)
	return &TeamChannel{Conversation: conv, ChannelInfo: info}, err
}

// CreateTeamChannel creates a channel in a team the caller administers.
// The channel has no owner: its admins are the team's.
func (s *Service) CreateTeamChannel(ctx context.Context, c *Caller, teamID string, in TeamChannelInput) (*TeamChannel, error) {
	if err := checkText("description", in.Description, s.limits.BodyLength); err != nil {
		return nil, err
	}
	var ch *TeamChannel
	err := s.write(ctx, func(tx Tx) error {
		t, err := s.adminTeam(tx, c, teamID)
		if err != nil {
			return err
		}
		ci := ConversationInput{ID: in.ID, Kind: KindGroup, Title: in.Name, TeamID: t.ID}
		info := ChannelInfo{Description: in.Description, MembersInherited: in.MembersInherited || len(in.Members) == 0}
		if !info.MembersInherited {
			for _, id := range in.Members {
				ci.Members = append(ci.Members, MemberInput{UserID: id})
			}
		}
		conv, _, err := s.createConversation(tx, &Caller{app: c.app, trusted: true}, ci)
		if err != nil {
			return err
		}
		if err := tx.SetTeamChannel(conv.PK, info); err != nil {
			return err
		}
		ch = &TeamChannel{Conversation: conv, ChannelInfo: info}
		if !info.MembersInherited {
			ch.Members, err = tx.ListMembers(conv.PK, Page{Limit: s.limits.Recipients})
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	s.publishToMembers(ctx, ch.Conversation, s.newEvent(EventConversationCreated, c, ch.Conversation))
	return ch, nil
}

// BotMessage posts a message of type admin into a channel of a team the
// caller administers, as the caller, whether or not they are a member
// (an administrator's announcement; reading stays the members' right),
// with staged uploads attached after in.Attachments: the message and its
// files are stored in one transaction. The uploads are consumed either way.
func (s *Service) BotMessage(ctx context.Context, c *Caller, teamID, channelID string, in SendInput, uploads []*PendingUpload) (*Message, error) {
	if err := c.inApp(); err != nil {
		s.DiscardUploads(uploads...)
		return nil, err
	}
	if c.user == nil {
		s.DiscardUploads(uploads...)
		return nil, needUser("a bot message")
	}
	in.ConversationID, in.ToUserID, in.Type, in.CreatedAt = channelID, "", TypeAdmin, time.Time{}
	if len(in.Attachments)+len(uploads) > s.limits.Attachments {
		s.DiscardUploads(uploads...)
		return nil, Invalidf("attachments", "at most %d attachments are allowed", s.limits.Attachments)
	}
	if err := s.checkSend(&in); err != nil {
		s.DiscardUploads(uploads...)
		return nil, err
	}
	var m *Message
	var conv *Conversation
	_, err := s.storeUploads(ctx, uploads, func(tx Tx, files []*File) error {
		t, err := s.adminTeam(tx, c, teamID)
		if err != nil {
			return err
		}
		ch, err := s.channelOf(tx, c, t, channelID)
		if err != nil {
			return err
		}
		send := in
		send.Attachments = append([]Attachment(nil), in.Attachments...)
		for i, f := range files {
			a := FileAttachment(f)
			a.Data = uploads[i].data
			send.Attachments = append(send.Attachments, a)
		}
		conv, m, _, err = s.sendTo(tx, c, ch.Conversation, send)
		return err
	})
	if err != nil {
		return nil, err
	}
	s.publishMessage(ctx, EventMessageCreated, c, conv, m)
	return m, nil
}

// CreateTeamDetail creates a team (see CreateTeam) and answers it with its
// members.
func (s *Service) CreateTeamDetail(ctx context.Context, c *Caller, in TeamInput) (*TeamDetail, error) {
	if err := c.inApp(); err != nil {
		return nil, err
	}
	var d *TeamDetail
	err := s.write(ctx, func(tx Tx) error {
		if err := s.mayCreateTeam(tx, c); err != nil {
			return err
		}
		if !appWide(c) {
			in.Admins = append(in.Admins, c.user.ID)
		}
		t, err := s.createTeam(tx, c.app, in)
		if err != nil {
			return err
		}
		members, err := tx.ListTeamMemberRoles(t.PK)
		d = &TeamDetail{Team: t, Members: members}
		return err
	})
	return d, err
}

// SetTeamRole adds a user to a team administered by the caller, or changes
// their role there (owner, admin or member).
func (s *Service) SetTeamRole(ctx context.Context, c *Caller, teamID, userID string, role Role) error {
	if !role.Valid() {
		return Invalidf("role", "unknown role %q", role)
	}
	if err := s.checkID("userId", userID); err != nil {
		return err
	}
	return s.write(ctx, func(tx Tx) error {
		t, err := s.adminTeam(tx, c, teamID)
		if err != nil {
			return err
		}
		u, err := tx.UserByID(c.app.PK, userID)
		if err != nil {
			return notFoundAs(err, Errorf(ENOTFOUND, "user %q not found", userID))
		}
		return tx.AddTeamMember(t.PK, u.PK, role)
	})
}
