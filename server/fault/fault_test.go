package fault_test

import (
	"strings"
	"testing"

	"parley/server/fault"
)

func TestDecide(t *testing.T) {
	s := fault.NewSet()
	if s.Any() {
		t.Fatal("an empty set has rules")
	}
	bob, _ := s.Add(fault.Rule{AppID: "a", Route: "/v2/x", UserID: "bob", Status: 500})
	next, _ := s.Add(fault.Rule{AppID: "a", Method: "post", Status: 503, Times: 2})
	decide := func(app, method, route, user string) string {
		var tried fault.Tried
		r, ok := s.Decide(app, "channelize", method, route, user, &tried)
		if !ok {
			return "-"
		}
		return r.ID
	}
	tests := []struct {
		name, app, method, route, user, want string
	}{
		{"UserRuleWaitsForTheUser", "a", "GET", "/v2/x", "", "-"},
		{"UserRule", "a", "GET", "/v2/x", "bob", bob.ID},
		{"OtherUser", "a", "GET", "/v2/x", "alice", "-"},
		{"OtherApp", "b", "POST", "/v2/y", "", "-"},
		{"NextOne", "a", "POST", "/v2/y", "", next.ID},
		{"NextTwo", "a", "POST", "/v2/y", "", next.ID},
		{"Spent", "a", "POST", "/v2/y", "", "-"},
	}
	for _, tt := range tests {
		if got := decide(tt.app, tt.method, tt.route, tt.user); got != tt.want {
			t.Errorf("%s: got %s, want %s", tt.name, got, tt.want)
		}
	}
	// A request tried once per rule, even when it authenticates in steps.
	var tried fault.Tried
	s.Decide("a", "channelize", "GET", "/v2/x", "bob", &tried)
	if _, ok := s.Decide("a", "channelize", "GET", "/v2/x", "bob", &tried); ok {
		t.Error("a rule fired twice for one request")
	}
	if !s.Remove("a", bob.ID) || s.Remove("a", bob.ID) {
		t.Error("remove once, then not found")
	}
	s.Clear("a")
	if s.Any() {
		t.Error("rules left after Clear")
	}
}

func TestSeededProbability(t *testing.T) {
	run := func(seed uint64) string {
		s := fault.NewSet()
		s.Add(fault.Rule{AppID: "a", Status: 500, Probability: 0.3, Seed: seed})
		var b strings.Builder
		for range 40 {
			var tried fault.Tried
			_, ok := s.Decide("a", "", "GET", "/", "", &tried)
			b.WriteString(map[bool]string{true: "x", false: "."}[ok])
		}
		return b.String()
	}
	if a, b := run(7), run(7); a != b {
		t.Fatalf("same seed, other draws:\n%s\n%s", a, b)
	}
	if a, b := run(7), run(8); a == b {
		t.Fatalf("other seeds, same draws: %s", a)
	}
	if n := strings.Count(run(7), "x"); n == 0 || n == 40 {
		t.Fatalf("probability 0.3 fired %d of 40", n)
	}
}

func TestRuleChecks(t *testing.T) {
	s := fault.NewSet()
	for _, bad := range []fault.Rule{{}, {Status: 302}, {Status: 500, Cut: true}, {Status: 500, Times: -1}, {Status: 500, Probability: 1.5}} {
		if _, err := s.Add(bad); err == nil {
			t.Errorf("%+v: accepted", bad)
		}
	}
}
