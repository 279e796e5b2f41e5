package realtime_test

import (
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"parley/server/core"
	"parley/server/realtime"
)

// Watches built directly, as the core builds them from credentials.
func appWatch(app int64) *core.Watch { return &core.Watch{App: &core.App{PK: app}} }
func userWatch(app, user int64) *core.Watch {
	return &core.Watch{App: &core.App{PK: app}, User: &core.User{PK: user}}
}
func adminWatch() *core.Watch { return &core.Watch{} }

// drain returns the labels (ConversationID) of the events waiting in s,
// without blocking.
func drain(s *realtime.Subscription) []string {
	var got []string
	for {
		select {
		case e, ok := <-s.C:
			if !ok {
				return got
			}
			got = append(got, e.ConversationID)
		default:
			return got
		}
	}
}

// mustClosed fails unless s.C is closed once its buffered events are read.
func mustClosed(tb testing.TB, s *realtime.Subscription) {
	tb.Helper()
	timeout := time.After(5 * time.Second)
	for {
		select {
		case _, ok := <-s.C:
			if !ok {
				return
			}
		case <-timeout:
			tb.Fatal("channel not closed")
		}
	}
}

func TestHub_Deliver(t *testing.T) {
	const app, other = 1, 2
	const alice, bob, carol = 10, 11, 12
	events := []core.Event{
		{AppPK: app, ConversationID: "nobody"}, // an empty audience reaches no user
		{AppPK: app, ConversationID: "alice", Audience: []int64{alice}},
		{AppPK: app, ConversationID: "ab", Audience: []int64{alice, bob}},
		{AppPK: other, ConversationID: "other"},
		{AppPK: other, ConversationID: "other-alice", Audience: []int64{alice}},
		{AppPK: app, ConversationID: "abc", ConversationPK: 7, Audience: []int64{alice, bob, carol}},
	}
	narrowed := userWatch(app, bob)
	narrowed.ConversationPK = 7
	tests := []struct {
		name  string
		watch *core.Watch
		want  []string
	}{
		{"Admin", adminWatch(), []string{"nobody", "alice", "ab", "other", "other-alice", "abc"}},
		{"App", appWatch(app), []string{"nobody", "alice", "ab", "abc"}},
		{"OtherApp", appWatch(other), []string{"other", "other-alice"}},
		{"Alice", userWatch(app, alice), []string{"alice", "ab", "abc"}},
		{"Bob", userWatch(app, bob), []string{"ab", "abc"}},
		{"Carol", userWatch(app, carol), []string{"abc"}},
		{"BobInConversation", narrowed, []string{"abc"}},
		{"AliceInOtherApp", userWatch(other, alice), []string{"other-alice"}},
		{"NoApp", appWatch(3), nil},
	}
	h := realtime.NewHub()
	subs := make([]*realtime.Subscription, len(tests))
	for i, tt := range tests {
		subs[i] = h.Subscribe(tt.watch, realtime.SubscribeOptions{Buffer: 16})
		defer subs[i].Close()
	}
	for _, e := range events {
		h.Publish(e)
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got, want := drain(subs[i]), tt.want; !slices.Equal(got, want) {
				t.Errorf("got %q, want %q", got, want)
			}
			if subs[i].Dropped() {
				t.Error("Dropped() = true, want false")
			}
			// What the hub delivered is what the watch sees.
			for _, e := range events {
				if sees, in := tt.watch.Sees(&e), slices.Contains(tt.want, e.ConversationID); sees != in {
					t.Errorf("Sees(%s) = %v, delivered %v", e.ConversationID, sees, in)
				}
			}
		})
	}
}

func TestHub_SlowSubscriberDropped(t *testing.T) {
	const n = 10_000
	h := realtime.NewHub()
	slow := h.Subscribe(appWatch(1), realtime.SubscribeOptions{Buffer: 2}) // never reads
	fast := h.Subscribe(appWatch(1), realtime.SubscribeOptions{Buffer: n})
	defer fast.Close()

	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := range n {
			h.Publish(core.Event{AppPK: 1, ConversationID: fmt.Sprint(i)})
		}
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("publisher blocked by a slow subscriber")
	}

	if got, want := slow.Reason(), realtime.ReasonSlow; got != want {
		t.Errorf("slow.Reason() = %q, want %q", got, want)
	}
	if got, want := drain(slow), []string{"0", "1"}; !slices.Equal(got, want) {
		t.Errorf("slow got %q, want %q (its buffer, then closed)", got, want)
	}
	mustClosed(t, slow)
	if got, want := len(drain(fast)), n; got != want {
		t.Errorf("fast got %d events, want %d", got, want)
	}
	if fast.Dropped() {
		t.Error("fast.Dropped() = true, want false")
	}
	if got, want := h.Subscribers(), 1; got != want {
		t.Errorf("Subscribers() = %d, want %d (the dropped one forgotten)", got, want)
	}
	slow.Close() // a transport still closes what it opened; harmless
}

func TestSubscription_Close(t *testing.T) {
	tests := []struct {
		name   string
		close  func(h *realtime.Hub, s *realtime.Subscription)
		reason string
	}{
		{"Once", func(h *realtime.Hub, s *realtime.Subscription) { s.Close() }, ""},
		{"Twice", func(h *realtime.Hub, s *realtime.Subscription) { s.Close(); s.Close() }, ""},
		{"Concurrent", func(h *realtime.Hub, s *realtime.Subscription) {
			var wg sync.WaitGroup
			for range 8 {
				wg.Go(s.Close)
				wg.Go(func() { h.Publish(core.Event{AppPK: 1, Audience: []int64{7}}) })
			}
			wg.Wait()
		}, ""},
		{"HubClose", func(h *realtime.Hub, s *realtime.Subscription) { h.Close(); s.Close() }, realtime.ReasonShutdown},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := realtime.NewHub()
			s := h.Subscribe(userWatch(1, 7), realtime.SubscribeOptions{})
			tt.close(h, s)
			mustClosed(t, s)
			if got := s.Reason(); got != tt.reason {
				t.Errorf("Reason() = %q, want %q", got, tt.reason)
			}
			if got, want := h.Subscribers(), 0; got != want {
				t.Errorf("Subscribers() = %d, want %d", got, want)
			}
			h.Publish(core.Event{AppPK: 1, Audience: []int64{7}}) // no send on a closed channel
		})
	}
}

func TestHub_Close(t *testing.T) {
	h := realtime.NewHub()
	before := h.Subscribe(appWatch(1), realtime.SubscribeOptions{Buffer: 1})
	h.Close()
	mustClosed(t, before)
	after := h.Subscribe(appWatch(1), realtime.SubscribeOptions{Buffer: 1})
	mustClosed(t, after)
	if got, want := after.Reason(), realtime.ReasonShutdown; got != want {
		t.Errorf("Reason() = %q, want %q", got, want)
	}
	h.Publish(core.Event{AppPK: 1})
	if got, want := h.Subscribers(), 0; got != want {
		t.Errorf("Subscribers() = %d, want %d", got, want)
	}
}

// TestHub_OrderPerConversation: events arrive in the order they were
// published, with growing ids, whoever publishes them.
func TestHub_OrderPerConversation(t *testing.T) {
	const publishers, each = 8, 1000
	h := realtime.NewHub()
	sub := h.Subscribe(userWatch(1, 7), realtime.SubscribeOptions{Buffer: publishers * each})
	defer sub.Close()

	var wg sync.WaitGroup
	stop := make(chan struct{})
	// Churn: subscriptions come and go while events flow.
	wg.Go(func() {
		for {
			select {
			case <-stop:
				return
			default:
				h.Subscribe(userWatch(1, 7), realtime.SubscribeOptions{Buffer: 1}).Close()
			}
		}
	})
	var pubs sync.WaitGroup
	for p := range publishers {
		pubs.Go(func() {
			for i := range each {
				// Each publisher is one conversation's sender.
				h.Publish(core.Event{AppPK: 1, Audience: []int64{7}, ConversationID: fmt.Sprint(p, "/", i)})
				h.Publish(core.Event{AppPK: 1, Audience: []int64{8}}) // not for sub
			}
		})
	}
	pubs.Wait()
	close(stop)
	wg.Wait()

	var last uint64
	next := make(map[int]int)
	n := 0
	for len(sub.C) > 0 {
		e := <-sub.C
		if e.ID <= last {
			t.Fatalf("id %d after %d", e.ID, last)
		}
		last = e.ID
		var p, i int
		fmt.Sscanf(e.ConversationID, "%d/%d", &p, &i)
		if i != next[p] {
			t.Fatalf("conversation %d: got event %d, want %d", p, i, next[p])
		}
		next[p]++
		n++
	}
	if n != publishers*each {
		t.Fatalf("got %d events, want %d", n, publishers*each)
	}
}

func TestHub_Resume(t *testing.T) {
	const window = 4
	newHub := func(published int) *realtime.Hub {
		h := realtime.NewHub(realtime.WithWindow(window))
		for i := 1; i <= published; i++ {
			aud := []int64{7}
			if i == 2 {
				aud = []int64{8} // not for user 7
			}
			h.Publish(core.Event{AppPK: 1, ConversationID: fmt.Sprint(i), Audience: aud})
		}
		return h
	}
	tests := []struct {
		name      string
		published int
		after     uint64
		gap       bool // nobody listened to the app at some point after the last publish
		want      []string
		reset     bool
	}{
		{"UpToDate", 3, 3, false, nil, false},
		{"MissedSome", 3, 1, false, []string{"3"}, false}, // 2 is not user 7's
		{"FromStart", 3, 0, false, []string{"1", "3"}, false},
		{"OldestKept", 6, 2, false, []string{"3", "4", "5", "6"}, false},
		{"TooOld", 6, 1, false, nil, true},
		{"FromTheFuture", 3, 9, false, nil, true},
		{"AcrossUnpublishedEvents", 3, 3, true, nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHub(tt.published)
			if tt.gap && h.Listening(1) {
				t.Fatal("Listening(1) = true with no subscriber")
			}
			s := h.Subscribe(userWatch(1, 7), realtime.SubscribeOptions{Buffer: 1, Resume: true, After: tt.after})
			defer s.Close()
			if s.Reset != tt.reset {
				t.Errorf("Reset = %v, want %v", s.Reset, tt.reset)
			}
			h.Publish(core.Event{AppPK: 1, ConversationID: "live", Audience: []int64{7}})
			if got, want := drain(s), append(tt.want, "live"); !slices.Equal(got, want) {
				t.Errorf("got %q, want %q", got, want)
			}
		})
	}
}

func TestHub_Listening(t *testing.T) {
	h := realtime.NewHub(realtime.WithGrace(0))
	if h.Listening(1) {
		t.Error("Listening(1) with no subscriber")
	}
	s := h.Subscribe(userWatch(1, 7), realtime.SubscribeOptions{})
	if !h.Listening(1) || h.Listening(2) {
		t.Error("a user of app 1 listens to app 1 only")
	}
	s.Close()
	if h.Listening(1) {
		t.Error("Listening(1) after its last subscriber left, with no grace")
	}
	g := realtime.NewHub(realtime.WithGrace(time.Hour))
	g.Subscribe(userWatch(1, 7), realtime.SubscribeOptions{}).Close()
	if !g.Listening(1) {
		t.Error("Listening(1) = false within the grace after its last subscriber left")
	}
	a := h.Subscribe(adminWatch(), realtime.SubscribeOptions{})
	defer a.Close()
	if !h.Listening(2) {
		t.Error("the admin listens to every app")
	}
}

func BenchmarkPublish(b *testing.B) {
	const buffer = 64
	tests := []struct {
		name        string
		subscribers int
		audience    int // the first users
	}{
		{"Users100/Audience100", 100, 100},
		{"Users100/Audience2", 100, 2},
		{"Users10000/Audience1000", 10000, 1000},
	}
	for _, tt := range tests {
		b.Run(tt.name, func(b *testing.B) {
			h := realtime.NewHub()
			subs := make([]*realtime.Subscription, tt.subscribers)
			for i := range subs {
				subs[i] = h.Subscribe(userWatch(1, int64(i+1)), realtime.SubscribeOptions{Buffer: buffer})
			}
			aud := make([]int64, tt.audience)
			for i := range aud {
				aud[i] = int64(i + 1)
			}
			e := core.Event{AppPK: 1, Type: core.EventMessageCreated, Audience: aud}
			b.ReportAllocs()
			n := 0
			for b.Loop() {
				h.Publish(e)
				// Empty the buffers off the clock before they fill, so every
				// iteration measures real deliveries, not sends to the dropped.
				if n++; n == buffer {
					b.StopTimer()
					for _, s := range subs[:tt.audience] {
						drain(s)
					}
					n = 0
					b.StartTimer()
				}
			}
			for _, s := range subs {
				if s.Dropped() {
					b.Fatal("a subscriber was dropped")
				}
				s.Close()
			}
		})
	}
}
