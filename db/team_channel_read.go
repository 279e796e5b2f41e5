package db

import (
	"database/sql"
	"errors"
	"time"
)

// userConversations is the FROM source of a user's conversations, aliased
// by the caller: a row (conversation_pk, user_pk, role, joined_at,
// last_read_pk, last_read_at, inherited) for each conversation the user is
// a member of, and for each team channel the user inherits: a channel
// without a member list of its own (members_inherited) in a team the user
// belongs to, or in a team without members of the user's app (the core's
// rule, core.inheritedMember). An inherited row has role member, no join
// time and the read position of team_channel_reads. Its arguments are
// userConversationArgs.
const userConversations = `(
	SELECT conversation_pk, user_pk, role, joined_at, last_read_pk, last_read_at, 0 AS inherited
	FROM members WHERE user_pk = ?
	UNION ALL
	SELECT ic.pk, x.user_pk, 'member', 0, IFNULL(r.last_read_pk, 0), r.last_read_at, 1
	FROM team_members x
	JOIN conversations ic ON ic.team_pk = x.team_pk
	JOIN team_channels itc ON itc.conversation_pk = ic.pk AND itc.members_inherited = 1
	LEFT JOIN team_channel_reads r ON r.conversation_pk = ic.pk AND r.user_pk = x.user_pk
	WHERE x.user_pk = ?
		AND NOT EXISTS (SELECT 1 FROM members own WHERE own.conversation_pk = ic.pk AND own.user_pk = ?)
	UNION ALL
	SELECT ic.pk, ?, 'member', 0, IFNULL(r.last_read_pk, 0), r.last_read_at, 1
	FROM teams ot
	JOIN conversations ic ON ic.team_pk = ot.pk
	JOIN team_channels itc ON itc.conversation_pk = ic.pk AND itc.members_inherited = 1
	LEFT JOIN team_channel_reads r ON r.conversation_pk = ic.pk AND r.user_pk = ?
	WHERE ot.app_pk = (SELECT app_pk FROM users WHERE pk = ?)
		AND NOT EXISTS (SELECT 1 FROM team_members y WHERE y.team_pk = ot.pk)
		AND NOT EXISTS (SELECT 1 FROM members own WHERE own.conversation_pk = ic.pk AND own.user_pk = ?)
)`

// userConversationArgs are the arguments of userConversations: the
// user's key at each of its places.
func userConversationArgs(userPK int64) []any {
	args := make([]any, 7)
	for i := range args {
		args[i] = userPK
	}
	return args
}

// InheritedRead returns the user's read position in a team channel they
// inherit: the last message read and when (0 and the zero time: none).
func (t *tx) InheritedRead(convPK, userPK int64) (int64, time.Time, error) {
	var r struct {
		PK int64         `db:"last_read_pk"`
		At sql.NullInt64 `db:"last_read_at"`
	}
	err := t.get(&r, `SELECT last_read_pk, last_read_at FROM team_channel_reads WHERE conversation_pk = ? AND user_pk = ?`, convPK, userPK)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, time.Time{}, nil
	}
	if err != nil {
		return 0, time.Time{}, dbErr("inherited read position", err)
	}
	return r.PK, fromOptMS(r.At), nil
}

// SetInheritedRead moves the user's read position in a team channel they
// inherit to the message, forward only unless reset.
func (t *tx) SetInheritedRead(convPK, userPK, messagePK int64, at time.Time, reset bool) error {
	_, err := t.exec(`
		INSERT INTO team_channel_reads (conversation_pk, user_pk, last_read_pk, last_read_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (conversation_pk, user_pk) DO UPDATE SET
			last_read_at = CASE WHEN ? OR excluded.last_read_pk >= last_read_pk THEN excluded.last_read_at ELSE last_read_at END,
			last_read_pk = CASE WHEN ? THEN excluded.last_read_pk ELSE MAX(last_read_pk, excluded.last_read_pk) END`,
		convPK, userPK, messagePK, ms(at), reset, reset)
	return dbErr("set inherited read position", err)
}
