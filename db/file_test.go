package db_test

import (
	"testing"

	"parley/db"
	"parley/server/core"
)

func TestFiles(t *testing.T) {
	stores(t, func(t *testing.T, d *db.DB) {
		f := seed(t, d)
		file := &core.File{AppPK: f.App.PK, BlobKey: "k", Name: "a.jpg", MimeType: "image/jpeg", Size: 99,
			SHA256: "abc", Width: 640, Height: 480, CreatedAt: t0}
		write(t, d, func(tx core.Tx) error { return tx.InsertFile(file) })
		if file.ID != "3" {
			t.Errorf("default id = %q, want 3", file.ID)
		}
		read(t, d, func(tx core.Tx) error {
			got, err := tx.FileByID(f.App.PK, "3")
			if err != nil {
				return err
			}
			if *got != *file {
				t.Errorf("FileByID = %+v, want %+v", got, file)
			}
			_, err = tx.FileByID(f.Other.PK, "3")
			wantCode(t, err, core.ENOTFOUND)
			return nil
		})
		err := d.Write(t.Context(), func(tx core.Tx) error { return tx.InsertFile(&core.File{AppPK: f.App.PK, ID: "f1"}) })
		wantCode(t, err, core.ECONFLICT)

		// An attachment keeps its URL when its file goes, and loses FileID.
		m := f.msg(f.Alice, "m", "", 0)
		m.Attachments = []core.Attachment{{Type: "image", URL: "u", FileID: "f1"}}
		insert(t, d, m)
		write(t, d, func(tx core.Tx) error { return tx.DeleteFile(f.Files[0].PK) })
		wantCode(t, d.Write(t.Context(), func(tx core.Tx) error { return tx.DeleteFile(f.Files[0].PK) }), core.ENOTFOUND)
		read(t, d, func(tx core.Tx) error {
			got, err := tx.MessageByPK(f.App.PK, m.PK)
			if err == nil && (got.Attachments[0].URL != "u" || got.Attachments[0].FileID != "") {
				t.Errorf("attachment after file deletion = %+v", got.Attachments[0])
			}
			return err
		})
	})
}
