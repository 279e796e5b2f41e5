package core_test

import (
	"testing"

	"parley/server/core"
	"parley/server/testenv"
)

// TestChannelACLs checks that a channel's access lists decide reading and
// writing on every path: the App.net stream, the generic message list,
// the generic send (any dialect's) and the app token.
func TestChannelACLs(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	svc := env.Service
	alice, bob, carol, dave := env.Caller("demo", "alice"), env.Caller("demo", "bob"), env.Caller("demo", "carol"), env.Caller("demo", "dave")
	app, err := svc.Authenticate(ctx, core.Credential{Kind: core.CredAppToken, Secret: "demo-secret"})
	if err != nil {
		t.Fatal(err)
	}
	if app.Trusted() || app.User() != nil {
		t.Fatalf("an app token must be untrusted and act as no user")
	}
	mk := func(readers, writers core.ACLInput) string {
		t.Helper()
		ch, err := svc.CreateChannel(ctx, alice, core.ChannelInput{Type: "com.example.room", Readers: readers, Writers: writers})
		if err != nil {
			t.Fatal(err)
		}
		return ch.ID
	}
	public := mk(core.ACLInput{Public: true}, core.ACLInput{Users: []string{"bob"}})
	private := mk(core.ACLInput{Users: []string{"@carol"}}, core.ACLInput{Users: []string{"bob"}})
	anyone := mk(core.ACLInput{AnyUser: true}, core.ACLInput{AnyUser: true})
	tests := []struct {
		name        string
		caller      *core.Caller
		channel     string
		read, write string // wanted error codes; "" allows
	}{
		{"OwnerPrivate", alice, private, "", ""},
		{"WriterPrivate", bob, private, "", ""},
		{"ReaderPrivate", carol, private, "", core.EFORBIDDEN},
		{"ErrOtherPrivate", dave, private, core.EFORBIDDEN, core.EFORBIDDEN},
		{"ErrAppPrivate", app, private, core.EFORBIDDEN, core.EINVALID},
		{"PublicReader", dave, public, "", core.EFORBIDDEN},
		{"PublicApp", app, public, "", core.EINVALID},
		{"PublicWriter", bob, public, "", ""},
		{"AnyUser", dave, anyone, "", ""},
		{"ErrAnyUserApp", app, anyone, core.EFORBIDDEN, core.EINVALID},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := svc.StreamMessages(ctx, tt.caller, tt.channel, core.StreamQuery{Count: 5})
			wantCode(t, err, tt.read)
			_, err = svc.ListMessages(ctx, tt.caller, tt.channel, core.MessageQuery{})
			wantCode(t, err, tt.read)
			_, _, err = svc.SendMessage(ctx, tt.caller, core.SendInput{ConversationID: tt.channel, Body: "hi"})
			wantCode(t, err, tt.write)
		})
	}

	t.Run("UpdateAndDeactivate", func(t *testing.T) {
		_, err := svc.UpdateChannel(ctx, bob, private, core.ChannelUpdate{Readers: &core.ACLInput{AnyUser: true}})
		wantCode(t, err, core.EFORBIDDEN) // a writer is not the owner
		_, err = svc.UpdateChannel(ctx, alice, private, core.ChannelUpdate{Readers: &core.ACLInput{Users: []string{"dave"}}})
		wantCode(t, err, "")
		_, err = svc.StreamMessages(ctx, dave, private, core.StreamQuery{Count: 5})
		wantCode(t, err, "")
		_, err = svc.StreamMessages(ctx, carol, private, core.StreamQuery{Count: 5})
		wantCode(t, err, core.EFORBIDDEN) // carol left the readers
		_, err = svc.DeactivateChannel(ctx, alice, private)
		wantCode(t, err, "")
		_, _, err = svc.SendMessage(ctx, bob, core.SendInput{ConversationID: private, Body: "late"})
		wantCode(t, err, core.EFORBIDDEN)
		_, err = svc.UpdateChannel(ctx, alice, "general", core.ChannelUpdate{Readers: &core.ACLInput{AnyUser: true}})
		wantCode(t, err, core.EFORBIDDEN) // not an App.net channel
	})

	t.Run("ErrBadInput", func(t *testing.T) {
		for _, in := range []core.ChannelInput{
			{Type: "net.app.core.pm"},
			{Type: "nodots"},
			{Type: "com.example.x", Readers: core.ACLInput{Public: true, Users: []string{"bob"}}},
			{Type: "com.example.x", Writers: core.ACLInput{Public: true}},
			{Type: "com.example.x", Writers: core.ACLInput{Users: []string{"@nobody"}}},
		} {
			_, err := svc.CreateChannel(ctx, alice, in)
			wantCode(t, err, core.EINVALID)
		}
	})
}

// TestSendPrivate checks that a pm goes to the direct conversation of
// exactly its set of users, found again whoever sends and in any order.
func TestSendPrivate(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	svc := env.Service
	alice, carol := env.Caller("demo", "alice"), env.Caller("demo", "carol")
	m1, err := svc.SendPrivate(ctx, alice, []string{"@bob", "carol"}, core.SendInput{Body: "one"})
	if err != nil {
		t.Fatal(err)
	}
	m2, err := svc.SendPrivate(ctx, carol, []string{"bob", "@alice", "carol"}, core.SendInput{Body: "two"})
	if err != nil {
		t.Fatal(err)
	}
	if m1.ConversationPK != m2.ConversationPK {
		t.Errorf("the same set got conversations %d and %d", m1.ConversationPK, m2.ConversationPK)
	}
	m3, err := svc.SendPrivate(ctx, alice, []string{"bob"}, core.SendInput{Body: "three"})
	if err != nil {
		t.Fatal(err)
	}
	if m3.ConversationPK == m1.ConversationPK {
		t.Errorf("another set reused conversation %d", m1.ConversationPK)
	}
	_, err = svc.SendPrivate(ctx, alice, []string{"bob"}, core.SendInput{MachineOnly: true, Type: core.TypeMachine, Annotations: []byte(`[]`)})
	wantCode(t, err, core.EINVALID)
}

// TestMarkReadReset checks that a reset moves the read position back,
// and that without it the position stays.
func TestMarkReadReset(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	svc, carol := env.Service, env.Caller("demo", "carol")
	unread := func() int {
		t.Helper()
		n, err := svc.UnreadCount(ctx, carol, "general")
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	wantCode(t, svc.MarkRead(ctx, carol, "general", core.ReadInput{MessageID: "m2"}), "")
	if n := unread(); n != 0 {
		t.Fatalf("after reading m2: %d unread, want 0", n)
	}
	wantCode(t, svc.MarkRead(ctx, carol, "general", core.ReadInput{MessageID: "m1"}), "")
	if n := unread(); n != 0 {
		t.Errorf("a read position moved back without reset: %d unread", n)
	}
	wantCode(t, svc.MarkRead(ctx, carol, "general", core.ReadInput{MessageID: "m1", Reset: true}), "")
	if n := unread(); n != 1 {
		t.Errorf("after MarkRead reset to m1: %d unread, want 1", n)
	}
	wantCode(t, svc.MarkRead(ctx, carol, "general", core.ReadInput{MessageID: "m2"}), "")
	_, err := svc.SetMarkers(ctx, carol, []core.MarkerInput{{ConversationID: "general", MessageID: "m1", Reset: true}})
	wantCode(t, err, "")
	if n := unread(); n != 1 {
		t.Errorf("after SetMarkers reset to m1: %d unread, want 1", n)
	}
}
