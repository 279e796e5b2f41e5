package db

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"parley/server/core"
)

// BulkTextMessages adds n messages from owner spread round-robin over the
// conversations with keys first..first+convs-1 (empty before), with one
// statement (a search benchmark's setup). Each text holds 12 words
// "w<k>", k skewed towards small numbers like the words of a language;
// every 10,000th also holds "rare needle".
func BulkTextMessages(tb testing.TB, d *DB, appPK, first int64, convs int, ownerPK int64, n int, at time.Time) {
	tb.Helper()
	words := make([]string, 12)
	for i := range words {
		words[i] = `'w' || ((abs(random()) % 60) * (abs(random()) % 90))`
	}
	body := strings.Join(words, ` || ' ' || `) + ` || CASE WHEN n % 10000 = 1 THEN ' rare needle' ELSE '' END`
	err := d.Write(context.Background(), func(ct core.Tx) error {
		t := ct.(*tx)
		_, err := t.exec(fmt.Sprintf(`
			WITH RECURSIVE i(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM i WHERE n < ?)
			INSERT INTO messages (app_pk, id, conversation_pk, seq, owner_pk, body, created_at, received_at, updated_at)
			SELECT ?, 'text-' || n, ? + (n - 1) %% ?, 1 + (n - 1) / ?, ?, %s, ? + n, ? + n, ? + n FROM i`, body),
			n, appPK, first, convs, convs, ownerPK, ms(at), ms(at), ms(at))
		d.msgSeq = 0 // the writer's key counter reads the table again
		return err
	})
	if err != nil {
		tb.Fatal(err)
	}
}

// DropSearchIndex removes the triggers that keep the full-text index, to
// measure what keeping it costs a write.
func DropSearchIndex(tb testing.TB, d *DB) {
	tb.Helper()
	err := d.Write(context.Background(), func(ct core.Tx) error {
		for _, trg := range []string{"messages_fts_insert", "messages_fts_delete", "messages_fts_update"} {
			if _, err := ct.(*tx).exec(`DROP TRIGGER ` + trg); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
}
