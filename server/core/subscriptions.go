package core

import (
	"context"
)

// Subscribe subscribes the caller to a channel they may read (joins the
// conversation); subscribing twice changes nothing.
func (s *Service) Subscribe(ctx context.Context, c *Caller, id string, subscribe bool) (*Channel, error) {
	if err := actingUser(c, "subscribing"); err != nil {
		return nil, err
	}
	var ch *Channel
	var event *Event
	err := s.write(ctx, func(tx Tx) error {
		conv, me, err := tx.ConversationAs(c.app.PK, id, c.user.PK)
		if err != nil {
			return err
		}
		if err := loadAccess(tx, conv); err != nil {
			return err
		}
		conv.Me = me
		if err := allow(c, actSubscribe, &standing{conv: conv, me: me}); err != nil {
			return err
		}
		switch {
		case subscribe && me == nil:
			m := &Member{ConversationPK: conv.PK, UserPK: c.user.PK, User: c.user, Role: RoleMember, JoinedAt: s.Now()}
			if err := tx.UpsertMember(m); err != nil {
				return err
			}
			conv.Me = m
			conv.MemberCount++
			event = &Event{Type: EventMemberAdded, UserID: c.user.ID}
		case !subscribe && me != nil:
			if err := tx.RemoveMember(conv.PK, c.user.PK); err != nil {
				return err
			}
			conv.Me = nil
			conv.MemberCount--
			event = &Event{Type: EventMemberRemoved, UserID: c.user.ID}
		}
		chs, err := s.channels(tx, c, []*Conversation{conv})
		if err == nil {
			ch = chs[0]
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	if event != nil {
		event.AppPK, event.ConversationPK, event.ConversationID, event.ActorID = c.app.PK, ch.PK, ch.ID, c.user.ID
		event.Audience = []int64{c.user.PK}
		s.publish(*event)
	}
	return ch, nil
}

// Subscribers returns count subscribers of a channel the caller may read,
// in subscription order after the first skip, and whether there are more.
func (s *Service) Subscribers(ctx context.Context, c *Caller, id string, skip, count int) ([]*User, bool, error) {
	if err := c.inApp(); err != nil {
		return nil, false, err
	}
	if count <= 0 || count > s.limits.MaxPageSize {
		return nil, false, Invalidf("count", "count must be between 1 and %d", s.limits.MaxPageSize)
	}
	var users []*User
	more := false
	err := s.read(ctx, func(tx Tx) error {
		conv, _, err := s.conversation(tx, c, id)
		if err != nil {
			return err
		}
		members, err := tx.ListMembers(conv.PK, Page{Skip: skip, Limit: count + 1})
		if err != nil {
			return err
		}
		if len(members) > count {
			members, more = members[:count], true
		}
		for _, m := range members {
			users = append(users, m.User)
		}
		return nil
	})
	return users, more, err
}

// MuteChannel mutes or unmutes a channel the caller is subscribed to.
func (s *Service) MuteChannel(ctx context.Context, c *Caller, id string, mute bool) (*Channel, error) {
	if err := actingUser(c, "muting"); err != nil {
		return nil, err
	}
	var ch *Channel
	err := s.write(ctx, func(tx Tx) error {
		conv, me, err := s.conversation(tx, c, id)
		if err != nil {
			return err
		}
		if me == nil && mute {
			return Errorf(EFORBIDDEN, "subscribe to a channel before muting it")
		}
		if _, err := tx.SetMuted(conv.PK, c.user.PK, mute, s.Now()); err != nil {
			return err
		}
		chs, err := s.channels(tx, c, []*Conversation{conv})
		if err == nil {
			ch = chs[0]
		}
		return err
	})
	return ch, err
}

// SubscriberKeys returns the subscribers' keys of each of the channels
// named by ids that the caller may read (unknown and unreadable ones are
// left out), in subscription order, in one look-up for all of them.
func (s *Service) SubscriberKeys(ctx context.Context, c *Caller, ids []string) (map[int64][]int64, error) {
	if err := c.inApp(); err != nil {
		return nil, err
	}
	if err := s.checkIDs("ids", ids, false); err != nil {
		return nil, err
	}
	out := map[int64][]int64{}
	err := s.read(ctx, func(tx Tx) error {
		var pks []int64
		for _, id := range dedupe(ids) {
			conv, _, err := s.conversation(tx, c, id)
			if code := ErrorCode(err); code == ENOTFOUND || code == EFORBIDDEN {
				continue
			}
			if err != nil {
				return err
			}
			pks = append(pks, conv.PK)
			out[conv.PK] = []int64{}
		}
		members, err := tx.MemberRoles(pks)
		for pk, ms := range members {
			for _, m := range ms {
				out[pk] = append(out[pk], m.UserPK)
			}
		}
		return err
	})
	return out, err
}
