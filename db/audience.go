package db

// Event audiences: who may see a change, read after its commit.

// conversationMembers is the FROM source of a conversation's members'
// keys (user_pk): its member rows and, for a team channel that inherits its
// team's members, those members, or every user of the app when the team
// has none (the core's rule, core.inheritedMember). Its arguments are the
// conversation's key three times.
const conversationMembers = `(
	SELECT user_pk FROM members WHERE conversation_pk = ?
	UNION
	SELECT x.user_pk FROM team_channels itc
	JOIN conversations ic ON ic.pk = itc.conversation_pk
	JOIN team_members x ON x.team_pk = ic.team_pk
	WHERE itc.conversation_pk = ? AND itc.members_inherited = 1
	UNION
	SELECT u.pk FROM team_channels itc
	JOIN conversations ic ON ic.pk = itc.conversation_pk
	JOIN users u ON u.app_pk = ic.app_pk
	WHERE itc.conversation_pk = ? AND itc.members_inherited = 1 AND ic.team_pk IS NOT NULL
		AND NOT EXISTS (SELECT 1 FROM team_members y WHERE y.team_pk = ic.team_pk)
)`

// MemberKeys returns the keys of the conversation's members, inherited
// ones too (the members primary key serves the rows without touching the
// users).
func (t *tx) MemberKeys(convPK int64) ([]int64, error) {
	var keys []int64
	if err := t.sel(&keys, `SELECT user_pk FROM `+conversationMembers+` mb`, convPK, convPK, convPK); err != nil {
		return nil, dbErr("member keys", err)
	}
	return keys, nil
}

// MessageAudience returns the keys of the conversation's members
// (inherited ones too) who have not hidden the message.
func (t *tx) MessageAudience(convPK, messagePK int64) ([]int64, error) {
	var keys []int64
	if err := t.sel(&keys, `SELECT mb.user_pk FROM `+conversationMembers+` mb
		WHERE NOT EXISTS (SELECT 1 FROM hidden h WHERE h.message_pk = ? AND h.user_pk = mb.user_pk)`,
		convPK, convPK, convPK, messagePK); err != nil {
		return nil, dbErr("message audience", err)
	}
	return keys, nil
}
