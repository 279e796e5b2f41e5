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
	"strings"
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
		{"AppRetention", testAppRetention},
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
