package core

import (
	"context"
	"slices"
)

// Window asks for the messages around a target message: up to Before
// messages older than it, the target, and up to After newer ones. With no
// target, the newest message the caller sees is the target.
type Window struct {
	Target string
	Before int
	After  int
}

// MessageWindow returns the messages of a conversation around a target, as
// the caller sees them, oldest first. At the start of a conversation there
// is nothing before the target, at its end nothing after it.
func (s *Service) MessageWindow(ctx context.Context, c *Caller, convID string, w Window) ([]*Message, error) {
	if err := s.checkWindow(w); err != nil {
		return nil, err
	}
	var out []*Message
	err := s.read(ctx, func(tx Tx) (err error) {
		out, err = s.messageWindow(tx, c, convID, w)
		return err
	})
	return out, err
}

// checkWindow validates a window's bounds and target.
func (s *Service) checkWindow(w Window) error {
	if w.Before < 0 || w.After < 0 || w.Before+w.After+1 > s.limits.MaxPageSize {
		return Invalidf("window", "a window holds at most %d messages", s.limits.MaxPageSize)
	}
	return s.checkOptionalID("targetMessage", w.Target)
}

// messageWindow reads a checked window of a conversation the caller reads.
func (s *Service) messageWindow(tx Tx, c *Caller, convID string, w Window) ([]*Message, error) {
	var out []*Message
	err := func() error {
		f, err := s.messageFilter(tx, c, convID, MessageQuery{}, false)
		if err != nil {
			return err
		}
		// The target, through the same filter: the caller must see it.
		tf := f
		tf.Limit = 1
		if w.Target != "" {
			tf.IDs = []string{w.Target}
		}
		target, err := tx.ListMessages(tf)
		if err != nil {
			return err
		}
		if len(target) == 0 {
			if w.Target != "" {
				return Errorf(ENOTFOUND, "message %q not found in this conversation", w.Target)
			}
			return nil // an empty conversation
		}
		t := target[0]
		var before, after []*Message
		if w.Before > 0 {
			bf := f
			bf.BeforePK, bf.Limit = t.PK, w.Before
			if before, err = tx.ListMessages(bf); err != nil {
				return err
			}
		}
		if w.After > 0 {
			af := f
			af.AfterPK, af.Ascending, af.Limit = t.PK, true, w.After
			if after, err = tx.ListMessages(af); err != nil {
				return err
			}
		}
		out = make([]*Message, 0, len(before)+1+len(after))
		out = append(out, before...)
		slices.Reverse(out) // newest first from the store; oldest first here
		out = append(out, t)
		out = append(out, after...)
		return nil
	}()
	return out, err
}
