package db

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"parley/server/core"
)

// defaultLimit is the page size of a list asked for with no (or a negative)
// limit: no list is unbounded.
const defaultLimit = 50

// tx implements core.Tx on a connection inside a transaction. In a group
// commit several tx values share the transaction, each inside its own
// savepoint.
type tx struct {
	db       *DB  // set for write transactions: the writer's counters
	readOnly bool // a Read: statements that write are refused

	cache   *messageCache // reads: where ListMessages finds loaded messages
	epoch   uint64        // reads: the cache's epoch before the snapshot
	changes *changes      // writes: which cached messages the batch touched
	// ctx is the caller's context, checked before every statement, so a
	// cancelled request stops at its next statement.
	ctx context.Context
	// run is the context handed to the driver: the caller's own for a read;
	// for a write one no single request can cancel (see DB.commit).
	run   context.Context
	c     *conn
	trace func(query string, args []any) // DB.trace
}

// check is called before every statement: it stops a cancelled request
// and shows the statement to a trace.
func (t *tx) check(query string, args []any) error {
	if t.trace != nil {
		t.trace(query, args)
	}
	if t.readOnly && writes(query) {
		return fmt.Errorf("db: a read transaction may not write: %.40s", strings.TrimSpace(query))
	}
	return t.ctx.Err()
}

// writes reports whether a statement changes the database. File readers
// also have query_only; the in-memory database shares its one connection
// with the writer, where toggling query_only would throw away every
// prepared statement, so this check stands guard there.
func writes(query string) bool {
	q := strings.TrimLeft(query, " \t\n")
	if len(q) < 6 {
		return false
	}
	switch strings.ToUpper(q[:6]) {
	case "INSERT", "UPDATE", "DELETE", "REPLAC", "CREATE", "DROP T", "ALTER ":
		return true
	}
	return false
}

var _ core.Tx = (*tx)(nil)

func (t *tx) get(dest any, query string, args ...any) error {
	if err := t.check(query, args); err != nil {
		return err
	}
	s, err := t.c.stmt(t.run, query)
	if err != nil {
		return err
	}
	return s.GetContext(t.run, dest, args...)
}

func (t *tx) sel(dest any, query string, args ...any) error {
	if err := t.check(query, args); err != nil {
		return err
	}
	s, err := t.c.stmt(t.run, query)
	if err != nil {
		return err
	}
	return s.SelectContext(t.run, dest, args...)
}

// selIn is sel for a query with "IN (?)" placeholders that take slices.
func (t *tx) selIn(dest any, query string, args ...any) error {
	query, args, err := sqlx.In(query, args...)
	if err != nil {
		return err
	}
	return t.sel(dest, query, args...)
}

// scan reads one row's columns into dest.
func (t *tx) scan(query string, args []any, dest ...any) error {
	if err := t.check(query, args); err != nil {
		return err
	}
	s, err := t.c.stmt(t.run, query)
	if err != nil {
		return err
	}
	return s.QueryRowContext(t.run, args...).Scan(dest...)
}

// getIn is get for a query with "IN (?)" placeholders that take slices.
func (t *tx) getIn(dest any, query string, args ...any) error {
	query, args, err := sqlx.In(query, args...)
	if err != nil {
		return err
	}
	return t.get(dest, query, args...)
}

func (t *tx) exec(query string, args ...any) (sql.Result, error) {
	if err := t.check(query, args); err != nil {
		return nil, err
	}
	return t.c.exec(t.run, query, args...)
}

// changed reports whether a statement touched a row.
func changed(op string, res sql.Result, err error) (bool, error) {
	if err != nil {
		return false, dbErr(op, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, dbErr(op, err)
	}
	return n > 0, nil
}

// one reads a single row into dest; no row is ENOTFOUND with text missing.
func (t *tx) one(op, missing string, dest any, query string, args ...any) error {
	err := t.get(dest, query, args...)
	if errors.Is(err, sql.ErrNoRows) {
		return core.Errorf(core.ENOTFOUND, "%s", missing)
	}
	return dbErr(op, err)
}

// change runs a statement that must touch a row; none is ENOTFOUND.
func (t *tx) change(op, missing string, query string, args ...any) error {
	res, err := t.exec(query, args...)
	if err != nil {
		return dbErr(op, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return dbErr(op, err)
	}
	if n == 0 {
		return core.Errorf(core.ENOTFOUND, "%s", missing)
	}
	return nil
}

// insertWithID runs an INSERT ... RETURNING pk, id whose id is the caller's
// when given and else its new pk in decimal (see nextPK, idSQL), and sets *pk and *id.
// If a client-chosen id already holds that decimal, it tries "<pk>-1",
// "<pk>-2", ... rather than failing for good.
func (t *tx) insertWithID(op string, pk *int64, id *string, query string, args func(attempt int) []any) error {
	for attempt := 0; ; attempt++ {
		err := t.scan(query, args(attempt), pk, id)
		if err == nil || *id != "" || attempt >= 8 || !isIDConflict(err) {
			return dbErr(op, err)
		}
	}
}

// nextPK selects, as n, the pk an INSERT gives its row when it names the
// table's next pk itself, so that the default id can be that pk in decimal:
// one past the highest key the table ever gave (see lastKey).
func nextPK(table string) string { return `(SELECT ` + lastKey(table) + ` + 1 AS n)` }

// lastKey is the highest key an AUTOINCREMENT table ever gave, deleted rows
// included: SQLite keeps it in sqlite_sequence (a few rows), and raises it
// on every insert, explicit keys too. MAX(pk) covers a table whose counter
// is missing.
func lastKey(table string) string {
	return `MAX(IFNULL((SELECT seq FROM sqlite_sequence WHERE name = '` + table + `'), 0),
		IFNULL((SELECT MAX(pk) FROM ` + table + `), 0))`
}

// idSQL is the id expression of an INSERT that selects from nextPK: the
// caller's id (first and second arguments), or else the new pk in decimal,
// or "<pk>-<random>" on a retry (third and fourth arguments).
const idSQL = `CASE WHEN ? <> '' THEN ? WHEN ? = 0 THEN CAST(n AS TEXT) ELSE n || '-' || ? END`

// idArgs are the arguments of idSQL.
func idArgs(id string, attempt int) []any { return []any{id, id, attempt, retrySuffix(attempt)} }

// retrySuffix is what a generated id gets when a client already chose the
// plain key for its own row: random, so that no client can claim the
// fallbacks ahead of time and make another user's write fail (a guessable
// "<pk>-1", "<pk>-2" could all be squatted).
func retrySuffix(attempt int) string {
	if attempt == 0 {
		return ""
	}
	b := make([]byte, 6)
	if _, err := rand.Read(b); err != nil {
		panic("db: crypto/rand failed: " + err.Error())
	}
	return hex.EncodeToString(b)
}

// page returns the LIMIT and OFFSET of p, with the default limit.
func page(skip, limit int) (int, int) {
	if limit <= 0 {
		limit = defaultLimit
	}
	return limit, max(skip, 0)
}

// qualify prefixes each of a comma-separated column list with alias a.
func qualify(a, columns string) string {
	return a + "." + strings.ReplaceAll(columns, ", ", ", "+a+".")
}

// ms is t as unix milliseconds, for a NOT NULL time column.
func ms(t time.Time) int64 { return t.UnixMilli() }

// optMS is t as unix milliseconds, NULL for the zero time.
func optMS(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UnixMilli()
}

// fromMS turns a time column back into a UTC time.
func fromMS(v int64) time.Time { return time.UnixMilli(v).UTC() }

// fromOptMS turns an optional time column back: NULL is the zero time.
func fromOptMS(v sql.NullInt64) time.Time {
	if !v.Valid {
		return time.Time{}
	}
	return fromMS(v.Int64)
}

// optPK is a reference column: NULL for 0.
func optPK(pk int64) any {
	if pk == 0 {
		return nil
	}
	return pk
}

// optText is NULL for "".
func optText(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// jsonText stores raw JSON as TEXT: NULL for nil.
func jsonText(b []byte) any {
	if b == nil {
		return nil
	}
	return string(b)
}

// tagsText stores tags as a JSON array: NULL for none.
func tagsText(tags []string) any {
	if len(tags) == 0 {
		return nil
	}
	b, _ := json.Marshal(tags) // a []string always marshals
	return string(b)
}

// fromTags reads a tags column back.
func fromTags(s sql.NullString) ([]string, error) {
	if !s.Valid || s.String == "" {
		return nil, nil
	}
	var tags []string
	err := json.Unmarshal([]byte(s.String), &tags)
	return tags, err
}

// bit is a boolean column's value.
func bit(b bool) int {
	if b {
		return 1
	}
	return 0
}

// decimal is a pk as a text id.
func decimal(pk int64) string { return strconv.FormatInt(pk, 10) }
