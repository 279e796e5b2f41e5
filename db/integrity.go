package db

import (
	"context"

	"parley/server/core"
)

// IntegrityCheck runs SQLite's integrity check on a reader connection and
// returns its verdict: "ok", or the first problem it found.
func (db *DB) IntegrityCheck(ctx context.Context) (string, error) {
	var msg string
	err := db.Read(ctx, func(t core.Tx) error {
		return t.(*tx).get(&msg, `PRAGMA integrity_check(1)`)
	})
	return msg, err
}
