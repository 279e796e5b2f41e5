package db

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"parley/server/core"
)

// accessRow is a row of channel_access.
type accessRow struct {
	ConversationPK   int64         `db:"conversation_pk"`
	ReadersAnyUser   bool          `db:"readers_any_user"`
	ReadersPublic    bool          `db:"readers_public"`
	ReadersImmutable bool          `db:"readers_immutable"`
	WritersAnyUser   bool          `db:"writers_any_user"`
	WritersImmutable bool          `db:"writers_immutable"`
	Annotations      []byte        `db:"annotations"`
	InactiveAt       sql.NullInt64 `db:"inactive_at"`
}

const accessColumns = `conversation_pk, readers_any_user, readers_public, readers_immutable,
	writers_any_user, writers_immutable, annotations, inactive_at`

// storedAnnotation is how an annotation is kept in a JSON column.
type storedAnnotation struct {
	Type  string          `json:"type"`
	Value json.RawMessage `json:"value"`
}

func (r *accessRow) access() (*core.Access, error) {
	a := &core.Access{
		Readers: core.ACL{AnyUser: r.ReadersAnyUser, Public: r.ReadersPublic, Immutable: r.ReadersImmutable},
		Writers: core.ACL{AnyUser: r.WritersAnyUser, Immutable: r.WritersImmutable},
	}
	if len(r.Annotations) > 0 {
		var list []storedAnnotation
		if err := json.Unmarshal(r.Annotations, &list); err != nil {
			return nil, fmt.Errorf("db: channel annotations: %w", err)
		}
		for _, x := range list {
			a.Annotations = append(a.Annotations, core.Annotation{Type: x.Type, Value: []byte(x.Value)})
		}
	}
	if r.InactiveAt.Valid {
		a.InactiveAt = time.UnixMilli(r.InactiveAt.Int64).UTC()
	}
	return a, nil
}

// PutChannelAccess stores a channel's access lists and annotations,
// replacing what it had.
func (t *tx) PutChannelAccess(convPK int64, a *core.Access) error {
	var inactive any
	if !a.InactiveAt.IsZero() {
		inactive = ms(a.InactiveAt)
	}
	var annotations any
	if len(a.Annotations) > 0 {
		list := make([]storedAnnotation, len(a.Annotations))
		for i, x := range a.Annotations {
			list[i] = storedAnnotation{x.Type, json.RawMessage(x.Value)}
		}
		b, err := json.Marshal(list)
		if err != nil {
			return fmt.Errorf("db: channel annotations: %w", err)
		}
		annotations = string(b)
	}
	if _, err := t.exec(`INSERT INTO channel_access (`+accessColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (conversation_pk) DO UPDATE SET readers_any_user = excluded.readers_any_user,
			readers_public = excluded.readers_public, readers_immutable = excluded.readers_immutable,
			writers_any_user = excluded.writers_any_user, writers_immutable = excluded.writers_immutable,
			annotations = excluded.annotations, inactive_at = excluded.inactive_at`,
		convPK, a.Readers.AnyUser, a.Readers.Public, a.Readers.Immutable, a.Writers.AnyUser, a.Writers.Immutable,
		annotations, inactive); err != nil {
		return dbErr("put channel access", err)
	}
	if _, err := t.exec(`DELETE FROM channel_acl_users WHERE conversation_pk = ?`, convPK); err != nil {
		return dbErr("put channel access", err)
	}
	for _, l := range []struct {
		name string
		pks  []int64
	}{{"readers", a.Readers.UserPKs}, {"writers", a.Writers.UserPKs}} {
		for i, pk := range l.pks {
			if _, err := t.exec(`INSERT INTO channel_acl_users (conversation_pk, list, user_pk, position) VALUES (?, ?, ?, ?)
				ON CONFLICT DO NOTHING`, convPK, l.name, pk, i); err != nil {
				return dbErr("put channel access", err)
			}
		}
	}
	return nil
}

// ChannelAccess returns a channel's access lists; ENOTFOUND when it has none.
func (t *tx) ChannelAccess(convPK int64) (*core.Access, error) {
	all, err := t.ChannelAccesses([]int64{convPK})
	if err != nil {
		return nil, err
	}
	if a := all[convPK]; a != nil {
		return a, nil
	}
	return nil, core.Errorf(core.ENOTFOUND, "channel not found")
}

// ChannelAccesses returns the access lists of those of the conversations
// that have them, in two queries however many there are.
func (t *tx) ChannelAccesses(convPKs []int64) (map[int64]*core.Access, error) {
	out := map[int64]*core.Access{}
	if len(convPKs) == 0 {
		return out, nil
	}
	var rows []accessRow
	if err := t.selIn(&rows, `SELECT `+accessColumns+` FROM channel_access WHERE conversation_pk IN (?)`, convPKs); err != nil {
		return nil, dbErr("channel access", err)
	}
	if len(rows) == 0 {
		return out, nil
	}
	for i := range rows {
		a, err := rows[i].access()
		if err != nil {
			return nil, err
		}
		out[rows[i].ConversationPK] = a
	}
	var users []struct {
		ConversationPK int64  `db:"conversation_pk"`
		List           string `db:"list"`
		UserPK         int64  `db:"user_pk"`
	}
	if err := t.selIn(&users, `SELECT conversation_pk, list, user_pk FROM channel_acl_users
		WHERE conversation_pk IN (?) ORDER BY conversation_pk, list, position`, convPKs); err != nil {
		return nil, dbErr("channel access users", err)
	}
	for _, u := range users {
		a := out[u.ConversationPK]
		if u.List == "readers" {
			a.Readers.UserPKs = append(a.Readers.UserPKs, u.UserPK)
		} else {
			a.Writers.UserPKs = append(a.Writers.UserPKs, u.UserPK)
		}
	}
	return out, nil
}

// MemberRoles returns the members' keys and roles of each conversation, in
// join order, in one query.
func (t *tx) MemberRoles(convPKs []int64) (map[int64][]core.Member, error) {
	out := map[int64][]core.Member{}
	if len(convPKs) == 0 {
		return out, nil
	}
	var rows []struct {
		ConversationPK int64  `db:"conversation_pk"`
		UserPK         int64  `db:"user_pk"`
		Role           string `db:"role"`
	}
	if err := t.selIn(&rows, `SELECT conversation_pk, user_pk, role FROM members
		WHERE conversation_pk IN (?) ORDER BY conversation_pk, joined_at, rowid`, convPKs); err != nil {
		return nil, dbErr("member roles", err)
	}
	for _, r := range rows {
		out[r.ConversationPK] = append(out[r.ConversationPK], core.Member{ConversationPK: r.ConversationPK, UserPK: r.UserPK, Role: core.Role(r.Role)})
	}
	return out, nil
}

// UsersByPKs returns the app's users with the given keys; unknown keys
// are left out.
func (t *tx) UsersByPKs(appPK int64, pks []int64) ([]*core.User, error) {
	if len(pks) == 0 {
		return nil, nil
	}
	var rows []userRow
	if err := t.selIn(&rows, `SELECT `+userColumns+` FROM users WHERE app_pk = ? AND pk IN (?)`, appPK, pks); err != nil {
		return nil, dbErr("users by key", err)
	}
	out := make([]*core.User, len(rows))
	for i := range rows {
		out[i] = rows[i].user()
	}
	return out, nil
}

// SetMuted mutes or unmutes a conversation for a user; it reports whether
// that changed anything.
func (t *tx) SetMuted(convPK, userPK int64, muted bool, at time.Time) (bool, error) {
	if muted {
		res, err := t.exec(`INSERT INTO channel_mutes (user_pk, conversation_pk, muted_at) VALUES (?, ?, ?)
			ON CONFLICT DO NOTHING`, userPK, convPK, ms(at))
		return changed("mute", res, err)
	}
	res, err := t.exec(`DELETE FROM channel_mutes WHERE user_pk = ? AND conversation_pk = ?`, userPK, convPK)
	return changed("unmute", res, err)
}

// MutedAmong returns which of the conversations the user muted.
func (t *tx) MutedAmong(userPK int64, convPKs []int64) (map[int64]bool, error) {
	out := map[int64]bool{}
	if len(convPKs) == 0 {
		return out, nil
	}
	var pks []int64
	if err := t.selIn(&pks, `SELECT conversation_pk FROM channel_mutes WHERE user_pk = ? AND conversation_pk IN (?)`,
		userPK, convPKs); err != nil {
		return nil, dbErr("muted channels", err)
	}
	for _, pk := range pks {
		out[pk] = true
	}
	return out, nil
}

// ResetReadPosition moves the member's read position to messagePK, back
// as well as forward (App.net's reset_read_id).
func (t *tx) ResetReadPosition(convPK, userPK, messagePK int64, at time.Time) error {
	return t.change("reset read position", "member not found",
		`UPDATE members SET last_read_pk = ?, last_read_at = ? WHERE conversation_pk = ? AND user_pk = ?`,
		messagePK, ms(at), convPK, userPK)
}
