package db

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/jmoiron/sqlx"
)

// maxStmts bounds the prepared statements a connection keeps. Queries are
// static text or built from a few filters and IN-list lengths, so a
// working set stays well below it.
const maxStmts = 512

// conn is one SQLite connection, pinned for the DB's whole life, with the
// statements prepared on it. Parsing and planning a statement costs more
// than running it (the INSERT into messages most of all), so each query
// text is prepared once per connection. Only one goroutine uses a conn at
// a time: the writer goroutine, or a Read that took it from the pool.
type conn struct {
	c     *sqlx.Conn
	stmts map[string]*sqlx.Stmt
}

// pin takes a connection out of d's pool for good.
func pin(ctx context.Context, d *sqlx.DB) (*conn, error) {
	c, err := d.Connx(ctx)
	if err != nil {
		return nil, err
	}
	return &conn{c: c, stmts: make(map[string]*sqlx.Stmt)}, nil
}

// stmt returns query prepared on the connection.
func (c *conn) stmt(ctx context.Context, query string) (*sqlx.Stmt, error) {
	if s, ok := c.stmts[query]; ok {
		return s, nil
	}
	s, err := c.c.PreparexContext(ctx, query)
	if err != nil {
		return nil, err
	}
	if len(c.stmts) >= maxStmts {
		for q, old := range c.stmts { // evict one at random
			old.Close()
			delete(c.stmts, q)
			break
		}
	}
	c.stmts[query] = s
	return s, nil
}

// exec runs a statement with no result rows, such as BEGIN or COMMIT.
func (c *conn) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	s, err := c.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	return s.ExecContext(ctx, args...)
}

// close closes the statements and gives the connection back to its pool
// (which the DB then closes).
func (c *conn) close() error {
	for _, s := range c.stmts {
		s.Close()
	}
	clear(c.stmts)
	if err := c.c.Close(); err != nil {
		return fmt.Errorf("db: close connection: %w", err)
	}
	return nil
}
