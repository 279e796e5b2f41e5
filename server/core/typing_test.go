package core_test

import (
	"fmt"
	"slices"
	"testing"

	"parley/server/core"
	"parley/server/testenv"
)

// mustEventEnv starts an instance whose events go to a recorder and whose
// timers the test fires.
func mustEventEnv(tb testing.TB) (*testenv.Env, *testenv.Recorder, *testenv.Timers) {
	tb.Helper()
	rec, timers := &testenv.Recorder{}, &testenv.Timers{}
	env := testenv.New(tb, testenv.WithService(func(o *core.Options) {
		o.Publisher, o.AfterFunc = rec, timers.AfterFunc
	}))
	return env, rec, timers
}

// userKeys returns the keys of the demo app's users, in the order given.
func userKeys(env *testenv.Env, ids ...string) []int64 {
	keys := make([]int64, len(ids))
	for i, id := range ids {
		keys[i] = env.Caller("demo", id).User().PK
	}
	return keys
}

// summary is an event's type, actor and sorted audience, for comparisons.
type summary struct {
	Type, Conversation, User string
	Audience                 string
}

func summarize(events []core.Event) []summary {
	out := make([]summary, len(events))
	for i, e := range events {
		aud := slices.Clone(e.Audience)
		slices.Sort(aud)
		out[i] = summary{e.Type, e.ConversationID, e.UserID, keysText(aud)}
	}
	return out
}

func keysText(keys []int64) string { return fmt.Sprint(keys) }

func TestTyping(t *testing.T) {
	t.Parallel()
	env, rec, timers := mustEventEnv(t)
	members := userKeys(env, "alice", "bob", "carol")
	slices.Sort(members)
	general := keysText(members)
	started := summary{core.EventTypingStarted, "general", "alice", general}
	stopped := summary{core.EventTypingStopped, "general", "alice", general}

	steps := []struct {
		name   string
		as     string
		conv   string
		typing bool
		fire   bool // fire the pending timers after the call
		code   string
		want   []summary
	}{
		{"Start", "alice", "general", true, false, "", []summary{started}},
		{"RenewPublishesNothing", "alice", "general", true, false, "", nil},
		{"ExpiresByItself", "", "", false, true, "", []summary{stopped}},
		{"StartAgain", "alice", "general", true, false, "", []summary{started}},
		{"Stop", "alice", "general", false, false, "", []summary{stopped}},
		{"StopTwicePublishesNothing", "alice", "general", false, false, "", nil},
		{"ExpiryAfterStopPublishesNothing", "", "", false, true, "", nil},
		{"ErrNotMember", "dave", "general", true, false, core.ENOTFOUND, nil},
		{"ErrNoUser", "", "general", true, false, core.EINVALID, nil},
		{"ErrUnknownConversation", "alice", "nope", true, false, core.ENOTFOUND, nil},
	}
	for _, st := range steps {
		if st.conv != "" {
			set := env.Service.StopTyping
			if st.typing {
				set = env.Service.StartTyping
			}
			err := set(ctx, env.Caller("demo", st.as), st.conv)
			wantCode(t, err, st.code)
		}
		if st.fire {
			timers.Fire()
		}
		if got := summarize(rec.Take()); !slices.Equal(got, st.want) {
			t.Fatalf("%s: got %+v, want %+v", st.name, got, st.want)
		}
	}

	if n := timers.Fire(); n > 1 {
		t.Errorf("%d timers pending, want at most 1 (one timer for every typist)", n)
	}
}

func TestTypingOneTimerForManyTypists(t *testing.T) {
	t.Parallel()
	env, rec, timers := mustEventEnv(t)
	for _, id := range []string{"alice", "bob", "carol"} {
		if err := env.Service.StartTyping(ctx, env.Caller("demo", id), "general"); err != nil {
			t.Fatal(err)
		}
	}
	if got := len(rec.Take()); got != 3 {
		t.Fatalf("got %d typing.started events, want 3", got)
	}
	if n := timers.Fire(); n != 1 {
		t.Fatalf("fired %d timers, want 1", n)
	}
	var typists []string
	for _, e := range rec.Take() {
		if e.Type != core.EventTypingStopped {
			t.Fatalf("got %s, want typing.stopped", e.Type)
		}
		typists = append(typists, e.UserID)
	}
	slices.Sort(typists)
	if want := []string{"alice", "bob", "carol"}; !slices.Equal(typists, want) {
		t.Fatalf("stopped %q, want %q", typists, want)
	}
}
