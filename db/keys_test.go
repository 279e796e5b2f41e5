package db_test

import (
	"context"
	"path/filepath"
	"testing"

	"parley/db"
	"parley/server/core"
)

// TestKeysNeverReused deletes the newest user, conversation, message and
// file, restarts, and inserts again: every new row gets a key above the
// deleted one's, and so does its default id.
func TestKeysNeverReused(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "parley.db")
	opts := db.Options{Path: path, Schema: schema(t)}
	d, err := db.Open(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	f := seed(t, d)
	doomed := struct {
		user *core.User
		conv *core.Conversation
		msg  *core.Message
		file *core.File
	}{
		user: &core.User{AppPK: f.App.PK, CreatedAt: t0, UpdatedAt: t0},
		conv: &core.Conversation{AppPK: f.App.PK, Kind: core.KindGroup, CreatedAt: t0, UpdatedAt: t0},
		file: &core.File{AppPK: f.App.PK, BlobKey: "b", CreatedAt: t0},
	}
	write(t, d, func(tx core.Tx) error {
		if err := tx.InsertUser(doomed.user, ""); err != nil {
			return err
		}
		if err := tx.InsertConversation(doomed.conv); err != nil {
			return err
		}
		doomed.msg = &core.Message{AppPK: f.App.PK, ConversationPK: doomed.conv.PK, OwnerPK: f.Alice.PK,
			Body: "gone soon", CreatedAt: t0, UpdatedAt: t0}
		if err := tx.InsertMessage(doomed.msg); err != nil {
			return err
		}
		return tx.InsertFile(doomed.file)
	})
	write(t, d, func(tx core.Tx) error {
		if err := tx.DeleteConversation(doomed.conv.PK); err != nil { // and its message
			return err
		}
		if err := tx.DeleteUser(doomed.user.PK); err != nil {
			return err
		}
		return tx.DeleteFile(doomed.file.PK)
	})
	check := func(t *testing.T, d *db.DB) {
		write(t, d, func(tx core.Tx) error {
			u := &core.User{AppPK: f.App.PK, CreatedAt: t0, UpdatedAt: t0}
			c := &core.Conversation{AppPK: f.App.PK, Kind: core.KindGroup, CreatedAt: t0, UpdatedAt: t0}
			fl := &core.File{AppPK: f.App.PK, BlobKey: "b", CreatedAt: t0}
			if err := tx.InsertUser(u, ""); err != nil {
				return err
			}
			if err := tx.InsertConversation(c); err != nil {
				return err
			}
			m := f.msg(f.Alice, "", "new", 0)
			if err := tx.InsertMessage(m); err != nil {
				return err
			}
			if err := tx.InsertFile(fl); err != nil {
				return err
			}
			for _, k := range []struct {
				what      string
				old, new  int64
				newID, id string
			}{
				{"user", doomed.user.PK, u.PK, u.ID, doomed.user.ID},
				{"conversation", doomed.conv.PK, c.PK, c.ID, doomed.conv.ID},
				{"message", doomed.msg.PK, m.PK, m.ID, doomed.msg.ID},
				{"file", doomed.file.PK, fl.PK, fl.ID, doomed.file.ID},
			} {
				if k.new <= k.old || k.newID == k.id {
					t.Errorf("new %s: key %d id %q, after the deleted %d %q", k.what, k.new, k.newID, k.old, k.id)
				}
			}
			doomed.user, doomed.conv, doomed.msg, doomed.file = u, c, m, fl
			if err := tx.DeleteConversation(c.PK); err != nil {
				return err
			}
			if err := tx.DeleteUser(u.PK); err != nil {
				return err
			}
			return tx.DeleteFile(fl.PK)
		})
	}
	t.Run("AfterDelete", func(t *testing.T) { check(t, d) })
	t.Run("AfterRestart", func(t *testing.T) {
		if err := d.Close(); err != nil {
			t.Fatal(err)
		}
		d, err := db.Open(context.Background(), opts)
		if err != nil {
			t.Fatal(err)
		}
		defer d.Close()
		check(t, d)
	})
}

// TestKeyRefsStayInTheApp looks rows of one app up by key from another.
func TestKeyRefsStayInTheApp(t *testing.T) {
	t.Parallel()
	stores(t, func(t *testing.T, d *db.DB) {
		f := seed(t, d)
		m := f.msg(f.Alice, "m1", "hi", 0)
		insert(t, d, m)
		read(t, d, func(tx core.Tx) error {
			for _, tt := range []struct {
				name string
				look func(app int64) error
			}{
				{"UserByPK", func(app int64) error { _, err := tx.UserByPK(app, f.Bob.PK); return err }},
				{"UserByID", func(app int64) error { _, err := tx.UserByID(app, core.KeyRef(f.Bob.PK)); return err }},
				{"ConversationByPK", func(app int64) error { _, err := tx.ConversationByPK(app, f.Conv.PK); return err }},
				{"ConversationByID", func(app int64) error {
					_, err := tx.ConversationByID(app, core.KeyRef(f.Conv.PK))
					return err
				}},
				{"ConversationKey", func(app int64) error {
					_, _, err := tx.ConversationKey(app, core.KeyRef(f.Conv.PK))
					return err
				}},
				{"MessageByPK", func(app int64) error { _, err := tx.MessageByPK(app, m.PK); return err }},
				{"MessageByID", func(app int64) error { _, err := tx.MessageByID(app, core.KeyRef(m.PK)); return err }},
				{"FileByID", func(app int64) error { _, err := tx.FileByID(app, core.KeyRef(f.Files[0].PK)); return err }},
			} {
				if err := tt.look(f.App.PK); err != nil {
					t.Errorf("%s in its own app: %v", tt.name, err)
				}
				if err := tt.look(f.Other.PK); core.ErrorCode(err) != core.ENOTFOUND {
					t.Errorf("%s from another app: got %v, want ENOTFOUND", tt.name, err)
				}
			}
			for _, batch := range []func(app int64) (int, error){
				func(app int64) (int, error) {
					us, err := tx.UsersByIDs(app, []string{core.KeyRef(f.Bob.PK), core.KeyRef(f.Carol.PK)})
					return len(us), err
				},
				func(app int64) (int, error) {
					ms, err := tx.MessagesByIDs(app, []string{core.KeyRef(m.PK)})
					return len(ms), err
				},
				func(app int64) (int, error) {
					ms, err := tx.MessagesByPKs(app, []int64{m.PK})
					return len(ms), err
				},
			} {
				if n, err := batch(f.Other.PK); n != 0 || err != nil {
					t.Errorf("batch from another app: %d rows, %v", n, err)
				}
				if n, err := batch(f.App.PK); n == 0 || err != nil {
					t.Errorf("batch in its own app: %d rows, %v", n, err)
				}
			}
			return nil
		})
	})
}
