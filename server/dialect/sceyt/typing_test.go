package sceyt_test

import (
	"sync"
	"testing"
	"time"

	"parley/server/core"
	"parley/server/testenv"
)

// events keeps what the core publishes.
type events struct {
	mu  sync.Mutex
	got []string // type/user
}

func (r *events) Publish(e core.Event) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if e.Type == core.EventTypingStarted || e.Type == core.EventTypingStopped {
		r.got = append(r.got, e.Type+"/"+e.UserID+"@"+e.ConversationID)
	}
}

func (r *events) take() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	got := r.got
	r.got = nil
	return got
}

// timers run only when the test fires them.
type timers struct {
	mu      sync.Mutex
	pending []*timer
}

type timer struct {
	f       func()
	stopped bool
}

func (t *timer) Stop() bool { was := t.stopped; t.stopped = true; return !was }

func (ts *timers) AfterFunc(d time.Duration, f func()) core.Timer {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	t := &timer{f: f}
	ts.pending = append(ts.pending, t)
	return t
}

func (ts *timers) fire() {
	ts.mu.Lock()
	pending := ts.pending
	ts.pending = nil
	ts.mu.Unlock()
	for _, t := range pending {
		if !t.stopped {
			t.stopped = true
			t.f()
		}
	}
}

// TestTyping: start-typing and stop-typing (also at the draft's garbled
// path) reach the core's typing state, which ends by itself when no renewal
// comes within its time to live.
func TestTyping(t *testing.T) {
	t.Parallel()
	rec, ts := &events{}, &timers{}
	env := testenv.New(t, testenv.WithService(func(o *core.Options) {
		o.Publisher, o.AfterFunc, o.TypingTTL = rec, ts.AfterFunc, 5*time.Second
	}))
	post := func(path, body string) int {
		resp, _ := env.Do("POST", path, body, key)
		return resp.StatusCode
	}
	steps := []struct {
		name       string
		do         func() int
		wantStatus int
		want       []string
	}{
		{"Start", func() int { return post("/v1/demo/channels/general/start-typing", `{"from": "alice"}`) }, 204,
			[]string{"typing.started/alice@general"}},
		{"Renew", func() int { return post("/v1/demo/channels/general/start-typing?from=alice", "") }, 204, nil},
		{"StopGarbledPath", func() int { return post("/v1/demo/customer/v1/channels/general/stop-typing", `{"from": "alice"}`) }, 204,
			[]string{"typing.stopped/alice@general"}},
		{"StartAgain", func() int { return post("/v1/demo/channels/general/start-typing", `{"from": "bob"}`) }, 204,
			[]string{"typing.started/bob@general"}},
		{"ExpiresByItself", func() int { env.Clock.Advance(6 * time.Second); ts.fire(); return 204 }, 204,
			[]string{"typing.stopped/bob@general"}},
		{"ErrNoFrom", func() int { return post("/v1/demo/channels/general/start-typing", "") }, 400, nil},
		{"ErrNotMember", func() int { return post("/v1/demo/channels/general/start-typing", `{"from": "dave"}`) }, 404, nil},
		{"ErrUnknownChannel", func() int { return post("/v1/demo/channels/nope/stop-typing", `{"from": "alice"}`) }, 404, nil},
	}
	for _, st := range steps {
		if got := st.do(); got != st.wantStatus {
			t.Fatalf("%s: status %d, want %d", st.name, got, st.wantStatus)
		}
		got := rec.take()
		if len(got) != len(st.want) || (len(got) > 0 && got[0] != st.want[0]) {
			t.Fatalf("%s: events %v, want %v", st.name, got, st.want)
		}
	}
}
