// Package db implements core.Store on SQLite (modernc.org/sqlite, no cgo)
// with sqlx: one writer connection fed by a group-committing goroutine, and
// a pool of read-only connections. SQL lives beside the Go that runs it,
// one file per table.
package db

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/jmoiron/sqlx"
	_ "modernc.org/sqlite" // the "sqlite" driver

	"parley/server/core"
)

// Memory is the Path of an ephemeral database that lives and dies with the DB.
const Memory = ":memory:"

// ErrClosed is returned by Read and Write once Close has been called.
var ErrClosed = errors.New("db: closed")

// Options configure Open.
type Options struct {
	// Path is the database file, created with its folder if missing, or
	// Memory (":memory:") for an ephemeral database on one connection.
	Path string
	// Schema is the text of schema.sql: applied to a new database, and run
	// again (every CREATE made IF NOT EXISTS) to upgrade an older one.
	Schema string
	// Readers is the number of read connections of a file database
	// (default 4).
	Readers int
	// CachedMessages bounds the message cache of history pages (0: 20,000;
	// negative: no cache).
	CachedMessages int
	// OnBatch, when set, is told the size of every group-committed batch
	// (by the writer goroutine: it must be quick).
	OnBatch func(writes int)
}

// DB is an open database. It implements core.Store: Read runs on one of the
// reader connections, Write hands its function to the writer goroutine,
// which commits concurrent writes together (see Write).
type DB struct {
	writer  *sqlx.DB
	readers *sqlx.DB // the writer itself for an in-memory database
	memory  bool
	path    string

	// The pinned connections, each in a channel while no one uses it. An
	// in-memory database has one connection, and both are the same channel.
	writeConn chan *conn // capacity 1
	readConns chan *conn // capacity: the number of readers

	// trace, when set (by tests), sees every query a tx runs.
	trace func(query string, args []any)

	// msgSeq is the last message key handed out; only the writer goroutine
	// touches it (0: not read from the table yet).
	msgSeq int64

	cache *messageCache
	// creds is the core's cache of verified credentials: this process alone
	// writes the database, so the core's resets after its writes keep it
	// right (see core.CredentialKeeper).
	creds *core.CredentialCache

	// convKeys remembers, for the writer only, each conversation's key and
	// kind by app and id: they never change while the conversation lives.
	// Forgotten on any rollback and on any conversation delete.
	convKeys map[convName]convKey

	checkpoints    *sqlx.DB      // the checkpointer's own connection (file databases)
	checkpointDone chan struct{} // closed when the checkpointer ends
	// batches counts the transactions the writer goroutine committed or
	// tried to (tests read it to see writes grouped).
	batches atomic.Int64
	pending atomic.Int64     // Write calls not yet answered (metrics)
	onBatch func(writes int) // Options.OnBatch

	writes    chan *request // unbuffered: a write is either taken or refused
	quit      chan struct{}
	done      chan struct{} // closed when the writer goroutine ends
	closeOnce sync.Once
}

var (
	_ core.Store            = (*DB)(nil)
	_ core.CredentialKeeper = (*DB)(nil)
)

// Credentials returns the core's cache of verified credentials for this
// database.
func (db *DB) Credentials() *core.CredentialCache { return db.creds }

// Open opens (or creates) the database at opts.Path, applies the schema to a
// new database and starts the writer goroutine.
func Open(ctx context.Context, opts Options) (*DB, error) {
	db, err := open(ctx, opts)
	if err != nil {
		return nil, fmt.Errorf("db: open: %w", err)
	}
	return db, nil
}

func open(ctx context.Context, opts Options) (db *DB, err error) {
	if opts.Path == "" {
		return nil, errors.New("no path")
	}
	if opts.Readers <= 0 {
		opts.Readers = 4
	}
	if opts.CachedMessages == 0 {
		opts.CachedMessages = 20_000
	}
	db = &DB{
		cache:    newMessageCache(opts.CachedMessages),
		creds:    core.NewCredentialCache(),
		convKeys: map[convName]convKey{},
		memory:   opts.Path == Memory,
		path:     opts.Path,
		onBatch:  opts.OnBatch,
		writes:   make(chan *request),
		quit:     make(chan struct{}),

		checkpointDone: make(chan struct{}),
		done:           make(chan struct{}),
	}
	defer func() {
		if err != nil {
			db.closeAll()
		}
	}()

	if db.memory {
		// An in-memory database exists only on its own connection, so there
		// is exactly one, never closed while the DB is open, serving reads
		// and writes alike (a Read waits for the current batch, and the
		// batch for the Reads in progress).
		// foreign_keys(1): enforce the schema's REFERENCES and run its cascades.
		// _txlock=immediate: a write transaction takes the write lock at BEGIN.
		db.writer, err = sqlx.Open("sqlite", ":memory:?_pragma=foreign_keys(1)&_txlock=immediate")
		if err != nil {
			return db, err
		}
		db.writer.SetMaxOpenConns(1)
		db.writer.SetMaxIdleConns(1)
		db.writer.SetConnMaxLifetime(0)
		db.writer.SetConnMaxIdleTime(0)
		db.readers = db.writer
	} else {
		if err := os.MkdirAll(filepath.Dir(opts.Path), 0o755); err != nil {
			return db, err
		}
		// One writer connection: SQLite allows one writer at a time anyway,
		// and a single connection fed by one goroutine never waits for a lock.
		// journal_mode(WAL): readers read a snapshot while the writer writes.
		// synchronous(NORMAL): in WAL mode a commit survives a crash of the
		//   process and the database stays consistent after a power loss;
		//   the fsync happens at checkpoints, not at every commit.
		// busy_timeout(5000): wait for a lock (checkpoints, another process)
		//   instead of failing at once with SQLITE_BUSY.
		// foreign_keys(1): enforce REFERENCES and run the cascades.
		// _txlock=immediate: BEGIN takes the write lock at once, so a write
		//   transaction never has to upgrade a read lock and fail on BUSY.
		db.writer, err = sqlx.Open("sqlite", "file:"+escapePath(opts.Path)+
			"?_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)"+
			"&_pragma=busy_timeout(5000)&_pragma=foreign_keys(1)&_txlock=immediate"+
			// No checkpoints on the writer: they fsync, and the writer is
			// every write's bottleneck (15% of its time went to them, bench
			// trace). The checkpointer does them on its own connection.
			"&_pragma=wal_autocheckpoint(0)")
		if err != nil {
			return db, err
		}
		db.writer.SetMaxOpenConns(1)
		db.writer.SetMaxIdleConns(1)
		db.writer.SetConnMaxLifetime(0) // a connection keeps its schema, cache and statements
	}
	if err := db.migrate(ctx, opts.Schema); err != nil {
		return db, err
	}
	wc, err := pin(ctx, db.writer)
	if err != nil {
		return db, err
	}
	db.writeConn = make(chan *conn, 1)
	db.writeConn <- wc

	if db.memory {
		db.readConns = db.writeConn
	} else {
		// The readers open once the writer has put the file in WAL mode
		// (which the file keeps). query_only(1): a reader can never write,
		// even by mistake. busy_timeout(5000): as for the writer.
		db.readers, err = sqlx.Open("sqlite", "file:"+escapePath(opts.Path)+
			"?_pragma=busy_timeout(5000)&_pragma=query_only(1)")
		if err != nil {
			return db, err
		}
		db.readers.SetMaxOpenConns(opts.Readers)
		db.readers.SetMaxIdleConns(opts.Readers)
		db.readers.SetConnMaxLifetime(0)
		db.readConns = make(chan *conn, opts.Readers)
		for range opts.Readers {
			rc, err := pin(ctx, db.readers)
			if err != nil {
				return db, err
			}
			db.readConns <- rc
		}
	}
	if !db.memory {
		db.checkpoints, err = sqlx.Open("sqlite", "file:"+escapePath(opts.Path)+"?_pragma=busy_timeout(5000)")
		if err != nil {
			return db, err
		}
		db.checkpoints.SetMaxOpenConns(1)
		db.checkpoints.SetMaxIdleConns(1)
		go db.checkpointer(checkpointEvery)
	} else {
		close(db.checkpointDone)
	}
	go db.run()
	return db, nil
}

// escapePath makes a file path safe inside a "file:" URI.
func escapePath(p string) string {
	return strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23").Replace(p)
}

// Close stops the writer goroutine (queued writes get ErrClosed; a batch in
// progress is committed first), waits for the Reads in progress and closes
// the connections.
func (db *DB) Close() error {
	var err error
	db.closeOnce.Do(func() {
		close(db.quit)
		<-db.done
		<-db.checkpointDone
		// Taking every connection back waits for whoever holds one.
		for range cap(db.readConns) {
			err = errors.Join(err, (<-db.readConns).close())
		}
		if !db.memory {
			err = errors.Join(err, (<-db.writeConn).close())
		}
		err = errors.Join(err, db.closeAll())
	})
	return err
}

// closeAll closes the connection pools.
func (db *DB) closeAll() error {
	var err error
	if db.readers != nil && db.readers != db.writer {
		err = db.readers.Close()
	}
	if db.checkpoints != nil {
		err = errors.Join(err, db.checkpoints.Close())
	}
	if db.writer != nil {
		err = errors.Join(err, db.writer.Close())
	}
	return err
}

// Read runs fn in a read transaction, a consistent snapshot. fn must not
// call Read or Write, nor keep the Tx after it returns.
func (db *DB) Read(ctx context.Context, fn func(core.Tx) error) error {
	var c *conn
	select {
	case <-db.quit:
		return ErrClosed
	default:
	}
	select {
	case c = <-db.readConns:
	case <-ctx.Done():
		return ctx.Err()
	case <-db.quit:
		return ErrClosed
	}
	defer func() { db.readConns <- c }()

	// The end of the transaction runs even when ctx is done.
	// Statements run without the request's cancellation (the driver would
	// watch it with a goroutine per statement); ctx is checked between them.
	run := context.WithoutCancel(ctx)
	epoch := db.cache.now() // before the snapshot: see messageCache
	if _, err := c.exec(run, `BEGIN`); err != nil {
		return fmt.Errorf("db: begin read: %w", err)
	}
	defer c.exec(run, `ROLLBACK`) // a read has nothing to commit
	return fn(&tx{ctx: ctx, run: run, c: c, trace: db.trace, readOnly: true, cache: db.cache, epoch: epoch})
}
