package main

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"parley/db"
	"parley/server/core"
)

func TestDatasetMembership(t *testing.T) {
	d := dataset{users: 256, messages: 1000}
	in := map[[2]int]bool{} // (conversation, user)
	for j := 0; j < d.conversations(); j++ {
		for _, u := range d.members(j) {
			if in[[2]int{j, u}] {
				t.Fatalf("conversation %d lists user %d twice", j, u)
			}
			in[[2]int{j, u}] = true
		}
	}
	for i := 0; i < d.users; i++ {
		for _, j := range d.homes(i) {
			if !in[[2]int{j, i}] {
				t.Errorf("user %d: home %d does not have them as a member", i, j)
			}
		}
	}
	for k := 0; k < d.messages; k++ {
		m := d.message(k)
		if !in[[2]int{m.conv, m.from}] {
			t.Errorf("message %d: sender %d is not in conversation %d", k, m.from, m.conv)
		}
		for _, r := range m.reactions {
			if !in[[2]int{m.conv, r.user}] {
				t.Errorf("message %d: reacting user %d is not in conversation %d", k, r.user, m.conv)
			}
		}
	}
}

// TestPreload loads a small dataset straight into a file database and
// reads a page back. PARLEY_BENCH_PRELOAD=N loads N messages instead (to
// time the scale scenario's loading alone).
func TestPreload(t *testing.T) {
	n := 1000
	if v := os.Getenv("PARLEY_BENCH_PRELOAD"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil {
			t.Fatal(err)
		}
	}
	ctx := context.Background()
	root, err := repoRoot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	d := dataset{users: 256, messages: n}
	path := filepath.Join(t.TempDir(), "parley.db")
	took, err := preload(ctx, root, path, d)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("preloaded %d messages in %v (%.0f/s)", n, took, float64(n)/took.Seconds())

	schema, err := os.ReadFile(filepath.Join(root, "schema.sql"))
	if err != nil {
		t.Fatal(err)
	}
	store, err := db.Open(ctx, db.Options{Path: path, Schema: string(schema)})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	svc := core.NewService(core.Options{Store: store})
	c, err := svc.Authenticate(ctx, core.Credential{Kind: core.CredToken, Secret: userToken(0)})
	if err != nil {
		t.Fatal(err)
	}
	page, err := svc.ListMessages(ctx, c, convID(d.homes(0)[0]), core.MessageQuery{Page: core.Page{Limit: 50}})
	if err != nil {
		t.Fatal(err)
	}
	var reactions, attachments int
	for _, m := range page.Items {
		if m.Owner == nil {
			t.Errorf("message %s has no owner", m.ID)
		}
		if len(m.Reactions) > 0 {
			reactions++
		}
		if len(m.Attachments) > 0 {
			attachments++
		}
	}
	if want := min(50, (n+d.conversations()-1)/d.conversations()); len(page.Items) != want || reactions == 0 || attachments == 0 {
		t.Errorf("page: %d messages (want %d), %d with reactions, %d with attachments", len(page.Items), want, reactions, attachments)
	}
}
