package core

import (
	"context"
)

// membership returns the caller's member row, nil when not a member.
func (s *Service) membership(tx Tx, c *Caller, conv *Conversation) (*Member, error) {
	if c.user == nil {
		return nil, nil
	}
	me, err := tx.Member(conv.PK, c.user.PK)
	if ErrorCode(err) == ENOTFOUND {
		me, err = nil, nil
	}
	if err != nil {
		return nil, err
	}
	if me != nil {
		conv.Me = me
	}
	return s.teamMembership(tx, c, conv, me)
}

// AddMembers adds users to a conversation: admins add anyone; anyone may
// join a public or open conversation by adding themselves. The users are
// looked up in one query, and the list is capped and de-duplicated.
func (s *Service) AddMembers(ctx context.Context, c *Caller, convID string, in []MemberInput) ([]*Member, error) {
	if err := c.inApp(); err != nil {
		return nil, err
	}
	if len(in) == 0 {
		return nil, Invalidf("members", "name at least one user to add")
	}
	in, err := s.checkMembers(in)
	if err != nil {
		return nil, err
	}
	var added []*Member
	var joined []Event
	var conv *Conversation
	err = s.write(ctx, func(tx Tx) error {
		var err error
		conv, err = tx.ConversationByID(c.app.PK, convID)
		if err != nil {
			return err
		}
		me, err := s.membership(tx, c, conv)
		if err != nil {
			return err
		}
		users, err := s.usersByIDs(tx, c.app, memberIDs(in))
		if err != nil {
			return err
		}
		now := s.Now()
		for _, m := range in {
			u := users[m.UserID]
			existing, err := tx.Member(conv.PK, u.PK)
			if err != nil && ErrorCode(err) != ENOTFOUND {
				return err
			}
			st := &standing{conv: conv, me: me, role: m.Role, target: existing, newcomer: existing == nil}
			if c.user != nil && u.PK == c.user.PK && m.Role == RoleMember && me == nil {
				err = allow(c, actJoin, st)
			} else {
				err = allow(c, actGrant, st)
			}
			if err != nil {
				return err
			}
			if existing != nil && existing.Role == m.Role {
				continue // nothing changes
			}
			mem := &Member{ConversationPK: conv.PK, UserPK: u.PK, User: u, Role: m.Role, JoinedAt: now}
			if existing != nil {
				mem.JoinedAt = existing.JoinedAt
			}
			if m.Role == RoleOwner {
				if err := s.handOver(tx, conv, mem); err != nil {
					return err
				}
			}
			if err := tx.UpsertMember(mem); err != nil {
				return err
			}
			added = append(added, mem)
			if existing == nil { // a role change is no member.added
				e := s.newEvent(EventMemberAdded, c, conv)
				e.UserID = u.ID
				joined = append(joined, e)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	s.publishToMembers(ctx, conv, joined...)
	return added, nil
}

// checkMembers validates, caps and de-duplicates members to add (the last
// role named for a user wins).
func (s *Service) checkMembers(in []MemberInput) ([]MemberInput, error) {
	if len(in) > s.limits.BatchIDs {
		return nil, Invalidf("members", "at most %d members may be added at once", s.limits.BatchIDs)
	}
	out := make([]MemberInput, 0, len(in))
	at := map[string]int{}
	for _, m := range in {
		if err := s.checkID("members", m.UserID); err != nil {
			return nil, err
		}
		if m.Role == "" {
			m.Role = RoleMember
		}
		if !m.Role.Valid() {
			return nil, Invalidf("role", "unknown role %q", m.Role)
		}
		if i, ok := at[m.UserID]; ok {
			out[i] = m
			continue
		}
		at[m.UserID] = len(out)
		out = append(out, m)
	}
	return out, nil
}

func memberIDs(in []MemberInput) []string {
	ids := make([]string, len(in))
	for i, m := range in {
		ids[i] = m.UserID
	}
	return ids
}

// usersByIDs loads the app's users in one query; an unknown id is an
// EINVALID error naming it.
func (s *Service) usersByIDs(tx Tx, app *App, ids []string) (map[string]*User, error) {
	list, err := tx.UsersByIDs(app.PK, ids)
	if err != nil {
		return nil, err
	}
	byID := make(map[string]*User, 2*len(list))
	for _, u := range list {
		byID[u.ID], byID[KeyRef(u.PK)] = u, u
	}
	for _, id := range ids {
		if byID[id] == nil {
			return nil, Invalidf("members", "unknown user %q", id)
		}
	}
	return byID, nil
}

// handOver makes m the conversation's one owner: the previous owner, if
// any, becomes an admin, in the same transaction.
func (s *Service) handOver(tx Tx, conv *Conversation, m *Member) error {
	if conv.OwnerPK != 0 && conv.OwnerPK != m.UserPK {
		prev, err := tx.Member(conv.PK, conv.OwnerPK)
		switch {
		case err == nil:
			prev.Role = RoleAdmin
			if err := tx.UpsertMember(prev); err != nil {
				return err
			}
		case ErrorCode(err) != ENOTFOUND:
			return err
		}
	}
	conv.OwnerPK, conv.OwnerID = m.UserPK, m.User.ID
	conv.UpdatedAt = s.Now()
	return tx.UpdateConversation(conv)
}

// SetRole changes a member's role. Making a member the owner hands
// ownership over: the previous owner becomes an admin.
func (s *Service) SetRole(ctx context.Context, c *Caller, convID, userID string, role Role) error {
	if err := c.inApp(); err != nil {
		return err
	}
	if !role.Valid() {
		return Invalidf("role", "unknown role %q", role)
	}
	var conv *Conversation
	changed := false
	err := s.write(ctx, func(tx Tx) (err error) {
		if conv, err = tx.ConversationByID(c.app.PK, convID); err != nil {
			return err
		}
		me, err := s.membership(tx, c, conv)
		if err != nil {
			return err
		}
		u, err := tx.UserByID(c.app.PK, userID)
		if err != nil {
			return err
		}
		target, err := tx.Member(conv.PK, u.PK)
		if err != nil {
			return notFoundAs(err, Errorf(ENOTFOUND, "user %q is not a member", userID))
		}
		if err := allow(c, actGrant, &standing{conv: conv, me: me, role: role, target: target}); err != nil {
			return err
		}
		if target.Role == role {
			return nil
		}
		target.Role, target.User = role, u
		if role == RoleOwner {
			if err := s.handOver(tx, conv, target); err != nil {
				return err
			}
		}
		changed = true
		return tx.UpsertMember(target)
	})
	if err != nil || !changed {
		return err
	}
	// A role is part of what members see of the conversation.
	e := s.newEvent(EventConversationUpdated, c, conv)
	e.UserID = userID
	s.publishToMembers(ctx, conv, e)
	return nil
}

// RemoveMembers removes users from a conversation: admins remove others,
// anyone removes themselves (leaves).
func (s *Service) RemoveMembers(ctx context.Context, c *Caller, convID string, userIDs []string) error {
	if err := c.inApp(); err != nil {
		return err
	}
	if err := s.checkIDs("members", userIDs, false); err != nil {
		return err
	}
	var conv *Conversation
	var removed []Event
	err := s.write(ctx, func(tx Tx) error {
		var err error
		conv, err = tx.ConversationByID(c.app.PK, convID)
		if err != nil {
			return err
		}
		me, err := s.membership(tx, c, conv)
		if err != nil {
			return err
		}
		ids := dedupe(userIDs)
		users, err := s.usersByIDs(tx, c.app, ids)
		if err != nil {
			return err
		}
		for _, id := range ids {
			u := users[id]
			target, err := tx.Member(conv.PK, u.PK)
			if err != nil {
				return notFoundAs(err, Errorf(ENOTFOUND, "user %q is not a member", id))
			}
			if err := allow(c, actRemove, &standing{conv: conv, me: me, target: target}); err != nil {
				return err
			}
			if err := tx.RemoveMember(conv.PK, u.PK); err != nil {
				return err
			}
			// The removed member learns of it, besides those who stay.
			e := s.newEvent(EventMemberRemoved, c, conv)
			e.UserID, e.Audience = u.ID, []int64{u.PK}
			removed = append(removed, e)
		}
		if conv.Kind == KindDirect && conv.MemberCount <= len(removed) {
			// A direct conversation lasts until both have left it.
			return tx.DeleteConversation(conv.PK)
		}
		return nil
	})
	if err != nil {
		return err
	}
	s.publishToMembers(ctx, conv, removed...)
	return nil
}

// Leave removes the caller from a conversation.
func (s *Service) Leave(ctx context.Context, c *Caller, convID string) error {
	if err := c.inApp(); err != nil {
		return err
	}
	if c.user == nil {
		return needUser("leaving")
	}
	return s.RemoveMembers(ctx, c, convID, []string{c.user.ID})
}

// ListMembers lists the members of a conversation the caller may read, in
// join order; cursors are members' user ids.
func (s *Service) ListMembers(ctx context.Context, c *Caller, convID string, p Page) (List[*Member], error) {
	if err := c.inApp(); err != nil {
		return List[*Member]{}, err
	}
	p, err := s.page(p)
	if err != nil {
		return List[*Member]{}, err
	}
	var list List[*Member]
	err = s.read(ctx, func(tx Tx) error {
		conv, _, err := s.conversation(tx, c, convID)
		if err != nil {
			return err
		}
		if list, err = s.listMembers(tx, conv, p); err != nil {
			return err
		}
		s.markOnline(list.Items)
		return s.fillReadSeqs(tx, c, list.Items)
	})
	return list, err
}

// listMembers reads one page of a conversation's members (its team's, for
// a channel that inherits them).
func (s *Service) listMembers(tx Tx, conv *Conversation, p Page) (List[*Member], error) {
	if inherited, ok, err := s.inheritedMembers(tx, conv, p); ok || err != nil {
		return inherited, err // a team channel without a member list of its own
	}
	members, err := tx.ListMembers(conv.PK, more(p))
	return listOf(members, p), err
}

func actorID(c *Caller) string {
	if c.user != nil {
		return c.user.ID
	}
	return ""
}
