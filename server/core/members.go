package core

import (
	"context"
)

// membership returns the caller's member row, nil when not a member.
func (s *Service) membership(tx Tx, c *Caller, conv *Conversation) (*Member, error) {
	if c.User == nil {
		return nil, nil
	}
	me, err := tx.Member(conv.PK, c.User.PK)
	if ErrorCode(err) == ENOTFOUND {
		return nil, nil
	}
	if err == nil {
		conv.Me = me
	}
	return me, err
}

// AddMembers adds users to a conversation: admins add anyone; anyone may
// join a public or open conversation by adding themselves.
func (s *Service) AddMembers(ctx context.Context, c *Caller, convID string, in []MemberInput) ([]*Member, error) {
	if len(in) == 0 {
		return nil, Invalidf("members", "name at least one user to add")
	}
	var added []*Member
	var conv *Conversation
	err := s.write(ctx, func(tx Tx) error {
		var err error
		conv, err = tx.ConversationByID(c.App.PK, convID)
		if err != nil {
			return err
		}
		me, err := s.membership(tx, c, conv)
		if err != nil {
			return err
		}
		if conv.Kind == KindDirect {
			return Errorf(EFORBIDDEN, "a direct conversation has exactly two members")
		}
		now := s.Now()
		for _, m := range in {
			if err := s.checkID("members", m.UserID); err != nil {
				return err
			}
			if m.Role == "" {
				m.Role = RoleMember
			}
			if !m.Role.Valid() {
				return Invalidf("role", "unknown role %q", m.Role)
			}
			self := c.User.Named(m.UserID)
			switch {
			case self && m.Role == RoleMember && me == nil:
				err = canJoin(c, conv, me)
			default:
				err = canGrant(c, me, m.Role)
			}
			if err != nil {
				return err
			}
			u, err := tx.UserByID(c.App.PK, m.UserID)
			if err != nil {
				return notFoundAs(err, Invalidf("members", "unknown user %q", m.UserID))
			}
			existing, err := tx.Member(conv.PK, u.PK)
			if err == nil && existing.Role == RoleOwner {
				continue // the owner keeps the role
			}
			if err != nil && ErrorCode(err) != ENOTFOUND {
				return err
			}
			mem := &Member{ConversationPK: conv.PK, UserPK: u.PK, User: u, Role: m.Role, JoinedAt: now}
			if err := tx.UpsertMember(mem); err != nil {
				return err
			}
			added = append(added, mem)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, m := range added {
		s.publish(Event{Type: EventMemberAdded, AppPK: c.App.PK, ConversationPK: conv.PK, ConversationID: conv.ID, ActorID: actorID(c), UserID: m.User.ID})
	}
	return added, nil
}

// SetRole changes a member's role.
func (s *Service) SetRole(ctx context.Context, c *Caller, convID, userID string, role Role) error {
	if !role.Valid() {
		return Invalidf("role", "unknown role %q", role)
	}
	return s.write(ctx, func(tx Tx) error {
		conv, err := tx.ConversationByID(c.App.PK, convID)
		if err != nil {
			return err
		}
		me, err := s.membership(tx, c, conv)
		if err != nil {
			return err
		}
		if err := canGrant(c, me, role); err != nil {
			return err
		}
		u, err := tx.UserByID(c.App.PK, userID)
		if err != nil {
			return err
		}
		target, err := tx.Member(conv.PK, u.PK)
		if err != nil {
			return notFoundAs(err, Errorf(ENOTFOUND, "user %q is not a member", userID))
		}
		target.Role = role
		return tx.UpsertMember(target)
	})
}

// RemoveMembers removes users from a conversation: admins remove others,
// anyone removes themselves (leaves).
func (s *Service) RemoveMembers(ctx context.Context, c *Caller, convID string, userIDs []string) error {
	if err := s.checkIDs("members", userIDs, false); err != nil {
		return err
	}
	var conv *Conversation
	var removed []string
	err := s.write(ctx, func(tx Tx) error {
		var err error
		conv, err = tx.ConversationByID(c.App.PK, convID)
		if err != nil {
			return err
		}
		me, err := s.membership(tx, c, conv)
		if err != nil {
			return err
		}
		for _, id := range dedupe(userIDs) {
			u, err := tx.UserByID(c.App.PK, id)
			if err != nil {
				return notFoundAs(err, Invalidf("members", "unknown user %q", id))
			}
			target, err := tx.Member(conv.PK, u.PK)
			if err != nil {
				return notFoundAs(err, Errorf(ENOTFOUND, "user %q is not a member", id))
			}
			if err := canRemove(c, conv, me, target); err != nil {
				return err
			}
			if err := tx.RemoveMember(conv.PK, u.PK); err != nil {
				return err
			}
			removed = append(removed, u.ID)
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, id := range removed {
		s.publish(Event{Type: EventMemberRemoved, AppPK: c.App.PK, ConversationPK: conv.PK, ConversationID: conv.ID, ActorID: actorID(c), UserID: id})
	}
	return nil
}

// Leave removes the caller from a conversation.
func (s *Service) Leave(ctx context.Context, c *Caller, convID string) error {
	if err := requireUser(c, "leaving"); err != nil {
		return err
	}
	return s.RemoveMembers(ctx, c, convID, []string{c.User.ID})
}

// ListMembers lists the members of a conversation the caller may read.
func (s *Service) ListMembers(ctx context.Context, c *Caller, convID string, p Page) ([]*Member, error) {
	p, err := s.page(p)
	if err != nil {
		return nil, err
	}
	var members []*Member
	err = s.read(ctx, func(tx Tx) error {
		conv, _, err := s.conversation(tx, c, convID)
		if err != nil {
			return err
		}
		if members, err = tx.ListMembers(conv.PK, p); err != nil {
			return err
		}
		return s.fillReadSeqs(tx, c, members)
	})
	return members, err
}

func actorID(c *Caller) string {
	if c.User != nil {
		return c.User.ID
	}
	return ""
}
