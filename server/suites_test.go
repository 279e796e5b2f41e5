package server_test

import (
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"parley/server/testenv"
)

func fixtureDocument(t *testing.T) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(testenv.RepoRoot(), "testdata", "fixtures.json"))
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

func TestResetAndReloadFixtures(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	doc := fixtureDocument(t)
	if resp, body := env.Do("POST", "/admin/v1/fixtures", doc, adminAuth); resp.StatusCode != 409 || !strings.Contains(string(body), "reset it first") {
		t.Fatalf("loading over an app with data: got %d %s, want 409", resp.StatusCode, body)
	}
	send(t, env, "alice", "before the reset")
	if resp, body := env.Do("POST", "/admin/v1/apps/demo/reset", "", adminAuth); resp.StatusCode != 200 {
		t.Fatalf("reset: %d %s", resp.StatusCode, body)
	}
	if resp, body := env.Do("POST", "/admin/v1/fixtures", doc, adminAuth); resp.StatusCode != 204 {
		t.Fatalf("reload after reset: got %d %s, want 204", resp.StatusCode, body)
	}
	_, body := env.Do("GET", "/admin/v1/apps/demo/messages", "", adminAuth)
	if got := len(decode[[]message](t, body)); got != 3 {
		t.Fatalf("messages after reload: %d, want the fixtures' 3", got)
	}
	if resp, body := send(t, env, "alice", "after the reload"); resp.StatusCode != 201 {
		t.Fatalf("the fixture token after reload: %d %s", resp.StatusCode, body)
	}
}

type loaded struct {
	Apps []struct {
		FixtureID, ID, PublicKey, SecretKey string
		Tokens                              map[string]string
	}
}

func TestTwoSuitesOnOneInstance(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	doc := fixtureDocument(t)
	var suites []loaded
	for range 2 {
		resp, body := env.Do("POST", "/admin/v1/fixtures?as=new", doc, adminAuth)
		if resp.StatusCode != 201 {
			t.Fatalf("load as new: %d %s", resp.StatusCode, body)
		}
		suites = append(suites, decode[loaded](t, body))
	}
	a, b := suites[0].Apps[0], suites[1].Apps[0]
	if a.ID == b.ID || a.FixtureID != "demo" || a.PublicKey == b.PublicKey || a.Tokens["alice"] == b.Tokens["alice"] {
		t.Fatalf("two loads share names: %+v %+v", a, b)
	}
	// Suite A sends through Channelize with its own credentials.
	auth := "Authorization: Bearer " + base64.StdEncoding.EncodeToString([]byte(a.Tokens["alice"]))
	resp, body := env.Do("POST", "/v2/messages/send", `{"conversationId":"general","body":"only in A"}`, "Public-Key: "+a.PublicKey, auth)
	if resp.StatusCode != 201 {
		t.Fatalf("send in suite A: %d %s", resp.StatusCode, body)
	}
	// Suite B's token does not open suite A's app.
	authB := "Authorization: Bearer " + base64.StdEncoding.EncodeToString([]byte(b.Tokens["alice"]))
	if resp, _ := env.Do("GET", "/v2/conversations/general", "", "Public-Key: "+a.PublicKey, authB); resp.StatusCode != 401 {
		t.Fatalf("B's token in A's app: got %d, want 401", resp.StatusCode)
	}
	for _, tt := range []struct {
		app  string
		want int
	}{{a.ID, 1}, {b.ID, 0}} {
		_, body := env.Do("GET", "/admin/v1/apps/"+tt.app+"/messages?text=only%20in%20A", "", adminAuth)
		if got := len(decode[[]message](t, body)); got != tt.want {
			t.Errorf("app %s sees %d of A's messages, want %d", tt.app, got, tt.want)
		}
	}
}

func TestRetentionAPI(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	tests := []struct {
		method, body string
		status       int
		want         string
	}{
		{"GET", "", 200, `{"maxMessages":0,"maxAge":"","own":false}`},
		{"PUT", `{"maxMessages":2,"maxAge":"90m"}`, 200, `{"maxMessages":2,"maxAge":"1h30m0s","own":true}`},
		{"GET", "", 200, `{"maxMessages":2,"maxAge":"1h30m0s","own":true}`},
		{"PUT", `{"maxAge":"soon"}`, 400, `"field":"maxAge"`},
		{"PUT", `{"maxMessages":-1}`, 400, `"field":"maxMessages"`},
		{"PUT", `{"own":false}`, 200, `"own":false`},
	}
	for _, tt := range tests {
		resp, body := env.Do(tt.method, "/admin/v1/apps/demo/retention", tt.body, adminAuth)
		if resp.StatusCode != tt.status || !strings.Contains(string(body), tt.want) {
			t.Errorf("%s %s: got %d %s, want %d %s", tt.method, tt.body, resp.StatusCode, body, tt.status, tt.want)
		}
	}
	env.Do("PUT", "/admin/v1/apps/demo/retention", `{"maxMessages":2}`, adminAuth)
	if n, err := env.Service.Prune(t.Context()); err != nil || n != 1 {
		t.Fatalf("prune to 2 of the fixtures' 3: %d, %v", n, err)
	}
}

func TestAdminSend(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	resp, body := env.Do("POST", "/admin/v1/apps/demo/conversations/general/messages",
		`{"from":"bob","body":"from the admin API","attachments":[{"type":"file","fileUrl":"https://example.test/a.pdf","pages":3}]}`, adminAuth)
	m := decode[message](t, body)
	if resp.StatusCode != 201 || m.From != "bob" || m.Dialect != "admin" || len(m.Attachments) != 1 || !strings.Contains(string(m.Attachments[0]), `"pages":3`) {
		t.Fatalf("admin send: %d %s", resp.StatusCode, body)
	}
	// The sender's own rights apply: dave is not a member of general.
	if resp, body := env.Do("POST", "/admin/v1/apps/demo/conversations/general/messages", `{"from":"dave","body":"x"}`, adminAuth); resp.StatusCode != 403 && resp.StatusCode != 404 {
		t.Fatalf("a non-member through the admin API: %d %s", resp.StatusCode, body)
	}
	if resp, _ := env.Do("POST", "/admin/v1/apps/demo/conversations/general/messages", `{"body":"x"}`, adminAuth); resp.StatusCode != 400 {
		t.Fatalf("no sender: %d", resp.StatusCode)
	}
}
