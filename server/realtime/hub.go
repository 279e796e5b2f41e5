// Package realtime fans committed events out to live subscribers (the
// WebSocket and SSE transports) without ever making a publisher wait, and
// keeps a bounded window of recent events so a client that reconnects
// resumes where it left off.
package realtime

import (
	"sync"
	"time"

	"parley/server/core"
)

// DefaultBuffer is the buffer a subscription gets when none is asked for:
// room for a burst, small enough that a stuck client is dropped soon.
const DefaultBuffer = 64

// DefaultWindow is how many recent events a hub keeps for resumption.
const DefaultWindow = 4096

// DefaultGrace is how long events of an app keep being published after its
// last subscriber left, so a client that reconnects within it resumes
// instead of resetting.
const DefaultGrace = 2 * time.Minute

// Event is a published core event with the id the hub gave it. Ids grow by
// one per event, in delivery order. One Event is shared by every
// subscriber: they must treat it as read-only.
type Event struct {
	ID uint64
	core.Event

	mu      sync.Mutex
	encoded map[string][]byte
}

// Encoded returns the event's encoding under key (a format, a dialect),
// made by encode once for every subscriber that asks.
func (e *Event) Encoded(key string, encode func() ([]byte, error)) ([]byte, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if b, ok := e.encoded[key]; ok {
		return b, nil
	}
	b, err := encode()
	if err != nil {
		return nil, err
	}
	if e.encoded == nil {
		e.encoded = make(map[string][]byte, 1)
	}
	e.encoded[key] = b
	return b, nil
}

// Hub delivers each published event to the subscriptions whose watch sees
// it. Publish never blocks: a subscriber that cannot keep up is dropped
// rather than waited for. A Hub is safe for concurrent use.
type Hub struct {
	// pubMu makes publishing one event at a time, so ids follow delivery
	// order and a resuming subscription misses nothing between its replay
	// and its first live event. Sends never block, so the wait is short.
	pubMu  sync.Mutex
	seq    uint64
	window ring
	// gaps holds, per app, the last id before events of the app went
	// unpublished because nobody listened: resuming from before it resets.
	gaps map[int64]uint64

	mu     sync.RWMutex // guards the subscriptions below
	apps   map[int64]*appSubs
	admins []*Subscription // watching every app
	closed bool
	grace  time.Duration
	left   map[int64]time.Time // when each app's last subscriber left
}

// appSubs are one app's subscriptions: the app's own streams see every
// event of the app, users' streams are found through the event's audience.
type appSubs struct {
	wide  []*Subscription
	users map[int64][]*Subscription
}

var (
	_ core.Publisher = (*Hub)(nil)
	_ core.Listener  = (*Hub)(nil)
)

// Option configures a Hub.
type Option func(*Hub)

// WithWindow keeps the last n events for resumption (DefaultWindow).
func WithWindow(n int) Option { return func(h *Hub) { h.window = newRing(n) } }

// WithGrace keeps publishing an app's events for d after its last
// subscriber left (DefaultGrace).
func WithGrace(d time.Duration) Option { return func(h *Hub) { h.grace = d } }

// NewHub returns an empty hub.
func NewHub(opts ...Option) *Hub {
	h := &Hub{apps: make(map[int64]*appSubs), gaps: make(map[int64]uint64), window: newRing(DefaultWindow),
		grace: DefaultGrace, left: make(map[int64]time.Time)}
	for _, o := range opts {
		o(h)
	}
	return h
}

// Listening reports whether any subscription may receive events of the
// app, or one left less than the grace period ago and may resume. When
// not, the core publishes nothing for the app, and the hub remembers the
// gap so that resuming across it resets.
func (h *Hub) Listening(appPK int64) bool {
	h.mu.RLock()
	ok := len(h.admins) > 0 || h.apps[appPK] != nil
	left, seen := h.left[appPK]
	h.mu.RUnlock()
	if !ok && seen && time.Since(left) < h.grace {
		return true
	}
	if !ok {
		h.pubMu.Lock()
		h.gaps[appPK] = h.seq
		h.pubMu.Unlock()
	}
	return ok
}

// Publish gives e the next id, keeps it in the window and offers it to
// every subscription that sees it, without waiting: a subscription whose
// buffer is full is dropped (its channel closed, Reason ReasonSlow).
func (h *Hub) Publish(ce core.Event) {
	h.pubMu.Lock()
	defer h.pubMu.Unlock()
	h.seq++
	e := &Event{ID: h.seq, Event: ce}
	h.window.add(e)

	var dropped []*Subscription
	offer := func(s *Subscription) {
		if s.narrowedTo(e) && !s.send(e) {
			dropped = append(dropped, s)
		}
	}
	h.mu.RLock()
	for _, s := range h.admins {
		offer(s)
	}
	if a := h.apps[e.AppPK]; a != nil {
		for _, s := range a.wide {
			offer(s)
		}
		// A user's stream is reached through the audience only: an event
		// outside it is never even looked at for the user.
		for _, u := range e.Audience {
			for _, s := range a.users[u] {
				offer(s)
			}
		}
	}
	h.mu.RUnlock()
	for _, s := range dropped {
		h.remove(s)
	}
}

// SubscribeOptions shape a subscription.
type SubscribeOptions struct {
	// Buffer is how many events may wait for the subscriber before it is
	// dropped (DefaultBuffer when < 1).
	Buffer int
	// Resume replays the window's events after the id After before the
	// live ones; when some of them are no longer known, Subscription.Reset
	// is set instead.
	Resume bool
	After  uint64
}

// Subscribe starts a subscription to the events w sees. The caller reads C
// and calls Close when done. On a closed hub C is closed already.
func (h *Hub) Subscribe(w *core.Watch, o SubscribeOptions) *Subscription {
	if o.Buffer < 1 {
		o.Buffer = DefaultBuffer
	}
	watch := *w
	s := &Subscription{hub: h, watch: &watch}

	h.pubMu.Lock()
	defer h.pubMu.Unlock()
	s.LastID = h.seq
	var replay []*Event
	if o.Resume {
		replay, s.Reset = h.since(&watch, o.After)
	}
	ch := make(chan *Event, o.Buffer+len(replay))
	for _, e := range replay {
		ch <- e
	}
	s.C, s.ch = ch, ch

	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		s.closeWith(ReasonShutdown)
		return s
	}
	switch {
	case watch.App == nil:
		h.admins = append(h.admins, s)
	default:
		a := h.apps[watch.App.PK]
		if a == nil {
			a = &appSubs{users: make(map[int64][]*Subscription)}
			h.apps[watch.App.PK] = a
		}
		if watch.User == nil {
			a.wide = append(a.wide, s)
		} else {
			a.users[watch.User.PK] = append(a.users[watch.User.PK], s)
		}
	}
	return s
}

// since returns the window's events after id that w sees; reset is true
// when some events after id are unknown (too old, or never published).
// pubMu is held.
func (h *Hub) since(w *core.Watch, id uint64) (events []*Event, reset bool) {
	if id > h.seq || id+1 < h.window.oldest(h.seq) {
		return nil, true
	}
	for app, gap := range h.gaps {
		if gap >= id && (w.App == nil || w.App.PK == app) {
			return nil, true
		}
	}
	h.window.each(id+1, func(e *Event) {
		if w.Sees(&e.Event) {
			events = append(events, e)
		}
	})
	return events, false
}

// Subscribers returns the number of live subscriptions, for metrics.
func (h *Hub) Subscribers() int {
	h.mu.RLock()
	defer h.mu.RUnlock()
	n := len(h.admins)
	for _, a := range h.apps {
		n += len(a.wide)
		for _, subs := range a.users {
			n += len(subs)
		}
	}
	return n
}

// Close ends every subscription with ReasonShutdown, as at shutdown, so
// transports finish their streams. Later subscriptions start closed; later
// events go nowhere.
func (h *Hub) Close() {
	h.mu.Lock()
	apps, admins := h.apps, h.admins
	h.apps, h.admins, h.closed = make(map[int64]*appSubs), nil, true
	h.mu.Unlock()

	for _, s := range admins {
		s.closeWith(ReasonShutdown)
	}
	for _, a := range apps {
		for _, s := range a.wide {
			s.closeWith(ReasonShutdown)
		}
		for _, subs := range a.users {
			for _, s := range subs {
				s.closeWith(ReasonShutdown)
			}
		}
	}
}

// remove unregisters s; removing it twice is harmless.
func (h *Hub) remove(s *Subscription) {
	h.mu.Lock()
	defer h.mu.Unlock()
	w := s.watch
	if w.App == nil {
		h.admins = without(h.admins, s)
		return
	}
	a := h.apps[w.App.PK]
	if a == nil {
		return
	}
	if w.User == nil {
		a.wide = without(a.wide, s)
	} else if subs := without(a.users[w.User.PK], s); len(subs) > 0 {
		a.users[w.User.PK] = subs
	} else {
		delete(a.users, w.User.PK)
	}
	if len(a.wide) == 0 && len(a.users) == 0 {
		delete(h.apps, w.App.PK)
		h.left[w.App.PK] = time.Now()
	}
}

// without removes s from subs in place (the write lock is held, so no
// publisher is ranging over it).
func without(subs []*Subscription, s *Subscription) []*Subscription {
	for i, x := range subs {
		if x == s {
			last := len(subs) - 1
			subs[i], subs[last] = subs[last], nil
			return subs[:last]
		}
	}
	return subs
}
