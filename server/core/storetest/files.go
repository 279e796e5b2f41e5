package storetest

import (
	"errors"
	"testing"

	"parley/server/core"
)

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
