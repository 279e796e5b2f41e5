package realtime_test

import (
	"context"
	"slices"
	"testing"

	"parley/server/core"
	"parley/server/realtime"
	"parley/server/testenv"
)

// TestHub_CoreAudiences sends through the core and checks who of the
// fixture's users receives what: a non-member of general nothing, a user
// of another app nothing, a recipients-only message its sender and
// recipients only, a hidden copy its user only.
func TestHub_CoreAudiences(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	env := testenv.New(t, testenv.WithFixtures("testdata/realtime/fixtures.json"))
	svc := env.Service
	credentials := map[string]string{
		"alice": "alice-token", "bob": "bob-token", "carol": "carol-token", "dave": "dave-token",
		"other": "olga-token", // same conversation id, another app
		"app":   "demo-secret",
	}
	subs := make(map[string]*realtime.Subscription)
	for name, cred := range credentials {
		w, err := svc.Watch(ctx, core.WatchInput{Credential: cred})
		if err != nil {
			t.Fatalf("watch %s: %v", name, err)
		}
		subs[name] = env.Hub.Subscribe(w, realtime.SubscribeOptions{Buffer: 64})
		defer subs[name].Close()
	}
	as := func(id string) *core.Caller { return env.Caller("demo", id) }
	mustOK := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	_, _, err := svc.SendMessage(ctx, as("alice"), core.SendInput{ID: "all", ConversationID: "general", Body: "hi"})
	mustOK(err)
	_, _, err = svc.SendMessage(ctx, as("alice"), core.SendInput{ID: "secret", ConversationID: "general", Body: "psst", Recipients: []string{"bob"}})
	mustOK(err)
	mustOK(svc.DeleteForMe(ctx, as("carol"), []string{"all"}))
	_, err = svc.EditMessage(ctx, as("alice"), "all", core.EditInput{Body: ptr("hi!")})
	mustOK(err)

	created, hidden, updated := "message.created ", "message.hidden ", "message.updated "
	want := map[string][]string{
		"alice": {created + "all", created + "secret", updated + "all"},
		"bob":   {created + "all", created + "secret", updated + "all"},
		"carol": {created + "all", hidden + "all"},
		"dave":  nil,
		"other": nil,
		"app":   {created + "all", created + "secret", hidden + "all", updated + "all"},
	}
	for name, s := range subs {
		var got []string
		for len(s.C) > 0 {
			e := <-s.C
			got = append(got, e.Type+" "+e.Message.ID)
		}
		if !slices.Equal(got, want[name]) {
			t.Errorf("%s got %q, want %q", name, got, want[name])
		}
	}
}

func ptr[T any](v T) *T { return &v }
