package core

import "context"

// AddReaction adds the caller's reaction of the given name to a message the
// caller sees. Users may react to their own messages. Adding it twice is
// not an error.
func (s *Service) AddReaction(ctx context.Context, c *Caller, messageID, name string) error {
	return s.react(ctx, c, messageID, name, true)
}

// RemoveReaction removes the caller's reaction of the given name. Removing
// one that is not there is not an error.
func (s *Service) RemoveReaction(ctx context.Context, c *Caller, messageID, name string) error {
	return s.react(ctx, c, messageID, name, false)
}

func (s *Service) checkReaction(name string) error {
	if trimmed(name) == "" {
		return Invalidf("type", "reaction type is required")
	}
	return checkText("type", name, 100)
}

func (s *Service) react(ctx context.Context, c *Caller, messageID, name string, add bool) error {
	if err := c.inApp(); err != nil {
		return err
	}
	name = NormalizeReaction(name)
	if err := s.checkReaction(name); err != nil {
		return err
	}
	var m *Message
	var conv *Conversation
	changed := false
	err := s.write(ctx, func(tx Tx) (err error) {
		var me *Member
		if m, conv, me, err = s.visibleMessage(tx, c, messageID); err != nil {
			return err
		}
		if err := allow(c, actReact, &standing{conv: conv, me: me, msg: m}); err != nil {
			return err
		}
		if add {
			var total, mine int
			if total, mine, err = tx.ReactionCounts(m.PK, c.user.PK); err != nil {
				return err
			}
			if mine >= s.limits.ReactionsPerUser {
				return Invalidf("reaction", "at most %d reactions per user on one message", s.limits.ReactionsPerUser)
			}
			if total >= s.limits.ReactionsPerMessage {
				return Invalidf("reaction", "the message has the most reactions allowed (%d)", s.limits.ReactionsPerMessage)
			}
			changed, err = tx.AddReaction(&Reaction{MessagePK: m.PK, UserPK: c.user.PK, Name: name, CreatedAt: s.Now()})
		} else {
			changed, err = tx.RemoveReaction(m.PK, c.user.PK, name)
		}
		if err != nil || !changed {
			return err
		}
		// The event shows the message as it now is, reactions and all.
		m, err = tx.MessageByID(c.app.PK, m.ID)
		return err
	})
	if err != nil || !changed {
		return err
	}
	kind := EventReactionRemoved
	if add {
		kind = EventReactionAdded
	}
	s.publishMessage(ctx, kind, c, conv, m, func(e *Event) { e.Reaction, e.UserID = name, c.user.ID })
	return nil
}

// ListReactions lists the users who reacted to a message with one name, in
// reaction order; cursors are the users' ids.
func (s *Service) ListReactions(ctx context.Context, c *Caller, messageID, name string, p Page) (List[*User], error) {
	name = NormalizeReaction(name)
	if err := c.inApp(); err != nil {
		return List[*User]{}, err
	}
	if err := s.checkReaction(name); err != nil {
		return List[*User]{}, err
	}
	if p.Limit == 0 {
		p.Limit = 25
	}
	p, err := s.page(p)
	if err != nil {
		return List[*User]{}, err
	}
	var list List[*User]
	err = s.read(ctx, func(tx Tx) error {
		m, _, _, err := s.visibleMessage(tx, c, messageID)
		if err != nil {
			return err
		}
		users, err := tx.ListReactionUsers(m.PK, name, more(p))
		list = listOf(users, p)
		return err
	})
	return list, err
}
