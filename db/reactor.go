package db

import "parley/server/core"

// ListReactors returns a page of a message's reactions with their users,
// in reaction order; name "" takes every name.
func (t *tx) ListReactors(messagePK int64, name string, p core.Page) ([]core.Reactor, error) {
	limit, skip := page(p.Skip, p.Limit)
	var rows []struct {
		PK        int64   `db:"r_pk"`
		Name      string  `db:"r_name"`
		CreatedAt int64   `db:"r_created_at"`
		User      userRow `db:"u"`
	}
	if err := t.sel(&rows, `
		SELECT r.pk AS r_pk, r.name AS r_name, r.created_at AS r_created_at, `+userColumnsAs("u", "u")+`
		FROM reactions r JOIN users u ON u.pk = r.user_pk
		WHERE r.message_pk = ? AND (? = '' OR r.name = ?)
		ORDER BY r.created_at, r.pk LIMIT ? OFFSET ?`, messagePK, name, name, limit, skip); err != nil {
		return nil, dbErr("list reactors", err)
	}
	out := make([]core.Reactor, len(rows))
	for i, r := range rows {
		out[i] = core.Reactor{PK: r.PK, User: r.User.user(), Name: r.Name, CreatedAt: fromMS(r.CreatedAt)}
	}
	return out, nil
}
