package db

import "parley/server/core"

// UsersByUsernames returns the app's users with the given usernames, one
// per name (the oldest when several share it); unknown names are left
// out. It walks the index users_app_username.
func (t *tx) UsersByUsernames(appPK int64, names []string) ([]*core.User, error) {
	if len(names) == 0 {
		return nil, nil
	}
	var rows []userRow
	if err := t.selIn(&rows, `SELECT `+userColumns+` FROM users WHERE app_pk = ? AND username IN (?) ORDER BY pk`,
		appPK, names); err != nil {
		return nil, dbErr("users by username", err)
	}
	seen := make(map[string]bool, len(rows))
	var out []*core.User
	for i := range rows {
		if !seen[rows[i].Username] {
			seen[rows[i].Username] = true
			out = append(out, rows[i].user())
		}
	}
	return out, nil
}
