package sceyt_test

import (
	"testing"
	"time"

	"parley/server/core"
	"parley/server/testenv"
)

// typing returns the typing events among events, as type/user@conversation.
func typing(events []core.Event) []string {
	var out []string
	for _, e := range events {
		if e.Type == core.EventTypingStarted || e.Type == core.EventTypingStopped {
			out = append(out, e.Type+"/"+e.UserID+"@"+e.ConversationID)
		}
	}
	return out
}

// TestTyping: start-typing and stop-typing (also at the draft's garbled
// path) reach the core's typing state, which ends by itself when no renewal
// comes within its time to live.
func TestTyping(t *testing.T) {
	t.Parallel()
	rec, ts := &testenv.Recorder{}, &testenv.Timers{}
	env := testenv.New(t, testenv.WithService(func(o *core.Options) {
		o.Publisher, o.AfterFunc, o.TypingTTL = rec, ts.AfterFunc, 5*time.Second
	}))
	post := func(path, body string) int {
		resp, _ := env.Do("POST", path, body, key)
		return resp.StatusCode
	}
	steps := []struct {
		name       string
		do         func() int
		wantStatus int
		want       []string
	}{
		{"Start", func() int { return post("/v1/demo/channels/general/start-typing", `{"from": "alice"}`) }, 204,
			[]string{"typing.started/alice@general"}},
		{"Renew", func() int { return post("/v1/demo/channels/general/start-typing?from=alice", "") }, 204, nil},
		{"StopGarbledPath", func() int { return post("/v1/demo/customer/v1/channels/general/stop-typing", `{"from": "alice"}`) }, 204,
			[]string{"typing.stopped/alice@general"}},
		{"StartAgain", func() int { return post("/v1/demo/channels/general/start-typing", `{"from": "bob"}`) }, 204,
			[]string{"typing.started/bob@general"}},
		{"ExpiresByItself", func() int { env.Clock.Advance(6 * time.Second); ts.Fire(); return 204 }, 204,
			[]string{"typing.stopped/bob@general"}},
		{"ErrNoFrom", func() int { return post("/v1/demo/channels/general/start-typing", "") }, 400, nil},
		{"ErrNotMember", func() int { return post("/v1/demo/channels/general/start-typing", `{"from": "dave"}`) }, 404, nil},
		{"ErrUnknownChannel", func() int { return post("/v1/demo/channels/nope/stop-typing", `{"from": "alice"}`) }, 404, nil},
	}
	for _, st := range steps {
		if got := st.do(); got != st.wantStatus {
			t.Fatalf("%s: status %d, want %d", st.name, got, st.wantStatus)
		}
		got := typing(rec.Take())
		if len(got) != len(st.want) || (len(got) > 0 && got[0] != st.want[0]) {
			t.Fatalf("%s: events %v, want %v", st.name, got, st.want)
		}
	}
}
