package db

import (
	"context"
	"testing"
	"time"

	"parley/server/core"
)

// SetTrace makes every query of d's transactions go through fn first.
func SetTrace(d *DB, fn func(query string, args []any)) { d.trace = fn }

// Batches returns how many transactions d's writer goroutine has run.
func Batches(d *DB) int64 { return d.batches.Load() }

// BulkMessages adds n plain messages from owner to the conversation with
// one statement (a benchmark's setup), received one millisecond apart after
// at; their ids are "bulk-1", "bulk-2", ...
func BulkMessages(tb testing.TB, d *DB, appPK, convPK, ownerPK int64, n int, at time.Time) {
	tb.Helper()
	err := d.Write(context.Background(), func(ct core.Tx) error {
		t := ct.(*tx)
		var seq int64
		if err := t.get(&seq, `SELECT IFNULL(MAX(seq), 0) FROM messages WHERE conversation_pk = ?`, convPK); err != nil {
			return err
		}
		if _, err := t.exec(`
			WITH RECURSIVE i(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM i WHERE n < ?)
			INSERT INTO messages (app_pk, id, conversation_pk, seq, owner_pk, body, created_at, received_at, updated_at)
			SELECT ?, 'bulk-' || n, ?, ? + n, ?, 'bulk', ? + n, ? + n, ? + n FROM i`,
			n, appPK, convPK, seq, ownerPK, ms(at), ms(at), ms(at)); err != nil {
			return err
		}
		d.msgSeq = 0 // the writer's key counter reads the table again
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
}

// SchemaText returns ../schema.sql.
var SchemaText = schemaText

// SchemaVersion is the PRAGMA user_version that schema.sql produces.
const SchemaVersion = schemaVersion
