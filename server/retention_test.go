package server_test

import (
	"path/filepath"
	"strings"
	"testing"

	"parley/server/testenv"
)

// An app's own retention bounds are kept in the database: a new instance
// on the same file shows them and prunes by them; a reset of the app keeps
// them and deleting the app removes them.
func TestRetentionOutlastsRestart(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "parley.db")
	const own = `{"maxMessages":2,"maxAge":"1h30m0s","own":true}`
	first := testenv.New(t, testenv.WithDatabase(path))
	if resp, body := first.Do("PUT", "/admin/v1/apps/demo/retention", `{"maxMessages":2,"maxAge":"90m"}`, adminAuth); resp.StatusCode != 200 {
		t.Fatalf("PUT retention: %d %s", resp.StatusCode, body)
	}
	if err := first.DB.Close(); err != nil {
		t.Fatal(err)
	}

	env := testenv.New(t, testenv.WithDatabase(path), testenv.WithFixtures(""))
	get := func() string {
		t.Helper()
		resp, body := env.Do("GET", "/admin/v1/apps/demo/retention", "", adminAuth)
		if resp.StatusCode != 200 {
			t.Fatalf("GET retention: %d %s", resp.StatusCode, body)
		}
		return strings.TrimSpace(string(body))
	}
	if got := get(); got != own {
		t.Fatalf("after a restart: %s, want %s", got, own)
	}
	if n, err := env.Service.Prune(t.Context()); err != nil || n != 1 {
		t.Fatalf("prune to 2 of the fixtures' 3 after a restart: %d, %v", n, err)
	}

	if resp, body := env.Do("POST", "/admin/v1/apps/demo/reset", "", adminAuth); resp.StatusCode != 200 {
		t.Fatalf("reset: %d %s", resp.StatusCode, body)
	}
	if got := get(); got != own {
		t.Errorf("after a reset of the app: %s, want %s", got, own)
	}
	if resp, body := env.Do("DELETE", "/admin/v1/apps/demo", "", adminAuth); resp.StatusCode/100 != 2 {
		t.Fatalf("delete: %d %s", resp.StatusCode, body)
	}
	if resp, body := env.Do("POST", "/admin/v1/apps", `{"id":"demo"}`, adminAuth); resp.StatusCode != 201 {
		t.Fatalf("create: %d %s", resp.StatusCode, body)
	}
	if got, want := get(), `{"maxMessages":0,"maxAge":"","own":false}`; got != want {
		t.Errorf("an app made anew under a deleted one's id: %s, want %s", got, want)
	}
}
