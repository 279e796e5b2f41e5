package db

// MessageSeqs returns the Seq of each of the app's messages among pks.
func (t *tx) MessageSeqs(appPK int64, pks []int64) (map[int64]int64, error) {
	var rows []struct {
		PK  int64 `db:"pk"`
		Seq int64 `db:"seq"`
	}
	if err := t.selIn(&rows, `SELECT pk, seq FROM messages WHERE pk IN (?) AND app_pk = ?`, pks, appPK); err != nil {
		return nil, dbErr("message seqs", err)
	}
	out := make(map[int64]int64, len(rows))
	for _, r := range rows {
		out[r.PK] = r.Seq
	}
	return out, nil
}

// MessagePKBySeq returns the key of the conversation's message with seq.
func (t *tx) MessagePKBySeq(convPK, seq int64) (int64, error) {
	var pk int64
	err := t.one("message by seq", "message not found", &pk,
		`SELECT pk FROM messages WHERE conversation_pk = ? AND seq = ?`, convPK, seq)
	return pk, err
}
