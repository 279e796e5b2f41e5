package db

import (
	"database/sql"
	"strings"

	"parley/server/core"
)

// userRow is a row of users as the queries below select it; joined users
// are selected into a prefixed userRow with userColumnsAs.
type userRow struct {
	PK          int64  `db:"pk"`
	AppPK       int64  `db:"app_pk"`
	ID          string `db:"id"`
	Username    string `db:"username"`
	DisplayName string `db:"display_name"`
	AvatarURL   string `db:"avatar_url"`
	Email       string `db:"email"`
	Metadata    []byte `db:"metadata"`
	CreatedAt   int64  `db:"created_at"`
	UpdatedAt   int64  `db:"updated_at"`
}

const userColumns = `pk, app_pk, id, username, display_name, avatar_url, email, metadata, created_at, updated_at`

// userColumnsAs selects the user columns of table alias a as "prefix.column",
// for a userRow field tagged db:"prefix". COALESCE keeps a LEFT JOIN without
// a user scannable (its pk is then 0).
func userColumnsAs(a, prefix string) string {
	cols := strings.Split(userColumns, ", ")
	for i, c := range cols {
		if c == "metadata" {
			cols[i] = a + `.metadata AS "` + prefix + `.metadata"`
			continue
		}
		zero := `0`
		if c != "pk" && c != "app_pk" && !strings.HasSuffix(c, "_at") {
			zero = `''`
		}
		cols[i] = `COALESCE(` + a + `.` + c + `, ` + zero + `) AS "` + prefix + `.` + c + `"`
	}
	return strings.Join(cols, ", ")
}

// user returns the row as a *core.User, nil for the empty row of a LEFT JOIN.
func (r *userRow) user() *core.User {
	if r.PK == 0 {
		return nil
	}
	return &core.User{
		PK: r.PK, AppPK: r.AppPK, ID: r.ID, Username: r.Username, DisplayName: r.DisplayName,
		AvatarURL: r.AvatarURL, Email: r.Email, Metadata: r.Metadata,
		CreatedAt: fromMS(r.CreatedAt), UpdatedAt: fromMS(r.UpdatedAt),
	}
}

func users(rows []userRow) []*core.User {
	us := make([]*core.User, len(rows))
	for i := range rows {
		us[i] = rows[i].user()
	}
	return us
}

// InsertUser stores a new user with its password hash ("" for none) and sets
// its PK (and its ID, when empty, to the PK in decimal).
func (t *tx) InsertUser(u *core.User, passwordHash string) error {
	return t.insertWithID("insert user", &u.PK, &u.ID, `
		INSERT INTO users (pk, app_pk, id, username, display_name, avatar_url, email, metadata,
			password_hash, created_at, updated_at)
		SELECT n, ?, `+idSQL+`, ?, ?, ?, ?, ?, ?, ?, ? FROM `+nextPK("users")+`
		RETURNING pk, id`,
		func(attempt int) []any {
			return append(append([]any{u.AppPK}, idArgs(u.ID, attempt)...),
				u.Username, u.DisplayName, u.AvatarURL, u.Email, jsonText(u.Metadata),
				passwordHash, ms(u.CreatedAt), ms(u.UpdatedAt))
		})
}

// UpdateUser writes back the user's profile: username, display name,
// avatar, email, metadata and updated time.
func (t *tx) UpdateUser(u *core.User) error {
	t.touchAll() // owners and mentions carry profiles
	return t.change("update user", "user not found", `
		UPDATE users SET username = ?, display_name = ?, avatar_url = ?, email = ?, metadata = ?,
			updated_at = ?
		WHERE pk = ?`,
		u.Username, u.DisplayName, u.AvatarURL, u.Email, jsonText(u.Metadata), ms(u.UpdatedAt), u.PK)
}

func (t *tx) userBy(where string, args ...any) (*core.User, error) {
	var r userRow
	if err := t.one("get user", "user not found", &r,
		`SELECT `+userColumns+` FROM users WHERE `+where, args...); err != nil {
		return nil, err
	}
	return r.user(), nil
}

// UserByID returns the app's user with the given text id or key reference.
func (t *tx) UserByID(appPK int64, id string) (*core.User, error) {
	term, arg := idTerm("", id)
	return t.userBy(`app_pk = ? AND `+term, appPK, arg)
}

// UserByPK returns the app's user with the given key.
func (t *tx) UserByPK(appPK, pk int64) (*core.User, error) {
	return t.userBy(`pk = ? AND app_pk = ?`, pk, appPK)
}

// UsersByIDs returns the app's users with the given ids (text ids or key
// references), in the order of ids, each user once; unknown ids are left
// out.
func (t *tx) UsersByIDs(appPK int64, ids []string) ([]*core.User, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	var rows []userRow
	where, args := idsTerm("", ids, "app_pk = ?", appPK)
	if err := t.selIn(&rows, `SELECT `+userColumns+` FROM users WHERE `+where, args...); err != nil {
		return nil, dbErr("list users", err)
	}
	byID := make(map[string]*core.User, 2*len(rows))
	for i := range rows {
		u := rows[i].user()
		byID[u.ID], byID[core.KeyRef(u.PK)] = u, u
	}
	us := make([]*core.User, 0, len(rows))
	seen := make(map[int64]bool, len(rows))
	for _, id := range ids {
		if u, ok := byID[id]; ok && !seen[u.PK] {
			us = append(us, u)
			seen[u.PK] = true // a repeated user comes once
		}
	}
	return us, nil
}

// UserByLogin finds the app's user whose id, username or email is login,
// preferring an id match, then a username match.
func (t *tx) UserByLogin(appPK int64, login string) (*core.User, error) {
	if login == "" {
		return nil, core.Errorf(core.ENOTFOUND, "user not found")
	}
	// Each OR branch names app_pk so that each can use its own index.
	return t.userBy(`(app_pk = ? AND id = ?) OR (app_pk = ? AND username = ?) OR (app_pk = ? AND email = ?)
		ORDER BY id = ? DESC, username = ? DESC, pk LIMIT 1`,
		appPK, login, appPK, login, appPK, login, login, login)
}

// SetUserPassword replaces the user's password hash.
func (t *tx) SetUserPassword(userPK int64, hash string) error {
	return t.change("set password", "user not found", `UPDATE users SET password_hash = ? WHERE pk = ?`, hash, userPK)
}

// UserPasswordHash returns the user's password hash, "" when it has none.
func (t *tx) UserPasswordHash(userPK int64) (string, error) {
	var hash string
	err := t.one("get password", "user not found", &hash, `SELECT password_hash FROM users WHERE pk = ?`, userPK)
	return hash, err
}

// ListUsers returns a page of the app's users, oldest first; cursors are
// users' ids.
func (t *tx) ListUsers(appPK int64, p core.Page) ([]*core.User, error) {
	after, before, err := t.cursors(p, 1, func(id string) (string, []any) {
		term, arg := idTerm("", id)
		return `SELECT pk FROM users WHERE app_pk = ? AND ` + term, []any{appPK, arg}
	})
	if err != nil {
		return nil, err
	}
	where, args, tail, tailArgs := keyset{cols: "pk"}.window(p, after, before)
	var rows []userRow
	if err := t.sel(&rows, `SELECT `+userColumns+` FROM users WHERE app_pk = ?`+andWhere(where)+tail,
		append(append([]any{appPK}, args...), tailArgs...)...); err != nil {
		return nil, dbErr("list users", err)
	}
	return users(rows), nil
}

// DeleteUser deletes the user with its tokens, memberships, messages,
// reactions and mentions; conversations and files it owned stay, ownerless.
func (t *tx) DeleteUser(pk int64) error {
	t.touchAll()
	return t.change("delete user", "user not found", `DELETE FROM users WHERE pk = ?`, pk)
}

// InsertToken stores a user's token (by hash) and sets its PK.
func (t *tx) InsertToken(tk *core.Token) error {
	err := t.scan(`
		INSERT INTO tokens (app_pk, user_pk, hash, created_at, expires_at) VALUES (?, ?, ?, ?, ?)
		RETURNING pk`,
		[]any{tk.AppPK, tk.UserPK, tk.Hash, ms(tk.CreatedAt), optMS(tk.ExpiresAt)}, &tk.PK)
	return dbErr("insert token", err)
}

// TokenByHash returns the token with this hash, expired or not.
func (t *tx) TokenByHash(hash string) (*core.Token, error) {
	var r struct {
		PK        int64         `db:"pk"`
		AppPK     int64         `db:"app_pk"`
		UserPK    int64         `db:"user_pk"`
		Hash      string        `db:"hash"`
		CreatedAt int64         `db:"created_at"`
		ExpiresAt sql.NullInt64 `db:"expires_at"`
	}
	err := t.one("get token", "token not found", &r,
		`SELECT pk, app_pk, user_pk, hash, created_at, expires_at FROM tokens WHERE hash = ?`, hash)
	if err != nil {
		return nil, err
	}
	return &core.Token{PK: r.PK, AppPK: r.AppPK, UserPK: r.UserPK, Hash: r.Hash,
		CreatedAt: fromMS(r.CreatedAt), ExpiresAt: fromOptMS(r.ExpiresAt)}, nil
}
