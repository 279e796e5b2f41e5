package core

import (
	"context"
)

// Channel is a conversation as App.net sees it: with its access lists
// (its own for a KindChannel conversation, derived from kind and members
// for the others), its owner, and the caller's rights and mute.
type Channel struct {
	*Conversation // with Me, LastMessage, Unread and Access
	Owner         *User
	Muted         bool
	CanRead       bool
	CanWrite      bool
	CanEdit       bool // the caller may change the channel (its owner, or the app)
}

// ChannelInput creates an App.net channel.
type ChannelInput struct {
	Type        string
	Readers     ACLInput
	Writers     ACLInput
	Annotations []Annotation
}

// resolveACL turns an access list's users into keys (the owner, implicit,
// is left out).
func (s *Service) resolveACL(tx Tx, c *Caller, field string, in ACLInput, ownerPK int64) (ACL, error) {
	out := ACL{AnyUser: in.AnyUser, Public: in.Public, Immutable: in.Immutable}
	users, err := s.usersByRefs(tx, c.app.PK, field, in.Users)
	if err != nil {
		return out, err
	}
	for _, u := range users {
		if u.PK != ownerPK {
			out.UserPKs = append(out.UserPKs, u.PK)
		}
	}
	return out, nil
}

// CreateChannel creates an App.net channel owned and subscribed by the
// caller.
func (s *Service) CreateChannel(ctx context.Context, c *Caller, in ChannelInput) (*Channel, error) {
	if err := actingUser(c, "creating a channel"); err != nil {
		return nil, err
	}
	if err := checkChannelType(in.Type); err != nil {
		return nil, err
	}
	if err := s.checkACL("readers", &in.Readers, false); err != nil {
		return nil, err
	}
	if err := s.checkACL("writers", &in.Writers, true); err != nil {
		return nil, err
	}
	var ch *Channel
	err := s.write(ctx, func(tx Tx) error {
		conv, _, err := s.createConversation(tx, c, ConversationInput{Kind: KindChannel, Type: in.Type})
		if err != nil {
			return err
		}
		a := &Access{Annotations: in.Annotations}
		if a.Readers, err = s.resolveACL(tx, c, "readers", in.Readers, c.user.PK); err != nil {
			return err
		}
		if a.Writers, err = s.resolveACL(tx, c, "writers", in.Writers, c.user.PK); err != nil {
			return err
		}
		if err := tx.PutChannelAccess(conv.PK, a); err != nil {
			return err
		}
		conv.Access = a
		chs, err := s.channels(tx, c, []*Conversation{conv})
		ch = chs[0]
		return err
	})
	if err != nil {
		return nil, err
	}
	s.publish(Event{Type: EventConversationCreated, AppPK: c.app.PK, ConversationPK: ch.PK, ConversationID: ch.ID,
		ActorID: actorID(c), Audience: []int64{c.user.PK}})
	return ch, nil
}

// channels fills the App.net view of conversations the caller may read:
// access lists, owners, last messages, unread counts, mutes and rights, in
// a fixed number of queries.
func (s *Service) channels(tx Tx, c *Caller, convs []*Conversation) ([]*Channel, error) {
	if err := s.decorate(tx, c, convs); err != nil {
		return nil, err
	}
	var pks, derived, ownerPKs []int64
	for _, conv := range convs {
		pks = append(pks, conv.PK)
		if conv.Kind != KindChannel {
			derived = append(derived, conv.PK)
		}
		if conv.OwnerPK != 0 {
			ownerPKs = append(ownerPKs, conv.OwnerPK)
		}
	}
	stored, err := tx.ChannelAccesses(pks)
	if err != nil {
		return nil, err
	}
	members, err := tx.MemberRoles(derived)
	if err != nil {
		return nil, err
	}
	owners, err := tx.UsersByPKs(c.app.PK, ownerPKs)
	if err != nil {
		return nil, err
	}
	ownerBy := map[int64]*User{}
	for _, u := range owners {
		ownerBy[u.PK] = u
	}
	muted := map[int64]bool{}
	if c.user != nil {
		if muted, err = tx.MutedAmong(c.user.PK, pks); err != nil {
			return nil, err
		}
	}
	out := make([]*Channel, len(convs))
	for i, conv := range convs {
		if a := stored[conv.PK]; a != nil && conv.Kind == KindChannel {
			conv.Access = a
		} else if conv.Kind != KindChannel {
			conv.Access = derivedAccess(conv, members[conv.PK])
		}
		ch := &Channel{Conversation: conv, Owner: ownerBy[conv.OwnerPK], Muted: muted[conv.PK]}
		ch.CanRead = allow(c, actRead, &standing{conv: conv, me: conv.Me}) == nil
		ch.CanWrite = allow(c, actPost, &standing{conv: conv, me: conv.Me}) == nil
		ch.CanEdit = allow(c, actEditChannel, &standing{conv: conv}) == nil
		out[i] = ch
	}
	return out, nil
}

// derivedAccess is the access lists a conversation that has none of its
// own shows, following the rules of its kind.
func derivedAccess(conv *Conversation, members []Member) *Access {
	var all, admins []int64
	for _, m := range members {
		if m.UserPK == conv.OwnerPK {
			continue
		}
		all = append(all, m.UserPK)
		if m.Role.CanManage() {
			admins = append(admins, m.UserPK)
		}
	}
	a := &Access{Readers: ACL{Immutable: true, UserPKs: all}, Writers: ACL{Immutable: true, UserPKs: all}}
	switch conv.Kind {
	case KindOpen:
		a.Readers = ACL{AnyUser: true, Public: true, Immutable: true}
		a.Writers = ACL{AnyUser: true, Immutable: true}
	case KindBroadcast:
		a.Writers.UserPKs = admins
	}
	return a
}

// GetChannel returns a conversation the caller may read, as a channel.
func (s *Service) GetChannel(ctx context.Context, c *Caller, id string) (*Channel, error) {
	if err := c.inApp(); err != nil {
		return nil, err
	}
	var ch *Channel
	err := s.read(ctx, func(tx Tx) error {
		conv, _, err := s.conversation(tx, c, id)
		if err != nil {
			return err
		}
		chs, err := s.channels(tx, c, []*Conversation{conv})
		if err == nil {
			ch = chs[0]
		}
		return err
	})
	return ch, err
}

// GetChannels returns the channels named by ids that the caller may read,
// in the order asked; unknown and unreadable ones are left out.
func (s *Service) GetChannels(ctx context.Context, c *Caller, ids []string) ([]*Channel, error) {
	if err := c.inApp(); err != nil {
		return nil, err
	}
	if err := s.checkIDs("ids", ids, false); err != nil {
		return nil, err
	}
	var out []*Channel
	err := s.read(ctx, func(tx Tx) error {
		var convs []*Conversation
		for _, id := range dedupe(ids) {
			conv, _, err := s.conversation(tx, c, id)
			if code := ErrorCode(err); code == ENOTFOUND || code == EFORBIDDEN {
				continue
			}
			if err != nil {
				return err
			}
			convs = append(convs, conv)
		}
		var err error
		out, err = s.channels(tx, c, convs)
		return err
	})
	return out, err
}
