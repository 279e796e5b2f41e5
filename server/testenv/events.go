package testenv

import (
	"sync"
	"time"

	"parley/server/core"
)

// Recorder is a core.Publisher that keeps every event, for assertions
// (WithService(func(o *core.Options) { o.Publisher = rec })).
type Recorder struct {
	mu     sync.Mutex
	events []core.Event
}

// Publish keeps e.
func (r *Recorder) Publish(e core.Event) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, e)
}

// Take returns the events published since the last Take.
func (r *Recorder) Take() []core.Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	events := r.events
	r.events = nil
	return events
}

// Timers is a core.Options.AfterFunc whose timers run only when the test
// fires them, so nothing a test checks waits for the clock.
type Timers struct {
	mu      sync.Mutex
	pending []*timer
}

type timer struct {
	f       func()
	stopped bool
}

func (t *timer) Stop() bool {
	was := t.stopped
	t.stopped = true
	return !was
}

// AfterFunc schedules f until Fire.
func (ts *Timers) AfterFunc(_ time.Duration, f func()) core.Timer {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	t := &timer{f: f}
	ts.pending = append(ts.pending, t)
	return t
}

// Fire runs every pending timer that was not stopped, and returns how many
// ran.
func (ts *Timers) Fire() int {
	ts.mu.Lock()
	pending := ts.pending
	ts.pending = nil
	ts.mu.Unlock()
	n := 0
	for _, t := range pending {
		if !t.stopped {
			t.stopped = true
			t.f()
			n++
		}
	}
	return n
}
