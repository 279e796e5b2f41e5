package core

import (
	"context"
)

// EditInput changes a message; nil fields are left alone.
type EditInput struct {
	Body        *string
	HTML        *string
	CustomType  *string
	Metadata    []byte
	Entities    []byte
	Tags        []string
	Attachments *[]Attachment
	Mentions    *[]Mention
}

// EditMessage changes a message: its sender only.
func (s *Service) EditMessage(ctx context.Context, c *Caller, id string, in EditInput) (*Message, error) {
	if err := c.inApp(); err != nil {
		return nil, err
	}
	if in.Body != nil {
		if err := checkText("body", *in.Body, s.limits.BodyLength); err != nil {
			return nil, err
		}
	}
	if err := s.checkJSON("metadata", in.Metadata); err != nil {
		return nil, err
	}
	if len(in.Tags) > s.limits.Tags {
		return nil, Invalidf("tags", "at most %d tags are allowed", s.limits.Tags)
	}
	if in.Attachments != nil && len(*in.Attachments) > s.limits.Attachments {
		return nil, Invalidf("attachments", "at most %d attachments are allowed", s.limits.Attachments)
	}
	var m *Message
	var conv *Conversation
	err := s.write(ctx, func(tx Tx) (err error) {
		if m, conv, _, err = s.visibleMessage(tx, c, id); err != nil {
			return err
		}
		if err := allow(c, actEdit, &standing{conv: conv, msg: m}); err != nil {
			return err
		}
		if in.Body != nil && *in.Body != m.Body {
			if err := s.keepRevision(tx, c, m); err != nil {
				return err
			}
		}
		if in.Body != nil {
			m.Body = *in.Body
		}
		if in.HTML != nil {
			m.HTML = *in.HTML
		}
		if in.CustomType != nil {
			m.CustomType = *in.CustomType
		}
		if in.Metadata != nil {
			m.Metadata = in.Metadata
		}
		if in.Entities != nil {
			m.Entities = in.Entities
		}
		if in.Tags != nil {
			m.Tags = in.Tags
		}
		if in.Attachments != nil {
			m.Attachments = *in.Attachments
			if err := s.resolveAttachments(tx, c, m.Attachments); err != nil {
				return err
			}
		}
		if in.Mentions != nil {
			if err := s.resolveMentions(tx, c.app, m, *in.Mentions); err != nil {
				return err
			}
		}
		now := s.Now()
		m.EditedAt, m.UpdatedAt = now, now
		return tx.UpdateMessage(m)
	})
	if err != nil {
		return nil, err
	}
	s.publishMessage(ctx, EventMessageUpdated, c, conv, m)
	return m, nil
}

// DeleteForMe hides messages for the caller only. It is refused in public
// conversations. All or none are hidden.
func (s *Service) DeleteForMe(ctx context.Context, c *Caller, ids []string) error {
	if err := c.inApp(); err != nil {
		return err
	}
	if err := s.checkIDs("messageIds", ids, false); err != nil {
		return err
	}
	var events []Event
	err := s.write(ctx, func(tx Tx) error {
		now := s.Now()
		for _, id := range dedupe(ids) {
			m, conv, _, err := s.visibleMessage(tx, c, id)
			if err != nil {
				return err
			}
			if err := allow(c, actHide, &standing{conv: conv, msg: m}); err != nil {
				return err
			}
			if err := tx.HideMessage(m.PK, c.user.PK, now); err != nil {
				return err
			}
			e := s.newEvent(EventMessageHidden, c, conv)
			e.Message, e.UserID, e.Audience = m, c.user.ID, []int64{c.user.PK}
			events = append(events, e)
		}
		return nil
	})
	if err != nil {
		return err
	}
	s.publish(events...) // a hidden copy concerns its user alone
	return nil
}

// Recall deletes messages for everyone: their sender or a conversation
// admin. A tombstone stays (lists leave it out unless asked). All or none.
func (s *Service) Recall(ctx context.Context, c *Caller, ids []string) ([]*Message, error) {
	if err := c.inApp(); err != nil {
		return nil, err
	}
	if err := s.checkIDs("messageIds", ids, false); err != nil {
		return nil, err
	}
	var recalled []*Message
	var convs []*Conversation
	err := s.write(ctx, func(tx Tx) error {
		now := s.Now()
		for _, id := range dedupe(ids) {
			m, conv, me, err := s.visibleMessage(tx, c, id)
			if err != nil {
				return err
			}
			if err := allow(c, actRecall, &standing{conv: conv, me: me, msg: m}); err != nil {
				return err
			}
			if m.Deleted() {
				continue
			}
			m.DeletedAt, m.UpdatedAt = now, now
			m.Body, m.HTML, m.Metadata, m.Entities, m.Annotations = "", "", nil, nil, nil
			m.Attachments, m.Mentions, m.Pinned = nil, nil, false
			if err := tx.UpdateMessage(m); err != nil {
				return err
			}
			recalled, convs = append(recalled, m), append(convs, conv)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for i, m := range recalled {
		s.publishMessage(ctx, EventMessageDeleted, c, convs[i], m)
	}
	return recalled, nil
}

// Pin pins a message: conversation admins only. Pinning a pinned message
// changes nothing.
func (s *Service) Pin(ctx context.Context, c *Caller, id string) (*Message, error) {
	return s.setPinned(ctx, c, id, true)
}

// Unpin unpins a message: conversation admins only.
func (s *Service) Unpin(ctx context.Context, c *Caller, id string) (*Message, error) {
	return s.setPinned(ctx, c, id, false)
}

func (s *Service) setPinned(ctx context.Context, c *Caller, id string, pinned bool) (*Message, error) {
	if err := c.inApp(); err != nil {
		return nil, err
	}
	var m *Message
	var conv *Conversation
	changed := false
	err := s.write(ctx, func(tx Tx) (err error) {
		var me *Member
		if m, conv, me, err = s.visibleMessage(tx, c, id); err != nil {
			return err
		}
		if err := allow(c, actPin, &standing{conv: conv, me: me, msg: m}); err != nil {
			return err
		}
		if m.Pinned == pinned {
			return nil
		}
		changed = true
		m.Pinned, m.UpdatedAt = pinned, s.Now()
		return tx.UpdateMessage(m)
	})
	if err != nil || !changed {
		return m, err // pinning a pinned message changes nothing: no event
	}
	kind := EventMessageUnpinned
	if pinned {
		kind = EventMessagePinned
	}
	s.publishMessage(ctx, kind, c, conv, m)
	return m, nil
}
