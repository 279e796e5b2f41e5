package core_test

import (
	"fmt"
	"slices"
	"sync"
	"testing"

	"parley/server/core"
	"parley/server/testenv"
)

func TestParseKeyRef(t *testing.T) {
	t.Parallel()
	tests := []struct {
		ref  string
		key  int64
		isOK bool
	}{
		{"#1", 1, true},
		{"#9007199254740993", 9007199254740993, true},
		{core.KeyRef(42), 42, true},
		{"42", 0, false}, // a text id that happens to be decimal
		{"#", 0, false},
		{"#0", 0, false},
		{"#-3", 0, false},
		{"#+3", 0, false},
		{"#03", 0, false}, // not the one spelling of key 3
		{"#3a", 0, false},
		{"#99999999999999999999", 0, false},
		{"", 0, false},
	}
	for _, tt := range tests {
		key, ok := core.ParseKeyRef(tt.ref)
		if key != tt.key || ok != tt.isOK {
			t.Errorf("ParseKeyRef(%q) = %d, %v; want %d, %v", tt.ref, key, ok, tt.key, tt.isOK)
		}
	}
}

func TestDirectKey(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		pks  []int64
		want string
	}{
		{[]int64{7, 3}, "3:7"},
		{[]int64{3, 7}, "3:7"},
		{[]int64{5}, "5"},
		{[]int64{9, 2, 9, 4, 2}, "2:4:9"},
		{[]int64{10, 9}, "9:10"}, // numeric order, not text order
	} {
		if got := core.DirectKey(tt.pks...); got != tt.want {
			t.Errorf("DirectKey(%v) = %q, want %q", tt.pks, got, tt.want)
		}
	}
}

// TestKeyRefs addresses users, conversations and messages by key reference
// through the service, and shows that a key only reaches rows of the
// caller's app.
func TestKeyRefs(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	alice := env.Caller("demo", "alice")
	bob, err := env.Service.GetUser(ctx, alice, "bob")
	wantCode(t, err, "")
	general, err := env.Service.GetConversation(ctx, alice, "general")
	wantCode(t, err, "")
	m1, err := env.Service.GetMessage(ctx, alice, "m1")
	wantCode(t, err, "")

	// Another app with a user, a conversation and a message of its own.
	_, _, err = env.Service.CreateApp(ctx, env.Service.StartupCaller(), core.AppInput{ID: "other"})
	wantCode(t, err, "")
	otherApp := env.Caller("other", "")
	zed, err := env.Service.CreateUser(ctx, otherApp, core.UserInput{ID: "zed"})
	wantCode(t, err, "")
	zedConv, _, err := env.Service.CreateConversation(ctx, otherApp, core.ConversationInput{OwnerID: "zed"})
	wantCode(t, err, "")
	zedMsg, _, err := env.Service.SendMessage(ctx, env.Caller("other", "zed"), core.SendInput{ConversationID: zedConv.ID, Body: "mine"})
	wantCode(t, err, "")

	t.Run("OKUser", func(t *testing.T) {
		u, err := env.Service.GetUser(ctx, alice, core.KeyRef(bob.PK))
		wantCode(t, err, "")
		if u.ID != "bob" {
			t.Fatalf("got user %q, want bob", u.ID)
		}
	})
	t.Run("OKConversation", func(t *testing.T) {
		c, err := env.Service.GetConversation(ctx, alice, core.KeyRef(general.PK))
		wantCode(t, err, "")
		if c.ID != "general" {
			t.Fatalf("got conversation %q, want general", c.ID)
		}
	})
	t.Run("OKMessage", func(t *testing.T) {
		m, err := env.Service.GetMessage(ctx, alice, core.KeyRef(m1.PK))
		wantCode(t, err, "")
		if m.ID != "m1" {
			t.Fatalf("got message %q, want m1", m.ID)
		}
	})
	t.Run("OKSendByKeys", func(t *testing.T) {
		m, _, err := env.Service.SendMessage(ctx, alice, core.SendInput{
			ConversationID: core.KeyRef(general.PK), Body: "by keys", ParentID: core.KeyRef(m1.PK),
			Mentions: []core.Mention{{UserID: core.KeyRef(bob.PK)}}, Recipients: []string{core.KeyRef(bob.PK), "bob"},
		})
		wantCode(t, err, "")
		if m.ConversationID != "general" || m.ParentID != "m1" || !slices.Equal(m.Recipients, []string{"bob"}) ||
			len(m.Mentions) != 1 || m.Mentions[0].UserID != "bob" {
			t.Fatalf("got %+v", m)
		}
		got, err := env.Service.GetMessage(ctx, env.Caller("demo", "bob"), m.ID)
		wantCode(t, err, "")
		if !slices.Equal(got.Recipients, []string{"bob"}) {
			t.Fatalf("stored recipients: got %v", got.Recipients)
		}
	})
	t.Run("OKListFilters", func(t *testing.T) {
		page, err := env.Service.ListMessages(ctx, alice, "general", core.MessageQuery{
			IDs: []string{core.KeyRef(m1.PK), "m2"}, OwnerIDs: []string{core.KeyRef(alice.User().PK), "bob"}})
		wantCode(t, err, "")
		var ids []string
		for _, m := range page.Items {
			ids = append(ids, m.ID)
		}
		if !slices.Equal(ids, []string{"m2", "m1"}) {
			t.Fatalf("got %v, want [m2 m1]", ids)
		}
	})
	t.Run("OKDirectByKey", func(t *testing.T) {
		byKey, _, err := env.Service.SendMessage(ctx, alice, core.SendInput{ToUserID: core.KeyRef(bob.PK), Body: "hi"})
		wantCode(t, err, "")
		byID, _, err := env.Service.SendMessage(ctx, alice, core.SendInput{ToUserID: "bob", Body: "hi again"})
		wantCode(t, err, "")
		if byKey.ConversationPK != byID.ConversationPK {
			t.Fatalf("two direct conversations with bob: %d and %d", byKey.ConversationPK, byID.ConversationPK)
		}
	})
	// Another app's keys name nothing here.
	t.Run("ErrOtherAppsUser", func(t *testing.T) {
		_, err := env.Service.GetUser(ctx, alice, core.KeyRef(zed.PK))
		wantCode(t, err, core.ENOTFOUND)
	})
	t.Run("ErrOtherAppsConversation", func(t *testing.T) {
		_, err := env.Service.GetConversation(ctx, alice, core.KeyRef(zedConv.PK))
		wantCode(t, err, core.ENOTFOUND)
	})
	t.Run("ErrOtherAppsMessage", func(t *testing.T) {
		_, err := env.Service.GetMessage(ctx, alice, core.KeyRef(zedMsg.PK))
		wantCode(t, err, core.ENOTFOUND)
	})
	t.Run("ErrOtherAppsMention", func(t *testing.T) {
		_, _, err := env.Service.SendMessage(ctx, alice, core.SendInput{ConversationID: "general", Body: "x",
			Mentions: []core.Mention{{UserID: core.KeyRef(zed.PK)}}})
		wantCode(t, err, core.EINVALID)
	})
	// A client-chosen id may not look like a key reference.
	t.Run("ErrNewUserIDRef", func(t *testing.T) {
		_, err := env.Service.CreateUser(ctx, env.Caller("demo", ""), core.UserInput{ID: "#77"})
		wantCode(t, err, core.EINVALID)
	})
	t.Run("ErrNewMessageIDRef", func(t *testing.T) {
		_, _, err := env.Service.SendMessage(ctx, alice, core.SendInput{ConversationID: "general", ID: "#tag", Body: "x"})
		wantCode(t, err, core.EINVALID)
	})
	t.Run("ErrNewConversationIDRef", func(t *testing.T) {
		_, _, err := env.Service.CreateConversation(ctx, alice, core.ConversationInput{ID: "#general"})
		wantCode(t, err, core.EINVALID)
	})
}

func TestOpenDirect(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	alice, carol := env.Caller("demo", "alice"), env.Caller("demo", "carol")
	bob, err := env.Service.GetUser(ctx, alice, "bob")
	wantCode(t, err, "")

	trio, created, err := env.Service.OpenDirect(ctx, alice, []string{"bob", "carol"})
	wantCode(t, err, "")
	if !created || trio.Kind != core.KindDirect || trio.MemberCount != 3 || trio.Me == nil {
		t.Fatalf("first open: created=%v %+v", created, trio)
	}
	// The same set, named otherwise and by someone else, finds it again.
	again, created, err := env.Service.OpenDirect(ctx, carol, []string{core.KeyRef(bob.PK), "alice", "bob"})
	wantCode(t, err, "")
	if created || again.PK != trio.PK || again.Me == nil || again.Me.UserPK != carol.User().PK {
		t.Fatalf("second open: created=%v pk=%d, want %d", created, again.PK, trio.PK)
	}
	// A subset is another conversation: the two-person DM, the same one
	// that sending to a user opens.
	pair, created, err := env.Service.OpenDirect(ctx, alice, []string{"bob"})
	wantCode(t, err, "")
	if !created || pair.PK == trio.PK || pair.MemberCount != 2 {
		t.Fatalf("pair: created=%v %+v", created, pair)
	}
	m, _, err := env.Service.SendMessage(ctx, env.Caller("demo", "bob"), core.SendInput{ToUserID: "alice", Body: "hi"})
	wantCode(t, err, "")
	if m.ConversationPK != pair.PK {
		t.Fatalf("bob's DM to alice went to %d, want %d", m.ConversationPK, pair.PK)
	}
	// Oneself alone is a set too.
	self, created, err := env.Service.OpenDirect(ctx, alice, nil)
	wantCode(t, err, "")
	if !created || self.MemberCount != 1 {
		t.Fatalf("self: created=%v %+v", created, self)
	}
	// The app names the whole set.
	byApp, created, err := env.Service.OpenDirect(ctx, env.Caller("demo", ""), []string{"carol", "alice", "bob"})
	wantCode(t, err, "")
	if created || byApp.PK != trio.PK {
		t.Fatalf("app's open: created=%v pk=%d, want %d", created, byApp.PK, trio.PK)
	}
	_, err = env.Service.AddMembers(ctx, alice, trio.ID, []core.MemberInput{{UserID: "dave"}})
	wantCode(t, err, core.EFORBIDDEN)
	_, _, err = env.Service.OpenDirect(ctx, alice, []string{"ghost"})
	wantCode(t, err, core.EINVALID)
	_, _, err = env.Service.OpenDirect(ctx, env.Caller("demo", ""), nil)
	wantCode(t, err, core.EINVALID)
}

// TestSeqUnderConcurrentSenders sends from 64 goroutines at once: the
// conversation's sequence numbers are 1..n, each once, in key order.
func TestSeqUnderConcurrentSenders(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	senders := []*core.Caller{env.Caller("demo", "alice"), env.Caller("demo", "bob")}
	const goroutines, each = 64, 3
	var wg sync.WaitGroup
	for g := range goroutines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				_, _, err := env.Service.SendMessage(ctx, senders[g%2], core.SendInput{
					ConversationID: "general", Body: fmt.Sprintf("%d-%d", g, i)})
				if err != nil {
					t.Error(err)
				}
			}
		}()
	}
	wg.Wait()
	var all []*core.Message
	q := core.MessageQuery{Page: core.Page{Reverse: true, Limit: 200}, IncludeDeleted: true}
	for {
		page, err := env.Service.ListMessages(ctx, senders[0], "general", q)
		wantCode(t, err, "")
		all = append(all, page.Items...)
		if !page.More {
			break
		}
		q.Page.Before = all[len(all)-1].ID
	}
	if want := goroutines*each + 2; len(all) != want { // m1 and m2 come with the fixtures
		t.Fatalf("got %d messages, want %d", len(all), want)
	}
	for i, m := range all {
		if m.Seq != int64(i+1) {
			t.Fatalf("message %d (key %d) has seq %d, want %d", i, m.PK, m.Seq, i+1)
		}
	}
	// Each conversation counts from 1.
	m, _, err := env.Service.SendMessage(ctx, senders[1], core.SendInput{ConversationID: "lobby", Body: "x"})
	wantCode(t, err, "")
	lobby, err := env.Service.ListMessages(ctx, senders[1], "lobby", core.MessageQuery{Page: core.Page{Reverse: true}})
	wantCode(t, err, "")
	if n := len(lobby.Items); lobby.Items[n-1].PK != m.PK || m.Seq != int64(n) {
		t.Fatalf("lobby's new message has seq %d, want %d", m.Seq, n)
	}
}

// TestDeletedUsersKeyIsNotReused: a user created after the newest user was
// deleted gets a new key, so it opens its own DM with alice, and alice's
// DM to it does not land in the deleted user's conversation.
func TestDeletedUsersKeyIsNotReused(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	app, alice := env.Caller("demo", ""), env.Caller("demo", "alice")
	gone, err := env.Service.CreateUser(ctx, app, core.UserInput{ID: "gone"})
	wantCode(t, err, "")
	old, _, err := env.Service.SendMessage(ctx, alice, core.SendInput{ToUserID: "gone", Body: "hi"})
	wantCode(t, err, "")
	wantCode(t, env.Service.DeleteUser(ctx, app, "gone"), "")

	fresh, err := env.Service.CreateUser(ctx, app, core.UserInput{ID: "fresh"})
	wantCode(t, err, "")
	if fresh.PK <= gone.PK {
		t.Fatalf("new user's key %d, after the deleted user's %d", fresh.PK, gone.PK)
	}
	mine, _, err := env.Service.SendMessage(ctx, env.Caller("demo", "fresh"), core.SendInput{ToUserID: "alice", Body: "hello"})
	wantCode(t, err, "")
	theirs, _, err := env.Service.SendMessage(ctx, alice, core.SendInput{ToUserID: "fresh", Body: "welcome"})
	wantCode(t, err, "")
	if mine.ConversationPK == old.ConversationPK || theirs.ConversationPK != mine.ConversationPK {
		t.Fatalf("DMs: deleted user's %d, fresh→alice %d, alice→fresh %d",
			old.ConversationPK, mine.ConversationPK, theirs.ConversationPK)
	}
}

func TestOpenDirectNeedsACaller(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	_, _, err := env.Service.OpenDirect(ctx, &core.Caller{}, []string{"bob"})
	wantCode(t, err, core.EUNAUTHENTICATED)
}
