package storetest

import (
	"testing"
	"time"

	"parley/server/core"
)

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

// testAppRetention: an app's own bounds are kept, replaced, removed, and
// go with their app.
func testAppRetention(t *testing.T, f *fixture) {
	want := core.Retention{MaxMessages: 5, MaxAge: 90 * time.Minute}
	f.write(t, func(tx core.Tx) error {
		if err := tx.SetAppRetention(f.app.PK, core.Retention{MaxMessages: 1}); err != nil {
			return err
		}
		if err := tx.SetAppRetention(f.app.PK, want); err != nil {
			return err
		}
		return tx.SetAppRetention(f.other.PK, core.Retention{})
	})
	f.read(t, func(tx core.Tx) error {
		got, own, err := tx.AppRetention(f.app.PK)
		if err != nil || !own || got != want {
			t.Errorf("AppRetention = %+v, %v, %v; want %+v, true", got, own, err, want)
		}
		all, err := tx.AppRetentions()
		if err != nil || len(all) != 2 || all[f.app.PK] != want || all[f.other.PK] != (core.Retention{}) {
			t.Errorf("AppRetentions = %+v, %v", all, err)
		}
		return nil
	})
	f.write(t, func(tx core.Tx) error {
		if err := tx.DeleteAppRetention(f.app.PK); err != nil {
			return err
		}
		if err := tx.DeleteAppRetention(f.app.PK); err != nil {
			return err
		}
		return tx.DeleteApp(f.other.PK)
	})
	f.read(t, func(tx core.Tx) error {
		_, own, err := tx.AppRetention(f.app.PK)
		if err != nil || own {
			t.Errorf("after DeleteAppRetention: own = %v, %v", own, err)
		}
		all, err := tx.AppRetentions()
		if err != nil || len(all) != 0 {
			t.Errorf("after deleting the other app, AppRetentions = %+v, %v", all, err)
		}
		return nil
	})
}
