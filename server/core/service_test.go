package core_test

import (
	"context"
	"strings"
	"testing"

	"parley/server/core"
	"parley/server/testenv"
)

var ctx = context.Background()

// wantCode fails the test unless err has the core code want ("" for nil).
func wantCode(tb testing.TB, err error, want string) {
	tb.Helper()
	if got := core.ErrorCode(err); got != want {
		tb.Fatalf("error code: got %q (%v), want %q", got, err, want)
	}
}

func ptr[T any](v T) *T { return &v }

func TestSendMessage(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		as   string
		in   core.SendInput
		want string
	}{
		{"OK", "alice", core.SendInput{ConversationID: "general", Body: "hi"}, ""},
		{"OKToUser", "alice", core.SendInput{ToUserID: "dave", Body: "hi dave"}, ""},
		{"OKOpenKindLobbyMember", "bob", core.SendInput{ConversationID: "lobby", Body: "yo"}, ""},
		{"ErrNotMember", "dave", core.SendInput{ConversationID: "general", Body: "let me in"}, core.ENOTFOUND},
		{"ErrNoUser", "", core.SendInput{ConversationID: "general", Body: "x"}, core.EINVALID},
		{"ErrBothTargets", "alice", core.SendInput{ConversationID: "general", ToUserID: "bob"}, core.EINVALID},
		{"ErrNoTarget", "alice", core.SendInput{Body: "x"}, core.EINVALID},
		{"ErrUnknownConversation", "alice", core.SendInput{ConversationID: "nope"}, core.ENOTFOUND},
		{"ErrBodyTooLong", "alice", core.SendInput{ConversationID: "general", Body: strings.Repeat("x", 20001)}, core.EINVALID},
		{"ErrBadType", "alice", core.SendInput{ConversationID: "general", Type: "shout"}, core.EINVALID},
		{"ErrIDWithSlash", "alice", core.SendInput{ConversationID: "general", ID: "a/b"}, core.EINVALID},
		{"ErrIDTooLong", "alice", core.SendInput{ConversationID: "general", ID: strings.Repeat("i", 151)}, core.EINVALID},
		{"ErrUnknownParent", "alice", core.SendInput{ConversationID: "general", ParentID: "nope"}, core.ENOTFOUND},
		{"ErrParentElsewhere", "bob", core.SendInput{ConversationID: "general", ParentID: "m3"}, core.EINVALID},
		{"ErrUnknownMention", "alice", core.SendInput{ConversationID: "general", Mentions: []core.Mention{{UserID: "ghost"}}}, core.EINVALID},
		{"ErrToSelf", "alice", core.SendInput{ToUserID: "alice"}, core.EINVALID},
		{"ErrToUnknownUser", "alice", core.SendInput{ToUserID: "ghost"}, core.ENOTFOUND},
		{"ErrConversationIDReused", "alice", core.SendInput{ConversationID: "general", ID: "m2", Body: "other"}, core.ECONFLICT},
	}
	env := testenv.New(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := env.Caller("demo", tt.as)
			m, created, err := env.Service.SendMessage(ctx, c, tt.in)
			wantCode(t, err, tt.want)
			if err == nil && (!created || m.ID == "" || m.Owner == nil || m.Owner.ID != tt.as) {
				t.Fatalf("got created=%v message %+v", created, m)
			}
		})
	}
}

func TestSendMessageIdempotent(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	alice := env.Caller("demo", "alice")
	in := core.SendInput{ID: "client-1", ConversationID: "general", Body: "once", Metadata: []byte(`{"k":1}`)}
	first, created, err := env.Service.SendMessage(ctx, alice, in)
	wantCode(t, err, "")
	if !created || first.ID != "client-1" {
		t.Fatalf("first send: created=%v id=%q", created, first.ID)
	}
	again, created, err := env.Service.SendMessage(ctx, alice, in)
	wantCode(t, err, "")
	if created || again.PK != first.PK {
		t.Fatalf("resend: created=%v pk=%d, want the stored pk %d", created, again.PK, first.PK)
	}
	in.Body = "twice"
	_, _, err = env.Service.SendMessage(ctx, alice, in)
	wantCode(t, err, core.ECONFLICT)
	n, err := env.Service.CountMessages(ctx, alice, "general", core.MessageQuery{IDs: []string{"client-1"}})
	wantCode(t, err, "")
	if n != 1 {
		t.Fatalf("stored copies of client-1: got %d, want 1", n)
	}
}

func TestSendFields(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	alice := env.Caller("demo", "alice")
	m, _, err := env.Service.SendMessage(ctx, alice, core.SendInput{
		ConversationID: "general", Body: "see this", CustomType: "text", Metadata: []byte(`{"tag":"x"}`), Encrypted: true,
		Attachments: []core.Attachment{{Type: "location", Data: []byte(`{"type":"location","latitude":1.5,"title":"Here"}`)}},
		Mentions:    []core.Mention{{UserID: "bob", Order: 1, WordCount: 1}},
		CreatedAt:   testenv.Start.Add(-3600e9), ShowInConversation: ptr(false),
	})
	wantCode(t, err, "")
	got, err := env.Service.GetMessage(ctx, alice, m.ID)
	wantCode(t, err, "")
	if got.Body != "see this" || got.CustomType != "text" || string(got.Metadata) != `{"tag":"x"}` || !got.Encrypted || got.ShowInConversation {
		t.Fatalf("scalar fields not kept: %+v", got)
	}
	if len(got.Attachments) != 1 || got.Attachments[0].Type != "location" || !strings.Contains(string(got.Attachments[0].Data), `"latitude":1.5`) {
		t.Fatalf("attachment not kept verbatim: %+v", got.Attachments)
	}
	if len(got.Mentions) != 1 || got.Mentions[0].User == nil || got.Mentions[0].User.DisplayName != "Bob" {
		t.Fatalf("mention not loaded with its user: %+v", got.Mentions)
	}
	if !got.CreatedAt.Equal(testenv.Start.Add(-3600e9)) {
		t.Fatalf("client created time: got %v", got.CreatedAt)
	}
}

func TestReplies(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	bob := env.Caller("demo", "bob")
	r, _, err := env.Service.SendMessage(ctx, bob, core.SendInput{ConversationID: "general", ParentID: "m1", Body: "re"})
	wantCode(t, err, "")
	if r.Type != core.TypeReply || r.ParentID != "m1" {
		t.Fatalf("reply: type %q parent %q", r.Type, r.ParentID)
	}
	parent, err := env.Service.GetMessage(ctx, bob, "m1")
	wantCode(t, err, "")
	if parent.ReplyCount != 1 {
		t.Fatalf("parent reply count: got %d, want 1", parent.ReplyCount)
	}
	page, err := env.Service.ListMessages(ctx, bob, "general", core.MessageQuery{ParentID: "m1"})
	wantCode(t, err, "")
	if len(page.Items) != 1 || page.Items[0].ID != r.ID {
		t.Fatalf("replies of m1: got %d messages", len(page.Items))
	}
}
