package db

import "parley/server/core"

// teamRow is a row of teams as the queries below select it.
type teamRow struct {
	PK        int64  `db:"pk"`
	AppPK     int64  `db:"app_pk"`
	ID        string `db:"id"`
	Name      string `db:"name"`
	CreatedAt int64  `db:"created_at"`
}

const teamColumns = `pk, app_pk, id, name, created_at`

func (r *teamRow) team() *core.Team {
	return &core.Team{PK: r.PK, AppPK: r.AppPK, ID: r.ID, Name: r.Name, CreatedAt: fromMS(r.CreatedAt)}
}

// InsertTeam stores a new team and sets its PK (and its ID, when empty, to
// the PK in decimal).
func (t *tx) InsertTeam(tm *core.Team) error {
	return t.insertWithID("insert team", &tm.PK, &tm.ID, `
		INSERT INTO teams (pk, app_pk, id, name, created_at)
		SELECT n, ?, `+idSQL+`, ?, ? FROM `+nextPK("teams")+`
		RETURNING pk, id`,
		func(attempt int) []any {
			return append(append([]any{tm.AppPK}, idArgs(tm.ID, attempt)...), tm.Name, ms(tm.CreatedAt))
		})
}

// TeamByID returns the app's team with the given text id or key reference.
func (t *tx) TeamByID(appPK int64, id string) (*core.Team, error) {
	term, arg := idTerm("", id)
	var r teamRow
	if err := t.one("get team", "team not found", &r,
		`SELECT `+teamColumns+` FROM teams WHERE app_pk = ? AND `+term, appPK, arg); err != nil {
		return nil, err
	}
	return r.team(), nil
}

// ListTeams returns a page of the app's teams, oldest first; cursors are
// teams' ids.
func (t *tx) ListTeams(appPK int64, p core.Page) ([]*core.Team, error) {
	after, before, err := t.cursors(p, 1, func(id string) (string, []any) {
		term, arg := idTerm("", id)
		return `SELECT pk FROM teams WHERE app_pk = ? AND ` + term, []any{appPK, arg}
	})
	if err != nil {
		return nil, err
	}
	where, args, tail, tailArgs := keyset{cols: "pk"}.window(p, after, before)
	var rows []teamRow
	if err := t.sel(&rows, `SELECT `+teamColumns+` FROM teams WHERE app_pk = ?`+andWhere(where)+tail,
		append(append([]any{appPK}, args...), tailArgs...)...); err != nil {
		return nil, dbErr("list teams", err)
	}
	teams := make([]*core.Team, len(rows))
	for i := range rows {
		teams[i] = rows[i].team()
	}
	return teams, nil
}

// AddTeamMember adds the user to the team, or sets the role of a member.
func (t *tx) AddTeamMember(teamPK, userPK int64, role core.Role) error {
	if role == "" {
		role = core.RoleMember
	}
	_, err := t.exec(`
		INSERT INTO team_members (team_pk, user_pk, role) VALUES (?, ?, ?)
		ON CONFLICT (team_pk, user_pk) DO UPDATE SET role = excluded.role`,
		teamPK, userPK, string(role))
	return dbErr("add team member", err)
}

// ListTeamMembers returns the team's members, oldest user first.
func (t *tx) ListTeamMembers(teamPK int64) ([]*core.User, error) {
	var rows []userRow
	if err := t.sel(&rows, `
		SELECT `+qualify("u", userColumns)+`
		FROM team_members tm JOIN users u ON u.pk = tm.user_pk
		WHERE tm.team_pk = ? ORDER BY u.pk`, teamPK); err != nil {
		return nil, dbErr("list team members", err)
	}
	return users(rows), nil
}
