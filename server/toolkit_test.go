package server_test

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"parley/server/testenv"
)

const adminAuth = "Authorization: Bearer " + testenv.AdminToken

// channelize headers acting as a fixture user through the Channelize dialect.
func asUser(user string) []string {
	return []string{"Public-Key: demo-public", "Authorization: Bearer " + base64.StdEncoding.EncodeToString([]byte(user+"-token"))}
}

func send(t *testing.T, env *testenv.Env, user, body string) (*http.Response, []byte) {
	t.Helper()
	return env.Do("POST", "/v2/messages/send", `{"conversationId":"general","body":"`+body+`"}`, asUser(user)...)
}

func decode[T any](t *testing.T, data []byte) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(data, &v); err != nil {
		t.Fatalf("decode %s: %v", data, err)
	}
	return v
}

type message struct {
	ID, Conversation, From, Dialect, Body string
	Attachments                           []json.RawMessage
}

func TestInspectMessages(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	tests := []struct {
		name, path string
		want       []string // message ids
	}{
		{"App", "/admin/v1/apps/demo/messages", []string{"m1", "m2", "m3"}},
		{"Conversation", "/admin/v1/apps/demo/conversations/general/messages", []string{"m1", "m2"}},
		{"From", "/admin/v1/apps/demo/messages?from=bob", []string{"m2", "m3"}},
		{"Text", "/admin/v1/apps/demo/messages?text=LOBBY", []string{"m3"}},
		{"After", "/admin/v1/apps/demo/messages?after=m1", []string{"m2", "m3"}},
		{"Limit", "/admin/v1/apps/demo/messages?limit=1", []string{"m3"}},
	}
	for _, tt := range tests {
		resp, body := env.Do("GET", tt.path, "", adminAuth)
		if resp.StatusCode != 200 {
			t.Fatalf("%s: %d %s", tt.name, resp.StatusCode, body)
		}
		var got []string
		for _, m := range decode[[]message](t, body) {
			got = append(got, m.ID)
		}
		if strings.Join(got, ",") != strings.Join(tt.want, ",") {
			t.Errorf("%s: got %v, want %v", tt.name, got, tt.want)
		}
	}
	_, body := env.Do("GET", "/admin/v1/apps/demo/messages/m2", "", adminAuth)
	m := decode[message](t, body)
	if m.From != "bob" || m.Dialect != "fixtures" || len(m.Attachments) != 1 || !strings.Contains(string(m.Attachments[0]), "cat.jpg") {
		t.Errorf("m2: got %s", body)
	}
	if resp, body := env.Do("GET", "/admin/v1/apps/demo/messages?from=ghost", "", adminAuth); resp.StatusCode != 400 {
		t.Errorf("unknown sender: got %d %s, want 400", resp.StatusCode, body)
	}
}

func TestWaitReturnsWhenMessageArrives(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	type answer struct {
		status int
		body   []byte
	}
	done := make(chan answer)
	go func() {
		resp, body := env.Do("GET", "/admin/v1/apps/demo/messages?conversation=general&from=alice&text=ping&after=m3&wait=30s", "", adminAuth)
		done <- answer{resp.StatusCode, body}
	}()
	// Whether the wait starts before or after the send, it must find the
	// message; a wait that started first is woken by the send.
	if resp, body := send(t, env, "alice", "ping!"); resp.StatusCode != 201 {
		t.Fatalf("send: %d %s", resp.StatusCode, body)
	}
	select {
	case a := <-done:
		msgs := decode[[]message](t, a.body)
		if a.status != 200 || len(msgs) != 1 || msgs[0].Body != "ping!" || msgs[0].Dialect != "channelize" {
			t.Fatalf("wait: got %d %s", a.status, a.body)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("the wait did not return after the message arrived")
	}
}

func TestWaitTimesOut(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	resp, body := env.Do("GET", "/admin/v1/apps/demo/messages?conversation=general&count=3&wait=50ms", "", adminAuth)
	var got struct {
		Error   struct{ Code, Message string }
		Matched []message
	}
	got = decode[struct {
		Error   struct{ Code, Message string }
		Matched []message
	}](t, body)
	if resp.StatusCode != 408 || got.Error.Code != "timeout" || len(got.Matched) != 2 {
		t.Fatalf("got %d %s, want 408 timeout with the 2 that matched", resp.StatusCode, body)
	}
	if resp, body := env.Do("GET", "/admin/v1/apps/demo/messages?wait=forever", "", adminAuth); resp.StatusCode != 400 {
		t.Fatalf("bad wait: got %d %s", resp.StatusCode, body)
	}
}

type entry struct {
	Seq                                   int64
	App, Dialect, Method, Route, Path     string
	Query, User, Fault, Request, Response string
	Status                                int
	Cut                                   bool
	Headers                               map[string]string
}

func journal(t *testing.T, env *testenv.Env, query string) []entry {
	t.Helper()
	resp, body := env.Do("GET", "/admin/v1/apps/demo/journal"+query, "", adminAuth)
	if resp.StatusCode != 200 {
		t.Fatalf("journal: %d %s", resp.StatusCode, body)
	}
	return decode[[]entry](t, body)
}

func TestJournal(t *testing.T) {
	t.Parallel()
	env := testenv.New(t, testenv.WithJournal(3))
	secret := base64.StdEncoding.EncodeToString([]byte("demo-secret"))
	resp, _ := env.Do("GET", "/v2/no/such/route?access_token=sesame&x=1", "", "Public-Key: demo-public", "Authorization: Basic "+secret)
	if resp.StatusCode != 404 {
		t.Fatalf("unmatched route: %d", resp.StatusCode)
	}
	es := journal(t, env, "?status=404")
	if len(es) != 1 {
		t.Fatalf("404 entries: got %+v", es)
	}
	e := es[0]
	if e.App != "demo" || e.Dialect != "channelize" || e.Route != "" || e.Path != "/v2/no/such/route" ||
		e.Headers["Authorization"] != "Basic [redacted]" || strings.Contains(e.Query, "sesame") || !strings.Contains(e.Query, "x=1") ||
		!strings.Contains(e.Response, "MODEL_NOT_FOUND") {
		t.Errorf("404 entry: %+v", e)
	}
	env.Do("POST", "/v2/users/login", `{"userId":"alice","password":"alice-pw"}`, "Public-Key: demo-public")
	send(t, env, "bob", "hello journal")
	es = journal(t, env, "")
	if len(es) != 3 {
		t.Fatalf("entries: got %d, want 3", len(es))
	}
	login, sent := es[1], es[2]
	if strings.Contains(login.Request, "alice-pw") || !strings.Contains(login.Request, "[redacted]") ||
		login.User != "alice" || login.Route != "/v2/users/login" {
		t.Errorf("login entry: %+v", login)
	}
	if strings.Contains(login.Response, `"id":"token-`) {
		t.Errorf("the issued token is in the journal: %s", login.Response)
	}
	if sent.User != "bob" || sent.Route != "/v2/messages/send" || sent.Status != 201 || !strings.Contains(sent.Request, "hello journal") ||
		sent.Headers["Authorization"] != "Bearer [redacted]" {
		t.Errorf("send entry: %+v", sent)
	}
	// A fourth request pushes the oldest out of the ring of 3.
	send(t, env, "bob", "again")
	if es := journal(t, env, ""); len(es) != 3 || es[0].Status == 404 {
		t.Errorf("ring of 3: %+v", es)
	}
	if es := journal(t, env, "?user=bob&route=/v2/messages/send"); len(es) != 2 {
		t.Errorf("filter: got %d entries, want 2", len(es))
	}
	// wait= wakes on the next request.
	last := journal(t, env, "")[2].Seq
	done := make(chan []entry)
	go func() { done <- journal(t, env, "?wait=30s&after="+itoa(last)) }()
	send(t, env, "carol", "late")
	if es := <-done; len(es) != 1 || es[0].User != "carol" {
		t.Errorf("wait: %+v", es)
	}
	if resp, _ := env.Do("DELETE", "/admin/v1/apps/demo/journal", "", adminAuth); resp.StatusCode != 204 {
		t.Fatalf("clear: %d", resp.StatusCode)
	}
	if es := journal(t, env, ""); len(es) != 0 {
		t.Errorf("after clear: %+v", es)
	}
}

func TestJournalOff(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	if resp, body := env.Do("GET", "/admin/v1/apps/demo/journal", "", adminAuth); resp.StatusCode != 409 || !strings.Contains(string(body), "--journal") {
		t.Fatalf("journal off: got %d %s", resp.StatusCode, body)
	}
}

func itoa(n int64) string { return strings.TrimSpace(strings.Repeat(" ", 0) + jsonNumber(n)) }

func jsonNumber(n int64) string { b, _ := json.Marshal(n); return string(b) }

func newRequest(env *testenv.Env, method, path, body string, headers []string) (*http.Request, error) {
	req, err := http.NewRequest(method, env.URL+path, strings.NewReader(body))
	if err != nil {
		return nil, err
	}
	for _, h := range headers {
		name, value, _ := strings.Cut(h, ":")
		req.Header.Set(strings.TrimSpace(name), strings.TrimSpace(value))
	}
	return req, nil
}
