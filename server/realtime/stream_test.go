package realtime_test

import (
	"bufio"
	"context"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"parley/server/core"
	"parley/server/realtime"
	"parley/server/testenv"
)

// deadline bounds every wait for an event: long enough for a loaded CI
// machine, short enough that a missing event fails the test soon.
const deadline = 10 * time.Second

// envelope is the event stream's JSON envelope as a client reads it.
type envelope struct {
	ID           uint64 `json:"id"`
	Type         string `json:"type"`
	App          string `json:"app"`
	Conversation string `json:"conversation"`
	At           string `json:"at"`
	Data         struct {
		Actor    string          `json:"actor"`
		User     string          `json:"user"`
		Reaction string          `json:"reaction"`
		Reason   string          `json:"reason"`
		Message  json.RawMessage `json:"message"`
	} `json:"data"`
	sseID string // the SSE frame's id field
}

// message decodes the envelope's message into a map.
func (e envelope) message(tb testing.TB) map[string]any {
	tb.Helper()
	var m map[string]any
	if err := json.Unmarshal(e.Data.Message, &m); err != nil {
		tb.Fatalf("%s: message %s: %v", e.Type, e.Data.Message, err)
	}
	return m
}

// stream is one open event stream, SSE or WebSocket.
type stream struct {
	tb     testing.TB
	frames chan envelope
	pings  chan struct{}
	cancel func()
	errc   chan error
}

// next returns the next event, failing the test after the deadline.
func (s *stream) next() envelope {
	s.tb.Helper()
	select {
	case e, ok := <-s.frames:
		if !ok {
			s.tb.Fatalf("stream ended: %v", <-s.errc)
		}
		return e
	case <-time.After(deadline):
		s.tb.Fatal("no event before the deadline")
	}
	return envelope{}
}

// nextOf skips typing events (a test's sends end typing) until one of typ.
func (s *stream) nextOf(typ string) envelope {
	s.tb.Helper()
	for {
		if e := s.next(); e.Type == typ {
			return e
		} else if !strings.HasPrefix(e.Type, "typing.") {
			s.tb.Fatalf("got %s (%s), want %s", e.Type, e.Conversation, typ)
		}
	}
}

// ended waits for the stream to end and returns why.
func (s *stream) ended() error {
	s.tb.Helper()
	for {
		select {
		case _, ok := <-s.frames:
			if !ok {
				return <-s.errc
			}
		case <-time.After(deadline):
			s.tb.Fatal("stream did not end before the deadline")
		}
	}
}

// openSSE opens GET /events as Server-Sent Events; headers are "Name: value".
func openSSE(tb testing.TB, env *testenv.Env, query string, headers ...string) *stream {
	tb.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, "GET", env.URL+"/events"+query, nil)
	for _, h := range headers {
		name, value, _ := strings.Cut(h, ":")
		req.Header.Set(strings.TrimSpace(name), strings.TrimSpace(value))
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		cancel()
		tb.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		cancel()
		resp.Body.Close()
		tb.Fatalf("GET /events%s: %s", query, resp.Status)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "text/event-stream" {
		tb.Fatalf("Content-Type %q", ct)
	}
	if o := resp.Header.Get("Access-Control-Allow-Origin"); o != "*" {
		tb.Fatalf("Access-Control-Allow-Origin %q: pages of other origins cannot read the stream", o)
	}
	s := &stream{tb: tb, frames: make(chan envelope, 100), pings: make(chan struct{}, 100), cancel: cancel, errc: make(chan error, 1)}
	tb.Cleanup(func() { cancel(); resp.Body.Close() })
	go func() {
		defer close(s.frames)
		r := bufio.NewReader(resp.Body)
		var e envelope
		for {
			line, err := r.ReadString('\n')
			if err != nil {
				s.errc <- err
				return
			}
			line = strings.TrimRight(line, "\n")
			switch {
			case line == "":
				if e.Type != "" {
					s.frames <- e
				}
				e = envelope{}
			case strings.HasPrefix(line, ":"):
				s.pings <- struct{}{}
			case strings.HasPrefix(line, "id: "):
				e.sseID = strings.TrimPrefix(line, "id: ")
			case strings.HasPrefix(line, "data: "):
				if err := json.Unmarshal([]byte(strings.TrimPrefix(line, "data: ")), &e); err != nil {
					s.errc <- err
					return
				}
			}
		}
	}()
	return s
}

// openWS opens GET /events as a WebSocket.
func openWS(tb testing.TB, env *testenv.Env, query string, headers ...string) *stream {
	tb.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	h := http.Header{}
	for _, x := range headers {
		name, value, _ := strings.Cut(x, ":")
		h.Set(strings.TrimSpace(name), strings.TrimSpace(value))
	}
	dialCtx, dialCancel := context.WithTimeout(ctx, deadline)
	defer dialCancel()
	c, resp, err := websocket.Dial(dialCtx, "ws"+strings.TrimPrefix(env.URL, "http")+"/events"+query, &websocket.DialOptions{HTTPHeader: h})
	if err != nil {
		cancel()
		status := ""
		if resp != nil {
			status = resp.Status
		}
		tb.Fatalf("dial /events%s: %v %s", query, err, status)
	}
	s := &stream{tb: tb, frames: make(chan envelope, 100), pings: make(chan struct{}, 100), cancel: cancel, errc: make(chan error, 1)}
	tb.Cleanup(func() { cancel(); c.CloseNow() })
	go func() {
		defer close(s.frames)
		for {
			typ, data, err := c.Read(ctx)
			if err != nil {
				s.errc <- err
				return
			}
			var e envelope
			if typ != websocket.MessageText || json.Unmarshal(data, &e) != nil {
				s.errc <- err
				return
			}
			s.frames <- e
		}
	}()
	return s
}

var transports = []struct {
	name string
	open func(testing.TB, *testenv.Env, string, ...string) *stream
}{{"SSE", openSSE}, {"WebSocket", openWS}}

// channelize sends a Channelize request as the user with the token.
func channelize(tb testing.TB, env *testenv.Env, method, path, token, body string) {
	tb.Helper()
	resp, data := env.Do(method, path, body, "Public-Key: demo-public",
		"Authorization: Bearer "+base64.StdEncoding.EncodeToString([]byte(token)))
	if resp.StatusCode >= 300 {
		tb.Fatalf("%s %s: %s %s", method, path, resp.Status, data)
	}
}

func TestStream_SendThroughChannelize(t *testing.T) {
	for _, tr := range transports {
		t.Run(tr.name, func(t *testing.T) {
			t.Parallel()
			env := testenv.New(t, testenv.WithFixtures("testdata/realtime/fixtures.json"))
			bob := tr.open(t, env, "?dialect=channelize", "Authorization: Bearer bob-token")
			dave := tr.open(t, env, "?access_token=dave-token")
			olga := tr.open(t, env, "", "Authorization: Bearer olga-token") // another app
			app := tr.open(t, env, "", "Authorization: Bearer demo-secret")

			channelize(t, env, "POST", "/v2/messages/send", "alice-token", `{"id": "hi", "conversationId": "general", "body": "hi all"}`)
			e := bob.nextOf(core.EventMessageCreated)
			m := e.message(t)
			if e.App != "demo" || e.Conversation != "general" || e.Data.Actor != "alice" || e.At != "2026-01-02T03:04:05.678Z" {
				t.Errorf("envelope: %+v", e)
			}
			// Channelize's shape: conversationId and ownerId, not Parley's.
			if m["id"] != "hi" || m["body"] != "hi all" || m["conversationId"] != "general" || m["ownerId"] != "alice" {
				t.Errorf("channelize message: %v", m)
			}
			if got := app.nextOf(core.EventMessageCreated).message(t); got["from"] != "alice" || got["conversation"] != "general" {
				t.Errorf("parley message: %v", got)
			}

			// Events that dave and olga do receive come after the one they
			// must not: what they read first shows what they got.
			channelize(t, env, "POST", "/v2/messages/send", "alice-token", `{"id": "to-dave", "userId": "dave", "body": "psst"}`)
			if got := dave.nextOf(core.EventMessageCreated).message(t); got["id"] != "to-dave" {
				t.Errorf("dave, not a member of general, first got %v", got)
			}
			resp, _ := env.Do("POST", "/v2/messages/send", `{"conversationId": "general", "body": "olga's"}`,
				"Public-Key: other-public", "Authorization: Bearer "+base64.StdEncoding.EncodeToString([]byte("olga-token")))
			if resp.StatusCode != http.StatusCreated {
				t.Fatalf("olga's send: %s", resp.Status)
			}
			if got := olga.nextOf(core.EventMessageCreated); got.App != "other" || got.message(t)["body"] != "olga's" {
				t.Errorf("olga, of another app, first got %+v", got)
			}
		})
	}
}

func TestStream_TypingStopsByItself(t *testing.T) {
	for _, tr := range transports {
		t.Run(tr.name, func(t *testing.T) {
			t.Parallel()
			env := testenv.New(t, testenv.WithService(func(o *core.Options) { o.TypingTTL = 20 * time.Millisecond }))
			bob := tr.open(t, env, "", "Authorization: Bearer bob-token")
			channelize(t, env, "POST", "/v2/conversations/general/send_typing_status", "alice-token", `{"isTyping": true}`)
			for _, want := range []string{core.EventTypingStarted, core.EventTypingStopped} {
				if e := bob.next(); e.Type != want || e.Data.User != "alice" || e.Conversation != "general" {
					t.Fatalf("got %+v, want %s by alice in general", e, want)
				}
			}
		})
	}
}

func TestStream_Auth(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	tests := []struct {
		name, query, auth string
		status            int
	}{
		{"NoCredential", "", "", http.StatusUnauthorized},
		{"BadToken", "", "Bearer nope", http.StatusUnauthorized},
		{"BasicScheme", "", "Basic Ym9iLXRva2Vu", http.StatusUnauthorized},
		{"UnknownDialect", "?dialect=msn", "Bearer bob-token", http.StatusBadRequest},
		{"NotMemberOfConversation", "?conversation=general", "Bearer dave-token", http.StatusNotFound},
		{"UnknownConversation", "?conversation=nope", "Bearer bob-token", http.StatusNotFound},
		{"AdminConversationWithoutApp", "?conversation=general", "Bearer " + testenv.AdminToken, http.StatusBadRequest},
		{"OtherAppsName", "?app=other", "Bearer bob-token", http.StatusUnauthorized},
		{"BadLastEventID", "?lastEventId=x", "Bearer bob-token", http.StatusBadRequest},
		{"UnknownType", "?types=message.created,message.sent", "Bearer bob-token", http.StatusBadRequest},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var headers []string
			if tt.auth != "" {
				headers = append(headers, "Authorization: "+tt.auth)
			}
			resp, body := env.Do("GET", "/events"+tt.query, "", headers...)
			if resp.StatusCode != tt.status {
				t.Fatalf("status %s, want %d: %s", resp.Status, tt.status, body)
			}
			var e struct {
				Error struct{ Code, Message string }
			}
			if json.Unmarshal(body, &e) != nil || e.Error.Code == "" {
				t.Errorf("body %s, want Parley's error envelope", body)
			}
		})
	}
}

func TestStream_Watches(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	admin := openSSE(t, env, "", "Authorization: Bearer "+testenv.AdminToken)
	adminApp := openSSE(t, env, "?app=demo&conversation=lobby", "Authorization: Bearer "+testenv.AdminToken)
	bobLobby := openSSE(t, env, "?conversation=lobby&types=message.created", "Authorization: Bearer bob-token")
	channelize(t, env, "POST", "/v2/messages/send", "alice-token", `{"id": "g", "conversationId": "general", "body": "in general"}`)
	channelize(t, env, "POST", "/v2/messages/m3/add_reaction", "bob-token", `{"type": "like"}`)
	channelize(t, env, "POST", "/v2/messages/send", "bob-token", `{"id": "l", "conversationId": "lobby", "body": "in lobby"}`)
	if e := admin.nextOf(core.EventMessageCreated); e.Conversation != "general" {
		t.Errorf("admin first got %+v", e)
	}
	if e := adminApp.nextOf(core.EventReactionAdded); e.Conversation != "lobby" || e.Data.Reaction != "like" || e.Data.User != "bob" {
		t.Errorf("admin of lobby first got %+v", e)
	}
	if e := bobLobby.next(); e.Type != core.EventMessageCreated || e.Conversation != "lobby" {
		t.Errorf("bob's lobby messages first got %+v", e)
	}
}

func TestStream_Resume(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	bob := openSSE(t, env, "", "Authorization: Bearer bob-token")
	channelize(t, env, "POST", "/v2/messages/send", "alice-token", `{"id": "one", "conversationId": "general", "body": "1"}`)
	first := bob.nextOf(core.EventMessageCreated)
	bob.cancel()
	channelize(t, env, "POST", "/v2/messages/send", "alice-token", `{"id": "two", "conversationId": "general", "body": "2"}`)
	channelize(t, env, "POST", "/v2/messages/send", "alice-token", `{"id": "three", "conversationId": "general", "body": "3"}`)

	again := openSSE(t, env, "", "Authorization: Bearer bob-token", "Last-Event-ID: "+first.sseID)
	for _, want := range []string{"two", "three"} {
		if got := again.nextOf(core.EventMessageCreated).message(t)["id"]; got != want {
			t.Fatalf("resumed: got %v, want %s", got, want)
		}
	}
	channelize(t, env, "POST", "/v2/messages/send", "alice-token", `{"id": "four", "conversationId": "general", "body": "4"}`)
	if got := again.nextOf(core.EventMessageCreated).message(t)["id"]; got != "four" {
		t.Fatalf("live after resuming: got %v", got)
	}

	// An id the server does not know asks the client to reload.
	reset := openWS(t, env, "?lastEventId=999999", "Authorization: Bearer bob-token")
	if e := reset.next(); e.Type != realtime.TypeReset {
		t.Fatalf("got %+v, want reset", e)
	}
}

func TestStream_Shutdown(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	sse := openSSE(t, env, "", "Authorization: Bearer bob-token")
	ws := openWS(t, env, "", "Authorization: Bearer bob-token")
	env.Hub.Close()
	for name, s := range map[string]*stream{"SSE": sse, "WebSocket": ws} {
		if e := s.next(); e.Type != realtime.TypeClose || e.Data.Reason != realtime.ReasonShutdown {
			t.Errorf("%s: got %+v, want close", name, e)
		}
		err := s.ended()
		if name == "WebSocket" && websocket.CloseStatus(err) != websocket.StatusGoingAway {
			t.Errorf("WebSocket ended with %v, want going away", err)
		}
	}
}

func TestStream_Heartbeat(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	h := realtime.NewHandler(env.Service, env.Hub, realtime.HandlerOptions{Heartbeat: time.Millisecond})
	ts := newServer(t, h)
	s := openSSE(t, &testenv.Env{TB: t, URL: ts}, "", "Authorization: Bearer bob-token")
	select {
	case <-s.pings:
	case <-time.After(deadline):
		t.Fatal("no heartbeat")
	}
}

func newServer(tb testing.TB, h http.Handler) string {
	ts := httptest.NewServer(h)
	tb.Cleanup(ts.Close)
	return ts.URL
}

func TestStream_Preflight(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	resp, _ := env.Do("OPTIONS", "/events", "", "Origin: https://app.example.test", "Access-Control-Request-Headers: authorization")
	if resp.StatusCode != http.StatusNoContent || resp.Header.Get("Access-Control-Allow-Origin") != "*" ||
		!strings.Contains(resp.Header.Get("Access-Control-Allow-Headers"), "Authorization") {
		t.Fatalf("preflight: %s %v", resp.Status, resp.Header)
	}
	if resp, _ := env.Do("POST", "/events", "{}", "Authorization: Bearer bob-token"); resp.StatusCode != http.StatusMethodNotAllowed {
		t.Fatalf("POST: %s", resp.Status)
	}
}

// TestStream_OutlivesServerTimeouts: a server's read and write timeouts
// bound requests, not event streams.
func TestStream_OutlivesServerTimeouts(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	ts := httptest.NewUnstartedServer(realtime.NewHandler(env.Service, env.Hub, realtime.HandlerOptions{}))
	ts.Config.ReadTimeout, ts.Config.WriteTimeout = 50*time.Millisecond, 50*time.Millisecond
	ts.Start()
	t.Cleanup(ts.Close)
	t.Cleanup(env.Hub.Close) // before ts.Close: end the streams
	short := &testenv.Env{TB: t, URL: ts.URL}
	streams := map[string]*stream{
		"SSE":       openSSE(t, short, "", "Authorization: Bearer bob-token"),
		"WebSocket": openWS(t, short, "", "Authorization: Bearer bob-token"),
	}
	time.Sleep(200 * time.Millisecond) // past both timeouts
	channelize(t, env, "POST", "/v2/messages/send", "alice-token", `{"id": "late", "conversationId": "general", "body": "still there?"}`)
	for name, s := range streams {
		if got := s.nextOf(core.EventMessageCreated).message(t)["id"]; got != "late" {
			t.Errorf("%s: got %v", name, got)
		}
	}
}
