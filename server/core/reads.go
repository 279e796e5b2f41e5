package core

import (
	"context"
	"time"
)

// ReadInput moves a read position: up to a message, or up to a time (now
// when both are empty).
type ReadInput struct {
	MessageID string
	Seq       int64 // up to the message with this Seq (Amity's readToSegment)
	At        time.Time
	// Reset lets the position move back (App.net's reset_read_id); without
	// it a position behind the current one changes nothing.
	Reset bool
}

// MarkRead marks the caller's messages of a conversation read. The read
// position only moves forward.
func (s *Service) MarkRead(ctx context.Context, c *Caller, convID string, in ReadInput) error {
	if err := c.inApp(); err != nil {
		return err
	}
	var conv *Conversation
	moved := false
	err := s.write(ctx, func(tx Tx) error {
		var me *Member
		var err error
		if conv, me, err = s.conversation(tx, c, convID); err != nil {
			return err
		}
		if err := allow(c, actMarkRead, &standing{conv: conv, me: me}); err != nil {
			return err
		}
		now := s.Now()
		at := now
		var pk int64
		if in.Seq > 0 {
			if pk, err = s.pkBySeq(tx, conv, in.Seq); err != nil {
				return err
			}
		} else if in.MessageID != "" {
			m, _, _, err := s.visibleMessage(tx, c, in.MessageID)
			if err != nil {
				return err
			}
			if m.ConversationPK != conv.PK {
				return Invalidf("messageId", "the message is in another conversation")
			}
			pk = m.PK
		} else {
			// The client's clock says up to when it has read; a clock
			// ahead of ours cannot read the future.
			if !in.At.IsZero() && in.At.Before(now) {
				at = in.At.UTC().Truncate(time.Millisecond)
			}
			if pk, err = tx.LatestMessagePK(conv.PK, at); err != nil {
				return err
			}
		}
		if moved = readMoves(me.LastReadPK, pk, in.Reset); !moved {
			return nil
		}
		if me.Inherited { // a team channel's member without a row of their own
			return tx.SetInheritedRead(conv.PK, c.user.PK, pk, at, pk < me.LastReadPK)
		}
		if pk < me.LastReadPK { // a reset: SetReadPosition only moves forward
			return tx.ResetReadPosition(conv.PK, c.user.PK, pk, at)
		}
		return tx.SetReadPosition(conv.PK, c.user.PK, pk, at)
	})
	if err != nil || !moved {
		return err
	}
	// Members see each other's read positions (read receipts).
	e := s.newEvent(EventConversationRead, c, conv)
	e.UserID = c.user.ID
	s.publishToMembers(ctx, conv, e)
	return nil
}

// UnreadCount counts the caller's unread messages in one conversation.
func (s *Service) UnreadCount(ctx context.Context, c *Caller, convID string) (int, error) {
	if err := c.inApp(); err != nil {
		return 0, err
	}
	if err := allow(c, actUnread, nil); err != nil {
		return 0, err
	}
	var n int
	err := s.read(ctx, func(tx Tx) error {
		conv, me, err := s.conversation(tx, c, convID)
		if err != nil || me == nil {
			return err
		}
		if me.Inherited {
			n, err = tx.UnreadAfter(conv.PK, c.user.PK, me.LastReadPK)
			return err
		}
		n, err = tx.UnreadCount(conv.PK, c.user.PK)
		return err
	})
	return n, err
}

// UnreadTotal counts the caller's unread messages in all their conversations.
func (s *Service) UnreadTotal(ctx context.Context, c *Caller) (int, error) {
	if err := c.inApp(); err != nil {
		return 0, err
	}
	if err := allow(c, actUnread, nil); err != nil {
		return 0, err
	}
	var n int
	err := s.read(ctx, func(tx Tx) (err error) {
		n, err = tx.UnreadTotal(c.user.PK)
		return err
	})
	return n, err
}
