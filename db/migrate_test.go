package db_test

import (
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/jmoiron/sqlx"

	"parley/db"
	"parley/server/core"
)

// TestUpgrade opens a database made with each schema of testdata/schema
// (named <user_version>-<what>.sql: earlier schemas, and a copy of the
// current one) holding a few rows, and checks that Open upgrades it to
// what schema.sql makes, keeps its rows and fills the full-text index.
// A change to schema.sql without an upgrade step fails here: the copy of
// the current version no longer matches.
func TestUpgrade(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "schema", "*.sql"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no schemas in testdata/schema: %v", err)
	}
	fresh := filepath.Join(t.TempDir(), "fresh.db")
	MustOpenPath(t, fresh)
	want := schemaShape(t, fresh)
	current := false
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".sql")
		version, err := strconv.Atoi(strings.SplitN(name, "-", 2)[0])
		if err != nil {
			t.Fatalf("%s: the name does not start with a version", file)
		}
		current = current || version == db.SchemaVersion
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			old, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(t.TempDir(), "parley.db")
			teams := makeOldDatabase(t, path, string(old), version)

			d := MustOpenPath(t, path)
			if diff := diffShapes(schemaShape(t, path), want); diff != "" {
				if version == db.SchemaVersion {
					t.Fatalf("schema.sql changed without a new version: append a step to upgrades in db/migrate.go "+
						"and copy schema.sql to testdata/schema/%d.sql\n%s", db.SchemaVersion+1, diff)
				}
				t.Fatalf("the upgraded schema differs from schema.sql's (-upgraded +schema.sql):\n%s", diff)
			}
			read(t, d, func(tx core.Tx) error {
				app, err := tx.AppByID("demo")
				if err != nil {
					return err
				}
				for _, s := range []struct {
					word string
					want int
				}{{"hello", 1}, {"recalled", 0}} {
					got, err := tx.FullTextSearch(core.SearchFilter{AppPK: app.PK, AllConversations: true,
						Terms: []core.SearchTerm{{Text: s.word}}, Limit: 10})
					if err != nil {
						return err
					}
					if len(got) != s.want {
						t.Errorf("search %q: %d messages, want %d", s.word, len(got), s.want)
					}
				}
				if teams {
					info, err := tx.TeamChannel(2)
					if err != nil || info.Description != "talk" || !info.MembersInherited {
						t.Errorf("team channel = %+v, %v; want the one stored before the upgrade", info, err)
					}
				}
				return nil
			})
			write(t, d, func(tx core.Tx) error {
				app, err := tx.AppByID("demo")
				if err != nil {
					return err
				}
				// A kind, a column and a table that came after version 1.
				conv := &core.Conversation{AppPK: app.PK, Kind: core.KindChannel, CreatedAt: t0, UpdatedAt: t0}
				if err := tx.InsertConversation(conv); err != nil {
					return err
				}
				m := &core.Message{AppPK: app.PK, ConversationPK: conv.PK, Body: "hello again", Dialect: "appnet",
					CreatedAt: t0, ReceivedAt: t0, UpdatedAt: t0}
				if err := tx.InsertMessage(m); err != nil {
					return err
				}
				return tx.PutChannelAccess(conv.PK, &core.Access{Readers: core.ACL{AnyUser: true}})
			})
			raw := sqlx.MustOpen("sqlite", path)
			defer raw.Close()
			var got int
			var check string
			if err := raw.Get(&got, `PRAGMA user_version`); err != nil || got != db.SchemaVersion {
				t.Errorf("user_version = %d, %v; want %d", got, err, db.SchemaVersion)
			}
			if err := raw.Get(&check, `PRAGMA integrity_check`); err != nil || check != "ok" {
				t.Errorf("integrity_check = %q, %v", check, err)
			}
			var broken []string
			if err := raw.Select(&broken, `SELECT "table" FROM pragma_foreign_key_check`); err != nil || len(broken) > 0 {
				t.Errorf("foreign_key_check = %v, %v", broken, err)
			}
		})
	}
	if !current {
		t.Errorf("testdata/schema has no copy of the current schema, %d: copy schema.sql to testdata/schema/%d.sql", db.SchemaVersion, db.SchemaVersion)
	}
}

// makeOldDatabase makes a database at path with an earlier schema and a
// few rows that every version holds: an app, a user, a team with a group
// conversation (a team channel where the schema has them), a message and
// a recalled one. It reports whether it stored a team channel.
func makeOldDatabase(t *testing.T, path, schema string, version int) (teams bool) {
	t.Helper()
	raw := sqlx.MustOpen("sqlite", path+"?_pragma=foreign_keys(1)")
	defer raw.Close()
	exec := func(query string, args ...any) {
		t.Helper()
		if _, err := raw.Exec(query, args...); err != nil {
			t.Fatalf("%s: %v", strings.Fields(query)[:3], err)
		}
	}
	exec(schema)
	exec(fmt.Sprintf(`PRAGMA user_version = %d`, version))
	at := t0.UnixMilli()
	exec(`INSERT INTO apps (pk, id, public_key, secret_hash, created_at) VALUES (1, 'demo', 'pk', 'sh', ?)`, at)
	exec(`INSERT INTO users (pk, app_pk, id, created_at, updated_at) VALUES (1, 1, 'alice', ?, ?)`, at, at)
	exec(`INSERT INTO teams (pk, app_pk, id, created_at) VALUES (1, 1, 'crew', ?)`, at)
	exec(`INSERT INTO conversations (pk, app_pk, id, kind, team_pk, created_at, updated_at, last_activity_at)
		VALUES (2, 1, 'general', 'group', 1, ?, ?, ?)`, at, at, at)
	exec(`INSERT INTO messages (pk, app_pk, id, conversation_pk, seq, owner_pk, body, deleted_at, created_at, received_at, updated_at)
		VALUES (1, 1, 'm1', 2, 1, 1, 'hello world', NULL, ?, ?, ?), (2, 1, 'm2', 2, 2, 1, 'recalled words', ?, ?, ?, ?)`,
		at, at, at, at, at, at, at)
	var columns []string
	if err := raw.Select(&columns, `SELECT name FROM pragma_table_info('team_channels')`); err != nil {
		t.Fatal(err)
	}
	switch {
	case len(columns) == 0:
		return false
	case slices.Contains(columns, "app_pk"):
		exec(`INSERT INTO team_channels (conversation_pk, app_pk, description, members_inherited) VALUES (2, 1, 'talk', 1)`)
	default:
		exec(`INSERT INTO team_channels (conversation_pk, description, members_inherited) VALUES (2, 'talk', 1)`)
	}
	return true
}

// schemaShape describes the schema of the database at path, a line per
// fact, by object: a table's columns (in any order, since ADD COLUMN
// appends), foreign keys, CHECK constraints and indexes on keys; the SQL
// of every index, trigger and view.
func schemaShape(t *testing.T, path string) map[string][]string {
	t.Helper()
	raw := sqlx.MustOpen("sqlite", path)
	defer raw.Close()
	var objects []struct {
		Type string `db:"type"`
		Name string `db:"name"`
		SQL  string `db:"sql"`
	}
	if err := raw.Select(&objects, `SELECT type, name, IFNULL(sql, '') AS sql FROM sqlite_schema
		WHERE name NOT LIKE 'sqlite_%'`); err != nil {
		t.Fatal(err)
	}
	shape := map[string][]string{}
	facts := func(key, query string, args ...any) {
		rows, err := raw.Queryx(query, args...)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		for rows.Next() {
			cols, err := rows.SliceScan()
			if err != nil {
				t.Fatal(err)
			}
			shape[key] = append(shape[key], strings.TrimSpace(fmt.Sprintln(cols...)))
		}
	}
	for _, o := range objects {
		key := o.Type + " " + o.Name
		if o.Type != "table" || strings.Contains(o.SQL, "VIRTUAL TABLE") {
			shape[key] = []string{strings.Join(strings.Fields(o.SQL), " ")}
			continue
		}
		facts(key, `SELECT 'column', name, type, "notnull", IFNULL(dflt_value, 'NULL'), pk, hidden FROM pragma_table_xinfo(?)`, o.Name)
		facts(key, `SELECT 'references', "table", "from", IFNULL("to", ''), on_update, on_delete FROM pragma_foreign_key_list(?)`, o.Name)
		facts(key, `SELECT 'key', l."unique", l.origin, group_concat(i.name) FROM pragma_index_list(?) l, pragma_index_info(l.name) i
			WHERE l.origin <> 'c' GROUP BY l.name`, o.Name)
		for _, c := range checks(o.SQL) {
			shape[key] = append(shape[key], "check "+c)
		}
		slices.Sort(shape[key])
	}
	return shape
}

// checks returns the CHECK constraints of a CREATE TABLE statement.
func checks(sql string) []string {
	var out []string
	for {
		i := strings.Index(sql, "CHECK (")
		if i < 0 {
			return out
		}
		sql = sql[i+len("CHECK "):]
		depth, end := 0, len(sql)
		for j, r := range sql {
			if r == '(' {
				depth++
			} else if r == ')' {
				if depth--; depth == 0 {
					end = j + 1
					break
				}
			}
		}
		out = append(out, strings.Join(strings.Fields(sql[:end]), " "))
		sql = sql[end:]
	}
}

// diffShapes lists what got has and want lacks (-) and the reverse (+).
func diffShapes(got, want map[string][]string) string {
	var b strings.Builder
	keys := map[string]bool{}
	for k := range got {
		keys[k] = true
	}
	for k := range want {
		keys[k] = true
	}
	for _, k := range slices.Sorted(maps.Keys(keys)) {
		for _, f := range got[k] {
			if !slices.Contains(want[k], f) {
				fmt.Fprintf(&b, "- %s: %s\n", k, f)
			}
		}
		for _, f := range want[k] {
			if !slices.Contains(got[k], f) {
				fmt.Fprintf(&b, "+ %s: %s\n", k, f)
			}
		}
	}
	return b.String()
}
