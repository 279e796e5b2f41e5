package core_test

import (
	"context"
	"testing"

	"parley/server/core"
	"parley/server/testenv"
)

// TestPresence: a user is online while holding at least one event stream;
// member lists show it.
func TestPresence(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	ctx := context.Background()
	alice := env.Caller("demo", "alice")
	bob, err := env.Service.GetUser(ctx, alice, "bob")
	if err != nil {
		t.Fatal(err)
	}
	online := func() bool {
		t.Helper()
		list, err := env.Service.ListMembers(ctx, alice, "general", core.Page{Limit: 50})
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range list.Items {
			if m.UserPK == bob.PK {
				if m.Online != env.Service.Online(bob.PK) {
					t.Fatalf("the member list says %v, Online %v", m.Online, !m.Online)
				}
				return m.Online
			}
		}
		t.Fatal("bob is not a member of general")
		return false
	}
	w := &core.Watch{User: bob}
	var first, second func()
	steps := []struct {
		name string
		do   func()
		want bool
	}{
		{"before any stream", func() {}, false},
		{"one stream", func() { first = env.Service.HoldPresence(w) }, true},
		{"two streams", func() { second = env.Service.HoldPresence(w) }, true},
		{"one closed, twice", func() { first(); first() }, true},
		{"both closed", func() { second() }, false},
		{"an app's stream holds nobody", func() { env.Service.HoldPresence(&core.Watch{})() }, false},
	}
	for _, st := range steps {
		st.do()
		if got := online(); got != st.want {
			t.Errorf("%s: online %v, want %v", st.name, got, st.want)
		}
	}
}
