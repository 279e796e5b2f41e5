package db_test

import (
	"context"
	"errors"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"parley/db"
	"parley/server/core"
)

// schema returns ../schema.sql.
func schema(tb testing.TB) string { return db.SchemaText(tb) }

// MustOpen returns a new in-memory database, closed when the test ends.
func MustOpen(tb testing.TB) *db.DB {
	tb.Helper()
	return MustOpenPath(tb, db.Memory)
}

// MustOpenPath opens the database at path, closed when the test ends.
func MustOpenPath(tb testing.TB, path string) *db.DB {
	tb.Helper()
	d, err := db.Open(context.Background(), db.Options{Path: path, Schema: schema(tb)})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		if err := d.Close(); err != nil {
			tb.Error(err)
		}
	})
	return d
}

// stores are the two kinds of database every behaviour test runs on.
func stores(t *testing.T, run func(t *testing.T, d *db.DB)) {
	t.Run("Memory", func(t *testing.T) { t.Parallel(); run(t, MustOpen(t)) })
	t.Run("File", func(t *testing.T) {
		t.Parallel()
		run(t, MustOpenPath(t, filepath.Join(t.TempDir(), "sub", "parley.db")))
	})
}

// write runs fn in a write transaction and fails the test on error.
func write(tb testing.TB, d *db.DB, fn func(core.Tx) error) {
	tb.Helper()
	if err := d.Write(context.Background(), fn); err != nil {
		tb.Fatal(err)
	}
}

// read runs fn in a read transaction and fails the test on error.
func read(tb testing.TB, d *db.DB, fn func(core.Tx) error) {
	tb.Helper()
	if err := d.Read(context.Background(), fn); err != nil {
		tb.Fatal(err)
	}
}

// wantCode fails the test unless err carries the core error code.
func wantCode(tb testing.TB, err error, code string) {
	tb.Helper()
	if got := core.ErrorCode(err); got != code {
		tb.Fatalf("error code = %q (%v), want %q", got, err, code)
	}
}

var t0 = time.Date(2024, 5, 6, 7, 8, 9, 123e6, time.UTC)

func TestOpen(t *testing.T) {
	t.Run("FileReopenKeepsData", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "a", "b", "parley.db")
		opts := db.Options{Path: path, Schema: schema(t), Readers: 2}
		d, err := db.Open(context.Background(), opts)
		if err != nil {
			t.Fatal(err)
		}
		write(t, d, func(tx core.Tx) error {
			return tx.InsertApp(&core.App{ID: "demo", PublicKey: "pk", CreatedAt: t0}, "sh")
		})
		if err := d.Close(); err != nil {
			t.Fatal(err)
		}
		// Reopening must not apply the schema again (it would fail on
		// the existing tables) and must keep the data.
		d, err = db.Open(context.Background(), opts)
		if err != nil {
			t.Fatal(err)
		}
		defer d.Close()
		read(t, d, func(tx core.Tx) error {
			a, err := tx.AppByID("demo")
			if err != nil {
				return err
			}
			if a.PublicKey != "pk" || !a.CreatedAt.Equal(t0) {
				t.Errorf("app = %+v", a)
			}
			return nil
		})
		raw := sqlx.MustOpen("sqlite", path)
		defer raw.Close()
		var version int
		var mode string
		if err := raw.Get(&version, `PRAGMA user_version`); err != nil {
			t.Fatal(err)
		}
		if err := raw.Get(&mode, `PRAGMA journal_mode`); err != nil {
			t.Fatal(err)
		}
		if version != db.SchemaVersion || mode != "wal" {
			t.Errorf("user_version, journal_mode = %d, %q; want %d, wal", version, mode, db.SchemaVersion)
		}
	})
	t.Run("ErrNewerSchema", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "parley.db")
		raw := sqlx.MustOpen("sqlite", path)
		raw.MustExec(`PRAGMA user_version = 7`)
		raw.Close()
		_, err := db.Open(context.Background(), db.Options{Path: path, Schema: schema(t)})
		if err == nil {
			t.Fatal("Open succeeded on a newer schema")
		}
	})
	t.Run("ErrPreReleaseSchema", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "parley.db")
		raw := sqlx.MustOpen("sqlite", path)
		raw.MustExec(`CREATE TABLE messages (pk INTEGER PRIMARY KEY); PRAGMA user_version = 1`)
		raw.Close()
		_, err := db.Open(context.Background(), db.Options{Path: path, Schema: schema(t)})
		if err == nil || !strings.Contains(err.Error(), "earlier pre-release build") {
			t.Fatalf("Open of a database without message sequence numbers: %v", err)
		}
	})
	t.Run("ErrBadSchema", func(t *testing.T) {
		_, err := db.Open(context.Background(), db.Options{Path: db.Memory, Schema: "CREATE TABLE ("})
		if err == nil {
			t.Fatal("Open succeeded with a broken schema")
		}
	})
	t.Run("ErrNoPath", func(t *testing.T) {
		if _, err := db.Open(context.Background(), db.Options{Schema: schema(t)}); err == nil {
			t.Fatal("Open succeeded without a path")
		}
	})
	t.Run("ReadOnly", func(t *testing.T) {
		stores(t, func(t *testing.T, d *db.DB) {
			err := d.Read(context.Background(), func(tx core.Tx) error {
				return tx.InsertAdminToken("h", t0)
			})
			if err == nil {
				t.Fatal("a read transaction could write")
			}
			// The connection still works (for :memory:, it writes again).
			write(t, d, func(tx core.Tx) error { return tx.InsertAdminToken("h", t0) })
			read(t, d, func(tx core.Tx) error {
				n, err := tx.CountAdminTokens()
				if n != 1 {
					t.Errorf("admin tokens = %d, want 1", n)
				}
				return err
			})
		})
	})
}

func TestWrite(t *testing.T) {
	stores(t, func(t *testing.T, d *db.DB) {
		var app core.App
		write(t, d, func(tx core.Tx) error {
			app = core.App{ID: "demo", PublicKey: "pk", CreatedAt: t0}
			return tx.InsertApp(&app, "sh")
		})

		// Many concurrent writers: every third fails after inserting, every
		// seventh panics; the others' users must all land.
		const n = 120
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs[i] = d.Write(context.Background(), func(tx core.Tx) error {
					u := &core.User{AppPK: app.PK, ID: "u" + strconv.Itoa(i), CreatedAt: t0, UpdatedAt: t0}
					if err := tx.InsertUser(u, ""); err != nil {
						return err
					}
					switch {
					case i%7 == 0:
						panic("boom")
					case i%3 == 0:
						return core.Errorf(core.EINVALID, "no thanks")
					}
					return nil
				})
			}()
		}
		wg.Wait()
		want := 0
		for i, err := range errs {
			switch {
			case i%7 == 0:
				wantCode(t, err, core.EINTERNAL)
			case i%3 == 0:
				wantCode(t, err, core.EINVALID)
			default:
				if err != nil {
					t.Fatalf("write %d: %v", i, err)
				}
				want++
			}
		}
		read(t, d, func(tx core.Tx) error {
			us, err := tx.ListUsers(app.PK, core.Page{Limit: 1000})
			if err != nil {
				return err
			}
			if len(us) != want {
				t.Errorf("users = %d, want %d", len(us), want)
			}
			for _, u := range us {
				i, _ := strconv.Atoi(u.ID[1:])
				if i%7 == 0 || i%3 == 0 {
					t.Errorf("user %s of a failed write was kept", u.ID)
				}
			}
			return nil
		})
	})
}

// TestGroupCommit holds the writer in a first write while others queue up:
// the queued writes then share one transaction.
func TestGroupCommit(t *testing.T) {
	stores(t, func(t *testing.T, d *db.DB) {
		started, release := make(chan struct{}), make(chan struct{})
		first := make(chan error, 1)
		go func() {
			first <- d.Write(context.Background(), func(tx core.Tx) error {
				close(started)
				<-release
				return tx.InsertAdminToken("first", t0)
			})
		}()
		<-started
		before := db.Batches(d)
		const n = 20
		var wg sync.WaitGroup
		errs := make(chan error, n)
		for i := range n {
			wg.Go(func() {
				errs <- d.Write(context.Background(), func(tx core.Tx) error {
					return tx.InsertAdminToken("t"+strconv.Itoa(i), t0)
				})
			})
		}
		time.Sleep(100 * time.Millisecond) // let them queue
		close(release)
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		if err := <-first; err != nil {
			t.Fatal(err)
		}
		t.Logf("%d queued writes took %d transactions", n, db.Batches(d)-before)
		if got := db.Batches(d) - before; got > 3 {
			t.Errorf("%d queued writes took %d transactions, want them grouped", n, got)
		}
		read(t, d, func(tx core.Tx) error {
			got, err := tx.CountAdminTokens()
			if got != n+1 {
				t.Errorf("admin tokens = %d, want %d", got, n+1)
			}
			return err
		})
	})
}

func TestWriteContext(t *testing.T) {
	d := MustOpen(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	ran := false
	err := d.Write(ctx, func(core.Tx) error { ran = true; return nil })
	if !errors.Is(err, context.Canceled) || ran {
		t.Fatalf("Write on a done context = %v (ran %v), want context.Canceled without running", err, ran)
	}

	// A context cancelled while fn runs stops fn's next statement and
	// undoes fn's work only.
	ctx, cancel = context.WithCancel(context.Background())
	err = d.Write(ctx, func(tx core.Tx) error {
		if err := tx.InsertAdminToken("a", t0); err != nil {
			return err
		}
		cancel()
		return tx.InsertAdminToken("b", t0)
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Write cancelled midway = %v, want context.Canceled", err)
	}
	read(t, d, func(tx core.Tx) error {
		n, err := tx.CountAdminTokens()
		if n != 0 {
			t.Errorf("admin tokens = %d, want 0", n)
		}
		return err
	})
}

func TestClose(t *testing.T) {
	d, err := db.Open(context.Background(), db.Options{Path: db.Memory, Schema: schema(t)})
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}
	if err := d.Close(); err != nil {
		t.Fatalf("second Close = %v", err)
	}
	if err := d.Write(context.Background(), func(core.Tx) error { return nil }); !errors.Is(err, db.ErrClosed) {
		t.Fatalf("Write after Close = %v, want ErrClosed", err)
	}
	if err := d.Read(context.Background(), func(core.Tx) error { return nil }); !errors.Is(err, db.ErrClosed) {
		t.Fatalf("Read after Close = %v, want ErrClosed", err)
	}
}
