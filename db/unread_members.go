package db

// UnreadMembers counts, for each conversation, its members with at least
// one unread message (unreadWhere), up to core.UnreadCap each, in one
// query: each conversation is a rowid lookup, each of its members one
// seek on messages_conversation from the read position.
func (t *tx) UnreadMembers(convPKs []int64) (map[int64]int, error) {
	counts := map[int64]int{}
	if len(convPKs) == 0 {
		return counts, nil
	}
	var rows []struct {
		Conv int64 `db:"conversation_pk"`
		N    int   `db:"n"`
	}
	err := t.selIn(&rows, `SELECT c.pk AS conversation_pk, (SELECT COUNT(*) FROM (SELECT 1 FROM members mb
			WHERE mb.conversation_pk = c.pk AND EXISTS (SELECT 1 FROM messages m WHERE `+unreadWhere+`)
			LIMIT `+unreadCap+`)) AS n
		FROM conversations c WHERE c.pk IN (?)`, convPKs)
	if err != nil {
		return nil, dbErr("unread members", err)
	}
	for _, r := range rows {
		if r.N > 0 {
			counts[r.Conv] = r.N
		}
	}
	return counts, nil
}
