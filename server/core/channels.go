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

// checkUpdate validates a description (OpenDistinct's).
func (s *Service) checkUpdate(in ConversationUpdate) error {
	if in.Title != nil {
		if err := checkText("title", *in.Title, s.limits.NameLength); err != nil {
			return err
		}
	}
	if in.AvatarURL != nil {
		if err := checkText("avatarUrl", *in.AvatarURL, 2048); err != nil {
			return err
		}
	}
	return s.checkJSON("metadata", in.Metadata)
}

// ConversationsByIDs returns the conversations among ids that the caller
// may read, in the order asked; others are left out.
func (s *Service) ConversationsByIDs(ctx context.Context, c *Caller, ids []string) ([]*Conversation, error) {
	if err := c.inApp(); err != nil {
		return nil, err
	}
	if err := s.checkIDs("channelIds", ids, false); err != nil {
		return nil, err
	}
	var convs []*Conversation
	err := s.read(ctx, func(tx Tx) error {
		for _, id := range dedupe(ids) {
			conv, _, err := s.conversation(tx, c, id)
			switch ErrorCode(err) {
			case "":
				convs = append(convs, conv)
			case ENOTFOUND, EFORBIDDEN:
			default:
				return err
			}
		}
		return s.decorate(tx, c, convs)
	})
	return convs, err
}

// JoinConversation adds the caller to a conversation anyone may join (or
// one they manage) and returns it as the caller now sees it. Joining twice
// is not an error.
func (s *Service) JoinConversation(ctx context.Context, c *Caller, id string) (*Conversation, error) {
	if err := c.inApp(); err != nil {
		return nil, err
	}
	var conv *Conversation
	joined := false
	err := s.write(ctx, func(tx Tx) error {
		var err error
		if conv, err = tx.ConversationByID(c.app.PK, id); err != nil {
			return err
		}
		me, err := s.membership(tx, c, conv)
		if err != nil {
			return err
		}
		if me == nil {
			if err := allow(c, actJoin, &standing{conv: conv, role: RoleMember, newcomer: true}); err != nil {
				return err
			}
			me = &Member{ConversationPK: conv.PK, UserPK: c.user.PK, User: c.user, Role: RoleMember, JoinedAt: s.Now()}
			if err := tx.UpsertMember(me); err != nil {
				return err
			}
			conv.Me, conv.MemberCount, joined = me, conv.MemberCount+1, true
		}
		return s.decorate(tx, c, []*Conversation{conv})
	})
	if err != nil {
		return nil, err
	}
	if joined {
		e := s.newEvent(EventMemberAdded, c, conv)
		e.UserID = c.user.ID
		s.publishToMembers(ctx, conv, e)
	}
	return conv, nil
}

// OpenDistinct is OpenDirect (the caller and userIDs, found again by the
// set) that gives a new conversation a description; a found one keeps
// its own.
func (s *Service) OpenDistinct(ctx context.Context, c *Caller, userIDs []string, in ConversationUpdate) (conv *Conversation, created bool, err error) {
	if err := c.inApp(); err != nil {
		return nil, false, err
	}
	if err := allow(c, actCreateConversation, &standing{conv: &Conversation{Kind: KindDirect}}); err != nil {
		return nil, false, err
	}
	if err := s.checkIDs("userIds", userIDs, c.user != nil); err != nil {
		return nil, false, err
	}
	if err := s.checkUpdate(in); err != nil {
		return nil, false, err
	}
	err = s.write(ctx, func(tx Tx) (err error) {
		if conv, created, err = s.openDirectSet(tx, c, userIDs); err != nil || !created {
			return err
		}
		if in.Title != nil {
			conv.Title = *in.Title
		}
		if in.AvatarURL != nil {
			conv.AvatarURL = *in.AvatarURL
		}
		conv.Metadata = in.Metadata
		return tx.UpdateConversation(conv)
	})
	if err != nil {
		return nil, false, err
	}
	if created {
		s.publishToMembers(ctx, conv, s.newEvent(EventConversationCreated, c, conv))
	}
	return conv, created, nil
}
