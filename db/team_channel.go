package db

import (
	"database/sql"
	"errors"

	"parley/server/core"
)

// TeamChannel returns what a team channel adds to its conversation; the
// zero ChannelInfo when nothing is stored.
func (t *tx) TeamChannel(convPK int64) (core.ChannelInfo, error) {
	var r struct {
		Description string `db:"description"`
		Inherited   bool   `db:"members_inherited"`
	}
	err := t.get(&r, `SELECT description, members_inherited FROM team_channels WHERE conversation_pk = ?`, convPK)
	if errors.Is(err, sql.ErrNoRows) {
		return core.ChannelInfo{}, nil
	}
	if err != nil {
		return core.ChannelInfo{}, dbErr("get team channel", err)
	}
	return core.ChannelInfo{Description: r.Description, MembersInherited: r.Inherited}, nil
}

// SetTeamChannel stores what a team channel adds to its conversation.
func (t *tx) SetTeamChannel(convPK int64, info core.ChannelInfo) error {
	_, err := t.exec(`
		INSERT INTO team_channels (conversation_pk, app_pk, description, members_inherited)
		SELECT pk, app_pk, ?, ? FROM conversations WHERE pk = ?
		ON CONFLICT (conversation_pk) DO UPDATE SET description = excluded.description,
			members_inherited = excluded.members_inherited`,
		info.Description, bit(info.MembersInherited), convPK)
	return dbErr("set team channel", err)
}

// ListTeamChannels lists the team's conversations, oldest first: with
// userPK, those the user is a member of or that inherit the team's members;
// with 0, all of them.
func (t *tx) ListTeamChannels(teamPK, userPK int64) ([]*core.TeamChannel, error) {
	var rows []struct {
		convRow
		Description string `db:"description"`
		Inherited   bool   `db:"members_inherited"`
	}
	err := t.sel(&rows, convSelect+`, IFNULL(tc.description, '') AS description,
			IFNULL(tc.members_inherited, 0) AS members_inherited
		FROM conversations c `+convJoins+`
		LEFT JOIN team_channels tc ON tc.conversation_pk = c.pk
		WHERE c.team_pk = ? AND (? = 0 OR tc.members_inherited = 1
			OR EXISTS (SELECT 1 FROM members mb WHERE mb.conversation_pk = c.pk AND mb.user_pk = ?))
		ORDER BY c.pk LIMIT 1000`, teamPK, userPK, userPK)
	if err != nil {
		return nil, dbErr("list team channels", err)
	}
	out := make([]*core.TeamChannel, len(rows))
	for i := range rows {
		out[i] = &core.TeamChannel{Conversation: rows[i].conversation(),
			ChannelInfo: core.ChannelInfo{Description: rows[i].Description, MembersInherited: rows[i].Inherited}}
	}
	return out, nil
}
