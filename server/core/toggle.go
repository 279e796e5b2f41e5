package core

import "context"

// ToggleReaction adds the caller's reaction of the given name to a message
// the caller sees, or takes it back when it is there already (CoWork's
// toggle); added tells which. The name is normalised (NormalizeReaction).
func (s *Service) ToggleReaction(ctx context.Context, c *Caller, messageID, name string) (added bool, err error) {
	if err := c.inApp(); err != nil {
		return false, err
	}
	name = NormalizeReaction(name)
	if err := s.checkReaction(name); err != nil {
		return false, err
	}
	var m *Message
	var conv *Conversation
	err = s.write(ctx, func(tx Tx) (err error) {
		var me *Member
		if m, conv, me, err = s.visibleMessage(tx, c, messageID); err != nil {
			return err
		}
		if err := allow(c, actReact, &standing{conv: conv, me: me, msg: m}); err != nil {
			return err
		}
		removed, err := tx.RemoveReaction(m.PK, c.user.PK, name)
		if err != nil {
			return err
		}
		if !removed {
			// Not there: add it, within the same caps as every reaction.
			total, mine, err := tx.ReactionCounts(m.PK, c.user.PK)
			if err != nil {
				return err
			}
			if mine >= s.limits.ReactionsPerUser {
				return Invalidf("reaction", "at most %d reactions per user on one message", s.limits.ReactionsPerUser)
			}
			if total >= s.limits.ReactionsPerMessage {
				return Invalidf("reaction", "the message has the most reactions allowed (%d)", s.limits.ReactionsPerMessage)
			}
			if added, err = tx.AddReaction(&Reaction{MessagePK: m.PK, UserPK: c.user.PK, Name: name, CreatedAt: s.Now()}); err != nil {
				return err
			}
		}
		// The event shows the message as it now is, reactions and all.
		m, err = tx.MessageByID(c.app.PK, m.ID)
		return err
	})
	if err != nil {
		return false, err
	}
	kind := EventReactionRemoved
	if added {
		kind = EventReactionAdded
	}
	s.publishMessage(ctx, kind, c, conv, m, func(e *Event) { e.Reaction, e.UserID = name, c.user.ID })
	return added, nil
}
