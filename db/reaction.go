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
// with name, in reaction order; cursors are the users' ids.
func (t *tx) ListReactionUsers(messagePK int64, name string, p core.Page) ([]*core.User, error) {
	after, before, err := t.cursors(p, 2, func(id string) (string, []any) {
		term, arg := idTerm("u.", id)
		return `SELECT r.created_at, r.pk FROM reactions r JOIN users u ON u.pk = r.user_pk
			WHERE r.message_pk = ? AND r.name = ? AND u.app_pk = (SELECT app_pk FROM messages WHERE pk = ?) AND ` + term,
			[]any{messagePK, name, messagePK, arg}
	})
	if err != nil {
		return nil, err
	}
	where, args, tail, tailArgs := keyset{cols: "r.created_at, r.pk"}.window(p, after, before)
	var rows []userRow
	if err := t.sel(&rows, `
		SELECT `+qualify("u", userColumns)+`
		FROM reactions r JOIN users u ON u.pk = r.user_pk
		WHERE r.message_pk = ? AND r.name = ?`+andWhere(where)+tail,
		append(append([]any{messagePK, name}, args...), tailArgs...)...); err != nil {
		return nil, dbErr("list reaction users", err)
	}
	return users(rows), nil
}

// ReactionCounts returns how many reactions the message has in all and how
// many of them are the user's (bounded by the core's caps, so cheap).
func (t *tx) ReactionCounts(messagePK, userPK int64) (total, byUser int, err error) {
	var r struct {
		Total  int `db:"total"`
		ByUser int `db:"by_user"`
	}
	err = t.one("count reactions", "message not found", &r, `
		SELECT m.reaction_count AS total,
			(SELECT count(*) FROM reactions WHERE message_pk = m.pk AND user_pk = ?) AS by_user
		FROM messages m WHERE m.pk = ?`, userPK, messagePK)
	return r.Total, r.ByUser, err
}
