package storetest

import (
	"fmt"
	"slices"
	"testing"

	"parley/server/core"
)

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
