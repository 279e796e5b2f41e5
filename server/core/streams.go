package core

import (
	"context"
)

// StreamQuery pages a stream of messages by key, the way App.net does:
// the messages between SinceKey and BeforeKey (both exclusive; 0 leaves a
// side open), newest first. A positive Count takes the newest of them; a
// negative Count takes the oldest, just above SinceKey (still answered
// newest first). Count 0 takes the default page size.
type StreamQuery struct {
	SinceKey       int64
	BeforeKey      int64
	Count          int
	IncludeDeleted bool // recall tombstones
	IncludeMachine bool // machine-only messages
	// SinceRead and BeforeRead bound the page by the caller's read
	// position instead (App.net's last_read and marker); ReadInclusive
	// takes the message at the position too.
	SinceRead, BeforeRead, ReadInclusive bool
}

// StreamPage is one page of a stream: the messages newest first, and
// whether more match beyond Count. Conversation is the stream's
// conversation as the caller sees it (with Me), when the stream is one
// conversation's.
type StreamPage struct {
	Messages     []*Message
	More         bool
	Conversation *Conversation
}

// streamFilter applies q's bounds, count and inclusions to f.
func (s *Service) streamFilter(f *MessageFilter, q StreamQuery) error {
	n := q.Count
	if n < 0 {
		n = -n
		f.Ascending = true
	}
	if n == 0 {
		n = s.limits.PageSize
	}
	if n > s.limits.MaxPageSize {
		return Invalidf("count", "count must be between -%d and %d", s.limits.MaxPageSize, s.limits.MaxPageSize)
	}
	if q.SinceKey < 0 || q.BeforeKey < 0 {
		return Invalidf("since_id", "since_id and before_id must be positive")
	}
	f.AfterPK, f.BeforePK, f.Limit = q.SinceKey, q.BeforeKey, n+1
	f.IncludeDeleted = q.IncludeDeleted
	if !q.IncludeMachine {
		f.Types = []MessageType{TypeNormal, TypeReply, TypeForward, TypeAdmin}
	}
	return nil
}

// cutStream trims a page fetched with one message too many and turns an
// ascending page newest first.
func cutStream(msgs []*Message, limit int, ascending bool) ([]*Message, bool) {
	more := len(msgs) > limit
	if more {
		msgs = msgs[:limit]
	}
	if ascending {
		for i, j := 0, len(msgs)-1; i < j; i, j = i+1, j-1 {
			msgs[i], msgs[j] = msgs[j], msgs[i]
		}
	}
	return msgs, more
}

// StreamMessages returns a page of a conversation's messages as the caller
// sees them, with the conversation and the caller's membership (for the
// read position).
func (s *Service) StreamMessages(ctx context.Context, c *Caller, convID string, q StreamQuery) (*StreamPage, error) {
	if err := c.inApp(); err != nil {
		return nil, err
	}
	f := MessageFilter{AppPK: c.app.PK}
	if err := s.streamFilter(&f, q); err != nil {
		return nil, err
	}
	page := &StreamPage{}
	err := s.read(ctx, func(tx Tx) error {
		conv, _, err := s.conversation(tx, c, convID)
		if err != nil {
			return err
		}
		f.ConversationPK = conv.PK
		if c.user != nil {
			f.ViewerPK = c.user.PK
		}
		if q.SinceRead || q.BeforeRead {
			if conv.Me == nil {
				return Invalidf("since_id", "last_read and marker need a subscription to the channel")
			}
			pos, inc := conv.Me.LastReadPK, int64(0)
			if q.ReadInclusive {
				inc = 1
			}
			if q.SinceRead {
				f.AfterPK = max(pos-inc, 0)
			} else {
				f.BeforePK = pos + inc
			}
		}
		msgs, err := tx.ListMessages(f)
		if err != nil {
			return err
		}
		page.Messages, page.More = cutStream(append([]*Message(nil), msgs...), f.Limit-1, f.Ascending)
		page.Conversation = conv
		return nil
	})
	if err != nil {
		return nil, err
	}
	return page, nil
}

// StreamOwnMessages returns a page of the messages the caller created, in
// every conversation. A user always sees their own messages.
func (s *Service) StreamOwnMessages(ctx context.Context, c *Caller, q StreamQuery) (*StreamPage, error) {
	if err := actingUser(c, "listing your messages"); err != nil {
		return nil, err
	}
	f := MessageFilter{AppPK: c.app.PK, ViewerPK: c.user.PK}
	if err := s.streamFilter(&f, q); err != nil {
		return nil, err
	}
	page := &StreamPage{}
	err := s.read(ctx, func(tx Tx) error {
		msgs, err := tx.ListOwnMessages(c.user.PK, f)
		if err != nil {
			return err
		}
		page.Messages, page.More = cutStream(msgs, f.Limit-1, f.Ascending)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return page, nil
}

// GetMessages returns the messages named by ids that the caller may see
// (or created), in the order asked; unknown and hidden ones are left out.
// It costs one look-up for the messages, one per conversation they are
// in, and one for the caller's hidden copies.
func (s *Service) GetMessages(ctx context.Context, c *Caller, ids []string) ([]*Message, error) {
	if err := c.inApp(); err != nil {
		return nil, err
	}
	if err := s.checkIDs("ids", ids, false); err != nil {
		return nil, err
	}
	var out []*Message
	err := s.read(ctx, func(tx Tx) error {
		msgs, err := tx.MessagesByIDs(c.app.PK, dedupe(ids))
		if err != nil {
			return err
		}
		hidden := map[int64]bool{}
		if c.user != nil && len(msgs) > 0 {
			pks := make([]int64, len(msgs))
			for i, m := range msgs {
				pks[i] = m.PK
			}
			if hidden, err = tx.HiddenMessages(c.user.PK, pks); err != nil {
				return err
			}
		}
		readable := map[int64]*standing{} // conversation key → the caller's standing, nil: unreadable
		for _, m := range msgs {
			if c.user != nil && m.OwnerPK == c.user.PK {
				out = append(out, m) // one's own message, always
				continue
			}
			st, seen := readable[m.ConversationPK]
			if !seen {
				if st, err = s.readStanding(tx, c, m.ConversationPK); err != nil {
					return err
				}
				readable[m.ConversationPK] = st
			}
			if st == nil {
				continue
			}
			one := *st
			one.msg, one.hidden = m, hidden[m.PK]
			if allow(c, actSeeMessage, &one) == nil {
				out = append(out, m)
			}
		}
		return nil
	})
	return out, err
}

// readStanding returns the caller's standing towards a conversation they
// may read, nil when they may not.
func (s *Service) readStanding(tx Tx, c *Caller, convPK int64) (*standing, error) {
	conv, err := tx.ConversationByPK(c.app.PK, convPK)
	if err != nil {
		return nil, err
	}
	if err := loadAccess(tx, conv); err != nil {
		return nil, err
	}
	me, err := s.membership(tx, c, conv)
	if err != nil {
		return nil, err
	}
	st := &standing{conv: conv, me: me}
	if allow(c, actRead, st) != nil {
		return nil, nil
	}
	return st, nil
}

// ownOrVisibleMessage loads a message the caller created (which they
// always see, even after leaving its conversation) or may see.
func (s *Service) ownOrVisibleMessage(tx Tx, c *Caller, id string) (*Message, error) {
	if c.user != nil {
		if err := s.checkID("messageId", id); err != nil {
			return nil, err
		}
		m, err := tx.MessageByID(c.app.PK, id)
		if err != nil {
			return nil, err
		}
		if m.OwnerPK == c.user.PK {
			return m, nil
		}
	}
	m, _, _, err := s.visibleMessage(tx, c, id)
	return m, err
}

// GetMessageIn returns one message of a conversation: one the caller
// created, or one they may see. A message of another conversation is not
// found.
func (s *Service) GetMessageIn(ctx context.Context, c *Caller, convID, id string) (*Message, error) {
	if err := c.inApp(); err != nil {
		return nil, err
	}
	var m *Message
	err := s.read(ctx, func(tx Tx) (err error) {
		m, err = s.messageIn(tx, c, convID, id)
		return err
	})
	return m, err
}

func (s *Service) messageIn(tx Tx, c *Caller, convID, id string) (*Message, error) {
	m, err := s.ownOrVisibleMessage(tx, c, id)
	if err != nil {
		return nil, err
	}
	pk, _, err := tx.ConversationKey(c.app.PK, convID)
	if err != nil {
		return nil, err
	}
	if pk != m.ConversationPK {
		return nil, Errorf(ENOTFOUND, "message not found in this conversation")
	}
	return m, nil
}

// DeleteOwnMessage deletes a message for everyone at its creator's
// request (App.net lets only the creator delete, even after leaving the
// channel). A tombstone stays; deleting it again changes nothing. It
// returns the tombstone.
func (s *Service) DeleteOwnMessage(ctx context.Context, c *Caller, convID, id string) (*Message, error) {
	if err := actingUser(c, "deleting a message"); err != nil {
		return nil, err
	}
	var m *Message
	var conv *Conversation
	changed := false
	err := s.write(ctx, func(tx Tx) (err error) {
		if m, err = s.messageIn(tx, c, convID, id); err != nil {
			return err
		}
		if err := allow(c, actDeleteOwn, &standing{conv: conv, msg: m}); err != nil {
			return err
		}
		if conv, err = tx.ConversationByPK(c.app.PK, m.ConversationPK); err != nil {
			return err
		}
		if m.Deleted() {
			return nil
		}
		now := s.Now()
		m.DeletedAt, m.UpdatedAt = now, now
		m.Body, m.HTML, m.Metadata, m.Entities, m.Annotations = "", "", nil, nil, nil
		m.Attachments, m.Mentions, m.Pinned = nil, nil, false
		changed = true
		return tx.UpdateMessage(m)
	})
	if err != nil {
		return nil, err
	}
	if changed {
		s.publishMessage(ctx, EventMessageDeleted, c, conv, m)
	}
	return m, nil
}
