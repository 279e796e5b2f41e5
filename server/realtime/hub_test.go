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
		{AppPK: app, ConversationID: "all"},                             // every member
		{AppPK: app, ConversationID: "alice", Audience: []int64{alice}}, // only alice
		{AppPK: app, ConversationID: "ab", Audience: []int64{alice, bob}},
		{AppPK: other, ConversationID: "other"},
		{AppPK: other, ConversationID: "other-alice", Audience: []int64{alice}},
		{AppPK: app, ConversationID: "typing", Type: core.EventTypingStarted},
	}
	tests := []struct {
		name   string
		filter realtime.Filter
		want   []string
	}{
		{"AppAdmin", realtime.Filter{AppPK: app}, []string{"all", "alice", "ab", "typing"}},
		{"OtherAppAdmin", realtime.Filter{AppPK: other}, []string{"other", "other-alice"}},
		{"Alice", realtime.Filter{AppPK: app, UserPK: alice}, []string{"all", "alice", "ab", "typing"}},
		{"Bob", realtime.Filter{AppPK: app, UserPK: bob}, []string{"all", "ab", "typing"}},
		{"Carol", realtime.Filter{AppPK: app, UserPK: carol}, []string{"all", "typing"}},
		{"AliceInOtherApp", realtime.Filter{AppPK: other, UserPK: alice}, []string{"other", "other-alice"}},
		{"NoApp", realtime.Filter{AppPK: 3}, nil},
		{"Match", realtime.Filter{AppPK: app, UserPK: bob, Match: func(e core.Event) bool {
			return e.Type != core.EventTypingStarted
		}}, []string{"all", "ab"}},
	}
	h := realtime.NewHub()
	subs := make([]*realtime.Subscription, len(tests))
	for i, tt := range tests {
		subs[i] = h.Subscribe(tt.filter, 16)
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
		})
	}
}

func TestHub_SlowSubscriberDropped(t *testing.T) {
	const n = 10_000
	h := realtime.NewHub()
	slow := h.Subscribe(realtime.Filter{AppPK: 1}, 2) // never reads
	fast := h.Subscribe(realtime.Filter{AppPK: 1}, n)
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

	if !slow.Dropped() {
		t.Error("slow.Dropped() = false, want true")
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
		name  string
		close func(h *realtime.Hub, s *realtime.Subscription)
	}{
		{"Once", func(h *realtime.Hub, s *realtime.Subscription) { s.Close() }},
		{"Twice", func(h *realtime.Hub, s *realtime.Subscription) { s.Close(); s.Close() }},
		{"Concurrent", func(h *realtime.Hub, s *realtime.Subscription) {
			var wg sync.WaitGroup
			for range 8 {
				wg.Go(s.Close)
				wg.Go(func() { h.Publish(core.Event{AppPK: 1}) })
			}
			wg.Wait()
		}},
		{"HubClose", func(h *realtime.Hub, s *realtime.Subscription) { h.Close(); s.Close() }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := realtime.NewHub()
			s := h.Subscribe(realtime.Filter{AppPK: 1}, 64)
			tt.close(h, s)
			mustClosed(t, s)
			if s.Dropped() {
				t.Error("Dropped() = true, want false")
			}
			if got, want := h.Subscribers(), 0; got != want {
				t.Errorf("Subscribers() = %d, want %d", got, want)
			}
			h.Publish(core.Event{AppPK: 1}) // no send on a closed channel
		})
	}
}

func TestHub_Close(t *testing.T) {
	h := realtime.NewHub()
	before := h.Subscribe(realtime.Filter{AppPK: 1}, 1)
	h.Close()
	mustClosed(t, before)
	after := h.Subscribe(realtime.Filter{AppPK: 1}, 1)
	mustClosed(t, after)
	h.Publish(core.Event{AppPK: 1})
	if got, want := h.Subscribers(), 0; got != want {
		t.Errorf("Subscribers() = %d, want %d", got, want)
	}
}

func TestHub_ConcurrentPublishers(t *testing.T) {
	const publishers, each = 8, 1000
	h := realtime.NewHub()
	sub := h.Subscribe(realtime.Filter{AppPK: 1, UserPK: 7}, publishers*each)
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
				h.Subscribe(realtime.Filter{AppPK: 1}, 1).Close()
			}
		}
	})
	var pubs sync.WaitGroup
	for p := range publishers {
		pubs.Go(func() {
			for i := range each {
				h.Publish(core.Event{AppPK: 1, Audience: []int64{7}, ConversationID: fmt.Sprint(p, "/", i)})
				h.Publish(core.Event{AppPK: 1, Audience: []int64{8}}) // not for sub
			}
		})
	}
	pubs.Wait()
	close(stop)
	wg.Wait()

	got := drain(sub)
	if len(got) != publishers*each {
		t.Fatalf("got %d events, want %d", len(got), publishers*each)
	}
	// Each publisher's events arrive in the order it sent them.
	next := make(map[int]int)
	for _, label := range got {
		var p, i int
		fmt.Sscanf(label, "%d/%d", &p, &i)
		if i != next[p] {
			t.Fatalf("publisher %d: got event %d, want %d", p, i, next[p])
		}
		next[p]++
	}
}

func BenchmarkPublish(b *testing.B) {
	const subscribers, buffer = 100, 1024
	tests := []struct {
		name     string
		audience []int64
	}{
		{"Everyone", nil},      // 100 sends
		{"Two", []int64{1, 2}}, // 2 sends, 98 filtered out
	}
	for _, tt := range tests {
		b.Run(tt.name, func(b *testing.B) {
			h := realtime.NewHub()
			subs := make([]*realtime.Subscription, subscribers)
			for i := range subs {
				subs[i] = h.Subscribe(realtime.Filter{AppPK: 1, UserPK: int64(i + 1)}, buffer)
			}
			e := core.Event{AppPK: 1, Type: core.EventMessageCreated, Audience: tt.audience}
			b.ReportAllocs()
			n := 0
			for b.Loop() {
				h.Publish(e)
				// Empty the buffers off the clock before they fill, so every
				// iteration measures real deliveries, not sends to the dropped.
				if n++; n == buffer {
					b.StopTimer()
					for _, s := range subs {
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
