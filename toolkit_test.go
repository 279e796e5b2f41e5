package main

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"parley/server/testenv"
)

// TestToolkitThroughTheBinary drives the test toolkit of a real ephemeral
// binary: a wait woken by a send, a wait that times out, a journaled 404
// with its credential redacted, a fault in Channelize's shape, a fixture
// document loaded as a new app, and the OpenAPI documents.
func TestToolkitThroughTheBinary(t *testing.T) {
	p := testenv.StartBinary(t, "--ephemeral", "--addr", "127.0.0.1:0", "--fixtures", "testdata/fixtures.json", "--admin-token", "tk-admin")
	do := func(method, path, body string, headers ...string) (int, string) {
		t.Helper()
		req, _ := http.NewRequest(method, p.URL+path, strings.NewReader(body))
		for _, h := range headers {
			name, value, _ := strings.Cut(h, ": ")
			req.Header.Set(name, value)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatalf("%s %s: %v", method, path, err)
		}
		defer resp.Body.Close()
		data, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(data)
	}
	admin := "Authorization: Bearer tk-admin"
	alice := []string{"Public-Key: demo-public", "Authorization: Bearer YWxpY2UtdG9rZW4="} // base64("alice-token")

	waited := make(chan string)
	go func() {
		_, body := do("GET", "/admin/v1/apps/demo/messages?text=ping&after=m3&wait=30s", "", admin)
		waited <- body
	}()
	if status, body := do("POST", "/v2/messages/send", `{"conversationId":"general","body":"ping"}`, alice...); status != 201 {
		t.Fatalf("send: %d %s", status, body)
	}
	if body := <-waited; !strings.Contains(body, `"dialect":"channelize"`) || !strings.Contains(body, `"body":"ping"`) {
		t.Fatalf("wait: %s", body)
	}
	if status, body := do("GET", "/admin/v1/apps/demo/messages?text=pong&wait=100ms", "", admin); status != 408 {
		t.Fatalf("wait that times out: %d %s", status, body)
	}

	do("GET", "/v2/nowhere?access_token=sesame", "", "Public-Key: demo-public", "Authorization: Basic ZGVtby1zZWNyZXQ=")
	_, body := do("GET", "/admin/v1/apps/demo/journal?status=404", "", admin)
	if !strings.Contains(body, `"Authorization":"Basic [redacted]"`) || strings.Contains(body, "sesame") || strings.Contains(body, "ZGVtby1zZWNyZXQ") {
		t.Fatalf("journaled 404: %s", body)
	}

	do("POST", "/admin/v1/apps/demo/faults", `{"dialect":"channelize","route":"/v2/messages/send","status":429,"times":1}`, admin)
	if status, body := do("POST", "/v2/messages/send", `{"conversationId":"general","body":"x"}`, alice...); status != 429 ||
		!strings.Contains(body, `"statusCode":429`) || !strings.Contains(body, `"code":"TOO_MANY_REQUESTS"`) {
		t.Fatalf("fault: %d %s", status, body)
	}

	fixtures := `{"apps":[{"id":"suite","users":[{"id":"u","token":"u-token"}],"conversations":[{"id":"c","members":[{"user":"u"}]}]}]}`
	status, body := do("POST", "/admin/v1/fixtures?as=new", fixtures, admin)
	var loaded struct {
		Apps []struct{ ID, PublicKey string }
	}
	if status != 201 || json.Unmarshal([]byte(body), &loaded) != nil || !strings.HasPrefix(loaded.Apps[0].ID, "suite-") {
		t.Fatalf("load as new: %d %s", status, body)
	}

	for _, path := range []string{"/admin/v1/openapi.json", "/v2/openapi.json"} {
		if status, body := do("GET", path, ""); status != 200 || !strings.Contains(body, `"openapi": "3.0.3"`) {
			t.Fatalf("%s: %d", path, status)
		}
	}
}

func TestToolkitFlags(t *testing.T) {
	tests := []struct {
		name        string
		args        []string
		env         map[string]string
		journal     int
		maxMessages int
		maxAge      time.Duration
	}{
		{"Persistent", nil, nil, 0, 0, 0},
		{"Ephemeral", []string{"--ephemeral"}, nil, 1000, 100_000, 24 * time.Hour},
		{"EphemeralOff", []string{"--ephemeral", "--journal", "0", "--max-messages", "0", "--max-age", "0"}, nil, 0, 0, 0},
		{"Flags", []string{"--journal", "50", "--max-messages", "10", "--max-age", "90m"}, nil, 50, 10, 90 * time.Minute},
		{"Env", nil, map[string]string{"PARLEY_JOURNAL": "7", "PARLEY_MAX_MESSAGES": "8", "PARLEY_MAX_AGE": "1h"}, 7, 8, time.Hour},
	}
	for _, bad := range [][]string{{"--journal", "many"}, {"--max-messages", "-3"}, {"--max-age", "soon"}} {
		if _, err := parseServe(&cliEnv{getenv: func(string) string { return "" }}, bad); err == nil {
			t.Errorf("%v: accepted", bad)
		}
	}
	for _, tt := range tests {
		m, err := parseServe(&cliEnv{getenv: func(k string) string { return tt.env[k] }}, tt.args)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if c := m.Config; c.Journal != tt.journal || c.MaxMessages != tt.maxMessages || c.MaxAge != tt.maxAge {
			t.Errorf("%s: got journal %d, max-messages %d, max-age %s", tt.name, c.Journal, c.MaxMessages, c.MaxAge)
		}
	}
}
