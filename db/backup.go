package db

import (
	"context"
	"fmt"
	"os"

	"github.com/jmoiron/sqlx"
)

// Snapshot writes a consistent copy of the database file at path into dest
// (which must not exist) with VACUUM INTO, while a server may be writing to
// it: the copy is one read transaction's snapshot, so it holds every write
// committed before it began and none after. Copying the file itself is no
// backup: it misses what the WAL holds and may catch a page half-written.
func Snapshot(ctx context.Context, path, dest string) error {
	// Read-write, though nothing is written: a read-only connection
	// cannot open a WAL database whose server is not running. Checking
	// first keeps a wrong path from creating an empty database.
	if _, err := os.Stat(path); err != nil {
		return fmt.Errorf("db: snapshot: %w", err)
	}
	src, err := sqlx.Open("sqlite", "file:"+escapePath(path)+"?_pragma=busy_timeout(5000)")
	if err != nil {
		return fmt.Errorf("db: snapshot: %w", err)
	}
	defer src.Close()
	var version int
	if err := src.GetContext(ctx, &version, `PRAGMA user_version`); err != nil {
		return fmt.Errorf("db: snapshot: %s is not a Parley database: %w", path, err)
	}
	if version == 0 {
		return fmt.Errorf("db: snapshot: %s is not a Parley database", path)
	}
	if _, err := src.ExecContext(ctx, `VACUUM INTO ?`, dest); err != nil {
		return fmt.Errorf("db: snapshot: %w", err)
	}
	return nil
}
