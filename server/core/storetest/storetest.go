// Package storetest is the contract of core.Store and core.Tx written as a
// conformance suite: any store the core runs on must pass it. A store's
// own tests call Run with a function that opens a new, empty store:
//
//	func TestStoreContract(t *testing.T) {
//		storetest.Run(t, func(t *testing.T) core.Store { return mustOpen(t) })
//	}
//
// The suite builds its data through core.Tx alone, so it says what the
// core relies on and nothing about how a store keeps it. What only a store
// with a disk can show (keys not reused across a restart) is the store's
// own test.
package storetest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"parley/server/core"
)

// t0 is the suite's clock: stores keep milliseconds.
var t0 = time.Date(2025, 3, 4, 5, 6, 7, 890e6, time.UTC)

// Run runs the whole contract, each part on a store of its own from open
// (which closes it when its test ends).
func Run(t *testing.T, open func(t *testing.T) core.Store) {
	for _, tc := range []struct {
		name string
		run  func(t *testing.T, f *fixture)
	}{
		{"Units", testUnits},
		{"Errors", testErrors},
		{"DefaultIDs", testDefaultIDs},
		{"KeysNotReused", testKeysNotReused},
		{"KeyRefs", testKeyRefs},
		{"KeysStayInTheApp", testKeysStayInTheApp},
		{"MessageDetails", testMessageDetails},
		{"Seq", testSeq},
		{"SeqUnderConcurrentWrites", testSeqConcurrent},
		{"DirectConversations", testDirect},
		{"Members", testMembers},
		{"ReadState", testReadState},
		{"Unread", testUnread},
		{"UnreadCap", testUnreadCap},
		{"ListMessages", testListMessages},
		{"Paging", testPaging},
		{"ChangesAreSeen", testChangesAreSeen},
		{"Files", testFiles},
		{"DeleteApp", testDeleteApp},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tc.run(t, newFixture(t, open(t)))
		})
	}
}

// fixture is two apps: demo with alice, bob and carol in the group
// "general" (alice its admin), and other with zed.
type fixture struct {
	s                 core.Store
	app, other        *core.App
	alice, bob, carol *core.User
	zed               *core.User
	general           *core.Conversation
	ctx               context.Context
}

func newFixture(t *testing.T, s core.Store) *fixture {
	t.Helper()
	f := &fixture{s: s, ctx: context.Background(),
		app:   &core.App{ID: "demo", Name: "Demo", PublicKey: "demo-public", CreatedAt: t0},
		other: &core.App{ID: "other", Name: "Other", PublicKey: "other-public", CreatedAt: t0},
	}
	f.write(t, func(tx core.Tx) error {
		if err := tx.InsertApp(f.app, "demo-secret-hash"); err != nil {
			return err
		}
		if err := tx.InsertApp(f.other, "other-secret-hash"); err != nil {
			return err
		}
		var err error
		if f.alice, err = f.user(tx, f.app, "alice"); err != nil {
			return err
		}
		if f.bob, err = f.user(tx, f.app, "bob"); err != nil {
			return err
		}
		if f.carol, err = f.user(tx, f.app, "carol"); err != nil {
			return err
		}
		if f.zed, err = f.user(tx, f.other, "zed"); err != nil {
			return err
		}
		f.general, err = f.group(tx, "general", f.alice, f.bob, f.carol)
		return err
	})
	return f
}

// user inserts a user of app with the given id.
func (f *fixture) user(tx core.Tx, app *core.App, id string) (*core.User, error) {
	u := &core.User{AppPK: app.PK, ID: id, Username: id, DisplayName: strings.ToUpper(id), CreatedAt: t0, UpdatedAt: t0}
	return u, tx.InsertUser(u, "")
}

// group inserts a group conversation of the demo app; its first member is
// its admin.
func (f *fixture) group(tx core.Tx, id string, members ...*core.User) (*core.Conversation, error) {
	c := &core.Conversation{AppPK: f.app.PK, ID: id, Kind: core.KindGroup, Title: id, CreatedAt: t0, UpdatedAt: t0}
	if err := tx.InsertConversation(c); err != nil {
		return nil, err
	}
	for i, u := range members {
		role := core.RoleMember
		if i == 0 {
			role = core.RoleAdmin
		}
		if err := tx.UpsertMember(&core.Member{ConversationPK: c.PK, UserPK: u.PK, Role: role, JoinedAt: t0.Add(time.Duration(i) * time.Second)}); err != nil {
			return nil, err
		}
	}
	c.MemberCount = len(members)
	return c, nil
}

// msg is a new message of conv from owner, created (and received) at t0+at.
func (f *fixture) msg(conv *core.Conversation, owner *core.User, id, body string, at time.Duration) *core.Message {
	return &core.Message{AppPK: f.app.PK, ID: id, ConversationPK: conv.PK, ConversationID: conv.ID, OwnerPK: owner.PK,
		Type: core.TypeNormal, Body: body, ShowInConversation: true,
		CreatedAt: t0.Add(at), ReceivedAt: t0.Add(at), UpdatedAt: t0.Add(at)}
}

// send inserts messages, each with its conversation touched, in one write.
func (f *fixture) send(t *testing.T, msgs ...*core.Message) {
	t.Helper()
	f.write(t, func(tx core.Tx) error {
		for _, m := range msgs {
			if err := tx.InsertMessage(m); err != nil {
				return err
			}
			if err := tx.TouchConversation(m.ConversationPK, m.ReceivedAt, m.PK); err != nil {
				return err
			}
		}
		return nil
	})
}

func (f *fixture) write(t *testing.T, fn func(core.Tx) error) {
	t.Helper()
	if err := f.s.Write(f.ctx, fn); err != nil {
		t.Fatal(err)
	}
}

func (f *fixture) read(t *testing.T, fn func(core.Tx) error) {
	t.Helper()
	if err := f.s.Read(f.ctx, fn); err != nil {
		t.Fatal(err)
	}
}

func wantCode(t *testing.T, what string, err error, code string) {
	t.Helper()
	if got := core.ErrorCode(err); got != code {
		t.Errorf("%s: error code %q (%v), want %q", what, got, err, code)
	}
}

func ids[T any](items []T, id func(T) string) string {
	out := make([]string, len(items))
	for i, x := range items {
		out[i] = id(x)
	}
	return strings.Join(out, " ")
}

func msgIDs(ms []*core.Message) string { return ids(ms, func(m *core.Message) string { return m.ID }) }

func userIDs(us []*core.User) string { return ids(us, func(u *core.User) string { return u.ID }) }

// testUnits: a Write's error undoes its own work only and comes back as
// is; what a Write committed, a Read sees.
func testUnits(t *testing.T, f *fixture) {
	boom := errors.New("boom")
	err := f.s.Write(f.ctx, func(tx core.Tx) error {
		if _, err := f.user(tx, f.app, "ghost"); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("Write returned %v, want fn's own error", err)
	}
	f.write(t, func(tx core.Tx) error { _, err := f.user(tx, f.app, "dora"); return err })
	f.read(t, func(tx core.Tx) error {
		_, err := tx.UserByID(f.app.PK, "ghost")
		wantCode(t, "rolled-back user", err, core.ENOTFOUND)
		_, err = tx.UserByID(f.app.PK, "dora")
		wantCode(t, "committed user", err, "")
		return nil
	})
}

// testErrors: a missing row is ENOTFOUND, a clash of unique ids ECONFLICT.
func testErrors(t *testing.T, f *fixture) {
	f.read(t, func(tx core.Tx) error {
		_, err := tx.UserByID(f.app.PK, "nobody")
		wantCode(t, "UserByID", err, core.ENOTFOUND)
		_, err = tx.ConversationByID(f.app.PK, "nowhere")
		wantCode(t, "ConversationByID", err, core.ENOTFOUND)
		_, err = tx.MessageByID(f.app.PK, "nothing")
		wantCode(t, "MessageByID", err, core.ENOTFOUND)
		_, err = tx.FileByID(f.app.PK, "none")
		wantCode(t, "FileByID", err, core.ENOTFOUND)
		return nil
	})
	err := f.s.Write(f.ctx, func(tx core.Tx) error { _, err := f.user(tx, f.app, "alice"); return err })
	wantCode(t, "second alice", err, core.ECONFLICT)
	err = f.s.Write(f.ctx, func(tx core.Tx) error { _, err := f.user(tx, f.other, "alice"); return err })
	wantCode(t, "alice in another app", err, "")
	m := f.msg(f.general, f.alice, "m1", "hi", 0)
	f.send(t, m)
	err = f.s.Write(f.ctx, func(tx core.Tx) error { return tx.InsertMessage(f.msg(f.general, f.bob, "m1", "", 0)) })
	wantCode(t, "second m1", err, core.ECONFLICT)
}

// testDefaultIDs: a row without an id gets its key in decimal, never a
// client's id.
func testDefaultIDs(t *testing.T, f *fixture) {
	f.write(t, func(tx core.Tx) error {
		u := &core.User{AppPK: f.app.PK, CreatedAt: t0, UpdatedAt: t0}
		if err := tx.InsertUser(u, ""); err != nil {
			return err
		}
		if u.ID != fmt.Sprint(u.PK) {
			t.Errorf("user id %q, want its key %d", u.ID, u.PK)
		}
		m := f.msg(f.general, f.alice, "", "x", 0)
		if err := tx.InsertMessage(m); err != nil {
			return err
		}
		if m.ID == "" || m.PK == 0 {
			t.Errorf("message: id %q key %d", m.ID, m.PK)
		}
		// A client chose the decimal the next message would get.
		taken := f.msg(f.general, f.alice, fmt.Sprint(m.PK+1), "x", 0)
		if err := tx.InsertMessage(taken); err != nil {
			return err
		}
		next := f.msg(f.general, f.alice, "", "x", 0)
		if err := tx.InsertMessage(next); err != nil {
			return err
		}
		if next.ID == taken.ID {
			t.Errorf("default id %q took a client's id", next.ID)
		}
		return nil
	})
}

// testKeysNotReused deletes the newest user, conversation, message and
// file: the next ones get new keys and ids.
func testKeysNotReused(t *testing.T, f *fixture) {
	var u, u2 *core.User
	var c, c2 *core.Conversation
	var m, m2 *core.Message
	fl := &core.File{AppPK: f.app.PK, BlobKey: "b", CreatedAt: t0}
	fl2 := &core.File{AppPK: f.app.PK, BlobKey: "b", CreatedAt: t0}
	f.write(t, func(tx core.Tx) (err error) {
		if u, err = f.user(tx, f.app, "doomed"); err != nil {
			return err
		}
		if c, err = f.group(tx, "doomed-room", u); err != nil {
			return err
		}
		m = f.msg(c, u, "", "bye", 0)
		if err := tx.InsertMessage(m); err != nil {
			return err
		}
		return tx.InsertFile(fl)
	})
	f.write(t, func(tx core.Tx) error {
		if err := tx.DeleteConversation(c.PK); err != nil {
			return err
		}
		if err := tx.DeleteUser(u.PK); err != nil {
			return err
		}
		return tx.DeleteFile(fl.PK)
	})
	f.write(t, func(tx core.Tx) (err error) {
		if u2, err = f.user(tx, f.app, ""); err != nil {
			return err
		}
		if c2, err = f.group(tx, "", u2); err != nil {
			return err
		}
		m2 = f.msg(c2, u2, "", "hello", 0)
		if err := tx.InsertMessage(m2); err != nil {
			return err
		}
		return tx.InsertFile(fl2)
	})
	for _, k := range []struct {
		what     string
		old, new int64
	}{{"user", u.PK, u2.PK}, {"conversation", c.PK, c2.PK}, {"message", m.PK, m2.PK}, {"file", fl.PK, fl2.PK}} {
		if k.new <= k.old {
			t.Errorf("new %s has key %d, not above the deleted one's %d", k.what, k.new, k.old)
		}
	}
}

// testKeyRefs: every look-up by text id takes a key reference too.
func testKeyRefs(t *testing.T, f *fixture) {
	m := f.msg(f.general, f.alice, "m1", "hi", 0)
	m.Recipients = []string{core.KeyRef(f.bob.PK), "bob"}
	m.Mentions = []core.Mention{{UserID: core.KeyRef(f.carol.PK)}}
	file := &core.File{AppPK: f.app.PK, ID: "f1", BlobKey: "b", CreatedAt: t0}
	f.write(t, func(tx core.Tx) error {
		if err := tx.InsertFile(file); err != nil {
			return err
		}
		m.Attachments = []core.Attachment{{Type: "file", FileID: core.KeyRef(file.PK)}}
		return tx.InsertMessage(m)
	})
	f.read(t, func(tx core.Tx) error {
		u, err := tx.UserByID(f.app.PK, core.KeyRef(f.bob.PK))
		if err != nil || u.ID != "bob" {
			t.Errorf("UserByID(#bob) = %v, %v", u, err)
		}
		c, err := tx.ConversationByID(f.app.PK, core.KeyRef(f.general.PK))
		if err != nil || c.ID != "general" {
			t.Errorf("ConversationByID(#general) = %v, %v", c, err)
		}
		pk, _, err := tx.ConversationKey(f.app.PK, core.KeyRef(f.general.PK))
		if err != nil || pk != f.general.PK {
			t.Errorf("ConversationKey(#general) = %d, %v", pk, err)
		}
		c, me, err := tx.ConversationAs(f.app.PK, core.KeyRef(f.general.PK), f.bob.PK)
		if err != nil || c.ID != "general" || me == nil {
			t.Errorf("ConversationAs(#general) = %v, %v, %v", c, me, err)
		}
		got, err := tx.MessageByID(f.app.PK, core.KeyRef(m.PK))
		if err != nil || got.ID != "m1" {
			t.Fatalf("MessageByID(#m1) = %v, %v", got, err)
		}
		if !slices.Equal(got.Recipients, []string{"bob"}) || len(got.Mentions) != 1 || got.Mentions[0].UserID != "carol" ||
			len(got.Attachments) != 1 || got.Attachments[0].FileID != "f1" {
			t.Errorf("references stored: recipients %v mentions %+v attachments %+v", got.Recipients, got.Mentions, got.Attachments)
		}
		fl, err := tx.FileByID(f.app.PK, core.KeyRef(file.PK))
		if err != nil || fl.ID != "f1" {
			t.Errorf("FileByID(#f1) = %v, %v", fl, err)
		}
		us, err := tx.UsersByIDs(f.app.PK, []string{core.KeyRef(f.carol.PK), "alice", "carol", "ghost"})
		if err != nil || userIDs(us) != "carol alice" {
			t.Errorf("UsersByIDs = %q, %v; want each user once, in the order asked", userIDs(us), err)
		}
		ms, err := tx.MessagesByIDs(f.app.PK, []string{core.KeyRef(m.PK), "m1"})
		if err != nil || msgIDs(ms) != "m1" {
			t.Errorf("MessagesByIDs = %q, %v", msgIDs(ms), err)
		}
		list, err := tx.ListMessages(core.MessageFilter{AppPK: f.app.PK, ConversationPK: f.general.PK,
			IDs: []string{core.KeyRef(m.PK)}, OwnerIDs: []string{core.KeyRef(f.alice.PK)}})
		if err != nil || msgIDs(list) != "m1" {
			t.Errorf("ListMessages by key references = %q, %v", msgIDs(list), err)
		}
		return nil
	})
	// Not key references: they name text ids, which never start with "#".
	f.read(t, func(tx core.Tx) error {
		for _, id := range []string{"#", "#0", "#01", "#x", fmt.Sprint(f.bob.PK)} {
			_, err := tx.UserByID(f.app.PK, id)
			wantCode(t, "UserByID("+id+")", err, core.ENOTFOUND)
		}
		return nil
	})
}

// testKeysStayInTheApp: a key, by reference or by look-up, never reaches a
// row of another app.
func testKeysStayInTheApp(t *testing.T, f *fixture) {
	m := f.msg(f.general, f.alice, "m1", "hi", 0)
	file := &core.File{AppPK: f.app.PK, ID: "f1", BlobKey: "b", CreatedAt: t0}
	f.send(t, m)
	f.write(t, func(tx core.Tx) error { return tx.InsertFile(file) })
	f.read(t, func(tx core.Tx) error {
		for _, look := range []struct {
			name string
			do   func(app int64) error
		}{
			{"UserByPK", func(app int64) error { _, err := tx.UserByPK(app, f.bob.PK); return err }},
			{"UserByID", func(app int64) error { _, err := tx.UserByID(app, core.KeyRef(f.bob.PK)); return err }},
			{"ConversationByPK", func(app int64) error { _, err := tx.ConversationByPK(app, f.general.PK); return err }},
			{"ConversationByID", func(app int64) error {
				_, err := tx.ConversationByID(app, core.KeyRef(f.general.PK))
				return err
			}},
			{"ConversationKey", func(app int64) error {
				_, _, err := tx.ConversationKey(app, core.KeyRef(f.general.PK))
				return err
			}},
			{"MessageByPK", func(app int64) error { _, err := tx.MessageByPK(app, m.PK); return err }},
			{"MessageByID", func(app int64) error { _, err := tx.MessageByID(app, core.KeyRef(m.PK)); return err }},
			{"FileByID", func(app int64) error { _, err := tx.FileByID(app, core.KeyRef(file.PK)); return err }},
		} {
			wantCode(t, look.name+" in its app", look.do(f.app.PK), "")
			wantCode(t, look.name+" from another app", look.do(f.other.PK), core.ENOTFOUND)
		}
		us, err := tx.UsersByIDs(f.other.PK, []string{core.KeyRef(f.bob.PK)})
		if err != nil || len(us) != 0 {
			t.Errorf("UsersByIDs from another app: %d users, %v", len(us), err)
		}
		ms, err := tx.MessagesByPKs(f.other.PK, []int64{m.PK})
		if err != nil || len(ms) != 0 {
			t.Errorf("MessagesByPKs from another app: %d messages, %v", len(ms), err)
		}
		return nil
	})
	err := f.s.Write(f.ctx, func(tx core.Tx) error {
		mz := f.msg(f.general, f.alice, "", "x", 0)
		mz.Recipients = []string{core.KeyRef(f.zed.PK)}
		return tx.InsertMessage(mz)
	})
	wantCode(t, "recipient from another app", err, core.EINVALID)
}

// testMessageDetails: a loaded message carries its owner, attachments,
// mentions with their users, recipients and reactions.
func testMessageDetails(t *testing.T, f *fixture) {
	m := f.msg(f.general, f.alice, "m1", "hi @bob", 0)
	m.Attachments = []core.Attachment{{Type: "image", Name: "a.png", Data: []byte(`{"type":"image","x":1}`)}, {Type: "file"}}
	m.Mentions = []core.Mention{{UserPK: f.bob.PK, Order: 1, WordCount: 1}}
	m.Recipients = []string{"bob", "carol"}
	f.send(t, m)
	f.write(t, func(tx core.Tx) error {
		for _, r := range []*core.Reaction{{MessagePK: m.PK, UserPK: f.bob.PK, Name: "like", CreatedAt: t0},
			{MessagePK: m.PK, UserPK: f.carol.PK, Name: "like", CreatedAt: t0}, {MessagePK: m.PK, UserPK: f.bob.PK, Name: "wow", CreatedAt: t0}} {
			if _, err := tx.AddReaction(r); err != nil {
				return err
			}
		}
		again, err := tx.AddReaction(&core.Reaction{MessagePK: m.PK, UserPK: f.bob.PK, Name: "like", CreatedAt: t0})
		if again || err != nil {
			t.Errorf("a second like: added=%v, %v", again, err)
		}
		return nil
	})
	f.read(t, func(tx core.Tx) error {
		got, err := tx.MessageByID(f.app.PK, "m1")
		if err != nil {
			return err
		}
		if got.Owner == nil || got.Owner.ID != "alice" || got.ConversationID != "general" || got.Seq != 1 {
			t.Errorf("owner %v conversation %q seq %d", got.Owner, got.ConversationID, got.Seq)
		}
		if len(got.Attachments) != 2 || got.Attachments[0].Name != "a.png" || string(got.Attachments[0].Data) != `{"type":"image","x":1}` || got.Attachments[0].ID == "" {
			t.Errorf("attachments %+v", got.Attachments)
		}
		if len(got.Mentions) != 1 || got.Mentions[0].User == nil || got.Mentions[0].User.ID != "bob" {
			t.Errorf("mentions %+v", got.Mentions)
		}
		if !slices.Equal(got.Recipients, []string{"bob", "carol"}) {
			t.Errorf("recipients %v", got.Recipients)
		}
		if len(got.Reactions) != 2 || got.Reactions[0].Name != "like" || got.Reactions[0].Count != 2 ||
			!slices.Equal(got.Reactions[0].UserIDs, []string{"bob", "carol"}) || got.Reactions[1].Name != "wow" {
			t.Errorf("reactions %+v", got.Reactions)
		}
		// All three at t0: the newest is the last added.
		if l := got.LatestReaction; l == nil || l.Name != "wow" || l.UserID != "bob" || l.UserName != f.bob.DisplayName || !l.CreatedAt.Equal(t0) {
			t.Errorf("latest reaction %+v, want bob's wow", l)
		}
		return nil
	})
}

// testSeq: each conversation numbers its messages 1, 2, 3, ... in key
// order; a rolled-back insert leaves no gap.
func testSeq(t *testing.T, f *fixture) {
	var other *core.Conversation
	f.write(t, func(tx core.Tx) (err error) { other, err = f.group(tx, "other", f.bob); return err })
	a, b := f.msg(f.general, f.alice, "", "", 0), f.msg(other, f.bob, "", "", 0)
	f.send(t, a, b)
	err := f.s.Write(f.ctx, func(tx core.Tx) error {
		if err := tx.InsertMessage(f.msg(f.general, f.alice, "", "", 0)); err != nil {
			return err
		}
		return errors.New("changed my mind")
	})
	if err == nil {
		t.Fatal("the failing write succeeded")
	}
	c, d := f.msg(f.general, f.alice, "", "", 0), f.msg(other, f.bob, "", "", 0)
	f.send(t, c, d)
	for _, x := range []struct {
		m    *core.Message
		want int64
	}{{a, 1}, {b, 1}, {c, 2}, {d, 2}} {
		if x.m.Seq != x.want {
			t.Errorf("message %d: seq %d, want %d", x.m.PK, x.m.Seq, x.want)
		}
	}
	f.read(t, func(tx core.Tx) error {
		got, err := tx.MessageByPK(f.app.PK, c.PK)
		if err == nil && got.Seq != 2 {
			t.Errorf("stored seq %d, want 2", got.Seq)
		}
		return err
	})
}

// testSeqConcurrent: 64 concurrent writers get 1..n, each once.
func testSeqConcurrent(t *testing.T, f *fixture) {
	const writers, each = 64, 2
	var wg sync.WaitGroup
	var mu sync.Mutex
	var seqs []int64
	for range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range each {
				m := f.msg(f.general, f.bob, "", "", 0)
				if err := f.s.Write(f.ctx, func(tx core.Tx) error { return tx.InsertMessage(m) }); err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				seqs = append(seqs, m.Seq)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	slices.Sort(seqs)
	for i, s := range seqs {
		if s != int64(i+1) {
			t.Fatalf("sequence numbers %v: not 1..%d", seqs, writers*each)
		}
	}
}

// testDirect: direct conversations are found by their members' key.
func testDirect(t *testing.T, f *fixture) {
	key := core.DirectKey(f.carol.PK, f.alice.PK, f.bob.PK)
	dm := &core.Conversation{AppPK: f.app.PK, Kind: core.KindDirect, DirectKey: key, CreatedAt: t0, UpdatedAt: t0}
	f.write(t, func(tx core.Tx) error { return tx.InsertConversation(dm) })
	f.read(t, func(tx core.Tx) error {
		got, err := tx.DirectConversation(f.app.PK, core.DirectKey(f.bob.PK, f.alice.PK, f.carol.PK))
		if err != nil || got.PK != dm.PK {
			t.Errorf("DirectConversation = %v, %v", got, err)
		}
		_, err = tx.DirectConversation(f.app.PK, core.DirectKey(f.bob.PK, f.alice.PK))
		wantCode(t, "a subset", err, core.ENOTFOUND)
		_, err = tx.DirectConversation(f.other.PK, key)
		wantCode(t, "another app", err, core.ENOTFOUND)
		return nil
	})
	err := f.s.Write(f.ctx, func(tx core.Tx) error {
		return tx.InsertConversation(&core.Conversation{AppPK: f.app.PK, Kind: core.KindDirect, DirectKey: key, CreatedAt: t0, UpdatedAt: t0})
	})
	wantCode(t, "a second conversation of the set", err, core.ECONFLICT)
}

// testMembers: member counts follow the members; roles change in place.
func testMembers(t *testing.T, f *fixture) {
	f.write(t, func(tx core.Tx) error {
		m := &core.Member{ConversationPK: f.general.PK, UserPK: f.bob.PK, Role: core.RoleAdmin, JoinedAt: t0.Add(time.Hour)}
		if err := tx.UpsertMember(m); err != nil {
			return err
		}
		if !m.JoinedAt.Equal(t0.Add(time.Second)) || m.Role != core.RoleAdmin {
			t.Errorf("upsert of a member: joined %v role %q; want the first join time and the new role", m.JoinedAt, m.Role)
		}
		return tx.RemoveMember(f.general.PK, f.carol.PK)
	})
	f.read(t, func(tx core.Tx) error {
		c, err := tx.ConversationByID(f.app.PK, "general")
		if err != nil {
			return err
		}
		role, err := tx.MemberRole(f.general.PK, f.carol.PK)
		if c.MemberCount != 2 || role != "" || err != nil {
			t.Errorf("after a removal: %d members, carol %q, %v", c.MemberCount, role, err)
		}
		_, err = tx.Member(f.general.PK, f.carol.PK)
		wantCode(t, "Member of a non-member", err, core.ENOTFOUND)
		return nil
	})
}

// testReadState: read positions only move forward; "read up to a time"
// follows the time the store received messages, not their claimed time.
func testReadState(t *testing.T, f *fixture) {
	m1, m2 := f.msg(f.general, f.bob, "", "", time.Minute), f.msg(f.general, f.bob, "", "", 2*time.Minute)
	backdated := f.msg(f.general, f.bob, "", "", 3*time.Minute)
	backdated.CreatedAt = t0.Add(-time.Hour)
	f.send(t, m1, m2, backdated)
	f.read(t, func(tx core.Tx) error {
		for _, x := range []struct {
			at   time.Duration
			want int64
		}{{-30 * time.Minute, 0}, {0, 0}, {time.Minute, m1.PK}, {150 * time.Second, m2.PK}, {time.Hour, backdated.PK}} {
			got, err := tx.LatestMessagePK(f.general.PK, t0.Add(x.at))
			if err != nil || got != x.want {
				t.Errorf("LatestMessagePK(t0%+v) = %d, %v; want %d", x.at, got, err, x.want)
			}
		}
		return nil
	})
	f.write(t, func(tx core.Tx) error {
		if err := tx.SetReadPosition(f.general.PK, f.alice.PK, m2.PK, t0); err != nil {
			return err
		}
		return tx.SetReadPosition(f.general.PK, f.alice.PK, m1.PK, t0.Add(time.Hour))
	})
	f.read(t, func(tx core.Tx) error {
		me, err := tx.Member(f.general.PK, f.alice.PK)
		if err == nil && me.LastReadPK != m2.PK {
			t.Errorf("read position %d moved back from %d", me.LastReadPK, m2.PK)
		}
		return err
	})
}

// testUnread: unread counts leave out the member's own messages, recalled
// ones, hidden ones, ones not shown and others' recipients-only ones.
func testUnread(t *testing.T, f *fixture) {
	own := f.msg(f.general, f.alice, "", "", 0)
	plain := f.msg(f.general, f.bob, "", "", 0)
	recalled := f.msg(f.general, f.bob, "", "", 0)
	recalled.DeletedAt = t0
	hidden := f.msg(f.general, f.bob, "", "", 0)
	notShown := f.msg(f.general, f.bob, "", "", 0)
	notShown.ShowInConversation = false
	toCarol := f.msg(f.general, f.bob, "", "", 0)
	toCarol.Recipients = []string{"carol"}
	toAlice := f.msg(f.general, f.bob, "", "", 0)
	toAlice.Recipients = []string{"alice"}
	f.send(t, own, plain, recalled, hidden, notShown, toCarol, toAlice)
	f.write(t, func(tx core.Tx) error { return tx.HideMessage(hidden.PK, f.alice.PK, t0) })
	f.read(t, func(tx core.Tx) error {
		n, err := tx.UnreadCount(f.general.PK, f.alice.PK)
		if err != nil {
			return err
		}
		total, err := tx.UnreadTotal(f.alice.PK)
		if err != nil {
			return err
		}
		counts, err := tx.UnreadCounts(f.alice.PK, []int64{f.general.PK})
		if err != nil {
			return err
		}
		if n != 2 || total != 2 || counts[f.general.PK] != 2 { // plain, toAlice
			t.Errorf("alice's unread: count %d, total %d, counts %v; want 2", n, total, counts)
		}
		n, err = tx.UnreadCount(f.general.PK, f.zed.PK)
		if n != 0 {
			t.Errorf("a non-member's unread: %d", n)
		}
		return err
	})
}

// testUnreadCap: counts stop at core.UnreadCap.
func testUnreadCap(t *testing.T, f *fixture) {
	ms := make([]*core.Message, core.UnreadCap+3)
	for i := range ms {
		ms[i] = f.msg(f.general, f.bob, "", "", 0)
	}
	f.write(t, func(tx core.Tx) error {
		for _, m := range ms {
			if err := tx.InsertMessage(m); err != nil {
				return err
			}
		}
		return nil
	})
	f.read(t, func(tx core.Tx) error {
		n, err := tx.UnreadCount(f.general.PK, f.alice.PK)
		if err != nil {
			return err
		}
		total, err := tx.UnreadTotal(f.alice.PK)
		if err != nil {
			return err
		}
		counts, err := tx.UnreadCounts(f.alice.PK, []int64{f.general.PK})
		if n != core.UnreadCap || total != core.UnreadCap || counts[f.general.PK] != core.UnreadCap {
			t.Errorf("count %d, total %d, counts %v; want %d", n, total, counts, core.UnreadCap)
		}
		return err
	})
}

// testListMessages: filters, the viewer's visibility and key bounds.
func testListMessages(t *testing.T, f *fixture) {
	m1, m2, m3 := f.msg(f.general, f.alice, "m1", "", 0), f.msg(f.general, f.bob, "m2", "", 0), f.msg(f.general, f.bob, "m3", "", 0)
	m3.Recipients = []string{"alice"}
	m4 := f.msg(f.general, f.carol, "m4", "", 0)
	m4.DeletedAt = t0
	f.send(t, m1, m2, m3, m4)
	f.write(t, func(tx core.Tx) error { return tx.HideMessage(m2.PK, f.carol.PK, t0) })
	base := core.MessageFilter{AppPK: f.app.PK, ConversationPK: f.general.PK}
	for _, tc := range []struct {
		name string
		edit func(*core.MessageFilter)
		want string
	}{
		{"All", func(*core.MessageFilter) {}, "m3 m2 m1"},
		{"Deleted", func(q *core.MessageFilter) { q.IncludeDeleted = true }, "m4 m3 m2 m1"},
		{"Ascending", func(q *core.MessageFilter) { q.Ascending = true }, "m1 m2 m3"},
		{"Viewer", func(q *core.MessageFilter) { q.ViewerPK = f.carol.PK }, "m1"},
		{"Owners", func(q *core.MessageFilter) { q.OwnerIDs = []string{"bob"} }, "m3 m2"},
		{"BeforePK", func(q *core.MessageFilter) { q.BeforePK = m3.PK }, "m2 m1"},
		{"AfterPKLimit", func(q *core.MessageFilter) { q.AfterPK = m1.PK; q.Ascending = true; q.Limit = 1 }, "m2"},
		{"OtherApp", func(q *core.MessageFilter) { q.AppPK = f.other.PK }, ""},
	} {
		q := base
		tc.edit(&q)
		f.read(t, func(tx core.Tx) error {
			ms, err := tx.ListMessages(q)
			if err != nil {
				return err
			}
			if got := msgIDs(ms); got != tc.want {
				t.Errorf("%s: got %q, want %q", tc.name, got, tc.want)
			}
			n, err := tx.CountMessages(q)
			if q.Limit == 0 && q.BeforePK == 0 && n != len(ms) {
				t.Errorf("%s: count %d, listed %d", tc.name, n, len(ms))
			}
			return err
		})
	}
}

// testPaging: every list pages by cursors both ways, with Reverse and a
// bounded Skip; an unknown cursor is EINVALID.
func testPaging(t *testing.T, f *fixture) {
	f.write(t, func(tx core.Tx) error {
		for _, id := range []string{"dave", "erin"} {
			u, err := f.user(tx, f.app, id)
			if err != nil {
				return err
			}
			if err := tx.UpsertMember(&core.Member{ConversationPK: f.general.PK, UserPK: u.PK, JoinedAt: t0.Add(time.Minute)}); err != nil {
				return err
			}
		}
		return nil
	})
	members := func(ms []*core.Member) string {
		return ids(ms, func(m *core.Member) string { return m.User.ID })
	}
	f.read(t, func(tx core.Tx) error {
		for _, tc := range []struct {
			p    core.Page
			want string
		}{
			{core.Page{}, "alice bob carol dave erin"},
			{core.Page{Limit: 2}, "alice bob"},
			{core.Page{After: "bob", Limit: 2}, "carol dave"},
			{core.Page{After: core.KeyRef(f.bob.PK), Limit: 2}, "carol dave"},
			{core.Page{Before: "dave"}, "alice bob carol"},
			{core.Page{Before: "dave", Reverse: true, Limit: 2}, "carol bob"},
			{core.Page{After: "alice", Before: "erin"}, "bob carol dave"},
			{core.Page{Skip: 3}, "dave erin"},
		} {
			us, err := tx.ListUsers(f.app.PK, tc.p)
			if err != nil {
				return err
			}
			if got := userIDs(us); got != tc.want {
				t.Errorf("ListUsers(%+v) = %q, want %q", tc.p, got, tc.want)
			}
			ms, err := tx.ListMembers(f.general.PK, tc.p)
			if err != nil {
				return err
			}
			if got := members(ms); got != tc.want {
				t.Errorf("ListMembers(%+v) = %q, want %q", tc.p, got, tc.want)
			}
		}
		_, err := tx.ListUsers(f.app.PK, core.Page{After: "zed"}) // another app's
		wantCode(t, "an unknown cursor", err, core.EINVALID)
		_, err = tx.ListMembers(f.general.PK, core.Page{Before: "nobody"})
		wantCode(t, "an unknown member cursor", err, core.EINVALID)
		return nil
	})
	// Conversations: most recent activity first.
	var rooms []*core.Conversation
	f.write(t, func(tx core.Tx) error {
		for i, id := range []string{"r1", "r2", "r3"} {
			c, err := f.group(tx, id, f.bob)
			if err != nil {
				return err
			}
			if err := tx.TouchConversation(c.PK, t0.Add(time.Duration(i+1)*time.Minute), 0); err != nil {
				return err
			}
			rooms = append(rooms, c)
		}
		return nil
	})
	convs := func(cs []*core.Conversation) string {
		return ids(cs, func(c *core.Conversation) string { return c.ID })
	}
	f.read(t, func(tx core.Tx) error {
		for _, tc := range []struct {
			p    core.Page
			want string
		}{
			{core.Page{}, "r3 r2 r1 general"},
			{core.Page{After: "r3", Limit: 2}, "r2 r1"},
			{core.Page{Before: "r1"}, "r3 r2"},
			{core.Page{Before: "general", Reverse: true, Limit: 2}, "r1 r2"},
		} {
			cs, err := tx.ListConversations(core.ConversationFilter{AppPK: f.app.PK, UserPK: f.bob.PK, Page: tc.p})
			if err != nil {
				return err
			}
			if got := convs(cs); got != tc.want {
				t.Errorf("ListConversations(%+v) = %q, want %q", tc.p, got, tc.want)
			}
			for _, c := range cs {
				if c.Me == nil || c.Me.UserPK != f.bob.PK {
					t.Errorf("%s: Me = %+v", c.ID, c.Me)
				}
			}
		}
		n, err := tx.CountConversations(core.ConversationFilter{AppPK: f.app.PK, UserPK: f.bob.PK, Page: core.Page{Limit: 1}})
		if n != 4 {
			t.Errorf("CountConversations = %d, want 4 (all pages)", n)
		}
		return err
	})
}

// testChangesAreSeen: a read after a write sees the write, whatever the
// store remembers or caches (messages, conversations' keys, users).
func testChangesAreSeen(t *testing.T, f *fixture) {
	m := f.msg(f.general, f.alice, "m1", "before", 0)
	f.send(t, m)
	page := func() *core.Message {
		var got *core.Message
		f.read(t, func(tx core.Tx) error {
			ms, err := tx.ListMessages(core.MessageFilter{AppPK: f.app.PK, ConversationPK: f.general.PK, IncludeDeleted: true})
			if err == nil && len(ms) == 1 {
				got = ms[0]
			}
			return err
		})
		if got == nil {
			t.Fatal("the message is not listed")
		}
		return got
	}
	page() // a store may cache what it read
	f.write(t, func(tx core.Tx) error {
		m.Body, m.Pinned, m.EditedAt = "after", true, t0.Add(time.Minute)
		return tx.UpdateMessage(m)
	})
	if got := page(); got.Body != "after" || !got.Pinned || got.EditedAt.IsZero() {
		t.Errorf("after an edit the list shows %q pinned=%v", got.Body, got.Pinned)
	}
	f.write(t, func(tx core.Tx) error {
		_, err := tx.AddReaction(&core.Reaction{MessagePK: m.PK, UserPK: f.bob.PK, Name: "like", CreatedAt: t0})
		return err
	})
	if got := page(); len(got.Reactions) != 1 {
		t.Errorf("after a reaction the list shows %+v", got.Reactions)
	}
	f.write(t, func(tx core.Tx) error {
		f.alice.DisplayName, f.alice.UpdatedAt = "Alice Renamed", t0.Add(time.Hour)
		return tx.UpdateUser(f.alice)
	})
	if got := page(); got.Owner == nil || got.Owner.DisplayName != "Alice Renamed" {
		t.Errorf("after a rename the owner is %+v", got.Owner)
	}
	// A conversation deleted and another made under its id: sends find the new one.
	var fresh *core.Conversation
	f.write(t, func(tx core.Tx) error {
		if _, _, err := tx.ConversationKey(f.app.PK, "general"); err != nil {
			return err
		}
		return tx.DeleteConversation(f.general.PK)
	})
	f.write(t, func(tx core.Tx) (err error) {
		fresh, err = f.group(tx, "general", f.bob)
		if err != nil {
			return err
		}
		pk, _, err := tx.ConversationKey(f.app.PK, "general")
		if err == nil && pk != fresh.PK {
			t.Errorf("ConversationKey(general) = %d, the deleted conversation's; want %d", pk, fresh.PK)
		}
		return err
	})
}

// testDeleteApp: deleting an app deletes everything in it, and nothing of
// another app.
func testDeleteApp(t *testing.T, f *fixture) {
	f.send(t, f.msg(f.general, f.alice, "m1", "", 0))
	f.write(t, func(tx core.Tx) error { return tx.DeleteApp(f.app.PK) })
	f.read(t, func(tx core.Tx) error {
		_, err := tx.UserByPK(f.app.PK, f.alice.PK)
		wantCode(t, "user of a deleted app", err, core.ENOTFOUND)
		_, err = tx.MessageByID(f.app.PK, "m1")
		wantCode(t, "message of a deleted app", err, core.ENOTFOUND)
		_, err = tx.UserByID(f.other.PK, "zed")
		wantCode(t, "user of another app", err, "")
		return nil
	})
}

// testFiles: a file is found by id in its app, its blob counts as used
// while a file names it, and who sees it follows the messages attaching it.
func testFiles(t *testing.T, f *fixture) {
	file := &core.File{AppPK: f.app.PK, ID: "f1", OwnerPK: f.alice.PK, BlobKey: "blob-1", Name: "a.png",
		MimeType: "image/png", Size: 3, Width: 2, Height: 1, CreatedAt: t0}
	f.write(t, func(tx core.Tx) error { return tx.InsertFile(file) })
	toBob := f.msg(f.general, f.alice, "m1", "", 0)
	toBob.Recipients = []string{"bob"}
	toBob.Attachments = []core.Attachment{{Type: "image", FileID: "f1"}}
	f.send(t, toBob)
	f.read(t, func(tx core.Tx) error {
		got, err := tx.FileByID(f.app.PK, "f1")
		if err != nil || got.PK != file.PK || got.BlobKey != "blob-1" || got.Name != "a.png" || got.Width != 2 || got.OwnerPK != f.alice.PK {
			t.Errorf("FileByID = %+v, %v", got, err)
		}
		_, err = tx.FileByID(f.other.PK, "f1")
		wantCode(t, "a file of another app", err, core.ENOTFOUND)
		used, err := tx.BlobKeysInUse([]string{"blob-1", "blob-2"})
		if err != nil || !used["blob-1"] || used["blob-2"] {
			t.Errorf("BlobKeysInUse = %v, %v", used, err)
		}
		n, err := tx.FileAttachmentCount(file.PK)
		if err != nil || n != 1 {
			t.Errorf("FileAttachmentCount = %d, %v", n, err)
		}
		for _, v := range []struct {
			user *core.User
			want bool
		}{{f.bob, true}, {f.carol, false}, {f.zed, false}} {
			ok, err := tx.FileVisibleTo(file.PK, v.user.PK)
			if err != nil || ok != v.want {
				t.Errorf("FileVisibleTo(%s) = %v, %v; want %v", v.user.ID, ok, err, v.want)
			}
		}
		return nil
	})
	f.write(t, func(tx core.Tx) error { return tx.DeleteFile(file.PK) })
	f.read(t, func(tx core.Tx) error {
		_, err := tx.FileByID(f.app.PK, "f1")
		wantCode(t, "a deleted file", err, core.ENOTFOUND)
		used, err := tx.BlobKeysInUse([]string{"blob-1"})
		if used["blob-1"] {
			t.Errorf("a deleted file's blob is still in use")
		}
		m, err2 := tx.MessageByID(f.app.PK, "m1")
		if err2 == nil && (len(m.Attachments) != 1 || m.Attachments[0].FileID != "") {
			t.Errorf("the attachment of a deleted file: %+v", m.Attachments)
		}
		return errors.Join(err, err2)
	})
}
