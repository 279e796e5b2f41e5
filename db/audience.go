package db

// Event audiences: who may see a change, read after its commit.

// MemberKeys returns the keys of the conversation's members (the members
// primary key serves it without touching the users).
func (t *tx) MemberKeys(convPK int64) ([]int64, error) {
	var keys []int64
	if err := t.sel(&keys, `SELECT user_pk FROM members WHERE conversation_pk = ?`, convPK); err != nil {
		return nil, dbErr("member keys", err)
	}
	return keys, nil
}

// MessageAudience returns the keys of the conversation's members who have
// not hidden the message.
func (t *tx) MessageAudience(convPK, messagePK int64) ([]int64, error) {
	var keys []int64
	if err := t.sel(&keys, `SELECT mb.user_pk FROM members mb
		WHERE mb.conversation_pk = ?
		AND NOT EXISTS (SELECT 1 FROM hidden h WHERE h.message_pk = ? AND h.user_pk = mb.user_pk)`,
		convPK, messagePK); err != nil {
		return nil, dbErr("message audience", err)
	}
	return keys, nil
}
