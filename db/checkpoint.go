package db

import (
	"context"
	"fmt"
	"log/slog"
	"time"
)

// checkpointEvery is how often the checkpointer copies the WAL back into
// the database file.
const checkpointEvery = 200 * time.Millisecond

// checkpointer copies committed WAL frames into the database file from its
// own connection, so that the fsync this takes never stalls the writer.
// PASSIVE never waits for readers or the writer; whatever it cannot copy
// now it copies next time, and SQLite starts the WAL over once all of it
// has been copied. At Close it truncates the WAL.
func (db *DB) checkpointer(every time.Duration) {
	defer close(db.checkpointDone)
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		select {
		case <-db.quit:
			if _, err := db.checkpoint(context.Background(), "TRUNCATE"); err != nil {
				slog.Warn("db: final checkpoint", "err", err)
			}
			return
		case <-tick.C:
			if _, err := db.checkpoint(context.Background(), "PASSIVE"); err != nil {
				slog.Warn("db: checkpoint", "err", err)
			}
		}
	}
}

// checkpoint runs one checkpoint of the given mode and returns how many
// WAL frames it left uncopied.
func (db *DB) checkpoint(ctx context.Context, mode string) (int, error) {
	var busy, log, done int
	row := db.checkpoints.QueryRowContext(ctx, `PRAGMA wal_checkpoint(`+mode+`)`)
	if err := row.Scan(&busy, &log, &done); err != nil {
		return 0, fmt.Errorf("db: checkpoint: %w", err)
	}
	return log - done, nil
}
