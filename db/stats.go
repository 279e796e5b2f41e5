package db

import (
	"context"
	"fmt"
	"os"

	"parley/server/core"
)

// Stats are the store's counters, for metrics.
type Stats struct {
	Batches     int64 // group-committed transactions so far
	Queued      int64 // Write calls waiting for or inside the writer now
	CacheHits   int64 // history-page messages served from the message cache
	CacheMisses int64 // history-page messages loaded from the database
}

// Stats returns the store's counters.
func (db *DB) Stats() Stats {
	return Stats{
		Batches:     db.batches.Load(),
		Queued:      db.pending.Load(),
		CacheHits:   db.cache.hits.Load(),
		CacheMisses: db.cache.misses.Load(),
	}
}

// Size returns the bytes the database takes: the file and its WAL for a
// file database, the pages of an in-memory one.
func (db *DB) Size(ctx context.Context) (int64, error) {
	if !db.memory {
		var size int64
		for _, p := range []string{db.path, db.path + "-wal"} {
			fi, err := os.Stat(p)
			if err == nil {
				size += fi.Size()
			} else if !os.IsNotExist(err) {
				return 0, fmt.Errorf("db: size: %w", err)
			}
		}
		return size, nil
	}
	var size int64
	err := db.Read(ctx, func(ct core.Tx) error {
		return ct.(*tx).get(&size, `SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()`)
	})
	if err != nil {
		return 0, fmt.Errorf("db: size: %w", err)
	}
	return size, nil
}
