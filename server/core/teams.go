package core

import "context"

// ChannelInfo is what a team channel adds to its conversation.
type ChannelInfo struct {
	Description string
	// MembersInherited: the channel has no member list of its own; its
	// team's members are its members.
	MembersInherited bool
}

// TeamChannel is a conversation of a team as CoWork shows it.
type TeamChannel struct {
	*Conversation
	ChannelInfo
	// Members is filled only for team administration: the channel's own
	// member list (empty when inherited).
	Members []*Member
}

// DirectTeamID names the pseudo-team whose channels are the caller's
// direct conversations (CoWork's "directmessages").
const DirectTeamID = "directmessages"

// teamMembership completes the caller's membership of a team conversation:
// it sets the caller's team role on their member row and, in a channel that
// inherits its team's members, makes one for a caller who has no row of
// their own. Conversations outside teams cost nothing.
func (s *Service) teamMembership(tx Tx, c *Caller, conv *Conversation, me *Member) (*Member, error) {
	if c.user == nil || conv.TeamPK == 0 {
		return me, nil
	}
	role, n, err := tx.TeamRole(conv.TeamPK, c.user.PK)
	if err != nil {
		return nil, err
	}
	if me != nil {
		me.TeamRole = role
		return me, nil
	}
	info, err := tx.TeamChannel(conv.PK)
	if err != nil || !info.MembersInherited || allow(c, actInherit, &standing{conv: conv, teamRole: role, teamMembers: n}) != nil {
		return nil, err
	}
	me = &Member{ConversationPK: conv.PK, UserPK: c.user.PK, User: c.user, Role: RoleMember, TeamRole: role, Inherited: true}
	if me.LastReadPK, me.LastReadAt, err = tx.InheritedRead(conv.PK, c.user.PK); err != nil {
		return nil, err
	}
	conv.Me = me
	return me, nil
}

// team loads a team of the caller's app with the caller's role in it and
// its member count.
func (s *Service) team(tx Tx, c *Caller, id string) (*Team, Role, int, error) {
	if err := s.checkID("teamId", id); err != nil {
		return nil, "", 0, err
	}
	t, err := tx.TeamByID(c.app.PK, id)
	if err != nil {
		return nil, "", 0, notFoundAs(err, Errorf(ENOTFOUND, "team %q not found", id))
	}
	if c.user == nil {
		return t, "", 0, nil
	}
	role, n, err := tx.TeamRole(t.PK, c.user.PK)
	return t, role, n, err
}

// ListMyTeams lists the teams the caller sees: those they belong to and
// those open to everyone; the app sees all of its teams.
func (s *Service) ListMyTeams(ctx context.Context, c *Caller) ([]*Team, error) {
	var teams []*Team
	err := s.read(ctx, func(tx Tx) (err error) {
		var userPK int64
		if c.user != nil {
			userPK = c.user.PK
		} else if !appWide(c) {
			return Errorf(EFORBIDDEN, "no user to list teams for")
		}
		teams, err = tx.TeamsOf(c.app.PK, userPK)
		return err
	})
	return teams, err
}

// GetTeam returns a team the caller sees.
func (s *Service) GetTeam(ctx context.Context, c *Caller, id string) (*Team, error) {
	var t *Team
	err := s.read(ctx, func(tx Tx) error {
		var role Role
		var n int
		var err error
		if t, role, n, err = s.team(tx, c, id); err != nil {
			return err
		}
		return allow(c, actSeeTeam, &standing{teamRole: role, teamMembers: n})
	})
	return t, err
}

// ListTeamChannels lists the channels of a team that the caller may read:
// those with the caller on their member list and those inheriting the
// team's members. DirectTeamID lists the caller's direct conversations.
func (s *Service) ListTeamChannels(ctx context.Context, c *Caller, teamID string) ([]*TeamChannel, error) {
	if teamID == DirectTeamID {
		return s.directChannels(ctx, c)
	}
	var chans []*TeamChannel
	err := s.read(ctx, func(tx Tx) error {
		t, role, n, err := s.team(tx, c, teamID)
		if err != nil {
			return err
		}
		if err := allow(c, actSeeTeam, &standing{teamRole: role, teamMembers: n}); err != nil {
			return err
		}
		var userPK int64
		if c.user != nil {
			userPK = c.user.PK
		}
		chans, err = tx.ListTeamChannels(t.PK, userPK)
		return err
	})
	return chans, err
}

// TeamChannel returns a channel of a team that the caller may read. With
// DirectTeamID it is one of the caller's direct conversations.
func (s *Service) TeamChannel(ctx context.Context, c *Caller, teamID, channelID string) (*TeamChannel, error) {
	var ch *TeamChannel
	err := s.read(ctx, func(tx Tx) error {
		var err error
		ch, err = s.teamChannel(tx, c, teamID, channelID)
		return err
	})
	return ch, err
}

func (s *Service) teamChannel(tx Tx, c *Caller, teamID, channelID string) (*TeamChannel, error) {
	if err := s.checkID("channelId", channelID); err != nil {
		return nil, err
	}
	missing := Errorf(ENOTFOUND, "channel %q not found in team %q", channelID, teamID)
	if teamID == DirectTeamID {
		conv, _, err := s.conversation(tx, c, channelID)
		if err != nil {
			return nil, notFoundAs(err, missing)
		}
		if conv.Kind != KindDirect {
			return nil, missing
		}
		return &TeamChannel{Conversation: conv}, nil
	}
	t, role, n, err := s.team(tx, c, teamID)
	if err != nil {
		return nil, err
	}
	if err := allow(c, actSeeTeam, &standing{teamRole: role, teamMembers: n}); err != nil {
		return nil, err
	}
	conv, err := tx.ConversationByID(c.app.PK, channelID)
	if err != nil {
		return nil, notFoundAs(err, missing)
	}
	if conv.TeamPK != t.PK {
		return nil, missing
	}
	info, err := tx.TeamChannel(conv.PK)
	if err != nil {
		return nil, err
	}
	me, err := s.membership(tx, c, conv)
	if err != nil {
		return nil, err
	}
	if err := allow(c, actRead, &standing{conv: conv, me: me}); err != nil {
		return nil, err
	}
	return &TeamChannel{Conversation: conv, ChannelInfo: info}, nil
}

// inheritedMembers lists a page of the members of a channel that inherits
// its team's: the team's members (oldest user first), or every user of the
// app for an open team. ok is false when the conversation has its own
// member list.
func (s *Service) inheritedMembers(tx Tx, conv *Conversation, p Page) (List[*Member], bool, error) {
	if conv.TeamPK == 0 {
		return List[*Member]{}, false, nil
	}
	info, err := tx.TeamChannel(conv.PK)
	if err != nil || !info.MembersInherited {
		return List[*Member]{}, false, err
	}
	tms, err := tx.ListTeamMemberRoles(conv.TeamPK)
	if err != nil {
		return List[*Member]{}, true, err
	}
	var users []*User
	roles := map[int64]Role{}
	if len(tms) == 0 {
		if users, err = tx.ListUsers(conv.AppPK, more(p)); err != nil {
			return List[*Member]{}, true, err
		}
	} else {
		// A team's members are few: the page is cut from the whole list.
		skip, started, stopped := p.Skip, p.After == "", false
		for _, tm := range tms {
			roles[tm.UserPK] = tm.Role
			switch {
			case stopped:
			case !started:
				started = tm.User.Named(p.After)
			case p.Before != "" && tm.User.Named(p.Before):
				stopped = true
			case skip > 0:
				skip--
			case len(users) <= p.Limit:
				users = append(users, tm.User)
			}
		}
	}
	out := make([]*Member, len(users))
	for i, u := range users {
		out[i] = &Member{ConversationPK: conv.PK, UserPK: u.PK, User: u, Role: RoleMember, TeamRole: roles[u.PK], Inherited: true}
	}
	return listOf(out, p), true, nil
}

// OpenDirectChannel returns the caller's direct conversation with another user,
// creating it on first use; a caller who had left it is back in.
func (s *Service) OpenDirectChannel(ctx context.Context, c *Caller, userID string) (*TeamChannel, error) {
	var ch *TeamChannel
	err := s.write(ctx, func(tx Tx) error {
		conv, _, err := s.openDirect(tx, c, userID)
		if err != nil {
			return err
		}
		ch = &TeamChannel{Conversation: conv}
		ch.Members, err = tx.ListMembers(conv.PK, Page{Limit: 2})
		return err
	})
	return ch, err
}

// directChannels lists the caller's direct conversations, most recent
// first, each with its two members (a client names it after the other).
func (s *Service) directChannels(ctx context.Context, c *Caller) ([]*TeamChannel, error) {
	f, err := s.conversationFilter(c, ConversationQuery{Kinds: []ConversationKind{KindDirect}, Page: Page{Limit: s.limits.MaxPageSize}})
	if err != nil {
		return nil, err
	}
	var out []*TeamChannel
	err = s.read(ctx, func(tx Tx) error {
		convs, err := tx.ListConversations(f)
		if err != nil {
			return err
		}
		for _, conv := range convs {
			members, err := tx.ListMembers(conv.PK, Page{Limit: 2})
			if err != nil {
				return err
			}
			out = append(out, &TeamChannel{Conversation: conv, Members: members})
		}
		return nil
	})
	return out, err
}

// ChannelMessage returns a message the caller sees, checking that it is in
// the channel of the team the client named it by (CoWork addresses every
// message by team and channel). A deleted message is not found.
func (s *Service) ChannelMessage(ctx context.Context, c *Caller, teamID, channelID, messageID string) (*Message, error) {
	var m *Message
	err := s.read(ctx, func(tx Tx) (err error) {
		m, err = s.channelMessage(tx, c, teamID, channelID, messageID)
		return err
	})
	return m, err
}

func (s *Service) channelMessage(tx Tx, c *Caller, teamID, channelID, messageID string) (*Message, error) {
	ch, err := s.teamChannel(tx, c, teamID, channelID)
	if err != nil {
		return nil, err
	}
	m, _, _, err := s.visibleMessage(tx, c, messageID)
	if err != nil {
		return nil, err
	}
	if m.ConversationPK != ch.PK || m.Deleted() {
		return nil, Errorf(ENOTFOUND, "message %q not found in channel %q", messageID, channelID)
	}
	return m, nil
}

// LeaveDirect takes the caller out of their direct conversation with
// another user; when both have left it, it is gone.
func (s *Service) LeaveDirect(ctx context.Context, c *Caller, userID string) error {
	if err := c.inApp(); err != nil {
		return err
	}
	if c.user == nil {
		return needUser("leaving")
	}
	if err := s.checkID("userId", userID); err != nil {
		return err
	}
	var convID string
	err := s.read(ctx, func(tx Tx) error {
		other, err := tx.UserByID(c.app.PK, userID)
		if err != nil {
			return notFoundAs(err, Errorf(ENOTFOUND, "user %q not found", userID))
		}
		conv, err := tx.DirectConversation(c.app.PK, DirectKey(c.user.PK, other.PK))
		if err != nil {
			return notFoundAs(err, Errorf(ENOTFOUND, "no direct conversation with %q", userID))
		}
		convID = conv.ID
		return nil
	})
	if err != nil {
		return err
	}
	return s.Leave(ctx, c, convID)
}

// TeamInput creates a team.
type TeamInput struct {
	ID      string
	Name    string
	Members []string // user ids
	Admins  []string // user ids of the team's admins (members too)
}

// CreateTeam creates a team of the trusted caller's app.
func (s *Service) CreateTeam(ctx context.Context, c *Caller, in TeamInput) (*Team, error) {
	if err := c.inApp(); err != nil {
		return nil, err
	}
	var t *Team
	err := s.write(ctx, func(tx Tx) (err error) {
		if err := s.mayCreateTeam(tx, c); err != nil {
			return err
		}
		if !appWide(c) {
			// A user who administers a team creates one and administers it.
			in.Admins = append(in.Admins, c.user.ID)
		}
		t, err = s.createTeam(tx, c.app, in)
		return err
	})
	return t, err
}

func (s *Service) createTeam(tx Tx, app *App, in TeamInput) (*Team, error) {
	if err := s.checkNewID("id", in.ID); err != nil {
		return nil, err
	}
	if err := checkText("name", in.Name, s.limits.NameLength); err != nil {
		return nil, err
	}
	if err := s.checkIDs("members", in.Members, true); err != nil {
		return nil, err
	}
	t := &Team{AppPK: app.PK, ID: in.ID, Name: in.Name, CreatedAt: s.Now()}
	if err := tx.InsertTeam(t); err != nil {
		return nil, err
	}
	for _, id := range dedupe(in.Members) {
		u, err := tx.UserByID(app.PK, id)
		if err != nil {
			return nil, notFoundAs(err, Invalidf("members", "unknown user %q", id))
		}
		if err := tx.AddTeamMember(t.PK, u.PK, RoleMember); err != nil {
			return nil, err
		}
	}
	if err := s.checkIDs("admins", in.Admins, true); err != nil {
		return nil, err
	}
	for _, id := range dedupe(in.Admins) {
		u, err := tx.UserByID(app.PK, id)
		if err != nil {
			return nil, notFoundAs(err, Invalidf("admins", "unknown user %q", id))
		}
		if err := tx.AddTeamMember(t.PK, u.PK, RoleAdmin); err != nil {
			return nil, err
		}
	}
	return t, nil
}

// ListTeams lists the teams of the caller's app, oldest first; cursors are
// teams' ids.
func (s *Service) ListTeams(ctx context.Context, c *Caller, p Page) (List[*Team], error) {
	if err := c.inApp(); err != nil {
		return List[*Team]{}, err
	}
	p, err := s.page(p)
	if err != nil {
		return List[*Team]{}, err
	}
	var list List[*Team]
	err = s.read(ctx, func(tx Tx) error {
		teams, err := tx.ListTeams(c.app.PK, more(p))
		list = listOf(teams, p)
		return err
	})
	return list, err
}
