package realtime

import (
	"slices"
	"sync"

	"parley/server/core"
)

// Filter selects the events a subscription receives.
type Filter struct {
	// AppPK is the app whose events are delivered; no other app's ever are.
	AppPK int64
	// UserPK, when not 0, limits delivery to events whose Audience is empty
	// or contains it. 0 receives every event of the app (admin streams).
	// Which users may see an event is the core's decision, expressed by the
	// Audience it fills; the hub only applies it.
	UserPK int64
	// Match, when not nil, must also accept the event. It runs on the
	// publisher's goroutine, so it must be quick and must not block.
	Match func(core.Event) bool
}

func (f Filter) match(e core.Event) bool {
	if e.AppPK != f.AppPK {
		return false
	}
	if f.UserPK != 0 && len(e.Audience) > 0 && !slices.Contains(e.Audience, f.UserPK) {
		return false
	}
	return f.Match == nil || f.Match(e)
}

// Subscription is one subscriber's stream of events. C is closed when the
// subscription ends: by Close, by Hub.Close, or by the hub dropping a
// subscriber that fell a full buffer behind (then Dropped reports true, and
// the client should reconnect and catch up from the database).
type Subscription struct {
	// C yields the matching events in the order each publisher sent them.
	C <-chan core.Event

	hub    *Hub
	filter Filter

	mu      sync.Mutex // guards ch against a send after close
	ch      chan core.Event
	closed  bool
	dropped bool
}

// Close ends the subscription and closes C. It is safe to call more than
// once and concurrently with Publish.
func (s *Subscription) Close() {
	s.close(false)
	s.hub.remove(s)
}

// Dropped reports whether the hub ended the subscription because its buffer
// was full, meaning events were lost.
func (s *Subscription) Dropped() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.dropped
}

// send offers e without waiting. It reports false when this send found the
// buffer full and dropped the subscription, which the hub must then forget.
func (s *Subscription) send(e core.Event) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return true // Close is removing it already
	}
	select {
	case s.ch <- e:
		return true
	default:
		s.closeLocked(true)
		return false
	}
}

func (s *Subscription) close(dropped bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closeLocked(dropped)
}

func (s *Subscription) closeLocked(dropped bool) {
	if s.closed {
		return
	}
	s.closed, s.dropped = true, dropped
	close(s.ch)
}
