package storetest

import (
	"errors"
	"testing"
	"time"

	"parley/server/core"
)

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
