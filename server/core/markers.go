package core

import (
	"context"
)

// MarkerInput moves the caller's read position in one conversation: to a
// message, forward only unless Reset.
type MarkerInput struct {
	ConversationID string
	MessageID      string
	Reset          bool
}

// SetMarkers moves read positions, all or none, and returns the
// conversations with the caller's new membership.
func (s *Service) SetMarkers(ctx context.Context, c *Caller, in []MarkerInput) ([]*Conversation, error) {
	if err := actingUser(c, "marking read"); err != nil {
		return nil, err
	}
	if len(in) == 0 || len(in) > s.limits.BatchIDs {
		return nil, Invalidf("markers", "give between 1 and %d markers", s.limits.BatchIDs)
	}
	var convs []*Conversation
	err := s.write(ctx, func(tx Tx) error {
		now := s.Now()
		for _, mk := range in {
			conv, me, err := s.conversation(tx, c, mk.ConversationID)
			if err != nil {
				return err
			}
			if me == nil {
				return Errorf(EFORBIDDEN, "subscribe to a channel before marking it read")
			}
			m, err := s.messageIn(tx, c, mk.ConversationID, mk.MessageID)
			if err != nil {
				return notFoundAs(err, Invalidf("id", "the marker's message is not one of this channel's"))
			}
			if mk.Reset {
				err = tx.ResetReadPosition(conv.PK, c.user.PK, m.PK, now)
			} else {
				err = tx.SetReadPosition(conv.PK, c.user.PK, m.PK, now)
			}
			if err != nil {
				return err
			}
			if me, err = tx.Member(conv.PK, c.user.PK); err != nil {
				return err
			}
			conv.Me = me
			convs = append(convs, conv)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, conv := range convs {
		s.publish(Event{Type: EventConversationRead, AppPK: c.app.PK, ConversationPK: conv.PK, ConversationID: conv.ID,
			ActorID: c.user.ID, UserID: c.user.ID, Audience: []int64{c.user.PK}})
	}
	return convs, nil
}
