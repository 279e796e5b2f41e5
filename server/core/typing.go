package core

import (
	"container/heap"
	"context"
	"sync"
	"time"
)

// DefaultTypingTTL is how long a typing indicator lasts without renewal.
// Clients renew every few seconds while the user types (Channelize's SDK
// every 3 s, Sceyt's every 2 s), so a missed renewal ends it soon.
const DefaultTypingTTL = 6 * time.Second

// Timer is a pending call made by Options.AfterFunc.
type Timer interface {
	// Stop cancels the call; false when it has run or is running.
	Stop() bool
}

func afterFunc(d time.Duration, f func()) Timer { return time.AfterFunc(d, f) }

// StartTyping starts (or renews) the caller's typing indicator in a
// conversation where the caller may post. It lives in memory only and stops
// by itself one TTL after the last renewal; typing.started and
// typing.stopped go to the conversation's members on each transition (a
// renewal publishes nothing).
func (s *Service) StartTyping(ctx context.Context, c *Caller, conversationID string) error {
	return s.setTyping(ctx, c, conversationID, true)
}

// StopTyping stops the caller's typing indicator; stopping twice publishes
// nothing.
func (s *Service) StopTyping(ctx context.Context, c *Caller, conversationID string) error {
	return s.setTyping(ctx, c, conversationID, false)
}

func (s *Service) setTyping(ctx context.Context, c *Caller, conversationID string, typing bool) error {
	if err := c.inApp(); err != nil {
		return err
	}
	if c.user == nil {
		return needUser("typing")
	}
	var e Event
	err := s.read(ctx, func(tx Tx) error {
		conv, me, err := s.conversation(tx, c, conversationID)
		if err != nil {
			return err
		}
		// Who may post may say they are typing.
		if err := allow(c, actPost, &standing{conv: conv, me: me}); err != nil {
			return err
		}
		e = Event{AppPK: c.app.PK, AppID: c.app.ID, ConversationPK: conv.PK, ConversationID: conv.ID,
			ActorID: c.user.ID, UserID: c.user.ID}
		if !typing || s.typing.active(typingKey{conv.PK, c.user.PK}) {
			return nil // a stop or a renewal needs no audience
		}
		e.Audience, err = tx.MemberKeys(conv.PK)
		return err
	})
	if err != nil {
		return err
	}
	key := typingKey{e.ConversationPK, c.user.PK}
	now := s.Now()
	if typing {
		e.Type, e.At = EventTypingStarted, now
		if s.typing.start(key, e, now) {
			s.publish(e)
		}
		return nil
	}
	if stopped, ok := s.typing.stop(key, now); ok {
		s.publish(stopped)
	}
	return nil
}

// stopTyping ends a user's typing indicator, as when the message they were
// typing is sent.
func (s *Service) stopTyping(convPK, userPK int64) {
	if stopped, ok := s.typing.stop(typingKey{convPK, userPK}, s.Now()); ok {
		s.publish(stopped)
	}
}

// typingKey names one user typing in one conversation.
type typingKey struct{ conv, user int64 }

// typist is one live typing indicator.
type typist struct {
	deadline time.Time
	started  Event // the typing.started event, reused for typing.stopped
}

// typingDeadline is an entry of the expiry queue; it is stale when its
// typist has been renewed or stopped since.
type typingDeadline struct {
	key typingKey
	at  time.Time
}

// typingState holds every live typing indicator. One timer, set for the
// earliest deadline, expires them all: no goroutine per typist.
type typingState struct {
	ttl       time.Duration
	afterFunc func(time.Duration, func()) Timer
	now       func() time.Time
	publish   func(...Event)

	mu      sync.Mutex
	typists map[typingKey]*typist
	queue   deadlineHeap
	timer   Timer
	timerAt time.Time // the deadline timer is set for; zero when none
}

func newTypingState(ttl time.Duration, after func(time.Duration, func()) Timer, now func() time.Time, publish func(...Event)) *typingState {
	return &typingState{ttl: ttl, afterFunc: after, now: now, publish: publish, typists: make(map[typingKey]*typist)}
}

func (t *typingState) active(k typingKey) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.typists[k] != nil
}

// start starts or renews k's indicator; it reports whether it started.
func (t *typingState) start(k typingKey, e Event, now time.Time) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	deadline := now.Add(t.ttl)
	p := t.typists[k]
	started := p == nil
	if started {
		p = &typist{started: e}
		t.typists[k] = p
	}
	if !deadline.After(p.deadline) {
		return started // a clock standing still: the first deadline holds
	}
	p.deadline = deadline
	heap.Push(&t.queue, typingDeadline{k, deadline})
	t.scheduleLocked()
	return started
}

// stop ends k's indicator and returns its typing.stopped event; ok is false
// when k was not typing.
func (t *typingState) stop(k typingKey, now time.Time) (e Event, ok bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	p := t.typists[k]
	if p == nil {
		return Event{}, false
	}
	delete(t.typists, k)
	return p.stopped(now), true
}

func (p *typist) stopped(now time.Time) Event {
	e := p.started
	e.Type, e.At = EventTypingStopped, now
	return e
}

// scheduleLocked sets the timer for the earliest deadline unless it is set
// for that one or an earlier one already.
func (t *typingState) scheduleLocked() {
	for t.queue.Len() > 0 && t.stale(t.queue[0]) {
		heap.Pop(&t.queue)
	}
	if t.queue.Len() == 0 {
		return
	}
	next := t.queue[0].at
	if t.timer != nil && !t.timerAt.After(next) {
		return
	}
	if t.timer != nil {
		t.timer.Stop() // if it runs anyway, expire finds the work done
	}
	t.timerAt = next
	t.timer = t.afterFunc(next.Sub(t.now()), func() { t.expire(next) })
}

func (t *typingState) stale(d typingDeadline) bool {
	p := t.typists[d.key]
	return p == nil || !p.deadline.Equal(d.at)
}

// expire ends every indicator due by the timer's deadline (or by now, if
// the clock has moved further), publishes their typing.stopped events and
// sets the timer for the next deadline. The timer's own deadline counts,
// not only the clock, so a clock that stands still (tests) expires too.
func (t *typingState) expire(due time.Time) {
	now := t.now()
	var events []Event
	t.mu.Lock()
	if t.timerAt.Equal(due) {
		t.timer, t.timerAt = nil, time.Time{} // this timer was the current one
	}
	if now.After(due) {
		due = now
	}
	for t.queue.Len() > 0 && !t.queue[0].at.After(due) {
		d := heap.Pop(&t.queue).(typingDeadline)
		if t.stale(d) {
			continue
		}
		events = append(events, t.typists[d.key].stopped(now))
		delete(t.typists, d.key)
	}
	if t.timer == nil {
		t.scheduleLocked()
	}
	t.mu.Unlock()
	t.publish(events...)
}

// deadlineHeap orders deadlines earliest first (container/heap).
type deadlineHeap []typingDeadline

func (h deadlineHeap) Len() int           { return len(h) }
func (h deadlineHeap) Less(i, j int) bool { return h[i].at.Before(h[j].at) }
func (h deadlineHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *deadlineHeap) Push(x any)        { *h = append(*h, x.(typingDeadline)) }
func (h *deadlineHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}
