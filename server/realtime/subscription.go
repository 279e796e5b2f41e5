package realtime

import (
	"sync"

	"parley/server/core"
)

// Reasons a subscription ends other than by its own Close.
const (
	// ReasonSlow: the subscriber fell a full buffer behind and events were
	// lost; it should reconnect and catch up from the database.
	ReasonSlow = "slow consumer: fell a full buffer behind"
	// ReasonShutdown: the server is shutting down.
	ReasonShutdown = "server shutting down"
)

// Subscription is one subscriber's stream of events. C is closed when the
// subscription ends: by Close, by Hub.Close, or by the hub dropping a
// subscriber that fell a full buffer behind; Reason then says why.
type Subscription struct {
	// C yields the events the watch sees, in id order.
	C <-chan *Event
	// Reset is set when a resumption asked for events the hub no longer
	// knows: the client must reload what it shows before the live events.
	Reset bool
	// LastID is the id of the last event published before the
	// subscription began: a client reloading after a reset resumes there.
	LastID uint64

	hub   *Hub
	watch *core.Watch

	mu     sync.Mutex // guards ch against a send after close
	ch     chan *Event
	closed bool
	reason string
}

// Close ends the subscription and closes C. It is safe to call more than
// once and concurrently with Publish.
func (s *Subscription) Close() {
	s.closeWith("")
	s.hub.remove(s)
}

// Reason says why the hub ended the subscription: ReasonSlow or
// ReasonShutdown; "" while it lives or when its owner closed it.
func (s *Subscription) Reason() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.reason
}

// Dropped reports whether the hub ended the subscription because its
// buffer was full, meaning events were lost.
func (s *Subscription) Dropped() bool { return s.Reason() == ReasonSlow }

// narrowedTo reports whether e is in the watch's conversation, if any.
// The app and the audience were matched by how the hub found s.
func (s *Subscription) narrowedTo(e *Event) bool {
	return s.watch.ConversationPK == 0 || s.watch.ConversationPK == e.ConversationPK
}

// send offers e without waiting. It reports false when this send found the
// buffer full and dropped the subscription, which the hub must then forget.
func (s *Subscription) send(e *Event) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return true // Close is removing it already
	}
	select {
	case s.ch <- e:
		return true
	default:
		s.closeLocked(ReasonSlow)
		return false
	}
}

func (s *Subscription) closeWith(reason string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closeLocked(reason)
}

func (s *Subscription) closeLocked(reason string) {
	if s.closed {
		return
	}
	s.closed, s.reason = true, reason
	close(s.ch)
}
