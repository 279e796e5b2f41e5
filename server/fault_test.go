package server_test

import (
	"encoding/base64"
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"

	"parley/server"
	"parley/server/testenv"
)

func addFault(t *testing.T, env *testenv.Env, rule string) string {
	t.Helper()
	resp, body := env.Do("POST", "/admin/v1/apps/demo/faults", rule, adminAuth)
	if resp.StatusCode != 201 {
		t.Fatalf("add fault %s: %d %s", rule, resp.StatusCode, body)
	}
	return decode[struct{ ID string }](t, body).ID
}

func countMessages(t *testing.T, env *testenv.Env) int {
	t.Helper()
	_, body := env.Do("GET", "/admin/v1/apps/demo/messages?limit=200", "", adminAuth)
	return len(decode[[]message](t, body))
}

func TestFaultInChannelizeShape(t *testing.T) {
	t.Parallel()
	env := testenv.New(t, testenv.WithJournal(100))
	id := addFault(t, env, `{"dialect":"channelize","method":"POST","route":"/v2/messages/send","status":503,"message":"try later","times":1}`)
	before := countMessages(t, env)
	resp, body := send(t, env, "alice", "faulted")
	want := `{"error":{"statusCode":503,"name":"Error","message":"try later","code":"SERVICE_UNAVAILABLE"}}`
	if resp.StatusCode != 503 || strings.TrimSpace(string(body)) != want {
		t.Fatalf("faulted send: got %d %s, want 503 %s", resp.StatusCode, body, want)
	}
	if n := countMessages(t, env); n != before {
		t.Fatalf("a faulted send wrote a message: %d, want %d", n, before)
	}
	if resp, body := send(t, env, "alice", "passes"); resp.StatusCode != 201 {
		t.Fatalf("the next send (times 1 spent): got %d %s", resp.StatusCode, body)
	}
	es := journal(t, env, "?faulted=true")
	if len(es) != 1 || es[0].Fault != id || es[0].Status != 503 || es[0].User != "alice" || !strings.Contains(es[0].Request, `"faulted"`) {
		t.Fatalf("journal of the faulted request: %+v", es)
	}
	// A status of Channelize's own table keeps its LoopBack name and code.
	addFault(t, env, `{"route":"/v2/conversations/{id}","status":404,"times":1}`)
	resp, body = env.Do("GET", "/v2/conversations/general", "", asUser("bob")...)
	if resp.StatusCode != 404 || !strings.Contains(string(body), `"code":"MODEL_NOT_FOUND"`) {
		t.Fatalf("faulted 404: %d %s", resp.StatusCode, body)
	}
}

func TestFaultRules(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	// A rule naming a user leaves the others alone.
	bob := addFault(t, env, `{"route":"/v2/messages/send","user":"bob","status":500}`)
	if resp, _ := send(t, env, "alice", "ok"); resp.StatusCode != 201 {
		t.Errorf("alice: got %d, want 201", resp.StatusCode)
	}
	if resp, body := send(t, env, "bob", "no"); resp.StatusCode != 500 || !strings.Contains(string(body), "INTERNAL_SERVER_ERROR") {
		t.Errorf("bob: got %d %s, want 500", resp.StatusCode, body)
	}
	// With the secret key and User-Id, the user is known after ActAs.
	secret := base64.StdEncoding.EncodeToString([]byte("demo-secret"))
	resp, _ := env.Do("POST", "/v2/messages/send", `{"conversationId":"general","body":"x"}`,
		"Public-Key: demo-public", "Authorization: Basic "+secret, "User-Id: bob")
	if resp.StatusCode != 500 {
		t.Errorf("bob by User-Id: got %d, want 500", resp.StatusCode)
	}
	_, body := env.Do("GET", "/admin/v1/apps/demo/faults", "", adminAuth)
	if rules := decode[[]struct {
		ID   string
		Hits int
	}](t, body); len(rules) != 1 || rules[0].Hits != 2 {
		t.Errorf("rules: %s", body)
	}
	if resp, _ := env.Do("DELETE", "/admin/v1/apps/demo/faults/"+bob, "", adminAuth); resp.StatusCode != 204 {
		t.Errorf("remove: %d", resp.StatusCode)
	}
	if resp, _ := env.Do("DELETE", "/admin/v1/apps/demo/faults/"+bob, "", adminAuth); resp.StatusCode != 404 {
		t.Errorf("remove again: %d", resp.StatusCode)
	}
	// Latency only: the request goes on to the real handler.
	addFault(t, env, `{"method":"GET","latencyMs":1}`)
	if resp, _ := env.Do("GET", "/v2/conversations/general", "", asUser("bob")...); resp.StatusCode != 200 {
		t.Errorf("delayed: got %d, want 200", resp.StatusCode)
	}
	// Cut: the client sees the connection close without an answer.
	addFault(t, env, `{"route":"/v2/messages/send","cut":true,"times":1}`)
	req, _ := newRequest(env, "POST", "/v2/messages/send", `{"conversationId":"general","body":"cut"}`, asUser("alice"))
	if resp, err := env.Server.Client().Do(req); err == nil {
		resp.Body.Close()
		t.Errorf("cut: got an answer %d", resp.StatusCode)
	}
	if resp, _ := env.Do("DELETE", "/admin/v1/apps/demo/faults", "", adminAuth); resp.StatusCode != 204 {
		t.Errorf("clear: %d", resp.StatusCode)
	}
	for _, bad := range []string{`{}`, `{"status":200}`, `{"status":500,"cut":true}`, `{"status":500,"probability":2}`} {
		if resp, body := env.Do("POST", "/admin/v1/apps/demo/faults", bad, adminAuth); resp.StatusCode != 400 {
			t.Errorf("bad rule %s: got %d %s", bad, resp.StatusCode, body)
		}
	}
}

func TestProbabilisticFaultRepeats(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	run := func() string {
		addFault(t, env, `{"route":"/v2/conversations/{id}","status":502,"probability":0.5,"seed":42}`)
		var b strings.Builder
		for range 24 {
			resp, _ := env.Do("GET", "/v2/conversations/general", "", asUser("bob")...)
			b.WriteString(map[bool]string{true: "x", false: "."}[resp.StatusCode == 502])
		}
		env.Do("DELETE", "/admin/v1/apps/demo/faults", "", adminAuth)
		return b.String()
	}
	first, second := run(), run()
	if first != second {
		t.Fatalf("same seed, other outcomes:\n%s\n%s", first, second)
	}
	if !strings.Contains(first, "x") || !strings.Contains(first, ".") {
		t.Fatalf("probability 0.5 over 24 requests: %s", first)
	}
}

// TestEveryDialectWritesFaults holds each registered dialect's error writer
// to what fault rules need: the status asked for, JSON, the message kept.
func TestEveryDialectWritesFaults(t *testing.T) {
	t.Parallel()
	for _, d := range server.Dialects() {
		for _, status := range []int{400, 404, 429, 500, 503} {
			rec := httptest.NewRecorder()
			d.WriteError(rec, status, "injected by a test")
			if rec.Code != status || !json.Valid(rec.Body.Bytes()) || !strings.Contains(rec.Body.String(), "injected by a test") {
				t.Errorf("%s %d: got %d %s", d.Name, status, rec.Code, rec.Body)
			}
		}
	}
}
