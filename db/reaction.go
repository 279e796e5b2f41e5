package db

import "parley/server/core"

// AddReaction stores the user's reaction; false if it was there already.
// The reactions triggers keep the message's reaction_count.
func (t *tx) AddReaction(r *core.Reaction) (bool, error) {
	t.touch(r.MessagePK)
	res, err := t.exec(`
		INSERT INTO reactions (message_pk, user_pk, name, created_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (message_pk, name, user_pk) DO NOTHING`,
		r.MessagePK, r.UserPK, r.Name, ms(r.CreatedAt))
	return changed("add reaction", res, err)
}

// RemoveReaction deletes the user's reaction; false if it was not there.
func (t *tx) RemoveReaction(messagePK, userPK int64, name string) (bool, error) {
	t.touch(messagePK)
	res, err := t.exec(`DELETE FROM reactions WHERE message_pk = ? AND name = ? AND user_pk = ?`,
		messagePK, name, userPK)
	return changed("remove reaction", res, err)
}

// ListReactionUsers returns a page of the users who reacted to the message
// with name, in reaction order.
func (t *tx) ListReactionUsers(messagePK int64, name string, p core.Page) ([]*core.User, error) {
	limit, skip := page(p.Skip, p.Limit)
	var rows []userRow
	if err := t.sel(&rows, `
		SELECT `+qualify("u", userColumns)+`
		FROM reactions r JOIN users u ON u.pk = r.user_pk
		WHERE r.message_pk = ? AND r.name = ?
		ORDER BY r.created_at, r.pk LIMIT ? OFFSET ?`, messagePK, name, limit, skip); err != nil {
		return nil, dbErr("list reaction users", err)
	}
	return users(rows), nil
}
