// Package realtime fans committed events out to live subscribers (the
// WebSocket and SSE transports) without ever making a publisher wait.
package realtime

import (
	"sync"

	"parley/server/core"
)

// DefaultBuffer is the buffer a subscription gets when Subscribe is asked for
// none: room for a burst, small enough that a stuck client is dropped soon.
const DefaultBuffer = 64

// Hub delivers each published event to the subscriptions of its app whose
// filter matches. Publish never blocks: a subscriber that cannot keep up is
// dropped rather than waited for. A Hub is safe for concurrent use.
type Hub struct {
	mu sync.RWMutex
	// apps holds the subscriptions of each app. A slice stored here is never
	// modified, only replaced, so Publish can range over it after releasing
	// the lock and without copying it.
	apps   map[int64][]*Subscription
	closed bool
}

var _ core.Publisher = (*Hub)(nil)

// NewHub returns an empty hub.
func NewHub() *Hub {
	return &Hub{apps: make(map[int64][]*Subscription)}
}

// Publish hands e to every matching subscription of e.AppPK with a
// non-blocking send. A subscription whose buffer is full is dropped: its
// channel is closed and Dropped reports true. The event is shared by all
// subscribers, who must treat it as read-only.
func (h *Hub) Publish(e core.Event) {
	h.mu.RLock()
	subs := h.apps[e.AppPK]
	h.mu.RUnlock()

	var dropped []*Subscription
	for _, s := range subs {
		if s.filter.match(e) && !s.send(e) {
			dropped = append(dropped, s)
		}
	}
	for _, s := range dropped {
		h.remove(s)
	}
}

// Subscribe registers a subscription for the events that filter matches,
// buffering up to buffer of them (DefaultBuffer if buffer < 1). The caller
// reads C and calls Close when done. On a closed hub the subscription's
// channel is already closed.
func (h *Hub) Subscribe(filter Filter, buffer int) *Subscription {
	if buffer < 1 {
		buffer = DefaultBuffer
	}
	ch := make(chan core.Event, buffer)
	s := &Subscription{C: ch, ch: ch, hub: h, filter: filter}

	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		s.close(false)
		return s
	}
	subs := h.apps[filter.AppPK]
	// The full slice expression caps the old slice, so append copies it
	// instead of writing into an array a publisher may be reading.
	h.apps[filter.AppPK] = append(subs[:len(subs):len(subs)], s)
	return s
}

// Subscribers returns the number of live subscriptions, for metrics.
func (h *Hub) Subscribers() int {
	h.mu.RLock()
	defer h.mu.RUnlock()
	n := 0
	for _, subs := range h.apps {
		n += len(subs)
	}
	return n
}

// Close ends every subscription, as at shutdown, so transports finish their
// streams. Later subscriptions start closed; later events go nowhere.
func (h *Hub) Close() {
	h.mu.Lock()
	apps := h.apps
	h.apps, h.closed = make(map[int64][]*Subscription), true
	h.mu.Unlock()

	for _, subs := range apps {
		for _, s := range subs {
			s.close(false)
		}
	}
}

// remove unregisters s; removing it twice is harmless.
func (h *Hub) remove(s *Subscription) {
	h.mu.Lock()
	defer h.mu.Unlock()
	subs := h.apps[s.filter.AppPK]
	for i, x := range subs {
		if x != s {
			continue
		}
		if len(subs) == 1 {
			delete(h.apps, s.filter.AppPK)
		} else {
			// Build a new slice: publishers may still be ranging the old one.
			h.apps[s.filter.AppPK] = append(subs[:i:i], subs[i+1:]...)
		}
		return
	}
}
