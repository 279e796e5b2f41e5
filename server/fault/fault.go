// Package fault holds the fault rules a test adds through Parley's own API:
// a rule matches a dialect, method, route pattern and optionally a user of
// one app, and answers with an error in the dialect's shape, adds latency
// or cuts the connection, for the next N matches or with a seeded
// probability so that a run repeats.
package fault

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Rule is one fault rule. Empty match fields match anything.
type Rule struct {
	ID      string
	AppID   string
	Dialect string
	Method  string
	Route   string // a documented route pattern, e.g. /v2/messages/send
	UserID  string // the acting user; the rule waits for authentication

	Status  int           // answer with this status and Message, in the dialect's error shape
	Message string        // the error message ("injected fault" when empty)
	Latency time.Duration // wait this long first
	Cut     bool          // close the connection without an answer

	Times       int     // the next Times matches only; 0: every match
	Probability float64 // fire on this share of matches (0: always)
	Seed        uint64  // seeds the draws of a probabilistic rule

	Hits int // how many requests it has hit so far

	rng *rand.Rand
}

// Answers reports whether the rule answers instead of the real handler
// (an error or a cut connection), rather than only delaying it.
func (r *Rule) Answers() bool { return r.Status != 0 || r.Cut }

func (r *Rule) check() error {
	switch {
	case r.Status == 0 && r.Latency == 0 && !r.Cut:
		return fmt.Errorf("a rule needs a status, a latency or cut")
	case r.Status != 0 && (r.Status < 400 || r.Status > 599):
		return fmt.Errorf("status must be an error status (400-599)")
	case r.Status != 0 && r.Cut:
		return fmt.Errorf("a rule either answers with a status or cuts the connection")
	case r.Latency < 0 || r.Latency > 5*time.Minute:
		return fmt.Errorf("latency must be between 0 and 5m")
	case r.Times < 0:
		return fmt.Errorf("times must not be negative")
	case r.Probability < 0 || r.Probability > 1:
		return fmt.Errorf("probability must be between 0 and 1")
	}
	return nil
}

func (r *Rule) matches(dialect, method, route, userID string) bool {
	return (r.Dialect == "" || r.Dialect == dialect) &&
		(r.Method == "" || strings.EqualFold(r.Method, method)) &&
		(r.Route == "" || r.Route == route) &&
		(r.UserID == "" || r.UserID == userID)
}

// Set is the rules of every app, safe for concurrent use.
type Set struct {
	count atomic.Int64 // rules held: zero makes Any free
	mu    sync.Mutex
	next  int
	byApp map[string][]*Rule
}

// NewSet returns an empty set.
func NewSet() *Set { return &Set{byApp: map[string][]*Rule{}} }

// Any reports whether any rule exists (cheap: the hot path asks it).
func (s *Set) Any() bool { return s != nil && s.count.Load() > 0 }

// Add checks r and adds it after the app's other rules; it returns the rule
// with its id.
func (s *Set) Add(r Rule) (Rule, error) {
	if err := r.check(); err != nil {
		return Rule{}, err
	}
	r.Method = strings.ToUpper(r.Method)
	r.Hits = 0
	if r.Probability > 0 && r.Probability < 1 {
		r.rng = rand.New(rand.NewPCG(r.Seed, r.Seed^0x9e3779b97f4a7c15))
	} else {
		r.Probability = 0
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.next++
	r.ID = "f" + strconv.Itoa(s.next)
	s.byApp[r.AppID] = append(s.byApp[r.AppID], &r)
	s.count.Add(1)
	return r, nil
}

// List returns the app's rules in the order they are tried.
func (s *Set) List(appID string) []Rule {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Rule, 0, len(s.byApp[appID]))
	for _, r := range s.byApp[appID] {
		out = append(out, *r)
	}
	return out
}

// Remove removes one rule of the app; false if there was none.
func (s *Set) Remove(appID, id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	rules := s.byApp[appID]
	for i, r := range rules {
		if r.ID == id {
			s.byApp[appID] = append(rules[:i:i], rules[i+1:]...)
			s.count.Add(-1)
			return true
		}
	}
	return false
}

// Clear removes every rule of the app.
func (s *Set) Clear(appID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.count.Add(-int64(len(s.byApp[appID])))
	delete(s.byApp, appID)
}

// Tried remembers which rules a request has been tried against, so that a
// request draws at most once per rule even when it authenticates in steps.
type Tried []string

func (t Tried) has(id string) bool {
	for _, x := range t {
		if x == id {
			return true
		}
	}
	return false
}

// Decide tries the app's rules, in order, on a request known so far by its
// dialect, method, route and acting user (userID "" until known), and
// returns the rule that fires, if any. A rule naming a user is tried only
// once the user is known.
func (s *Set) Decide(appID, dialect, method, route, userID string, tried *Tried) (Rule, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, r := range s.byApp[appID] {
		if (r.UserID != "" && userID == "") || tried.has(r.ID) || !r.matches(dialect, method, route, userID) {
			continue
		}
		*tried = append(*tried, r.ID)
		if r.Times > 0 && r.Hits >= r.Times {
			continue
		}
		if r.rng != nil && r.rng.Float64() >= r.Probability {
			continue
		}
		r.Hits++
		return *r, true
	}
	return Rule{}, false
}
