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

// ChannelUpdate changes a channel; nil fields are left alone. Annotations
// replace the channel's annotations of the same type; one without a value
// removes that type.
type ChannelUpdate struct {
	Readers     *ACLInput
	Writers     *ACLInput
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

// ChannelQuery lists the caller's subscribed channels, most recent
// activity first.
type ChannelQuery struct {
	Count int
	// After continues a list after this channel (an id or key reference:
	// the last channel of the page before); "": from the most recent.
	After    string
	Kinds    []ConversationKind
	Owned    bool // only the channels the caller owns
	Muted    bool // only the muted ones (else the muted ones are left out)
	AllMuted bool // muted ones too (Owned lists show them)
}

// ListChannels returns a page of the caller's subscribed channels and
// whether there are more.
func (s *Service) ListChannels(ctx context.Context, c *Caller, q ChannelQuery) ([]*Channel, bool, error) {
	if err := actingUser(c, "listing channels"); err != nil {
		return nil, false, err
	}
	if q.Count <= 0 || q.Count > s.limits.MaxPageSize {
		return nil, false, Invalidf("count", "count must be between 1 and %d", s.limits.MaxPageSize)
	}
	var out []*Channel
	more := false
	err := s.read(ctx, func(tx Tx) error {
		f := ConversationFilter{AppPK: c.app.PK, UserPK: c.user.PK, Kinds: q.Kinds,
			Page: Page{After: q.After, Limit: s.limits.MaxPageSize}}
		for len(out) <= q.Count {
			convs, err := tx.ListConversations(f)
			if err != nil {
				return err
			}
			chs, err := s.channels(tx, c, convs)
			if err != nil {
				return err
			}
			for _, ch := range chs {
				if (q.Owned && ch.OwnerPK != c.user.PK) || (q.Muted && !ch.Muted) || (!q.Muted && !q.AllMuted && ch.Muted) {
					continue
				}
				out = append(out, ch)
			}
			if len(convs) < f.Page.Limit {
				break
			}
			f.Page.After = KeyRef(convs[len(convs)-1].PK)
		}
		if len(out) > q.Count {
			out, more = out[:q.Count], true
		}
		return nil
	})
	return out, more, err
}

// UpdateChannel changes a channel's access lists (unless immutable) and
// annotations: its owner only.
func (s *Service) UpdateChannel(ctx context.Context, c *Caller, id string, in ChannelUpdate) (*Channel, error) {
	if err := c.inApp(); err != nil {
		return nil, err
	}
	for _, f := range []struct {
		name    string
		acl     *ACLInput
		writers bool
	}{{"readers", in.Readers, false}, {"writers", in.Writers, true}} {
		if f.acl != nil {
			if err := s.checkACL(f.name, f.acl, f.writers); err != nil {
				return nil, err
			}
		}
	}
	var ch *Channel
	err := s.write(ctx, func(tx Tx) error {
		conv, _, err := s.conversation(tx, c, id)
		if err != nil {
			return err
		}
		if err := allow(c, actEditChannel, &standing{conv: conv}); err != nil {
			return err
		}
		a := *conv.Access
		for _, f := range []struct {
			name string
			in   *ACLInput
			acl  *ACL
		}{{"readers", in.Readers, &a.Readers}, {"writers", in.Writers, &a.Writers}} {
			if f.in == nil {
				continue
			}
			if f.acl.Immutable {
				return Invalidf(f.name, "the %s list is immutable", f.name)
			}
			if *f.acl, err = s.resolveACL(tx, c, f.name, *f.in, conv.OwnerPK); err != nil {
				return err
			}
		}
		a.Annotations = mergeAnnotations(a.Annotations, in.Annotations)
		if err := tx.PutChannelAccess(conv.PK, &a); err != nil {
			return err
		}
		conv.Access = &a
		chs, err := s.channels(tx, c, []*Conversation{conv})
		if err == nil {
			ch = chs[0]
		}
		return err
	})
	return ch, err
}

// mergeAnnotations replaces the annotations of the types given, in place,
// adds new types at the end, and removes types given without a value.
func mergeAnnotations(list []Annotation, changes []Annotation) []Annotation {
	list = append([]Annotation(nil), list...)
	for _, ch := range changes {
		i := 0
		for i < len(list) && list[i].Type != ch.Type {
			i++
		}
		switch {
		case ch.Value == nil && i < len(list):
			list = append(list[:i], list[i+1:]...)
		case ch.Value == nil:
		case i < len(list):
			list[i].Value = ch.Value
		default:
			list = append(list, ch)
		}
	}
	return list
}

// DeactivateChannel marks a channel inactive (it takes no more messages):
// its owner only; private-message channels cannot be deactivated.
func (s *Service) DeactivateChannel(ctx context.Context, c *Caller, id string) (*Channel, error) {
	if err := c.inApp(); err != nil {
		return nil, err
	}
	var ch *Channel
	err := s.write(ctx, func(tx Tx) error {
		conv, _, err := s.conversation(tx, c, id)
		if err != nil {
			return err
		}
		if err := allow(c, actEditChannel, &standing{conv: conv}); err != nil {
			return err
		}
		a := *conv.Access
		if a.InactiveAt.IsZero() {
			a.InactiveAt = s.Now()
			if err := tx.PutChannelAccess(conv.PK, &a); err != nil {
				return err
			}
		}
		conv.Access = &a
		chs, err := s.channels(tx, c, []*Conversation{conv})
		if err == nil {
			ch = chs[0]
		}
		return err
	})
	return ch, err
}

// Subscribe subscribes the caller to a channel they may read (joins the
// conversation); subscribing twice changes nothing.
func (s *Service) Subscribe(ctx context.Context, c *Caller, id string, subscribe bool) (*Channel, error) {
	if err := actingUser(c, "subscribing"); err != nil {
		return nil, err
	}
	var ch *Channel
	var event *Event
	err := s.write(ctx, func(tx Tx) error {
		conv, me, err := tx.ConversationAs(c.app.PK, id, c.user.PK)
		if err != nil {
			return err
		}
		if err := loadAccess(tx, conv); err != nil {
			return err
		}
		conv.Me = me
		if err := allow(c, actSubscribe, &standing{conv: conv, me: me}); err != nil {
			return err
		}
		switch {
		case subscribe && me == nil:
			m := &Member{ConversationPK: conv.PK, UserPK: c.user.PK, User: c.user, Role: RoleMember, JoinedAt: s.Now()}
			if err := tx.UpsertMember(m); err != nil {
				return err
			}
			conv.Me = m
			conv.MemberCount++
			event = &Event{Type: EventMemberAdded, UserID: c.user.ID}
		case !subscribe && me != nil:
			if err := tx.RemoveMember(conv.PK, c.user.PK); err != nil {
				return err
			}
			conv.Me = nil
			conv.MemberCount--
			event = &Event{Type: EventMemberRemoved, UserID: c.user.ID}
		}
		chs, err := s.channels(tx, c, []*Conversation{conv})
		if err == nil {
			ch = chs[0]
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	if event != nil {
		event.AppPK, event.ConversationPK, event.ConversationID, event.ActorID = c.app.PK, ch.PK, ch.ID, c.user.ID
		event.Audience = []int64{c.user.PK}
		s.publish(*event)
	}
	return ch, nil
}

// Subscribers returns count subscribers of a channel the caller may read,
// in subscription order after the first skip, and whether there are more.
func (s *Service) Subscribers(ctx context.Context, c *Caller, id string, skip, count int) ([]*User, bool, error) {
	if err := c.inApp(); err != nil {
		return nil, false, err
	}
	if count <= 0 || count > s.limits.MaxPageSize {
		return nil, false, Invalidf("count", "count must be between 1 and %d", s.limits.MaxPageSize)
	}
	var users []*User
	more := false
	err := s.read(ctx, func(tx Tx) error {
		conv, _, err := s.conversation(tx, c, id)
		if err != nil {
			return err
		}
		members, err := tx.ListMembers(conv.PK, Page{Skip: skip, Limit: count + 1})
		if err != nil {
			return err
		}
		if len(members) > count {
			members, more = members[:count], true
		}
		for _, m := range members {
			users = append(users, m.User)
		}
		return nil
	})
	return users, more, err
}

// MuteChannel mutes or unmutes a channel the caller is subscribed to.
func (s *Service) MuteChannel(ctx context.Context, c *Caller, id string, mute bool) (*Channel, error) {
	if err := actingUser(c, "muting"); err != nil {
		return nil, err
	}
	var ch *Channel
	err := s.write(ctx, func(tx Tx) error {
		conv, me, err := s.conversation(tx, c, id)
		if err != nil {
			return err
		}
		if me == nil && mute {
			return Errorf(EFORBIDDEN, "subscribe to a channel before muting it")
		}
		if _, err := tx.SetMuted(conv.PK, c.user.PK, mute, s.Now()); err != nil {
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

// UnreadDirectCount counts the caller's direct (private-message)
// conversations that hold unread messages.
func (s *Service) UnreadDirectCount(ctx context.Context, c *Caller) (int, error) {
	if err := c.inApp(); err != nil {
		return 0, err
	}
	chs, _, err := s.ListChannels(ctx, c, ChannelQuery{Count: s.limits.MaxPageSize, Kinds: []ConversationKind{KindDirect}, AllMuted: true})
	n := 0
	for _, ch := range chs {
		if ch.Unread > 0 {
			n++
		}
	}
	return n, err
}

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

// SubscriberKeys returns the subscribers' keys of each of the channels
// named by ids that the caller may read (unknown and unreadable ones are
// left out), in subscription order, in one look-up for all of them.
func (s *Service) SubscriberKeys(ctx context.Context, c *Caller, ids []string) (map[int64][]int64, error) {
	if err := c.inApp(); err != nil {
		return nil, err
	}
	if err := s.checkIDs("ids", ids, false); err != nil {
		return nil, err
	}
	out := map[int64][]int64{}
	err := s.read(ctx, func(tx Tx) error {
		var pks []int64
		for _, id := range dedupe(ids) {
			conv, _, err := s.conversation(tx, c, id)
			if code := ErrorCode(err); code == ENOTFOUND || code == EFORBIDDEN {
				continue
			}
			if err != nil {
				return err
			}
			pks = append(pks, conv.PK)
			out[conv.PK] = []int64{}
		}
		members, err := tx.MemberRoles(pks)
		for pk, ms := range members {
			for _, m := range ms {
				out[pk] = append(out[pk], m.UserPK)
			}
		}
		return err
	})
	return out, err
}
