package db

import (
	"time"

	"parley/server/core"
)

// appRow is a row of apps as the queries below select it.
type appRow struct {
	PK         int64  `db:"pk"`
	ID         string `db:"id"`
	Name       string `db:"name"`
	PublicKey  string `db:"public_key"`
	SecretHash string `db:"secret_hash"`
	CreatedAt  int64  `db:"created_at"`
}

const appColumns = `pk, id, name, public_key, secret_hash, created_at`

func (r *appRow) app() *core.App {
	return &core.App{PK: r.PK, ID: r.ID, Name: r.Name, PublicKey: r.PublicKey, SecretHash: r.SecretHash,
		CreatedAt: fromMS(r.CreatedAt)}
}

// InsertApp stores a new app with the hash of its secret key and sets its
// PK, its SecretHash, and its ID, when empty, to the PK in decimal.
func (t *tx) InsertApp(a *core.App, secretHash string) error {
	a.SecretHash = secretHash
	return t.insertWithID("insert app", &a.PK, &a.ID, `
		INSERT INTO apps (pk, id, name, public_key, secret_hash, created_at)
		SELECT n, `+idSQL+`, ?, ?, ?, ? FROM `+nextPK("apps")+`
		RETURNING pk, id`,
		func(attempt int) []any {
			return append(idArgs(a.ID, attempt), a.Name, a.PublicKey, secretHash, ms(a.CreatedAt))
		})
}

func (t *tx) appBy(where string, arg any) (*core.App, error) {
	var r appRow
	if err := t.one("get app", "app not found", &r,
		`SELECT `+appColumns+` FROM apps WHERE `+where, arg); err != nil {
		return nil, err
	}
	return r.app(), nil
}

// AppByID returns the app with the given text id.
func (t *tx) AppByID(id string) (*core.App, error) { return t.appBy(`id = ?`, id) }

// AppByPK returns the app with the given key.
func (t *tx) AppByPK(pk int64) (*core.App, error) { return t.appBy(`pk = ?`, pk) }

// AppByPublicKey returns the app that a public key identifies.
func (t *tx) AppByPublicKey(key string) (*core.App, error) { return t.appBy(`public_key = ?`, key) }

// AppBySecretHash returns the app whose secret key has this hash.
func (t *tx) AppBySecretHash(hash string) (*core.App, error) {
	return t.appBy(`secret_hash = ?`, hash)
}

// ListApps returns every app, oldest first.
func (t *tx) ListApps() ([]*core.App, error) {
	var rows []appRow
	if err := t.sel(&rows, `SELECT `+appColumns+` FROM apps ORDER BY pk`); err != nil {
		return nil, dbErr("list apps", err)
	}
	apps := make([]*core.App, len(rows))
	for i := range rows {
		apps[i] = rows[i].app()
	}
	return apps, nil
}

// DeleteApp deletes the app and, by cascade, everything that belongs to it.
func (t *tx) DeleteApp(pk int64) error {
	t.touchAll()
	t.forgetConversations()
	return t.change("delete app", "app not found", `DELETE FROM apps WHERE pk = ?`, pk)
}

// InsertAdminToken stores the hash of a Parley admin token.
func (t *tx) InsertAdminToken(hash string, at time.Time) error {
	_, err := t.exec(`INSERT INTO admin_tokens (hash, created_at) VALUES (?, ?)`, hash, ms(at))
	return dbErr("insert admin token", err)
}

// AdminTokenExists reports whether an admin token with this hash exists.
func (t *tx) AdminTokenExists(hash string) (bool, error) {
	var ok bool
	err := t.get(&ok, `SELECT EXISTS (SELECT 1 FROM admin_tokens WHERE hash = ?)`, hash)
	return ok, dbErr("get admin token", err)
}

// CountAdminTokens returns the number of admin tokens.
func (t *tx) CountAdminTokens() (int, error) {
	var n int
	err := t.get(&n, `SELECT COUNT(*) FROM admin_tokens`)
	return n, dbErr("count admin tokens", err)
}
