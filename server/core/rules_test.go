package core_test

import (
	"testing"
	"time"

	"parley/server/core"
	"parley/server/realtime"
	"parley/server/testenv"
)

func TestReactions(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	svc := env.Service
	alice, bob, dave := env.Caller("demo", "alice"), env.Caller("demo", "bob"), env.Caller("demo", "dave")
	wantCode(t, svc.AddReaction(ctx, alice, "m1", "like"), "") // own message
	wantCode(t, svc.AddReaction(ctx, bob, "m1", "like"), "")
	wantCode(t, svc.AddReaction(ctx, bob, "m1", "like"), "") // twice is fine
	wantCode(t, svc.AddReaction(ctx, bob, "m1", "heart"), "")
	wantCode(t, svc.AddReaction(ctx, dave, "m1", "like"), core.ENOTFOUND)
	wantCode(t, svc.AddReaction(ctx, bob, "m1", " "), core.EINVALID)
	wantCode(t, svc.AddReaction(ctx, bob, "nope", "like"), core.ENOTFOUND)
	m, err := svc.GetMessage(ctx, bob, "m1")
	wantCode(t, err, "")
	if len(m.Reactions) != 2 || m.Reactions[0].Name != "like" || m.Reactions[0].Count != 2 ||
		!equal(m.Reactions[0].UserIDs, []string{"alice", "bob"}) || m.Reactions[1].Count != 1 {
		t.Fatalf("reaction groups: %+v", m.Reactions)
	}
	users, err := svc.ListReactions(ctx, bob, "m1", "like", core.Page{Skip: 1, Limit: 1})
	wantCode(t, err, "")
	if len(users.Items) != 1 || users.Items[0].ID != "bob" || users.More {
		t.Fatalf("like page 2: %+v", users)
	}
	users, err = svc.ListReactions(ctx, bob, "m1", "like", core.Page{Limit: 1})
	wantCode(t, err, "")
	if len(users.Items) != 1 || users.Items[0].ID != "alice" || !users.More {
		t.Fatalf("like page 1: %+v", users)
	}
	users, err = svc.ListReactions(ctx, bob, "m1", "like", core.Page{After: "alice"})
	wantCode(t, err, "")
	if len(users.Items) != 1 || users.Items[0].ID != "bob" || users.More {
		t.Fatalf("like after alice: %+v", users)
	}
	wantCode(t, svc.RemoveReaction(ctx, bob, "m1", "like"), "")
	wantCode(t, svc.RemoveReaction(ctx, bob, "m1", "like"), "")
	m, _ = svc.GetMessage(ctx, bob, "m1")
	if m.Reactions[0].Count != 1 {
		t.Fatalf("after removal: %+v", m.Reactions)
	}
}

func TestPin(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	tests := []struct {
		name, as string
		pin      bool
		code     string
	}{
		{"ErrMember", "bob", true, core.EFORBIDDEN},
		{"ErrNonMember", "dave", true, core.ENOTFOUND},
		{"OKAdmin", "alice", true, ""},
		{"OKApp", "", false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pin := env.Service.Unpin
			if tt.pin {
				pin = env.Service.Pin
			}
			m, err := pin(ctx, env.Caller("demo", tt.as), "m2")
			wantCode(t, err, tt.code)
			if err == nil && m.Pinned != tt.pin {
				t.Fatalf("pinned: got %v", m.Pinned)
			}
		})
	}
}

func TestForwardAndBroadcast(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	svc := env.Service
	bob := env.Caller("demo", "bob")
	sent, err := svc.Forward(ctx, bob, []string{"m2"}, core.Targets{ConversationIDs: []string{"lobby"}, UserIDs: []string{"dave"}})
	wantCode(t, err, "")
	if len(sent) != 2 || sent[0].Type != core.TypeForward || sent[0].ForwardedFromID != "m2" || len(sent[0].Attachments) != 1 {
		t.Fatalf("forwarded: %+v", sent)
	}
	_, err = svc.Forward(ctx, env.Caller("demo", "dave"), []string{"m2"}, core.Targets{UserIDs: []string{"bob"}})
	wantCode(t, err, core.ENOTFOUND) // dave cannot see m2
	_, err = svc.Forward(ctx, bob, []string{"m2"}, core.Targets{})
	wantCode(t, err, core.EINVALID)

	msgs, err := svc.Broadcast(ctx, bob, core.SendInput{Body: "news"}, core.Targets{UserIDs: []string{"alice", "carol", "dave"}})
	wantCode(t, err, "")
	if len(msgs) != 3 {
		t.Fatalf("broadcast sent %d messages, want 3", len(msgs))
	}
	// bob and dave now share exactly one direct conversation (forward made it).
	list, err := svc.ListConversations(ctx, env.Caller("demo", "dave"), core.ConversationQuery{})
	wantCode(t, err, "")
	if convs := list.Items; len(convs) != 1 || convs[0].Kind != core.KindDirect || convs[0].MemberCount != 2 {
		t.Fatalf("dave's conversations: %+v", convs)
	}
	_, err = svc.Broadcast(ctx, bob, core.SendInput{Body: "x"}, core.Targets{ConversationIDs: []string{"general"}, UserIDs: []string{"alice", "ghost"}})
	wantCode(t, err, core.ENOTFOUND)
	n, _ := svc.CountMessages(ctx, env.Caller("demo", "alice"), msgs[0].ConversationID, core.MessageQuery{})
	if n != 1 {
		t.Fatalf("a failed broadcast left %d messages in alice's direct conversation, want 1", n)
	}
}

func TestMarkReadAndUnread(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	svc := env.Service
	carol := env.Caller("demo", "carol")
	unread := func(conv string, want int) {
		t.Helper()
		n, err := svc.UnreadCount(ctx, carol, conv)
		wantCode(t, err, "")
		if n != want {
			t.Fatalf("unread in %s: got %d, want %d", conv, n, want)
		}
	}
	unread("general", 2)
	total, err := svc.UnreadTotal(ctx, carol)
	wantCode(t, err, "")
	if total != 2 {
		t.Fatalf("total: got %d, want 2", total)
	}
	send(t, env, "carol", core.SendInput{ConversationID: "general", Body: "mine"}) // own: not unread
	unread("general", 2)
	wantCode(t, svc.MarkRead(ctx, carol, "general", core.ReadInput{MessageID: "m1"}), "")
	unread("general", 1)
	env.Clock.Advance(time.Second)
	send(t, env, "alice", core.SendInput{ConversationID: "general", Body: "later"})
	wantCode(t, svc.MarkRead(ctx, carol, "general", core.ReadInput{At: testenv.Start}), "")
	unread("general", 1)
	wantCode(t, svc.MarkRead(ctx, carol, "general", core.ReadInput{}), "")
	unread("general", 0)
	wantCode(t, svc.MarkRead(ctx, env.Caller("demo", "dave"), "general", core.ReadInput{}), core.ENOTFOUND)
	send(t, env, "alice", core.SendInput{ConversationID: "general", Body: "for bob", Recipients: []string{"bob"}})
	unread("general", 0) // not carol's to read
}

// TestReadUpToTimeIgnoresClaimedTimes: a message back-dated by its sender
// does not move a read position given as a time; "read up to an hour
// before any real message" leaves every message unread.
func TestReadUpToTimeIgnoresClaimedTimes(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	carol := env.Caller("demo", "carol")
	env.Clock.Advance(time.Hour)
	send(t, env, "alice", core.SendInput{ConversationID: "general", Body: "from the past", CreatedAt: testenv.Start.Add(-10 * time.Hour)})
	// m1 and m2 were received at Start.
	wantCode(t, env.Service.MarkRead(ctx, carol, "general", core.ReadInput{At: testenv.Start.Add(-time.Hour)}), "")
	n, err := env.Service.UnreadCount(ctx, carol, "general")
	wantCode(t, err, "")
	if n != 3 {
		t.Fatalf("unread after reading up to before every message: got %d, want 3", n)
	}
	wantCode(t, env.Service.MarkRead(ctx, carol, "general", core.ReadInput{At: testenv.Start}), "")
	if n, _ = env.Service.UnreadCount(ctx, carol, "general"); n != 1 {
		t.Fatalf("unread after reading up to Start: got %d, want 1 (the back-dated one, received later)", n)
	}
}

func TestConversations(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	svc := env.Service
	alice, bob, dave := env.Caller("demo", "alice"), env.Caller("demo", "bob"), env.Caller("demo", "dave")
	d1, created, err := svc.CreateConversation(ctx, alice, core.ConversationInput{Kind: core.KindDirect, Members: []core.MemberInput{{UserID: "bob"}}})
	wantCode(t, err, "")
	d2, created2, err := svc.CreateConversation(ctx, bob, core.ConversationInput{Kind: core.KindDirect, Members: []core.MemberInput{{UserID: "alice"}}})
	wantCode(t, err, "")
	if !created || created2 || d1.PK != d2.PK {
		t.Fatalf("direct found again: created %v/%v, pk %d/%d", created, created2, d1.PK, d2.PK)
	}
	_, _, err = svc.CreateConversation(ctx, alice, core.ConversationInput{Kind: core.KindDirect, Members: []core.MemberInput{{UserID: "bob"}, {UserID: "carol"}}})
	wantCode(t, err, core.EINVALID)
	_, _, err = svc.CreateConversation(ctx, alice, core.ConversationInput{Kind: "secret"})
	wantCode(t, err, core.EINVALID)
	_, _, err = svc.CreateConversation(ctx, alice, core.ConversationInput{ID: "general"})
	wantCode(t, err, core.ECONFLICT)

	g, _, err := svc.CreateConversation(ctx, alice, core.ConversationInput{ID: "team", Title: "Team", Members: []core.MemberInput{{UserID: "bob"}}})
	wantCode(t, err, "")
	if g.Me == nil || g.Me.Role != core.RoleOwner || g.MemberCount != 2 {
		t.Fatalf("creator is owner: me=%+v count=%d", g.Me, g.MemberCount)
	}
	tests := []struct {
		name string
		do   func() error
		code string
	}{
		{"ErrMemberAddsOthers", func() error {
			_, err := svc.AddMembers(ctx, bob, "team", []core.MemberInput{{UserID: "carol"}})
			return err
		}, core.EFORBIDDEN},
		{"ErrSelfJoinGroup", func() error {
			_, err := svc.AddMembers(ctx, dave, "team", []core.MemberInput{{UserID: "dave"}})
			return err
		}, core.EFORBIDDEN},
		{"OKSelfJoinPublic", func() error {
			_, err := svc.AddMembers(ctx, dave, "lobby", []core.MemberInput{{UserID: "dave"}})
			return err
		}, ""},
		{"OKOwnerAdds", func() error {
			_, err := svc.AddMembers(ctx, alice, "team", []core.MemberInput{{UserID: "carol"}})
			return err
		}, ""},
		{"ErrAddToDirect", func() error {
			_, err := svc.AddMembers(ctx, alice, d1.ID, []core.MemberInput{{UserID: "carol"}})
			return err
		}, core.EFORBIDDEN},
		{"ErrUnknownUser", func() error {
			_, err := svc.AddMembers(ctx, alice, "team", []core.MemberInput{{UserID: "ghost"}})
			return err
		}, core.EINVALID},
		{"ErrMemberRemovesOthers", func() error { return svc.RemoveMembers(ctx, bob, "team", []string{"carol"}) }, core.EFORBIDDEN},
		{"OKOwnerMakesAdmin", func() error { return svc.SetRole(ctx, alice, "team", "bob", core.RoleAdmin) }, ""},
		{"ErrAdminRemovesOwner", func() error { return svc.RemoveMembers(ctx, bob, "team", []string{"alice"}) }, core.EFORBIDDEN},
		{"OKAdminRemoves", func() error { return svc.RemoveMembers(ctx, bob, "team", []string{"carol"}) }, ""},
		{"OKLeave", func() error { return svc.Leave(ctx, bob, "team") }, ""},
		{"ErrReadAfterLeaving", func() error { _, err := svc.GetConversation(ctx, bob, "team"); return err }, core.ENOTFOUND},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { wantCode(t, tt.do(), tt.code) })
	}
	members, err := svc.ListMembers(ctx, alice, "team", core.Page{})
	wantCode(t, err, "")
	if len(members.Items) != 1 || members.Items[0].User.ID != "alice" {
		t.Fatalf("members left: %d", len(members.Items))
	}
}

func TestConversationListOrder(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	bob := env.Caller("demo", "bob")
	env.Clock.Advance(time.Minute)
	send(t, env, "bob", core.SendInput{ConversationID: "lobby", Body: "newest"})
	convs, err := env.Service.ListConversations(ctx, bob, core.ConversationQuery{})
	wantCode(t, err, "")
	if len(convs.Items) != 2 || convs.Items[0].ID != "lobby" || convs.Items[0].Me == nil || convs.More {
		t.Fatalf("bob's conversations, most recent first: %+v", convs)
	}
	env.Clock.Advance(time.Minute)
	send(t, env, "bob", core.SendInput{ConversationID: "general", Body: "newer"})
	convs, _ = env.Service.ListConversations(ctx, bob, core.ConversationQuery{Page: core.Page{Limit: 1}})
	if len(convs.Items) != 1 || convs.Items[0].ID != "general" || !convs.More {
		t.Fatalf("first page: %+v", convs)
	}
	convs, _ = env.Service.ListConversations(ctx, bob, core.ConversationQuery{Page: core.Page{After: "general"}})
	if len(convs.Items) != 1 || convs.Items[0].ID != "lobby" || convs.More {
		t.Fatalf("after general: %+v", convs)
	}
	convs, _ = env.Service.ListConversations(ctx, bob, core.ConversationQuery{Page: core.Page{Before: "lobby"}})
	if len(convs.Items) != 1 || convs.Items[0].ID != "general" || convs.More {
		t.Fatalf("before lobby: %+v", convs)
	}
	_, err = env.Service.ListConversations(ctx, bob, core.ConversationQuery{Page: core.Page{After: "nope"}})
	wantCode(t, err, core.EINVALID)
	_, err = env.Service.ListConversations(ctx, bob, core.ConversationQuery{Page: core.Page{Skip: 1001}})
	wantCode(t, err, core.EINVALID)
}

func TestEventsAfterCommit(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	app := env.Caller("demo", "").App()
	sub := env.Hub.Subscribe(&core.Watch{App: app}, realtime.SubscribeOptions{Buffer: 16})
	defer sub.Close()
	_, _, err := env.Service.SendMessage(ctx, env.Caller("demo", "dave"), core.SendInput{ConversationID: "general", Body: "no"})
	wantCode(t, err, core.ENOTFOUND)
	m := send(t, env, "alice", core.SendInput{ConversationID: "general", Body: "event"})
	select {
	case e := <-sub.C:
		if e.Type != core.EventMessageCreated || e.Message.ID != m.ID {
			t.Fatalf("first event: %+v (a refused send must publish nothing)", e)
		}
	case <-time.After(time.Second):
		t.Fatal("no event after commit")
	}
}

func TestFixturesAllOrNothing(t *testing.T) {
	t.Parallel()
	env := testenv.New(t, testenv.WithFixtures(""))
	f := core.Fixtures{Apps: []core.FixtureApp{{
		AppInput: core.AppInput{ID: "x", PublicKey: "x-pub", SecretKey: "x-secret"},
		Users:    []core.FixtureUser{{UserInput: core.UserInput{ID: "u1"}}},
		Messages: []core.FixtureMessage{{From: "u1", SendInput: core.SendInput{ConversationID: "missing"}}},
	}}}
	err := env.Service.LoadFixtures(ctx, env.Service.StartupCaller(), f)
	wantCode(t, err, core.ENOTFOUND)
	apps, err := env.Service.ListApps(ctx, env.Service.StartupCaller())
	wantCode(t, err, "")
	if len(apps) != 0 {
		t.Fatalf("a failed fixture load left %d apps", len(apps))
	}
}

func TestConversationView(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	svc := env.Service
	carol := env.Caller("demo", "carol")
	send(t, env, "alice", core.SendInput{ID: "for-bob", ConversationID: "general", Body: "psst", Recipients: []string{"bob"}})
	conv, err := svc.GetConversation(ctx, carol, "general")
	wantCode(t, err, "")
	if conv.LastMessage != nil {
		t.Fatalf("carol sees bob's recipients-only message as the last one: %+v", conv.LastMessage)
	}
	if conv.Unread != 2 {
		t.Fatalf("carol's unread: got %d, want 2", conv.Unread)
	}
	conv, err = svc.GetConversation(ctx, env.Caller("demo", "bob"), "general")
	wantCode(t, err, "")
	if conv.LastMessage == nil || conv.LastMessage.ID != "for-bob" || conv.Unread != 2 {
		t.Fatalf("bob's view: last %+v unread %d", conv.LastMessage, conv.Unread)
	}
	n, err := svc.CountConversations(ctx, carol, core.ConversationQuery{})
	wantCode(t, err, "")
	if n != 1 {
		t.Fatalf("carol's conversations: got %d, want 1", n)
	}
	n, err = svc.CountConversations(ctx, env.Caller("demo", ""), core.ConversationQuery{Kinds: []core.ConversationKind{core.KindPublic}})
	wantCode(t, err, "")
	if n != 1 {
		t.Fatalf("the app's public conversations: got %d, want 1", n)
	}
}

func TestBroadcastToConversations(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	svc := env.Service
	bob := env.Caller("demo", "bob")
	before, _ := svc.CountMessages(ctx, bob, "general", core.MessageQuery{})
	_, err := svc.Broadcast(ctx, bob, core.SendInput{Body: "x"}, core.Targets{ConversationIDs: []string{"general", "team-nobody-knows"}})
	wantCode(t, err, core.ENOTFOUND)
	if n, _ := svc.CountMessages(ctx, bob, "general", core.MessageQuery{}); n != before {
		t.Fatalf("a refused broadcast left a message in general: %d, want %d", n, before)
	}
	msgs, err := svc.Broadcast(ctx, bob, core.SendInput{Body: "all"}, core.Targets{ConversationIDs: []string{"general", "lobby"}, UserIDs: []string{"carol"}})
	wantCode(t, err, "")
	if len(msgs) != 3 {
		t.Fatalf("broadcast sent %d, want 3", len(msgs))
	}
}

func TestMarkReadKeepsClientTime(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	carol := env.Caller("demo", "carol")
	env.Clock.Advance(time.Hour)
	at := testenv.Start.Add(30 * time.Minute)
	wantCode(t, env.Service.MarkRead(ctx, carol, "general", core.ReadInput{At: at}), "")
	conv, err := env.Service.GetConversation(ctx, carol, "general")
	wantCode(t, err, "")
	if !conv.Me.LastReadAt.Equal(at) || conv.Unread != 0 {
		t.Fatalf("read at %v (unread %d), want the client's %v", conv.Me.LastReadAt, conv.Unread, at)
	}
	wantCode(t, env.Service.MarkRead(ctx, carol, "general", core.ReadInput{At: testenv.Start}), "")
	conv, _ = env.Service.GetConversation(ctx, carol, "general")
	if !conv.Me.LastReadAt.Equal(at) {
		t.Fatalf("an older read moved the read time back to %v", conv.Me.LastReadAt)
	}
}
