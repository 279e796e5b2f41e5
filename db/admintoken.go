package db

import "parley/server/core"

// adminTokenRow is a row of admin_tokens as the queries below select it.
type adminTokenRow struct {
	Hash      string `db:"hash"`
	Origin    string `db:"origin"`
	CreatedAt int64  `db:"created_at"`
}

// InsertAdminTokenFrom stores the hash of an admin token with its origin
// and sets the token's ID.
func (t *tx) InsertAdminTokenFrom(a *core.AdminToken, hash string) error {
	_, err := t.exec(`INSERT INTO admin_tokens (hash, created_at, origin) VALUES (?, ?, ?)`, hash, ms(a.CreatedAt), a.Origin)
	if err != nil {
		return dbErr("insert admin token", err)
	}
	a.ID = core.AdminTokenID(hash)
	return nil
}

// ListAdminTokens returns every admin token, oldest first.
func (t *tx) ListAdminTokens() ([]*core.AdminToken, error) {
	var rows []adminTokenRow
	if err := t.sel(&rows, `SELECT hash, origin, created_at FROM admin_tokens ORDER BY created_at, hash`); err != nil {
		return nil, dbErr("list admin tokens", err)
	}
	out := make([]*core.AdminToken, len(rows))
	for i, r := range rows {
		out[i] = &core.AdminToken{ID: core.AdminTokenID(r.Hash), Origin: r.Origin, CreatedAt: fromMS(r.CreatedAt)}
	}
	return out, nil
}

// DeleteAdminToken removes the admin token whose hash starts with id
// (ENOTFOUND when none does). The table is tiny, so the prefix scan costs
// nothing.
func (t *tx) DeleteAdminToken(id string) error {
	return t.change("delete admin token", "admin token not found",
		`DELETE FROM admin_tokens WHERE substr(hash, 1, 12) = ?`, id)
}

// DeleteAdminTokensFrom removes the tokens of one origin except keepHash's.
func (t *tx) DeleteAdminTokensFrom(origin, keepHash string) error {
	_, err := t.exec(`DELETE FROM admin_tokens WHERE origin = ? AND hash <> ?`, origin, keepHash)
	return dbErr("delete admin tokens", err)
}

// UpdateAppSecret replaces the hash of the app's secret key.
func (t *tx) UpdateAppSecret(appPK int64, secretHash string) error {
	return t.change("update app secret", "app not found", `UPDATE apps SET secret_hash = ? WHERE pk = ?`, secretHash, appPK)
}
