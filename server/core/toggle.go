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
		if m, conv, _, err = s.visibleMessage(tx, c, messageID); err != nil {
			return err
		}
		if m.Deleted() {
			return Errorf(ECONFLICT, "the message was deleted")
		}
		added, err = tx.AddReaction(&Reaction{MessagePK: m.PK, UserPK: c.user.PK, Name: name, CreatedAt: s.Now()})
		if err != nil || added {
			return err
		}
		_, err = tx.RemoveReaction(m.PK, c.user.PK, name)
		return err
	})
	if err != nil {
		return false, err
	}
	kind := EventReactionRemoved
	if added {
		kind = EventReactionAdded
	}
	e := s.messageEvent(ctx, kind, c, conv, m)
	e.Reaction, e.UserID = name, c.user.ID
	s.publish(e)
	return added, nil
}
