package db

import (
	"context"
	"fmt"
	"runtime/debug"

	"parley/server/core"
)

// maxBatch bounds how many queued writes one transaction commits together.
const maxBatch = 256

// request is one Write call waiting for the writer goroutine.
type request struct {
	ctx    context.Context
	fn     func(core.Tx) error
	err    error      // fn's own error, set while the batch runs
	answer chan error // buffered 1: the writer never blocks on it
}

// Write runs fn in a write transaction. Concurrent writes share one
// transaction (group commit: one BEGIN and one COMMIT, one WAL append, for
// all of them), but each fn runs inside its own savepoint: an
// error from fn undoes fn's work only, and is returned as is; a panic in fn
// undoes fn's work and returns an EINTERNAL error. A nil return means fn's
// work is committed. A ctx already done returns ctx.Err() without running
// fn; a ctx done while fn runs fails fn's next statement. fn must not call
// Read or Write, nor keep the Tx after it returns.
func (db *DB) Write(ctx context.Context, fn func(core.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	db.pending.Add(1)
	defer db.pending.Add(-1)
	req := &request{ctx: ctx, fn: fn, answer: make(chan error, 1)}
	select {
	case db.writes <- req:
	case <-ctx.Done():
		return ctx.Err()
	case <-db.quit:
		return ErrClosed
	}
	// Once taken, the request is always answered; waiting for the answer
	// even after ctx is done tells the caller the truth about the commit.
	return <-req.answer
}

// run is the writer goroutine: it takes the first queued write, then
// whatever else is queued already (without waiting for more), and commits
// them together.
func (db *DB) run() {
	defer close(db.done)
	batch := make([]*request, 0, maxBatch)
	for {
		select {
		case <-db.quit:
			return
		case req := <-db.writes:
			batch = append(batch[:0], req)
		}
	drain:
		for len(batch) < maxBatch {
			select {
			case req := <-db.writes:
				batch = append(batch, req)
			default:
				break drain
			}
		}
		c := <-db.writeConn // for :memory:, waits for the Reads in progress
		db.batches.Add(1)
		db.commit(c, batch)
		if db.onBatch != nil {
			db.onBatch(len(batch))
		}
		db.writeConn <- c
		clear(batch) // let the requests be collected
	}
}

// commit runs a batch of writes in one transaction, each in its own
// savepoint, and answers every request.
func (db *DB) commit(c *conn, batch []*request) {
	// The statements run with a context no request can cancel: cancelling
	// a running statement interrupts it, and SQLite may then roll back the
	// whole transaction, other requests' work included. A request's own ctx
	// is checked before each of its statements instead (see tx.check).
	run := context.Background()
	ch := &changes{}
	// Cached messages the batch touched are forgotten before anyone hears
	// of the commit (after a rollback it is merely unneeded).
	forget := func() {
		if ch.all || len(ch.pks) > 0 {
			db.cache.invalidate(ch.pks, ch.all)
		}
	}
	fail := func(err error) {
		forget()
		clear(db.convKeys)
		c.exec(run, `ROLLBACK`) // may fail: SQLite may have rolled back already
		for _, req := range batch {
			if req.err == nil {
				req.err = err
			}
			req.answer <- req.err
		}
	}
	if _, err := c.exec(run, `BEGIN IMMEDIATE`); err != nil {
		fail(fmt.Errorf("db: begin: %w", err))
		return
	}
	for _, req := range batch {
		if err := req.ctx.Err(); err != nil {
			req.err = err
			continue
		}
		if _, err := c.exec(run, `SAVEPOINT w`); err != nil {
			fail(fmt.Errorf("db: savepoint: %w", err))
			return
		}
		req.err = call(req.fn, &tx{db: db, ctx: req.ctx, run: run, c: c, trace: db.trace, changes: ch})
		if req.err != nil {
			clear(db.convKeys) // it may have remembered what it created
			if _, err := c.exec(run, `ROLLBACK TO w`); err != nil {
				// The transaction is lost (disk full, I/O error): nothing
				// of the batch is kept.
				fail(fmt.Errorf("db: roll back savepoint: %w", err))
				return
			}
		}
		if _, err := c.exec(run, `RELEASE w`); err != nil {
			fail(fmt.Errorf("db: release savepoint: %w", err))
			return
		}
	}
	if _, err := c.exec(run, `COMMIT`); err != nil {
		fail(fmt.Errorf("db: commit: %w", err))
		return
	}
	forget()
	for _, req := range batch {
		req.answer <- req.err
	}
}

// call runs fn, turning a panic into an EINTERNAL error so that one bad
// function cannot take the writer goroutine (and every other write) down.
func call(fn func(core.Tx) error, t *tx) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("db: write: panic: %v\n%s: %w", r, debug.Stack(),
				core.Errorf(core.EINTERNAL, "internal error"))
		}
	}()
	return fn(t)
}
