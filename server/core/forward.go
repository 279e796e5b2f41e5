package core

import (
	"context"
)

// Targets names where Forward and Broadcast write: conversations by id and
// users, each by the direct conversation the caller has with them.
type Targets struct {
	ConversationIDs []string
	UserIDs         []string
}

// check validates, de-duplicates and caps the targets: n messages to each
// may be written in all.
func (s *Service) checkTargets(t *Targets, n int) error {
	if len(t.ConversationIDs) == 0 && len(t.UserIDs) == 0 {
		return Invalidf("conversationIds", "give conversationIds or userIds")
	}
	if err := s.checkIDs("conversationIds", t.ConversationIDs, true); err != nil {
		return err
	}
	if err := s.checkIDs("userIds", t.UserIDs, true); err != nil {
		return err
	}
	t.ConversationIDs, t.UserIDs = dedupe(t.ConversationIDs), dedupe(t.UserIDs)
	if total := n * (len(t.ConversationIDs) + len(t.UserIDs)); total > s.limits.BatchWrites {
		return Invalidf("conversationIds", "this would write %d messages; at most %d are written at once", total, s.limits.BatchWrites)
	}
	return nil
}

// Forward copies messages into other conversations (named by id, or by the
// user of a direct conversation) as new messages that point back to the
// original.
func (s *Service) Forward(ctx context.Context, c *Caller, messageIDs []string, to Targets) ([]*Message, error) {
	if err := c.inApp(); err != nil {
		return nil, err
	}
	if err := allow(c, actForward, nil); err != nil {
		return nil, err
	}
	if err := s.checkIDs("messageIds", messageIDs, false); err != nil {
		return nil, err
	}
	messageIDs = dedupe(messageIDs)
	if err := s.checkTargets(&to, len(messageIDs)); err != nil {
		return nil, err
	}
	convIDs, userIDs := to.ConversationIDs, to.UserIDs
	var sent []*Message
	var convs []*Conversation
	err := s.write(ctx, func(tx Tx) error {
		var originals []*Message
		for _, id := range messageIDs {
			m, _, _, err := s.visibleMessage(tx, c, id)
			if err != nil {
				return err
			}
			if m.Deleted() {
				return Errorf(ECONFLICT, "message %q was deleted", id)
			}
			originals = append(originals, m)
		}
		var targets []*Conversation
		for _, id := range convIDs {
			conv, me, err := s.conversation(tx, c, id)
			if err != nil {
				return err
			}
			if err := allow(c, actPost, &standing{conv: conv, me: me}); err != nil {
				return err
			}
			targets = append(targets, conv)
		}
		for _, id := range userIDs {
			conv, _, err := s.openDirect(tx, c, id)
			if err != nil {
				return err
			}
			targets = append(targets, conv)
		}
		now := s.Now()
		for _, conv := range targets {
			for _, o := range originals {
				m := &Message{AppPK: c.app.PK, ConversationPK: conv.PK, ConversationID: conv.ID, OwnerPK: c.user.PK, Owner: c.user,
					Type: TypeForward, CustomType: o.CustomType, Body: o.Body, HTML: o.HTML, Dialect: dialectOf(ctx), Metadata: o.Metadata,
					Entities: o.Entities, Tags: o.Tags, Attachments: copyAttachments(o.Attachments), ShowInConversation: true,
					Encrypted: o.Encrypted, ForwardedFromPK: o.PK, ForwardedFromID: o.ID, CreatedAt: now, ReceivedAt: now, UpdatedAt: now}
				if o.ForwardedFromPK != 0 {
					m.ForwardedFromPK, m.ForwardedFromID = o.ForwardedFromPK, o.ForwardedFromID
				}
				if err := tx.InsertMessage(m); err != nil {
					return err
				}
				if err := tx.TouchConversation(conv.PK, now, m.PK); err != nil {
					return err
				}
				sent, convs = append(sent, m), append(convs, conv)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for i, m := range sent {
		s.publishMessage(ctx, EventMessageCreated, c, convs[i], m)
	}
	return sent, nil
}

// copyAttachments copies attachments for a new message (their ids are the
// new message's).
func copyAttachments(in []Attachment) []Attachment {
	out := make([]Attachment, len(in))
	for i, a := range in {
		a.ID = ""
		out[i] = a
	}
	return out
}

// Broadcast sends one message to each user's direct conversation with the
// caller and to each named conversation, all in one transaction.
func (s *Service) Broadcast(ctx context.Context, c *Caller, in SendInput, to Targets) ([]*Message, error) {
	if err := c.inApp(); err != nil {
		return nil, err
	}
	if err := allow(c, actBroadcast, nil); err != nil {
		return nil, err
	}
	if len(to.ConversationIDs) == 0 && len(to.UserIDs) == 0 {
		return nil, Invalidf("userIds", "give userIds or conversationIds")
	}
	if err := s.checkTargets(&to, 1); err != nil {
		return nil, err
	}
	convIDs, userIDs := to.ConversationIDs, to.UserIDs
	in.ConversationID, in.ToUserID, in.ID = "", "-", ""
	if err := s.checkSend(&in); err != nil {
		return nil, err
	}
	if in.Dialect == "" {
		in.Dialect = dialectOf(ctx)
	}
	var targets []SendInput
	for _, id := range userIDs {
		one := in
		one.ToUserID = id
		targets = append(targets, one)
	}
	for _, id := range convIDs {
		one := in
		one.ToUserID, one.ConversationID = "", id
		targets = append(targets, one)
	}
	var sent []*Message
	var convs []*Conversation
	err := s.write(ctx, func(tx Tx) error {
		for _, one := range targets {
			conv, m, _, err := s.send(tx, c, one)
			if err != nil {
				return err
			}
			sent, convs = append(sent, m), append(convs, conv)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for i, m := range sent {
		s.publishMessage(ctx, EventMessageCreated, c, convs[i], m)
	}
	return sent, nil
}
