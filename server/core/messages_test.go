package core_test

import (
	"testing"

	"parley/server/core"
	"parley/server/testenv"
)

// send is a test helper: alice-style send that must succeed.
func send(tb testing.TB, env *testenv.Env, as string, in core.SendInput) *core.Message {
	tb.Helper()
	m, _, err := env.Service.SendMessage(ctx, env.Caller("demo", as), in)
	if err != nil {
		tb.Fatalf("send as %s: %v", as, err)
	}
	return m
}

func ids(msgs []*core.Message) []string {
	out := make([]string, len(msgs))
	for i, m := range msgs {
		out[i] = m.ID
	}
	return out
}

func TestListMessagesFilters(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	send(t, env, "alice", core.SendInput{ID: "a1", ConversationID: "general", CustomType: "poll", Body: "vote"})
	send(t, env, "carol", core.SendInput{ID: "c1", ConversationID: "general", Body: "carol here",
		Attachments: []core.Attachment{{Type: "video", Data: []byte(`{"type":"video"}`)}}})
	send(t, env, "bob", core.SendInput{ID: "b1", ConversationID: "general", Type: core.TypeAdmin, Body: "bob joined"})
	send(t, env, "bob", core.SendInput{ID: "r1", ConversationID: "general", ParentID: "m1", Body: "thread", ShowInConversation: ptr(false)})
	if _, err := env.Service.Pin(ctx, env.Caller("demo", "alice"), "c1"); err != nil {
		t.Fatal(err)
	}
	// Stored order: m1, m2, a1, c1, b1, r1.
	tests := []struct {
		name string
		q    core.MessageQuery
		want []string
		code string
	}{
		{"All", core.MessageQuery{}, []string{"r1", "b1", "c1", "a1", "m2", "m1"}, ""},
		{"Ascending", core.MessageQuery{Page: core.Page{Reverse: true}}, []string{"m1", "m2", "a1", "c1", "b1", "r1"}, ""},
		{"IDs", core.MessageQuery{IDs: []string{"m1", "a1", "nope"}}, []string{"a1", "m1"}, ""},
		{"Types", core.MessageQuery{Types: []core.MessageType{core.TypeAdmin, core.TypeReply}}, []string{"r1", "b1"}, ""},
		{"CustomTypes", core.MessageQuery{CustomTypes: []string{"poll"}}, []string{"a1"}, ""},
		{"AttachmentTypes", core.MessageQuery{AttachmentTypes: []string{"image", "video"}}, []string{"c1", "m2"}, ""},
		{"OwnerIDs", core.MessageQuery{OwnerIDs: []string{"bob"}}, []string{"r1", "b1", "m2"}, ""},
		{"ParentID", core.MessageQuery{ParentID: "m1"}, []string{"r1"}, ""},
		{"ShowInConversation", core.MessageQuery{ShowInConv: ptr(false)}, []string{"r1"}, ""},
		{"Pinned", core.MessageQuery{Pinned: ptr(true)}, []string{"c1"}, ""},
		{"NotPinned", core.MessageQuery{Pinned: ptr(false), OwnerIDs: []string{"alice"}}, []string{"a1", "m1"}, ""},
		{"SkipLimit", core.MessageQuery{Page: core.Page{Skip: 1, Limit: 2}}, []string{"b1", "c1"}, ""},
		{"After", core.MessageQuery{Page: core.Page{After: "c1", Limit: 2}}, []string{"a1", "m2"}, ""},
		{"BeforeReverse", core.MessageQuery{Page: core.Page{Before: "a1", Reverse: true, Limit: 2}}, []string{"c1", "b1"}, ""},
		{"Before", core.MessageQuery{Page: core.Page{Before: "a1", Limit: 2}}, []string{"r1", "b1"}, ""},
		{"ErrHugeSkip", core.MessageQuery{Page: core.Page{Skip: 1001}}, nil, core.EINVALID},
		{"ErrBadType", core.MessageQuery{Types: []core.MessageType{"loud"}}, nil, core.EINVALID},
		{"ErrNegativeSkip", core.MessageQuery{Page: core.Page{Skip: -1}}, nil, core.EINVALID},
		{"ErrHugeLimit", core.MessageQuery{Page: core.Page{Limit: 10000}}, nil, core.EINVALID},
		{"ErrUnknownCursor", core.MessageQuery{Page: core.Page{After: "m3"}}, nil, core.EINVALID},
	}
	bob := env.Caller("demo", "bob")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			page, err := env.Service.ListMessages(ctx, bob, "general", tt.q)
			wantCode(t, err, tt.code)
			if err != nil {
				return
			}
			if got := ids(page.Items); !equal(got, tt.want) {
				t.Fatalf("got %v, want %v", got, tt.want)
			}
			n, err := env.Service.CountMessages(ctx, bob, "general", core.MessageQuery{IDs: tt.q.IDs, Types: tt.q.Types,
				CustomTypes: tt.q.CustomTypes, AttachmentTypes: tt.q.AttachmentTypes, OwnerIDs: tt.q.OwnerIDs, ParentID: tt.q.ParentID,
				ShowInConv: tt.q.ShowInConv, Pinned: tt.q.Pinned})
			wantCode(t, err, "")
			if (tt.q.Page == core.Page{} || tt.q.Page == core.Page{Reverse: true}) && n != len(tt.want) {
				t.Fatalf("count: got %d, want %d", n, len(tt.want))
			}
		})
	}
}

func TestListMessagesMore(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	bob := env.Caller("demo", "bob")
	page, err := env.Service.ListMessages(ctx, bob, "general", core.MessageQuery{Page: core.Page{Limit: 1}})
	wantCode(t, err, "")
	if !page.More || len(page.Items) != 1 {
		t.Fatalf("limit 1 of 2: more=%v len=%d", page.More, len(page.Items))
	}
	page, err = env.Service.ListMessages(ctx, bob, "general", core.MessageQuery{Page: core.Page{Limit: 2}})
	wantCode(t, err, "")
	if page.More {
		t.Fatalf("limit 2 of 2: more=true")
	}
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestVisibility(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	send(t, env, "alice", core.SendInput{ID: "secret", ConversationID: "general", Body: "for bob", Recipients: []string{"bob"}})
	tests := []struct {
		name, as, id, code string
	}{
		{"SenderSees", "alice", "secret", ""},
		{"RecipientSees", "bob", "secret", ""},
		{"OtherMemberDoesNot", "carol", "secret", core.ENOTFOUND},
		{"NonMemberDoesNot", "dave", "m1", core.ENOTFOUND},
		{"AppSees", "", "secret", ""},
		{"Unknown", "alice", "nope", core.ENOTFOUND},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := env.Service.GetMessage(ctx, env.Caller("demo", tt.as), tt.id)
			wantCode(t, err, tt.code)
		})
	}
	page, err := env.Service.ListMessages(ctx, env.Caller("demo", "carol"), "general", core.MessageQuery{})
	wantCode(t, err, "")
	for _, m := range page.Items {
		if m.ID == "secret" {
			t.Fatal("carol's list shows bob's recipients-only message")
		}
	}
	_, err = env.Service.ListMessages(ctx, env.Caller("demo", "dave"), "general", core.MessageQuery{})
	wantCode(t, err, core.ENOTFOUND)
	_, err = env.Service.GetConversation(ctx, env.Caller("demo", "dave"), "general")
	wantCode(t, err, core.ENOTFOUND)
}

func TestEditMessage(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	body := "hello, edited"
	tests := []struct {
		name, as, id, code string
	}{
		{"ErrNotOwner", "bob", "m1", core.EFORBIDDEN},
		{"ErrApp", "", "m1", core.EFORBIDDEN},
		{"ErrNotVisible", "dave", "m1", core.ENOTFOUND},
		{"OK", "alice", "m1", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := env.Service.EditMessage(ctx, env.Caller("demo", tt.as), tt.id, core.EditInput{Body: &body})
			wantCode(t, err, tt.code)
			if err == nil && (m.Body != body || m.EditedAt.IsZero()) {
				t.Fatalf("edited: body %q edited %v", m.Body, m.EditedAt)
			}
		})
	}
}

func TestDeleteForMe(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	bob, carol := env.Caller("demo", "bob"), env.Caller("demo", "carol")
	wantCode(t, env.Service.DeleteForMe(ctx, bob, []string{"m3"}), core.EFORBIDDEN) // lobby is public
	wantCode(t, env.Service.DeleteForMe(ctx, bob, []string{"m1", "nope"}), core.ENOTFOUND)
	if _, err := env.Service.GetMessage(ctx, bob, "m1"); err != nil {
		t.Fatal("a failed batch hid m1 anyway:", err)
	}
	wantCode(t, env.Service.DeleteForMe(ctx, bob, []string{"m1"}), "")
	_, err := env.Service.GetMessage(ctx, bob, "m1")
	wantCode(t, err, core.ENOTFOUND)
	_, err = env.Service.GetMessage(ctx, carol, "m1")
	wantCode(t, err, "")
	n, err := env.Service.CountMessages(ctx, bob, "general", core.MessageQuery{})
	wantCode(t, err, "")
	if n != 1 {
		t.Fatalf("bob's count after hiding m1: got %d, want 1", n)
	}
}

func TestRecall(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	tests := []struct {
		name, as, id, code string
	}{
		{"ErrOtherMember", "carol", "m2", core.EFORBIDDEN},
		{"OKAdminRecallsOthers", "alice", "m2", ""},
		{"OKOwner", "alice", "m1", ""},
		{"OKAgainIsNoop", "alice", "m1", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := env.Service.Recall(ctx, env.Caller("demo", tt.as), []string{tt.id})
			wantCode(t, err, tt.code)
		})
	}
	bob := env.Caller("demo", "bob")
	page, err := env.Service.ListMessages(ctx, bob, "general", core.MessageQuery{})
	wantCode(t, err, "")
	if len(page.Items) != 0 {
		t.Fatalf("tombstones listed by default: %v", ids(page.Items))
	}
	page, err = env.Service.ListMessages(ctx, bob, "general", core.MessageQuery{IncludeDeleted: true})
	wantCode(t, err, "")
	if len(page.Items) != 2 || !page.Items[0].Deleted() || page.Items[0].Body != "" || len(page.Items[0].Attachments) != 0 {
		t.Fatalf("tombstones: %+v", page.Items)
	}
}

// TestCountMessagesCapped: a count stops at CountCap, so counting a
// conversation costs no more than that whatever other users wrote.
func TestCountMessagesCapped(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	fa := core.FixtureApp{AppInput: core.AppInput{ID: "counted", PublicKey: "counted-public", SecretKey: "counted-secret"},
		Users:         []core.FixtureUser{{UserInput: core.UserInput{ID: "u"}}},
		Conversations: []core.ConversationInput{{ID: "big", Kind: core.KindGroup, OwnerID: "u"}}}
	for i := 0; i < core.CountCap+3; i++ {
		fa.Messages = append(fa.Messages, core.FixtureMessage{From: "u", SendInput: core.SendInput{ConversationID: "big", Body: "x"}})
	}
	if err := env.Service.LoadFixtures(ctx, env.Service.StartupCaller(), core.Fixtures{Apps: []core.FixtureApp{fa}}); err != nil {
		t.Fatal(err)
	}
	n, err := env.Service.CountMessages(ctx, env.Caller("counted", "u"), "big", core.MessageQuery{})
	if err != nil {
		t.Fatal(err)
	}
	if n != core.CountCap {
		t.Fatalf("CountMessages = %d, want the cap %d", n, core.CountCap)
	}
}
