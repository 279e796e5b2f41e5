package server

import "testing"

// TestDialectForLongestPrefix: a path goes to the dialect of the longest
// prefix it has, as ServeMux routes it, whatever the table's order: Amity
// owns /api/ and CoWork /api/cowork/ inside it.
func TestDialectForLongestPrefix(t *testing.T) {
	t.Parallel()
	nested := []Dialect{{Name: "amity", Prefix: "/api/"}, {Name: "cowork", Prefix: "/api/cowork/"}, {Name: "channelize", Prefix: "/v2/"}}
	reversed := []Dialect{nested[2], nested[1], nested[0]}
	for _, ds := range [][]Dialect{nested, reversed, Dialects()} {
		for _, tc := range []struct{ path, want string }{
			{"/api/v3/messages", "amity"},
			{"/api/coworkers", "amity"},
			{"/v2/messages/send", "channelize"},
			{"/healthz", ""},
		} {
			got := ""
			if i := dialectFor(ds, tc.path); i >= 0 {
				got = ds[i].Name
			}
			if got != tc.want {
				t.Errorf("%s: %q, want %q", tc.path, got, tc.want)
			}
		}
	}
	for _, ds := range [][]Dialect{nested, reversed} {
		if i := dialectFor(ds, "/api/cowork/teams"); i < 0 || ds[i].Name != "cowork" {
			t.Errorf("/api/cowork/teams: %d, want cowork", i)
		}
	}
	// Every dialect of the table gets the paths under its own prefix,
	// and the observer (journal, faults) agrees.
	o := newObserver(nil, nil, nil)
	for i, d := range Dialects() {
		path := d.Prefix + "x"
		if got := dialectFor(Dialects(), path); got != i {
			t.Errorf("%s goes to %d, want %s", path, got, d.Name)
		}
		if got := o.dialect(path); got == nil || got.Name != d.Name {
			t.Errorf("the observer names %s's dialect %v, want %s", path, got, d.Name)
		}
		if dialects[d.Prefix] != d.Name {
			t.Errorf("the dialects map names %s %q, want %s", d.Prefix, dialects[d.Prefix], d.Name)
		}
	}
}
