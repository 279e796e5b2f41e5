package db

import "time"

// Flags: the message_flags triggers keep messages.flag_count, so each
// change touches the message (the cache forgets it).

// AddFlag records the user's flag on the message; twice is once.
func (t *tx) AddFlag(messagePK, userPK int64, at time.Time) error {
	t.touch(messagePK)
	_, err := t.exec(`INSERT INTO message_flags (message_pk, user_pk, created_at) VALUES (?, ?, ?)
		ON CONFLICT (message_pk, user_pk) DO NOTHING`, messagePK, userPK, ms(at))
	return dbErr("add flag", err)
}

// RemoveFlag takes the user's flag off the message.
func (t *tx) RemoveFlag(messagePK, userPK int64) error {
	t.touch(messagePK)
	_, err := t.exec(`DELETE FROM message_flags WHERE message_pk = ? AND user_pk = ?`, messagePK, userPK)
	return dbErr("remove flag", err)
}

// ClearFlags takes every flag off the message.
func (t *tx) ClearFlags(messagePK int64) error {
	t.touch(messagePK)
	_, err := t.exec(`DELETE FROM message_flags WHERE message_pk = ?`, messagePK)
	return dbErr("clear flags", err)
}

// IsFlagged reports whether the user flagged the message.
func (t *tx) IsFlagged(messagePK, userPK int64) (bool, error) {
	var n int
	err := t.get(&n, `SELECT COUNT(*) FROM message_flags WHERE message_pk = ? AND user_pk = ?`, messagePK, userPK)
	return n > 0, dbErr("is flagged", err)
}
