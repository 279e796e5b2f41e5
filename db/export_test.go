package db

// SetTrace makes every query of d's transactions go through fn first.
func SetTrace(d *DB, fn func(query string, args []any)) { d.trace = fn }

// Batches returns how many transactions d's writer goroutine has run.
func Batches(d *DB) int64 { return d.batches.Load() }
