package core

import (
	"context"
)

// ConversationUpdate changes a conversation's description; nil fields are
// left alone.
type ConversationUpdate struct {
	Title      *string
	AvatarURL  *string
	CustomType *string
	Metadata   []byte
}

// UpdateConversation changes a conversation: its admins, or the app.
func (s *Service) UpdateConversation(ctx context.Context, c *Caller, id string, in ConversationUpdate) (*Conversation, error) {
	if in.Title != nil {
		if err := checkText("title", *in.Title, s.limits.NameLength); err != nil {
			return nil, err
		}
	}
	if in.AvatarURL != nil {
		if err := checkText("avatarUrl", *in.AvatarURL, 2048); err != nil {
			return nil, err
		}
	}
	if in.CustomType != nil {
		if err := checkText("customType", *in.CustomType, 2048); err != nil {
			return nil, err
		}
	}
	if err := s.checkJSON("metadata", in.Metadata); err != nil {
		return nil, err
	}
	var conv *Conversation
	err := s.write(ctx, func(tx Tx) error {
		var me *Member
		var err error
		if conv, me, err = s.conversation(tx, c, id); err != nil {
			return err
		}
		if err := allow(c, actUpdateConversation, &standing{conv: conv, me: me}); err != nil {
			return err
		}
		if in.Title != nil {
			conv.Title = *in.Title
		}
		if in.AvatarURL != nil {
			conv.AvatarURL = *in.AvatarURL
		}
		if in.CustomType != nil {
			conv.CustomType = *in.CustomType
		}
		if in.Metadata != nil {
			conv.Metadata = in.Metadata
		}
		conv.UpdatedAt = s.Now()
		if err := tx.UpdateConversation(conv); err != nil {
			return err
		}
		return s.decorate(tx, c, []*Conversation{conv})
	})
	if err != nil {
		return nil, err
	}
	s.publishToMembers(ctx, conv, s.newEvent(EventConversationUpdated, c, conv))
	return conv, nil
}

// DeleteConversation removes a conversation with its messages: its owner,
// or the app.
func (s *Service) DeleteConversation(ctx context.Context, c *Caller, id string) error {
	var e Event
	err := s.write(ctx, func(tx Tx) error {
		conv, me, err := s.conversation(tx, c, id)
		if err != nil {
			return err
		}
		if err := allow(c, actDeleteConversation, &standing{conv: conv, me: me}); err != nil {
			return err
		}
		// The members go with it: its audience is read before.
		e = s.newEvent(EventConversationDeleted, c, conv)
		if e.Audience, err = tx.MemberKeys(conv.PK); err != nil {
			return err
		}
		return tx.DeleteConversation(conv.PK)
	})
	if err != nil {
		return err
	}
	s.publish(e)
	return nil
}
