// Package journal keeps a bounded ring of recent requests per app, with
// every credential redacted, for Parley's own API: a test asks what reached
// the server, in what order, and with what answer.
package journal

import (
	"cmp"
	"context"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"
)

// Entry is one request as the journal keeps it.
type Entry struct {
	Seq       int64 // increasing over the whole journal, never reused
	Time      time.Time
	AppID     string // "" when no credential named an app
	Dialect   string
	Method    string
	Route     string // the documented route pattern; "" for an unmatched path
	Path      string
	Query     string // redacted
	Status    int
	Duration  time.Duration
	UserID    string            // the acting user, when one was authenticated
	Fault     string            // the id of the fault rule that answered or delayed it
	Headers   map[string]string // redacted
	Request   string            // body, cut to the limit, redacted
	Response  string            // body, cut to the limit, redacted
	Truncated bool              // a body was longer than the limit
	Cut       bool              // a fault rule closed the connection without an answer

	raw Raw // kept as they came; redacted when read, off the request's path
}

// Raw is what a request carried, as it came: Add keeps it, and List
// redacts it into the entry's Headers, Query, Request and Response.
type Raw struct {
	Headers  http.Header
	Query    string
	Request  []byte
	Response []byte
	Secrets  []string // credentials the request presented or was issued
}

// redacted fills the entry's readable fields from its raw parts.
func (e Entry) redacted() Entry {
	e.Headers = Headers(e.raw.Headers)
	e.Query = Query(e.raw.Query, e.raw.Secrets)
	e.Request = Body(e.raw.Request, e.raw.Secrets)
	e.Response = Body(e.raw.Response, e.raw.Secrets)
	e.raw = Raw{}
	return e
}

// Filter selects entries; zero fields do not filter.
type Filter struct {
	AppID   string // "" with AllApps false: entries tied to no app
	AllApps bool
	Dialect string
	Method  string
	Route   string
	Path    string // path starts with it
	Status  int
	UserID  string
	After   int64 // Seq greater than it
	Faulted *bool
	Limit   int
}

func (f *Filter) match(e *Entry) bool {
	return (f.AllApps || e.AppID == f.AppID) &&
		(f.Dialect == "" || e.Dialect == f.Dialect) &&
		(f.Method == "" || strings.EqualFold(e.Method, f.Method)) &&
		(f.Route == "" || e.Route == f.Route) &&
		(f.Path == "" || strings.HasPrefix(e.Path, f.Path)) &&
		(f.Status == 0 || e.Status == f.Status) &&
		(f.UserID == "" || e.UserID == f.UserID) &&
		e.Seq > f.After &&
		(f.Faulted == nil || (e.Fault != "") == *f.Faulted)
}

// Journal is the rings of every app. It is safe for concurrent use; a nil
// *Journal is off and keeps nothing.
type Journal struct {
	size     int
	bodyMax  int
	mu       sync.Mutex
	seq      int64
	rings    map[string]*ring
	changed  chan struct{} // closed at the next Add
	watching bool
}

type ring struct {
	entries []Entry // at most size; next is where the next one goes
	next    int
	full    bool
}

// New returns a journal keeping size entries per app, with bodies cut to
// bodyMax bytes (0: 4 KiB). size < 1 returns nil: the journal is off.
func New(size, bodyMax int) *Journal {
	if size < 1 {
		return nil
	}
	if bodyMax <= 0 {
		bodyMax = 4 << 10
	}
	return &Journal{size: size, bodyMax: bodyMax, rings: map[string]*ring{}}
}

// BodyMax is how many bytes of each body an entry keeps.
func (j *Journal) BodyMax() int { return j.bodyMax }

// Add keeps e with what the request carried, forgetting the app's oldest
// entry when its ring is full, and wakes waiters. Redaction waits until
// the entry is read, so that keeping a request costs little.
func (j *Journal) Add(e Entry, raw Raw) {
	e.raw = raw
	j.mu.Lock()
	defer j.mu.Unlock()
	j.seq++
	e.Seq = j.seq
	r := j.rings[e.AppID]
	if r == nil {
		r = &ring{entries: make([]Entry, 0, min(j.size, 64))}
		j.rings[e.AppID] = r
	}
	if len(r.entries) < j.size {
		r.entries = append(r.entries, e)
	} else {
		r.entries[r.next] = e
		r.next = (r.next + 1) % j.size
	}
	if j.watching {
		close(j.changed)
		j.watching = false
	}
}

// List returns the entries f selects, oldest first: the first f.Limit
// after f.After, or the newest f.Limit without After.
func (j *Journal) List(f Filter) []Entry {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.list(f)
}

func (j *Journal) list(f Filter) []Entry {
	var out []Entry
	add := func(r *ring) {
		for i := range r.entries {
			e := &r.entries[(r.next+i)%len(r.entries)]
			if f.match(e) {
				out = append(out, *e)
			}
		}
	}
	if f.AllApps {
		for _, r := range j.rings {
			add(r)
		}
		sortBySeq(out)
	} else if r := j.rings[f.AppID]; r != nil {
		add(r)
	}
	if f.Limit > 0 && len(out) > f.Limit {
		if f.After > 0 {
			out = out[:f.Limit]
		} else {
			out = out[len(out)-f.Limit:]
		}
	}
	for i := range out {
		out[i] = out[i].redacted()
	}
	return out
}

// Wait lists like List until at least count entries match or wait passes;
// ok says whether count was reached. It wakes on each Add.
func (j *Journal) Wait(ctx context.Context, f Filter, count int, wait time.Duration) (entries []Entry, ok bool, err error) {
	if f.Limit > 0 && f.Limit < count {
		f.Limit = count
	}
	timer := time.NewTimer(wait)
	defer timer.Stop()
	for {
		j.mu.Lock()
		entries = j.list(f)
		if len(entries) >= count {
			j.mu.Unlock()
			return entries, true, nil
		}
		if !j.watching {
			j.changed, j.watching = make(chan struct{}), true
		}
		changed := j.changed
		j.mu.Unlock()
		select {
		case <-changed:
		case <-timer.C:
			return entries, false, nil
		case <-ctx.Done():
			return entries, false, ctx.Err()
		}
	}
}

// Clear forgets the app's entries ("" : those tied to no app).
func (j *Journal) Clear(appID string) {
	j.mu.Lock()
	defer j.mu.Unlock()
	delete(j.rings, appID)
}

// ClearAll forgets every entry.
func (j *Journal) ClearAll() {
	j.mu.Lock()
	defer j.mu.Unlock()
	clear(j.rings)
}

func sortBySeq(es []Entry) {
	slices.SortFunc(es, func(a, b Entry) int { return cmp.Compare(a.Seq, b.Seq) })
}
