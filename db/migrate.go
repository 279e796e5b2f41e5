package db

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/jmoiron/sqlx"
)

// upgrades are the steps that bring a database made by an earlier build up
// to date, in order: upgrades[i] takes PRAGMA user_version i+1 to i+2. A
// step makes the changes that schema.sql cannot make on a database that
// already has the table: added columns (ALTER TABLE ADD COLUMN), changed
// constraints, rebuilt tables, dropped indexes whose definition changed.
// New tables, indexes and triggers need no step of their own: the upgrade
// runs schema.sql after the steps with every CREATE made IF NOT EXISTS.
//
// Changing schema.sql therefore means: append a step here (an empty one,
// nil, when the change only adds tables, indexes or triggers), and copy
// the new schema.sql to testdata/schema/<new version>.sql. TestUpgrade
// opens a database of every schema in testdata/schema and fails when its
// upgrade does not end with what schema.sql makes.
var upgrades = [...]func(ctx context.Context, tx *sqlx.Tx) error{
	from1,
	nil, // 2 to 3: app_retention
	nil, // 3 to 4: team_channel_reads
}

// schemaVersion is the PRAGMA user_version that schema.sql produces.
const schemaVersion = 1 + len(upgrades)

// migrate applies the schema to a new database (user_version 0), or
// upgrades a database of an earlier version, in one transaction with the
// version bump: an upgrade that fails leaves the database as it was.
func (db *DB) migrate(ctx context.Context, schema string) error {
	tx, err := db.writer.BeginTxx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var version int
	if err := tx.GetContext(ctx, &version, `PRAGMA user_version`); err != nil {
		return fmt.Errorf("read schema version: %w", err)
	}
	switch {
	case version == schemaVersion:
		return nil
	case version > schemaVersion:
		return fmt.Errorf("schema version %d is newer than this program's %d", version, schemaVersion)
	case strings.TrimSpace(schema) == "":
		return errors.New("no schema")
	case version == 0:
		if _, err := tx.ExecContext(ctx, schema); err != nil {
			return fmt.Errorf("apply schema: %w", err)
		}
	default:
		if err := upgrade(ctx, tx, version, schema); err != nil {
			return fmt.Errorf("upgrade schema version %d to %d: %w", version, schemaVersion, err)
		}
	}
	if _, err := tx.ExecContext(ctx, fmt.Sprintf(`PRAGMA user_version = %d`, schemaVersion)); err != nil {
		return fmt.Errorf("set schema version: %w", err)
	}
	return tx.Commit()
}

// upgrade runs the steps from version on, then schema.sql with IF NOT
// EXISTS (which makes the tables, indexes and triggers the database
// lacks), and fills the full-text index if the upgrade made it.
func upgrade(ctx context.Context, tx *sqlx.Tx, version int, schema string) error {
	for i, step := range upgrades[version-1:] {
		if step == nil {
			continue
		}
		if err := step(ctx, tx); err != nil {
			return fmt.Errorf("step %d to %d: %w", version+i, version+i+1, err)
		}
	}
	hadFTS, err := hasTable(ctx, tx, "messages_fts")
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, ifNotExists(schema)); err != nil {
		return fmt.Errorf("apply schema: %w", err)
	}
	if !hadFTS {
		// The same rows the messages_fts triggers index: not recalled, with text.
		if _, err := tx.ExecContext(ctx, `INSERT INTO messages_fts (rowid, body)
			SELECT pk, body FROM messages WHERE deleted_at IS NULL AND body <> ''`); err != nil {
			return fmt.Errorf("fill the full-text index: %w", err)
		}
	}
	return nil
}

// creates finds the CREATE statements of schema.sql (each starts a line).
var creates = regexp.MustCompile(`(?mi)^(CREATE\s+(?:UNIQUE\s+)?(?:TABLE|INDEX|TRIGGER|VIEW|VIRTUAL\s+TABLE)\s+)(?:IF\s+NOT\s+EXISTS\s+)?`)

// ifNotExists makes every CREATE of schema skip what already exists.
func ifNotExists(schema string) string {
	return creates.ReplaceAllString(schema, "${1}IF NOT EXISTS ")
}

// from1 takes a database of version 1 to version 2. Version 1 changed in
// place before the first release, so what such a database holds depends on
// the build that made it: each change looks before it acts.
func from1(ctx context.Context, tx *sqlx.Tx) error {
	if ok, err := hasColumn(ctx, tx, "messages", "seq"); err != nil {
		return err
	} else if !ok {
		// Message sequence numbers came with keys that are never reused:
		// no step can give an older database those.
		return errors.New("the database was made by an earlier pre-release build (no message sequence numbers); move it away and start again")
	}
	for _, c := range []struct{ table, column, def string }{
		{"admin_tokens", "origin", `TEXT NOT NULL DEFAULT 'start' CHECK (origin IN ('start', 'flag', 'api'))`},
		{"files", "thumb_key", `TEXT NOT NULL DEFAULT ''`},
		{"files", "thumb_mime", `TEXT NOT NULL DEFAULT ''`},
		{"files", "thumb_size", `INTEGER NOT NULL DEFAULT 0`},
		{"files", "thumb_width", `INTEGER NOT NULL DEFAULT 0`},
		{"files", "thumb_height", `INTEGER NOT NULL DEFAULT 0`},
		{"messages", "dialect", `TEXT NOT NULL DEFAULT ''`},
		{"messages", "flag_count", `INTEGER NOT NULL DEFAULT 0`},
	} {
		if err := addColumn(ctx, tx, c.table, c.column, c.def); err != nil {
			return err
		}
	}
	// App.net channels widened the kinds of conversation.
	var sql string
	if err := tx.GetContext(ctx, &sql, `SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = 'conversations'`); err != nil {
		return fmt.Errorf("read conversations: %w", err)
	}
	if !strings.Contains(sql, "'channel'") {
		if _, err := tx.ExecContext(ctx, `ALTER TABLE conversations DROP CONSTRAINT conversation_kind;
			ALTER TABLE conversations ADD CONSTRAINT conversation_kind
				CHECK (kind IN ('direct', 'group', 'public', 'open', 'broadcast', 'channel'))`); err != nil {
			return fmt.Errorf("widen conversation kinds: %w", err)
		}
	}
	// team_channels came to carry its app (the search scope's index): the
	// column is NOT NULL, which ADD COLUMN cannot fill, so the table is
	// made anew (nothing refers to it; its index comes back with schema.sql).
	has, err := hasTable(ctx, tx, "team_channels")
	if err != nil {
		return err
	}
	if ok, err := hasColumn(ctx, tx, "team_channels", "app_pk"); err != nil {
		return err
	} else if has && !ok {
		if _, err := tx.ExecContext(ctx, `
			CREATE TABLE team_channels_new (
				conversation_pk   INTEGER PRIMARY KEY REFERENCES conversations (pk) ON DELETE CASCADE,
				app_pk            INTEGER NOT NULL REFERENCES apps (pk) ON DELETE CASCADE,
				description       TEXT    NOT NULL DEFAULT '',
				members_inherited INTEGER NOT NULL DEFAULT 0 CHECK (members_inherited IN (0, 1))
			);
			INSERT INTO team_channels_new (conversation_pk, app_pk, description, members_inherited)
				SELECT t.conversation_pk, c.app_pk, t.description, t.members_inherited
				FROM team_channels t JOIN conversations c ON c.pk = t.conversation_pk;
			DROP TABLE team_channels;
			ALTER TABLE team_channels_new RENAME TO team_channels`); err != nil {
			return fmt.Errorf("rebuild team_channels: %w", err)
		}
	}
	// The full-text table gained prefix indexes: an older one is dropped,
	// and the upgrade makes and fills it anew.
	sql = ""
	if err := tx.GetContext(ctx, &sql, `SELECT IFNULL(MAX(sql), '') FROM sqlite_schema WHERE type = 'table' AND name = 'messages_fts'`); err != nil {
		return fmt.Errorf("read messages_fts: %w", err)
	}
	if sql != "" && !strings.Contains(sql, "prefix") {
		if _, err := tx.ExecContext(ctx, `DROP TABLE messages_fts`); err != nil {
			return fmt.Errorf("drop messages_fts: %w", err)
		}
	}
	return nil
}

// addColumn adds a column to a table that exists and lacks it.
func addColumn(ctx context.Context, tx *sqlx.Tx, table, column, def string) error {
	has, err := hasTable(ctx, tx, table)
	if err != nil || !has {
		return err
	}
	if has, err = hasColumn(ctx, tx, table, column); err != nil || has {
		return err
	}
	if _, err := tx.ExecContext(ctx, `ALTER TABLE `+table+` ADD COLUMN `+column+` `+def); err != nil {
		return fmt.Errorf("add %s.%s: %w", table, column, err)
	}
	return nil
}

// hasTable reports whether the database has the table.
func hasTable(ctx context.Context, tx *sqlx.Tx, table string) (bool, error) {
	var ok bool
	err := tx.GetContext(ctx, &ok, `SELECT EXISTS (SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?)`, table)
	if err != nil {
		return false, fmt.Errorf("read schema: %w", err)
	}
	return ok, nil
}

// hasColumn reports whether the table has the column.
func hasColumn(ctx context.Context, tx *sqlx.Tx, table, column string) (bool, error) {
	var ok bool
	err := tx.GetContext(ctx, &ok, `SELECT EXISTS (SELECT 1 FROM pragma_table_info(?) WHERE name = ?)`, table, column)
	if err != nil {
		return false, fmt.Errorf("read schema: %w", err)
	}
	return ok, nil
}
