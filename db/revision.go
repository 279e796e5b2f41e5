package db

import "parley/server/core"

// InsertRevision stores an earlier text of a message and sets its PK.
func (t *tx) InsertRevision(r *core.Revision) error {
	err := t.scan(`
		INSERT INTO revisions (message_pk, body, written_at, editor_pk, replaced_at) VALUES (?, ?, ?, ?, ?)
		RETURNING pk`, []any{r.MessagePK, r.Body, ms(r.WrittenAt), optPK(r.EditorPK), ms(r.ReplacedAt)}, &r.PK)
	return dbErr("insert revision", err)
}

// ListRevisions returns the message's earlier texts, oldest first.
func (t *tx) ListRevisions(messagePK int64) ([]*core.Revision, error) {
	var rows []struct {
		PK         int64  `db:"pk"`
		Body       string `db:"body"`
		WrittenAt  int64  `db:"written_at"`
		EditorPK   int64  `db:"editor_pk"`
		EditorID   string `db:"editor_id"`
		ReplacedAt int64  `db:"replaced_at"`
	}
	if err := t.sel(&rows, `
		SELECT r.pk, r.body, r.written_at, IFNULL(r.editor_pk, 0) AS editor_pk, IFNULL(u.id, '') AS editor_id,
			r.replaced_at
		FROM revisions r LEFT JOIN users u ON u.pk = r.editor_pk
		WHERE r.message_pk = ? ORDER BY r.pk LIMIT 1000`, messagePK); err != nil {
		return nil, dbErr("list revisions", err)
	}
	out := make([]*core.Revision, len(rows))
	for i, r := range rows {
		out[i] = &core.Revision{PK: r.PK, MessagePK: messagePK, Body: r.Body, WrittenAt: fromMS(r.WrittenAt),
			EditorPK: r.EditorPK, EditorID: r.EditorID, ReplacedAt: fromMS(r.ReplacedAt)}
	}
	return out, nil
}
