package realtime

// ring keeps the last events published, oldest first, for resumption.
type ring struct {
	buf  []*Event
	next int // where the next event goes
	full bool
}

func newRing(n int) ring {
	if n < 1 {
		n = 1
	}
	return ring{buf: make([]*Event, n)}
}

func (r *ring) add(e *Event) {
	r.buf[r.next] = e
	r.next++
	if r.next == len(r.buf) {
		r.next, r.full = 0, true
	}
}

func (r *ring) len() int {
	if r.full {
		return len(r.buf)
	}
	return r.next
}

// oldest returns the id of the oldest event kept, given the newest id
// (newest+1 when none is kept).
func (r *ring) oldest(newest uint64) uint64 {
	return newest + 1 - uint64(r.len())
}

// each calls f with every kept event whose id is at least from, in order.
func (r *ring) each(from uint64, f func(*Event)) {
	n := r.len()
	start := 0
	if r.full {
		start = r.next
	}
	for i := range n {
		if e := r.buf[(start+i)%len(r.buf)]; e.ID >= from {
			f(e)
		}
	}
}
