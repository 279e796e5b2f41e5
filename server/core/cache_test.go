package core_test

import (
	"testing"

	"parley/server/core"
	"parley/server/testenv"
)

// TestHistoryNeverStale checks that a history page read twice (the second
// time from the store's message cache) shows every change made between:
// reactions, edits, pins, recalls, replies and profile changes.
func TestHistoryNeverStale(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	svc := env.Service
	alice, bob := env.Caller("demo", "alice"), env.Caller("demo", "bob")
	page := func() map[string]*core.Message {
		t.Helper()
		p, err := svc.ListMessages(ctx, bob, "general", core.MessageQuery{IncludeDeleted: true})
		wantCode(t, err, "")
		out := map[string]*core.Message{}
		for _, m := range p.Items {
			out[m.ID] = m
		}
		return out
	}
	page() // fills the cache
	body := "edited"
	steps := []struct {
		name  string
		do    func() error
		check func(map[string]*core.Message) bool
	}{
		{"Reaction", func() error { return svc.AddReaction(ctx, bob, "m1", "like") },
			func(p map[string]*core.Message) bool { return len(p["m1"].Reactions) == 1 }},
		{"Unreaction", func() error { return svc.RemoveReaction(ctx, bob, "m1", "like") },
			func(p map[string]*core.Message) bool { return len(p["m1"].Reactions) == 0 }},
		{"Edit", func() error { _, err := svc.EditMessage(ctx, alice, "m1", core.EditInput{Body: &body}); return err },
			func(p map[string]*core.Message) bool { return p["m1"].Body == "edited" }},
		{"Pin", func() error { _, err := svc.Pin(ctx, alice, "m2"); return err },
			func(p map[string]*core.Message) bool { return p["m2"].Pinned }},
		{"Reply", func() error {
			_, _, err := svc.SendMessage(ctx, bob, core.SendInput{ConversationID: "general", ParentID: "m1", Body: "re"})
			return err
		}, func(p map[string]*core.Message) bool { return p["m1"].ReplyCount == 1 }},
		{"Profile", func() error {
			_, err := svc.UpdateUser(ctx, env.Caller("demo", ""), "alice", core.UserInput{DisplayName: "Alice B."})
			return err
		}, func(p map[string]*core.Message) bool { return p["m1"].Owner.DisplayName == "Alice B." }},
		{"Recall", func() error { _, err := svc.Recall(ctx, alice, []string{"m2"}); return err },
			func(p map[string]*core.Message) bool { return p["m2"].Deleted() && p["m2"].Body == "" }},
	}
	for _, s := range steps {
		if err := s.do(); err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		if !s.check(page()) {
			t.Fatalf("%s: the history page still shows the message as it was", s.name)
		}
		page() // and again from the cache
	}
}
