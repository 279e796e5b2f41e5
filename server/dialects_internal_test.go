package server

import (
	"slices"
	"testing"
)

// TestServingDialectNestedPrefixes: a path is named by the dialect with
// the longest prefix of it, whatever the table's order: CoWork's
// /api/cowork/ lies inside Amity's /api/.
func TestServingDialectNestedPrefixes(t *testing.T) {
	t.Parallel()
	table := Dialects()
	reversed := slices.Clone(table)
	slices.Reverse(reversed)
	for _, ds := range [][]Dialect{table, reversed} {
		name := func(path string) string {
			if i := servingDialect(path, len(ds), func(i int) string { return ds[i].Prefix }); i >= 0 {
				return ds[i].Name
			}
			return "none"
		}
		for path, want := range map[string]string{
			"/api/cowork/teams":        "cowork",
			"/api/cowork/":             "cowork",
			"/api/coworkers":           "amity",
			"/api/v3/messages":         "amity",
			"/api/openapi.json":        "amity",
			"/v2/conversations":        "channelize",
			"/stream/0/channels":       "appnet",
			"/healthz":                 "none",
			"/api/cowork/openapi.json": "cowork",
		} {
			if got := name(path); got != want {
				t.Errorf("%s is named %s, want %s", path, got, want)
			}
		}
	}
}

// TestEveryDialectNamedAlike: every dialect of the table gets the paths
// under its own prefix in the journal and fault rules (the observer), and
// the request log's name table agrees.
func TestEveryDialectNamedAlike(t *testing.T) {
	t.Parallel()
	o := newObserver(nil, nil, nil)
	for _, d := range Dialects() {
		path := d.Prefix + "x"
		if got := o.dialect(path); got == nil || got.Name != d.Name {
			t.Errorf("the observer names %s's dialect %v, want %s", path, got, d.Name)
		}
		if got := dialectOf(d.Prefix); got != d.Name {
			t.Errorf("the request log names the mount %s %q, want %s", d.Prefix, got, d.Name)
		}
	}
}
