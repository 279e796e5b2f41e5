package server_test

import (
	"strings"
	"testing"

	"parley/server/testenv"
)

// TestAmityJournalAndFaults: Amity is a dialect of the table: its requests
// are journaled under its name and documented route, and a fault rule for
// it answers in Amity's error shape and writes nothing.
func TestAmityJournalAndFaults(t *testing.T) {
	t.Parallel()
	env := testenv.New(t, testenv.WithJournal(100))
	id := addFault(t, env, `{"dialect":"amity","method":"POST","route":"/api/v3/messages","status":503,"message":"try later","times":1}`)
	before := countMessages(t, env)
	bob := "Authorization: Bearer bob-token"
	resp, body := env.Do("POST", "/api/v3/messages", `{"channelId": "general", "data": {"text": "faulted"}}`, bob)
	want := `{"status":"error","code":500000,"message":"try later"}`
	if resp.StatusCode != 503 || strings.TrimSpace(string(body)) != want {
		t.Fatalf("faulted send: got %d %s, want 503 %s", resp.StatusCode, body, want)
	}
	if n := countMessages(t, env); n != before {
		t.Fatalf("a faulted send wrote a message: %d, want %d", n, before)
	}
	if resp, body := env.Do("POST", "/api/v3/messages", `{"channelId": "general", "data": {"text": "passes"}}`, bob); resp.StatusCode != 200 {
		t.Fatalf("the next send: got %d %s", resp.StatusCode, body)
	}
	env.Do("GET", "/api/v3/messages/m1", "", bob)
	es := journal(t, env, "")
	if len(es) != 3 {
		t.Fatalf("journal: %d entries, want 3: %+v", len(es), es)
	}
	if e := es[0]; e.Dialect != "amity" || e.Route != "/api/v3/messages" || e.Fault != id || e.Status != 503 || e.User != "bob" {
		t.Errorf("faulted entry: %+v", e)
	}
	if e := es[2]; e.Dialect != "amity" || e.Route != "/api/v3/messages/{messageId}" || e.Method != "GET" {
		t.Errorf("read entry: %+v", e)
	}
	// A 404 under /api/ is Amity's too, in its own shape.
	addFault(t, env, `{"dialect":"amity","route":"/api/v3/channels/{channelId}","status":404,"times":1}`)
	resp, body = env.Do("GET", "/api/v3/channels/general", "", bob)
	if resp.StatusCode != 404 || !strings.Contains(string(body), `"code":400400`) {
		t.Fatalf("faulted 404: %d %s", resp.StatusCode, body)
	}
}
