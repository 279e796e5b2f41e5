package storetest

import (
	"testing"

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
