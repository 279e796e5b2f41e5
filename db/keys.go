package db

import "parley/server/core"

// A text id parameter may be a key reference (core.KeyRef): the look-ups
// below turn it into a key term, always next to the app's, so that a
// client's integer never reaches a row of another app.

// idTerm is the WHERE term that finds id in column a+"id", or, for a key
// reference, in a+"pk", with its argument.
func idTerm(a, id string) (string, any) {
	if pk, ok := core.ParseKeyRef(id); ok {
		return a + `pk = ?`, pk
	}
	return a + `id = ?`, id
}

// idsTerm is the WHERE term (with "IN (?)" placeholders for sqlx.In) that
// finds any of ids, text ids and key references alike, among the rows of
// alias a in the scope of the term scope (the app: "u.app_pk = ?"; ""
// when the query scopes its rows otherwise), with its arguments. ids must
// not be empty.
func idsTerm(a string, ids []string, scope string, scopeArgs ...any) (string, []any) {
	var texts []string
	var keys []int64
	for _, id := range ids {
		if pk, ok := core.ParseKeyRef(id); ok {
			keys = append(keys, pk)
		} else {
			texts = append(texts, id)
		}
	}
	scoped := func(term string, arg any) (string, []any) {
		if scope == "" {
			return term, []any{arg}
		}
		return `(` + scope + ` AND ` + term + `)`, append(append([]any{}, scopeArgs...), arg)
	}
	switch {
	case len(keys) == 0:
		return scoped(a+`id IN (?)`, texts)
	case len(texts) == 0:
		return scoped(a+`pk IN (?)`, keys)
	}
	// Each branch names the scope, so that each can use its own index.
	byID, idArgs := scoped(a+`id IN (?)`, texts)
	byKey, keyArgs := scoped(a+`pk IN (?)`, keys)
	return `(` + byID + ` OR ` + byKey + `)`, append(idArgs, keyArgs...)
}

// idPK is a user's or file's text id with its key.
type idPK struct {
	PK int64  `db:"pk"`
	ID string `db:"id"`
}

// rowsByID maps each of ids (text ids or key references of the app's rows
// in table: users, files) to its row's key and text id; unknown ids are
// left out.
func (t *tx) rowsByID(table string, appPK int64, ids []string) (map[string]idPK, error) {
	var rows []idPK
	where, args := idsTerm("", ids, "app_pk = ?", appPK)
	if err := t.selIn(&rows, `SELECT pk, id FROM `+table+` WHERE `+where, args...); err != nil {
		return nil, dbErr("resolve "+table, err)
	}
	byID := make(map[string]idPK, 2*len(rows))
	for _, r := range rows {
		byID[r.ID] = r
		byID[core.KeyRef(r.PK)] = r
	}
	return byID, nil
}
