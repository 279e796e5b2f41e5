package db_test

import (
	"slices"
	"testing"
	"time"

	"parley/db"
	"parley/server/core"
)

func TestRetention(t *testing.T) {
	stores(t, func(t *testing.T, d *db.DB) {
		f := seed(t, d)
		// f1 is used by m1 only; f2 by m1 and m3; f3 shares f1's blob
		// with no message at all.
		m1, m2, m3 := f.msg(f.Alice, "m1", "one", 0), f.msg(f.Bob, "m2", "two", time.Hour), f.msg(f.Bob, "m3", "three", 2*time.Hour)
		m1.Attachments = []core.Attachment{{Type: "image", FileID: "f1"}, {Type: "image", FileID: "f2"}}
		m3.Attachments = []core.Attachment{{Type: "image", FileID: "f2"}}
		insert(t, d, m1, m2, m3)
		write(t, d, func(tx core.Tx) error {
			return tx.InsertFile(&core.File{AppPK: f.App.PK, ID: "f3", BlobKey: "blob-f2", CreatedAt: t0})
		})
		read(t, d, func(tx core.Tx) error {
			n, err := tx.CountAppMessages(f.App.PK)
			if err != nil || n != 3 {
				t.Errorf("CountAppMessages = %d, %v; want 3", n, err)
			}
			pks, created, err := tx.OldestMessages(f.App.PK, 2)
			if err != nil || !slices.Equal(pks, []int64{m1.PK, m2.PK}) || !created[1].Equal(t0.Add(time.Hour)) {
				t.Errorf("OldestMessages = %v %v, %v", pks, created, err)
			}
			return nil
		})
		var keys []string
		write(t, d, func(tx core.Tx) (err error) {
			keys, err = tx.DeleteMessages([]int64{m1.PK})
			return err
		})
		// f1 went with m1; f2 stays (m3 uses it).
		if !slices.Equal(keys, []string{"blob-f1"}) {
			t.Errorf("blobs of deleted files = %v, want [blob-f1]", keys)
		}
		read(t, d, func(tx core.Tx) error {
			_, err := tx.FileByID(f.App.PK, "f1")
			wantCode(t, err, core.ENOTFOUND)
			if _, err := tx.FileByID(f.App.PK, "f2"); err != nil {
				t.Errorf("f2: %v", err)
			}
			_, err = tx.MessageByID(f.App.PK, "m1")
			wantCode(t, err, core.ENOTFOUND)
			return nil
		})
		// Deleting m3 deletes f2, whose blob f3 still names.
		write(t, d, func(tx core.Tx) (err error) {
			keys, err = tx.DeleteMessages([]int64{m3.PK})
			return err
		})
		read(t, d, func(tx core.Tx) error {
			used, err := tx.BlobKeysInUse(keys)
			if err != nil || !slices.Equal(keys, []string{"blob-f2"}) || !used["blob-f2"] {
				t.Errorf("after m3: keys %v, in use %v, %v", keys, used, err)
			}
			return nil
		})
	})
}
