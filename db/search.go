package db

import (
	"encoding/json"
	"strings"

	"parley/server/core"
)

// matchExpr turns search terms into an FTS5 query: each term a quoted
// string (so no word of a user's is read as an FTS5 operator), a phrase
// when it holds several words, with * for a prefix; all terms are ANDed.
func matchExpr(terms []core.SearchTerm) string {
	parts := make([]string, len(terms))
	for i, t := range terms {
		parts[i] = `"` + strings.ReplaceAll(t.Text, `"`, `""`) + `"`
		if t.Prefix {
			parts[i] += `*`
		}
	}
	return strings.Join(parts, ` AND `)
}

// FullTextSearch returns the messages whose text matches f's terms in f's
// conversations as f's viewer sees them, newest first. The full-text index
// yields keys newest first, so a page stops reading at its limit.
func (t *tx) FullTextSearch(f core.SearchFilter) ([]*core.Message, error) {
	where := []string{`messages_fts MATCH ?`, `m.app_pk = ?`, `m.deleted_at IS NULL`}
	args := []any{matchExpr(f.Terms), f.AppPK}
	if !f.AllConversations {
		convs, _ := json.Marshal(f.ConversationPKs) // []int64 always marshals
		where = append(where, `m.conversation_pk IN (SELECT value FROM json_each(?))`)
		args = append(args, string(convs))
	}
	if f.ViewerPK != 0 {
		where = append(where, `(m.has_recipients = 0 OR m.owner_pk = ? OR EXISTS (
				SELECT 1 FROM recipients rc WHERE rc.message_pk = m.pk AND rc.user_pk = ?))`,
			`NOT EXISTS (SELECT 1 FROM hidden h WHERE h.message_pk = m.pk AND h.user_pk = ?)`)
		args = append(args, f.ViewerPK, f.ViewerPK, f.ViewerPK)
	}
	if f.BeforePK != 0 {
		where = append(where, `f.rowid < ?`)
		args = append(args, f.BeforePK)
	}
	limit, _ := page(0, f.Limit)
	args = append(args, limit)
	var pks []int64
	if err := t.sel(&pks, `
		SELECT m.pk FROM messages_fts f JOIN messages m ON m.pk = f.rowid
		WHERE `+strings.Join(where, ` AND `)+`
		ORDER BY f.rowid DESC LIMIT ?`, args...); err != nil {
		if strings.Contains(err.Error(), "fts5") {
			return nil, core.Invalidf("q", "the search text cannot be searched for")
		}
		return nil, dbErr("search messages", err)
	}
	if len(pks) == 0 {
		return nil, nil
	}
	msgs, err := t.messages("search messages", messageFrom+` WHERE m.pk IN (?)`, pks)
	if err != nil {
		return nil, err
	}
	byPK := make(map[int64]*core.Message, len(msgs))
	for _, m := range msgs {
		byPK[m.PK] = m
	}
	out := make([]*core.Message, 0, len(pks))
	for _, pk := range pks {
		if m := byPK[pk]; m != nil {
			out = append(out, m)
		}
	}
	return out, nil
}

// SearchScope lists the conversations of the app that the user might read:
// the user's own, the open ones and the team channels that inherit their
// team's members, with what the policy decides on.
func (t *tx) SearchScope(appPK, userPK int64) ([]core.ScopeEntry, error) {
	var rows []struct {
		PK          int64  `db:"pk"`
		Kind        string `db:"kind"`
		TeamPK      int64  `db:"team_pk"`
		Role        string `db:"role"`
		Inherited   bool   `db:"inherited"`
		TeamRole    string `db:"team_role"`
		TeamMembers int    `db:"team_members"`
	}
	err := t.sel(&rows, `
		WITH cand (pk) AS (
			SELECT conversation_pk FROM members WHERE user_pk = ?
			UNION SELECT pk FROM conversations WHERE app_pk = ? AND kind = 'open'
			UNION SELECT conversation_pk FROM team_channels WHERE app_pk = ? AND members_inherited = 1)
		SELECT c.pk, c.kind, IFNULL(c.team_pk, 0) AS team_pk, IFNULL(me.role, '') AS role,
			IFNULL(tc.members_inherited, 0) AS inherited, IFNULL(tx.role, '') AS team_role,
			CASE WHEN c.team_pk IS NULL THEN 0
				ELSE (SELECT COUNT(*) FROM team_members n WHERE n.team_pk = c.team_pk) END AS team_members
		FROM cand JOIN conversations c ON c.pk = cand.pk
		LEFT JOIN members me ON me.conversation_pk = c.pk AND me.user_pk = ?
		LEFT JOIN team_channels tc ON tc.conversation_pk = c.pk
		LEFT JOIN team_members tx ON tx.team_pk = c.team_pk AND tx.user_pk = ?
		WHERE c.app_pk = ?`, userPK, appPK, appPK, userPK, userPK, appPK)
	if err != nil {
		return nil, dbErr("search scope", err)
	}
	out := make([]core.ScopeEntry, len(rows))
	for i, r := range rows {
		out[i] = core.ScopeEntry{
			Conversation: &core.Conversation{PK: r.PK, AppPK: appPK, Kind: core.ConversationKind(r.Kind), TeamPK: r.TeamPK},
			Role:         core.Role(r.Role), Inherited: r.Inherited, TeamRole: core.Role(r.TeamRole), TeamMembers: r.TeamMembers,
		}
	}
	return out, nil
}
