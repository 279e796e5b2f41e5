package db

import (
	"database/sql"
	"strings"
	"time"

	"parley/server/core"
)

// memberRow is a row of members as the queries below select it.
type memberRow struct {
	ConversationPK int64         `db:"conversation_pk"`
	UserPK         int64         `db:"user_pk"`
	Role           string        `db:"role"`
	JoinedAt       int64         `db:"joined_at"`
	LastReadPK     int64         `db:"last_read_pk"`
	LastReadAt     sql.NullInt64 `db:"last_read_at"`
}

const memberColumns = `conversation_pk, user_pk, role, joined_at, last_read_pk, last_read_at`

// memberColumnsAs selects the member columns of alias a as "prefix.column".
func memberColumnsAs(a, prefix string) string {
	cols := strings.Split(memberColumns, ", ")
	for i, c := range cols {
		cols[i] = a + `.` + c + ` AS "` + prefix + `.` + c + `"`
	}
	return strings.Join(cols, ", ")
}

func (r *memberRow) member() *core.Member {
	return &core.Member{
		ConversationPK: r.ConversationPK, UserPK: r.UserPK, Role: core.Role(r.Role),
		JoinedAt: fromMS(r.JoinedAt), LastReadPK: r.LastReadPK, LastReadAt: fromOptMS(r.LastReadAt),
	}
}

// memberUserRow is a member with its user.
type memberUserRow struct {
	memberRow
	User userRow `db:"user"`
}

func (r *memberUserRow) member() *core.Member {
	m := r.memberRow.member()
	m.User = r.User.user()
	return m
}

// memberUserColumns selects a memberUserRow from members mb and users u.
var memberUserColumns = qualify("mb", memberColumns) + ", " + userColumnsAs("u", "user")

// UpsertMember adds the member, or changes the role of an existing one, and
// reads the stored membership back into m (an existing member keeps its
// join time and read position). The members triggers keep the
// conversation's member_count: only a new row counts.
func (t *tx) UpsertMember(m *core.Member) error {
	if m.Role == "" {
		m.Role = core.RoleMember
	}
	var r memberRow
	err := t.get(&r, `
		INSERT INTO members (conversation_pk, user_pk, role, joined_at, last_read_pk, last_read_at)
		VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (conversation_pk, user_pk) DO UPDATE SET role = excluded.role
		RETURNING `+memberColumns,
		m.ConversationPK, m.UserPK, string(m.Role), ms(m.JoinedAt), m.LastReadPK, optMS(m.LastReadAt))
	if err != nil {
		return dbErr("upsert member", err)
	}
	got := r.member()
	got.User = m.User
	*m = *got
	return nil
}

// Member returns the user's membership of the conversation, with User.
func (t *tx) Member(convPK, userPK int64) (*core.Member, error) {
	var r memberUserRow
	if err := t.one("get member", "member not found", &r, `SELECT `+memberUserColumns+`
		FROM members mb JOIN users u ON u.pk = mb.user_pk
		WHERE mb.conversation_pk = ? AND mb.user_pk = ?`, convPK, userPK); err != nil {
		return nil, err
	}
	return r.member(), nil
}

// MemberRole returns the user's role in the conversation, "" when the user
// is not a member (one small look-up, for checks inside writes).
func (t *tx) MemberRole(convPK, userPK int64) (core.Role, error) {
	var role string
	err := t.get(&role, `SELECT IFNULL((SELECT role FROM members WHERE conversation_pk = ? AND user_pk = ?), '')`,
		convPK, userPK)
	return core.Role(role), dbErr("member role", err)
}

// ListMembers returns a page of the conversation's members with their
// users, in join order; cursors are members' user ids.
func (t *tx) ListMembers(convPK int64, p core.Page) ([]*core.Member, error) {
	after, before, err := t.cursors(p, 2, func(id string) (string, []any) {
		term, arg := idTerm("u.", id)
		return `SELECT mb.joined_at, mb.rowid FROM members mb JOIN users u ON u.pk = mb.user_pk
			WHERE mb.conversation_pk = ? AND u.app_pk = (SELECT app_pk FROM conversations WHERE pk = ?) AND ` + term,
			[]any{convPK, convPK, arg}
	})
	if err != nil {
		return nil, err
	}
	where, args, tail, tailArgs := keyset{cols: "mb.joined_at, mb.rowid"}.window(p, after, before)
	var rows []memberUserRow
	if err := t.sel(&rows, `SELECT `+memberUserColumns+`
		FROM members mb JOIN users u ON u.pk = mb.user_pk
		WHERE mb.conversation_pk = ?`+andWhere(where)+tail,
		append(append([]any{convPK}, args...), tailArgs...)...); err != nil {
		return nil, dbErr("list members", err)
	}
	members := make([]*core.Member, len(rows))
	for i := range rows {
		members[i] = rows[i].member()
	}
	return members, nil
}

// RemoveMember deletes the user's membership of the conversation.
func (t *tx) RemoveMember(convPK, userPK int64) error {
	return t.change("remove member", "member not found",
		`DELETE FROM members WHERE conversation_pk = ? AND user_pk = ?`, convPK, userPK)
}

// SetReadPosition moves the member's read position forward to messagePK
// (never backwards), and its time forward to at when the position does not
// go back (a later read of the same messages is still a later read).
func (t *tx) SetReadPosition(convPK, userPK, messagePK int64, at time.Time) error {
	return t.change("set read position", "member not found", `
		UPDATE members SET last_read_at = CASE WHEN ? >= last_read_pk THEN MAX(IFNULL(last_read_at, 0), ?) ELSE last_read_at END,
			last_read_pk = MAX(last_read_pk, ?)
		WHERE conversation_pk = ? AND user_pk = ?`,
		messagePK, ms(at), messagePK, convPK, userPK)
}
