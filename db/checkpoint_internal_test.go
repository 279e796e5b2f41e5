package db

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"parley/server/core"
)

// schemaText returns ../schema.sql, found from this file's place (embed
// cannot reach a parent folder).
func schemaText(tb testing.TB) string {
	tb.Helper()
	_, file, _, _ := runtime.Caller(0)
	b, err := os.ReadFile(filepath.Join(filepath.Dir(file), "..", "schema.sql"))
	if err != nil {
		tb.Fatal(err)
	}
	return string(b)
}

// TestCheckpointsOffTheWriter: the writer never checkpoints (its fsyncs
// would stall every write); the checkpointer copies the WAL back, and Close
// leaves an empty WAL.
func TestCheckpointsOffTheWriter(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "p.db")
	d, err := Open(ctx, Options{Path: path, Schema: schemaText(t)})
	if err != nil {
		t.Fatal(err)
	}
	c := <-d.writeConn
	var auto int
	err = c.c.QueryRowxContext(ctx, `PRAGMA wal_autocheckpoint`).Scan(&auto)
	d.writeConn <- c
	if err != nil || auto != 0 {
		t.Fatalf("writer wal_autocheckpoint = %d (%v), want 0", auto, err)
	}
	for i := range 50 {
		err := d.Write(ctx, func(tx core.Tx) error {
			return tx.InsertAdminToken(string(rune('a'+i%26))+time.Duration(i).String(), time.Unix(0, 0))
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	left, err := d.checkpoint(ctx, "PASSIVE")
	if err != nil || left != 0 {
		t.Fatalf("checkpoint left %d frames (%v), want 0", left, err)
	}
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(path + "-wal"); err == nil && fi.Size() != 0 {
		t.Fatalf("WAL after Close: %d bytes, want 0", fi.Size())
	}
}
