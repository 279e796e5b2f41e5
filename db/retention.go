package db

import (
	"database/sql"
	"time"

	"github.com/jmoiron/sqlx"
)

// OldestMessages returns the keys and creation times of the app's oldest
// messages by key. "+app_pk" keeps SQLite on the table's key order, which
// stops after limit rows, rather than on the app's id index, which would
// sort every message of the app.
func (t *tx) OldestMessages(appPK int64, limit int) ([]int64, []time.Time, error) {
	var rows []struct {
		PK        int64 `db:"pk"`
		CreatedAt int64 `db:"created_at"`
	}
	if err := t.sel(&rows, `SELECT pk, created_at FROM messages WHERE +app_pk = ? ORDER BY pk LIMIT ?`, appPK, limit); err != nil {
		return nil, nil, dbErr("oldest messages", err)
	}
	pks, created := make([]int64, len(rows)), make([]time.Time, len(rows))
	for i, r := range rows {
		pks[i], created[i] = r.PK, fromMS(r.CreatedAt)
	}
	return pks, created, nil
}

// CountAppMessages counts the app's messages.
func (t *tx) CountAppMessages(appPK int64) (int, error) {
	var n int
	err := t.get(&n, `SELECT COUNT(*) FROM messages WHERE app_pk = ?`, appPK)
	return n, dbErr("count app messages", err)
}

// DeleteMessages deletes the messages (their attachments, mentions,
// recipients, reactions and hidden copies go with them), then the files
// that only they used, and returns the blob keys of those files (and their
// thumbnails), for the caller to remove after commit if no file names them.
func (t *tx) DeleteMessages(pks []int64) ([]string, error) {
	if len(pks) == 0 {
		return nil, nil
	}
	t.touchAll() // replies and forwards lose their parent and original
	var files []int64
	if err := t.selIn(&files, `SELECT DISTINCT file_pk FROM attachments
		WHERE message_pk IN (?) AND file_pk IS NOT NULL`, pks); err != nil {
		return nil, dbErr("delete messages", err)
	}
	if _, err := t.execIn(`DELETE FROM messages WHERE pk IN (?)`, pks); err != nil {
		return nil, dbErr("delete messages", err)
	}
	if len(files) == 0 {
		return nil, nil
	}
	var unused []struct {
		PK       int64  `db:"pk"`
		BlobKey  string `db:"blob_key"`
		ThumbKey string `db:"thumb_key"`
	}
	if err := t.selIn(&unused, `SELECT pk, blob_key, thumb_key FROM files f WHERE pk IN (?)
		AND NOT EXISTS (SELECT 1 FROM attachments a WHERE a.file_pk = f.pk)`, files); err != nil {
		return nil, dbErr("delete messages: files", err)
	}
	var keys []string
	for _, f := range unused {
		if _, err := t.exec(`DELETE FROM files WHERE pk = ?`, f.PK); err != nil {
			return nil, dbErr("delete messages: file", err)
		}
		keys = append(keys, f.BlobKey)
		if f.ThumbKey != "" {
			keys = append(keys, f.ThumbKey)
		}
	}
	return keys, nil
}

// execIn is exec for a statement with "IN (?)" placeholders that take slices.
func (t *tx) execIn(query string, args ...any) (sql.Result, error) {
	query, args, err := sqlx.In(query, args...)
	if err != nil {
		return nil, err
	}
	return t.exec(query, args...)
}
