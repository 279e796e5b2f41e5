package db

import (
	"parley/server/core"
)

// TeamByPK returns the team with the given key.
func (t *tx) TeamByPK(pk int64) (*core.Team, error) {
	var r teamRow
	if err := t.one("get team", "team not found", &r,
		`SELECT `+teamColumns+` FROM teams WHERE pk = ?`, pk); err != nil {
		return nil, err
	}
	return r.team(), nil
}

// UpdateTeam writes back the team's name.
func (t *tx) UpdateTeam(tm *core.Team) error {
	return t.change("update team", "team not found", `UPDATE teams SET name = ? WHERE pk = ?`, tm.Name, tm.PK)
}

// TeamRole returns the user's role in the team ("" when not a member) and
// the team's member count, in one statement.
func (t *tx) TeamRole(teamPK, userPK int64) (core.Role, int, error) {
	var r struct {
		Role    string `db:"role"`
		Members int    `db:"members"`
	}
	err := t.get(&r, `
		SELECT IFNULL((SELECT role FROM team_members WHERE team_pk = ? AND user_pk = ?), '') AS role,
			(SELECT COUNT(*) FROM team_members WHERE team_pk = ?) AS members`, teamPK, userPK, teamPK)
	if err != nil {
		return "", 0, dbErr("team role", err)
	}
	return core.Role(r.Role), r.Members, nil
}

// TeamsOf lists the app's teams the user is a member of or that have no
// members at all, oldest first; userPK 0 lists every team of the app.
func (t *tx) TeamsOf(appPK, userPK int64) ([]*core.Team, error) {
	var rows []teamRow
	err := t.sel(&rows, `
		SELECT `+teamColumns+` FROM teams tm
		WHERE tm.app_pk = ? AND (? = 0
			OR EXISTS (SELECT 1 FROM team_members x WHERE x.team_pk = tm.pk AND x.user_pk = ?)
			OR NOT EXISTS (SELECT 1 FROM team_members x WHERE x.team_pk = tm.pk))
		ORDER BY tm.pk LIMIT 1000`, appPK, userPK, userPK)
	if err != nil {
		return nil, dbErr("list teams of user", err)
	}
	return teams(rows), nil
}

// TeamsAdministeredBy lists the teams where the user is owner or admin.
func (t *tx) TeamsAdministeredBy(userPK int64) ([]*core.Team, error) {
	var rows []teamRow
	err := t.sel(&rows, `
		SELECT `+qualify("tm", teamColumns)+` FROM team_members x JOIN teams tm ON tm.pk = x.team_pk
		WHERE x.user_pk = ? AND x.role IN ('owner', 'admin') ORDER BY x.team_pk LIMIT 1000`, userPK)
	if err != nil {
		return nil, dbErr("list administered teams", err)
	}
	return teams(rows), nil
}

// ListTeamMemberRoles returns the team's members with their roles, oldest
// user first.
func (t *tx) ListTeamMemberRoles(teamPK int64) ([]core.TeamMember, error) {
	var rows []struct {
		Role string  `db:"role"`
		User userRow `db:"user"`
	}
	if err := t.sel(&rows, `
		SELECT x.role, `+userColumnsAs("u", "user")+`
		FROM team_members x JOIN users u ON u.pk = x.user_pk
		WHERE x.team_pk = ? ORDER BY x.user_pk`, teamPK); err != nil {
		return nil, dbErr("list team members", err)
	}
	out := make([]core.TeamMember, len(rows))
	for i := range rows {
		u := rows[i].User.user()
		out[i] = core.TeamMember{UserPK: u.PK, User: u, Role: core.Role(rows[i].Role)}
	}
	return out, nil
}

// RemoveTeamMember takes the user out of the team; absent is not an error.
func (t *tx) RemoveTeamMember(teamPK, userPK int64) error {
	_, err := t.exec(`DELETE FROM team_members WHERE team_pk = ? AND user_pk = ?`, teamPK, userPK)
	return dbErr("remove team member", err)
}

func teams(rows []teamRow) []*core.Team {
	out := make([]*core.Team, len(rows))
	for i := range rows {
		out[i] = rows[i].team()
	}
	return out
}
