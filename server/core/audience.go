package core

import (
	"context"
	"slices"
)

// Event audiences. Every event names the users who may see it, read after
// the commit: a conversation's members; for a message, the members who have
// not hidden it, narrowed to its sender and recipients when it has
// recipients; for a hidden copy, the one user. The hub delivers nothing
// outside the audience to a user's stream.

// Listener may be implemented by a Publisher that knows whether anyone
// receives an app's events. The core skips building events nobody would
// receive, as reading their audience costs a query.
type Listener interface {
	Listening(appPK int64) bool
}

func (s *Service) listening(appPK int64) bool {
	if s.hooks.any(s, appPK) || s.watch.waiting.Load() > 0 {
		return true // webhooks, or a core call waiting for the app's next change
	}
	switch p := s.pub.(type) {
	case NopPublisher:
		return false
	case Listener:
		return p.Listening(appPK)
	}
	return true
}

// newEvent starts an event of the caller about conv.
func (s *Service) newEvent(kind string, c *Caller, conv *Conversation) Event {
	return Event{Type: kind, AppPK: conv.AppPK, AppID: c.app.ID, App: c.app, ConversationPK: conv.PK, ConversationID: conv.ID,
		At: s.Now(), ActorID: actorID(c)}
}

// publishToMembers publishes events about conv to its members as they are
// after the commit, read once for all the events. Users already in an
// event's audience (a removed member told of the removal) stay in it.
func (s *Service) publishToMembers(ctx context.Context, conv *Conversation, events ...Event) {
	if len(events) == 0 || !s.listening(conv.AppPK) {
		return
	}
	var members []int64
	err := s.read(ctx, func(tx Tx) (err error) {
		members, err = tx.MemberKeys(conv.PK)
		return err
	})
	if err != nil {
		// The change is committed; a lost event is better than a wrong
		// audience.
		s.log.ErrorContext(ctx, "event audience", "type", events[0].Type, "err", err)
		return
	}
	for _, e := range events {
		e.Audience = audience(append(e.Audience, members...))
		s.publish(e)
	}
}

// publishMessage publishes a change of message m in conv to the users who
// see m; edit adds the event's own fields.
func (s *Service) publishMessage(ctx context.Context, kind string, c *Caller, conv *Conversation, m *Message, edit ...func(*Event)) {
	if !s.listening(conv.AppPK) {
		return
	}
	e := s.newEvent(kind, c, conv)
	e.Message = m
	for _, f := range edit {
		f(&e)
	}
	err := s.read(ctx, func(tx Tx) error {
		keys, err := tx.MessageAudience(conv.PK, m.PK)
		if err != nil || len(m.Recipients) == 0 {
			e.Audience = keys
			return err
		}
		users, err := tx.UsersByIDs(conv.AppPK, m.Recipients)
		if err != nil {
			return err
		}
		allowed := []int64{m.OwnerPK}
		for _, u := range users {
			allowed = append(allowed, u.PK)
		}
		e.Audience = slices.DeleteFunc(keys, func(k int64) bool { return !slices.Contains(allowed, k) })
		return nil
	})
	if err != nil {
		s.log.ErrorContext(ctx, "event audience", "type", kind, "err", err)
		return
	}
	e.Audience = audience(e.Audience)
	s.publish(e)
}

// audience sorts keys and drops repeats, so no stream gets an event twice.
func audience(keys []int64) []int64 {
	slices.Sort(keys)
	return slices.Compact(keys)
}
