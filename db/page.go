package db

import (
	"database/sql"
	"errors"
	"strings"

	"parley/server/core"
)

// keyset is a list's order in SQL: the columns that order it (the last one
// unique), all running the same way, descending when desc.
type keyset struct {
	cols string // e.g. "mb.joined_at, mb.rowid"
	desc bool
}

// window returns the WHERE terms that keep the rows between the cursors'
// key values (nil: no bound) and the ORDER BY ... LIMIT ... OFFSET ... that
// reads p's page, with their arguments. Row values compare the whole key,
// so the page starts exactly after the cursor row, ties included.
func (k keyset) window(p core.Page, after, before []any) (where []string, whereArgs []any, tail string, tailArgs []any) {
	later, earlier := ">", "<"
	if k.desc {
		later, earlier = earlier, later
	}
	if after != nil {
		where = append(where, `(`+k.cols+`) `+later+` (`+placeholders(len(after))+`)`)
		whereArgs = append(whereArgs, after...)
	}
	if before != nil {
		where = append(where, `(`+k.cols+`) `+earlier+` (`+placeholders(len(before))+`)`)
		whereArgs = append(whereArgs, before...)
	}
	dir := ` ASC`
	if k.desc != p.Reverse {
		dir = ` DESC`
	}
	cols := strings.Split(k.cols, ", ")
	limit, skip := page(p.Skip, p.Limit)
	return where, whereArgs, ` ORDER BY ` + strings.Join(cols, dir+`, `) + dir + ` LIMIT ? OFFSET ?`, []any{limit, skip}
}

// placeholders is n comma-separated "?".
func placeholders(n int) string { return strings.TrimSuffix(strings.Repeat("?, ", n), ", ") }

// cursors reads the n key values of p's cursors, each with the query
// that cursor(id) returns (it selects the key columns of the row the id
// names); an unknown cursor is EINVALID.
func (t *tx) cursors(p core.Page, n int, cursor func(id string) (string, []any)) (after, before []any, err error) {
	read := func(field, id string) ([]any, error) {
		if id == "" {
			return nil, nil
		}
		vals := make([]int64, n)
		dest := make([]any, n)
		for i := range vals {
			dest[i] = &vals[i]
		}
		query, args := cursor(id)
		err := t.scan(query, args, dest...)
		if errors.Is(err, sql.ErrNoRows) {
			return nil, core.Invalidf(field, "unknown %s cursor %q", field, id)
		}
		if err != nil {
			return nil, dbErr("read cursor", err)
		}
		out := make([]any, n)
		for i, v := range vals {
			out[i] = v
		}
		return out, nil
	}
	if after, err = read("after", p.After); err != nil {
		return nil, nil, err
	}
	before, err = read("before", p.Before)
	return after, before, err
}

// andWhere joins terms after a WHERE clause that has some already.
func andWhere(terms []string) string {
	if len(terms) == 0 {
		return ""
	}
	return ` AND ` + strings.Join(terms, ` AND `)
}
