package main

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"log/slog"
	"strings"
	"testing"
)

// --admin-token given at every start replaces the previous one; the token
// made at first start stays; tokens are listed and revoked.
func TestAdminTokens(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	for _, token := range []string{"first-flag", "second-flag", "second-flag"} {
		m := &Main{Config: Config{DataDir: dir, Readers: 1, AdminToken: token}, Log: slog.New(slog.DiscardHandler)}
		if err := m.Open(ctx); err != nil {
			t.Fatal(err)
		}
		if _, err := m.firstStart(ctx); err != nil {
			t.Fatal(err)
		}
		m.Close()
	}
	r := startMain(t, "--data", dir, "--admin-token", "second-flag")
	status, body := call(t, "GET", r.URL+"/admin/v1/tokens", "second-flag", "")
	var tokens []struct{ ID, Origin string }
	if status != 200 || json.Unmarshal(body, &tokens) != nil {
		t.Fatalf("list tokens: %d %s", status, body)
	}
	if len(tokens) != 1 || tokens[0].Origin != "flag" {
		t.Fatalf("tokens after three starts: %s, want the one flag token", body)
	}
	if status, _ := call(t, "GET", r.URL+"/admin/v1/tokens", "first-flag", ""); status != 401 {
		t.Fatalf("the replaced flag token: got %d, want 401", status)
	}
	if status, body := call(t, "DELETE", r.URL+"/admin/v1/tokens/"+tokens[0].ID, "second-flag", ""); status != 409 {
		t.Fatalf("revoke the last token: got %d %s, want 409", status, body)
	}
	addr := strings.TrimPrefix(r.URL, "http://")
	out, code := runCLI(t, nil, "tokens", "create", "--addr", addr, "--admin-token", "second-flag")
	created, ok := strings.CutPrefix(strings.TrimSpace(out), "admin token ")
	if code != 0 || !ok {
		t.Fatalf("tokens create: %d %q", code, out)
	}
	id, token, _ := strings.Cut(created, ": ")
	out, code = runCLI(t, map[string]string{"PARLEY_ADMIN_TOKEN": token}, "tokens", "list", "--addr", addr)
	if code != 0 || strings.Count(out, "\n") != 2 || !strings.Contains(out, id+"  api") {
		t.Fatalf("tokens list: %d %q", code, out)
	}
	if out, code := runCLI(t, nil, "tokens", "revoke", id, "--addr", addr, "--admin-token", "second-flag"); code != 0 {
		t.Fatalf("tokens revoke: %d %q", code, out)
	}
	if status, _ := call(t, "GET", r.URL+"/admin/v1/tokens", token, ""); status != 401 {
		t.Fatalf("a revoked token: got %d, want 401", status)
	}
}

func TestRotateSecret(t *testing.T) {
	r := startMain(t, "--ephemeral", "--fixtures", "testdata/fixtures.json", "--admin-token", "adm")
	basic := func(secret string) string {
		return "Authorization: Basic " + base64.StdEncoding.EncodeToString([]byte(secret))
	}
	get := func(secret string) int {
		status, _ := call(t, "GET", r.URL+"/v2/users", "", "", "Public-Key: demo-public", basic(secret), "User-Id: alice")
		return status
	}
	if got := get("demo-secret"); got != 200 {
		t.Fatalf("fixture secret before rotation: %d", got)
	}
	out, code := runCLI(t, nil, "apps", "rotate-secret", "demo", "--addr", strings.TrimPrefix(r.URL, "http://"), "--admin-token", "adm")
	_, secret, ok := strings.Cut(out, "secret key: ")
	secret = strings.TrimSpace(secret)
	if code != 0 || !ok || secret == "" {
		t.Fatalf("apps rotate-secret: %d %q", code, out)
	}
	if got := get("demo-secret"); got != 401 {
		t.Fatalf("old secret after rotation: got %d, want 401", got)
	}
	if got := get(secret); got != 200 {
		t.Fatalf("new secret: got %d, want 200", got)
	}
	if _, code := runCLI(t, nil, "apps", "rotate-secret", "nope", "--addr", strings.TrimPrefix(r.URL, "http://"), "--admin-token", "adm"); code != 1 {
		t.Fatalf("rotate an unknown app: exit %d, want 1", code)
	}
}
