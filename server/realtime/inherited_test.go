package realtime_test

import (
	"context"
	"slices"
	"testing"

	"parley/server/core"
	"parley/server/realtime"
	"parley/server/testenv"
)

// TestHub_InheritedChannelAudience: the events of a team channel that
// inherits its team's members reach those members (never added to it one
// by one) and nobody else; a channel of a team without members reaches
// every user of the app.
func TestHub_InheritedChannelAudience(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	env := testenv.New(t)
	svc := env.Service
	app := env.Caller("demo", "")
	if _, err := svc.CreateTeamChannel(ctx, app, "eng", core.TeamChannelInput{ID: "townhall", Name: "Town hall"}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.CreateTeam(ctx, app, core.TeamInput{ID: "all", Name: "Everyone"}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.CreateTeamChannel(ctx, app, "all", core.TeamChannelInput{ID: "plaza", Name: "Plaza"}); err != nil {
		t.Fatal(err)
	}
	subs := map[string]*realtime.Subscription{}
	for _, user := range []string{"alice", "bob", "carol", "dave"} {
		w, err := svc.Watch(ctx, core.WatchInput{Credential: user + "-token"})
		if err != nil {
			t.Fatal(err)
		}
		subs[user] = env.Hub.Subscribe(w, realtime.SubscribeOptions{Buffer: 64})
		defer subs[user].Close()
	}
	alice := env.Caller("demo", "alice")
	for _, in := range []core.SendInput{{ID: "t1", ConversationID: "townhall", Body: "hi team"}, {ID: "p1", ConversationID: "plaza", Body: "hi all"}} {
		if _, _, err := svc.SendMessage(ctx, alice, in); err != nil {
			t.Fatal(err)
		}
	}
	want := map[string][]string{ // eng is alice, bob and carol; dave is in no team
		"alice": {"t1", "p1"}, "bob": {"t1", "p1"}, "carol": {"t1", "p1"}, "dave": {"p1"},
	}
	for user, s := range subs {
		var got []string
		for len(s.C) > 0 {
			if e := <-s.C; e.Type == core.EventMessageCreated {
				got = append(got, e.Message.ID)
			}
		}
		if !slices.Equal(got, want[user]) {
			t.Errorf("%s got %q, want %q", user, got, want[user])
		}
	}
}
