package core

import "context"

// Flags: a user who sees a message may flag it for the conversation's
// moderators, and take the flag back; moderators (and the app) clear every
// flag. A message's FlagCount counts its flags.

// FlagMessage flags a message the caller sees, and returns it.
func (s *Service) FlagMessage(ctx context.Context, c *Caller, id string) (*Message, error) {
	return s.flag(ctx, c, id, actFlag, func(tx Tx, m *Message) error { return tx.AddFlag(m.PK, c.user.PK, s.Now()) })
}

// UnflagMessage takes the caller's flag off a message, and returns it.
func (s *Service) UnflagMessage(ctx context.Context, c *Caller, id string) (*Message, error) {
	return s.flag(ctx, c, id, actFlag, func(tx Tx, m *Message) error { return tx.RemoveFlag(m.PK, c.user.PK) })
}

// ClearFlags takes every flag off a message: the conversation's moderators
// and the app only.
func (s *Service) ClearFlags(ctx context.Context, c *Caller, id string) (*Message, error) {
	return s.flag(ctx, c, id, actClearFlags, func(tx Tx, m *Message) error { return tx.ClearFlags(m.PK) })
}

func (s *Service) flag(ctx context.Context, c *Caller, id string, a action, change func(Tx, *Message) error) (*Message, error) {
	if err := c.inApp(); err != nil {
		return nil, err
	}
	var m *Message
	err := s.write(ctx, func(tx Tx) error {
		var me *Member
		var conv *Conversation
		var err error
		if m, conv, me, err = s.visibleMessage(tx, c, id); err != nil {
			return err
		}
		if err := allow(c, a, &standing{conv: conv, me: me, msg: m}); err != nil {
			return err
		}
		if err := change(tx, m); err != nil {
			return err
		}
		m, err = tx.MessageByPK(c.app.PK, m.PK) // with its new flag count
		return err
	})
	return m, err
}

// IsFlaggedByMe reports whether the caller flagged a message they see.
func (s *Service) IsFlaggedByMe(ctx context.Context, c *Caller, id string) (bool, error) {
	if err := c.inApp(); err != nil {
		return false, err
	}
	if err := allow(c, actFlag, nil); err != nil {
		return false, err
	}
	var flagged bool
	err := s.read(ctx, func(tx Tx) error {
		m, _, _, err := s.visibleMessage(tx, c, id)
		if err != nil {
			return err
		}
		flagged, err = tx.IsFlagged(m.PK, c.user.PK)
		return err
	})
	return flagged, err
}
