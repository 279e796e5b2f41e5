package main

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"

	"parley/parleytest"
)

// TestDialects drives every dialect's login, send and history, exactly as
// the dialects scenario builds them, against an in-process server holding
// a small copy of the bench's dataset: a dialect whose path, auth or answer
// shape changes fails here, in CI, before a bench run would.
func TestDialects(t *testing.T) {
	d := dataset{users: 8, messages: 4 * 60} // 4 conversations of 60 messages
	doc, err := json.Marshal(d.fixtures(true))
	if err != nil {
		t.Fatal(err)
	}
	p := parleytest.Start(t, parleytest.FixtureJSON(string(doc)))
	hc, tr := newHTTPClient(2)
	defer tr.CloseIdleConnections()
	ctx := context.Background()
	for _, api := range dialectAPIs {
		t.Run(api.name, func(t *testing.T) {
			sess, err := api.login(ctx, hc, p.URL, d, 3)
			if err != nil {
				t.Fatal(err)
			}
			c := &vclient{hc: hc, base: p.URL, user: 3, api: api, sess: sess}
			for _, o := range []op{opSend, opSend, opHistory, opHistory} {
				a := c.do(ctx, o)
				if a.err != "" || a.status/100 != 2 {
					t.Fatalf("%s: status %d, error %q, body %s", opNames[o], a.status, a.err, a.body)
				}
			}
			// The message sent is the newest of the conversation's page.
			h := api.history(sess, 0)
			if a := c.roundTrip(ctx, &h); a.err != "" {
				t.Fatalf("history: %s", a.err)
			}
			if body := c.body.String(); !strings.Contains(body, sess.text(2)) && api.follow == nil {
				t.Errorf("history of %s lacks the message sent: %.300s", sess.convs[0], body)
			}

			// Another user's credentials or a conversation of others fail
			// the check: the scenario would count errors.
			other, err := api.login(ctx, hc, p.URL, d, 7) // in neither of user 3's conversations
			if err != nil {
				t.Fatal(err)
			}
			stranger := *sess
			stranger.convs = other.convs
			for _, c := range other.convs {
				if c == sess.convs[0] || c == sess.convs[1] {
					t.Fatalf("users 7 and 3 share conversation %s", c)
				}
			}
			for _, rq := range []wireReq{api.send(&stranger, 1), api.history(&stranger, 1)} {
				if a := c.roundTrip(ctx, &rq); a.err == "" && a.status/100 == 2 {
					t.Errorf("%s %s as a stranger: %d, want a refusal", rq.method, rq.path, a.status)
				}
			}
		})
	}
}

// TestWireCheck holds the answer check to what it must refuse.
func TestWireCheck(t *testing.T) {
	page := wireReq{status: http.StatusOK, want: `"messages":[`, marker: `"id":`, count: 2}
	for _, tc := range []struct {
		status int
		body   string
		ok     bool
	}{
		{200, `{"messages":[{"id":1},{"id":2}]}`, true},
		{201, `{"messages":[{"id":1},{"id":2}]}`, false},
		{200, `{"messages":[{"id":1}]}`, false},
		{200, `{"items":[{"id":1},{"id":2}]}`, false},
	} {
		if got := page.check(tc.status, []byte(tc.body)); (got == "") != tc.ok {
			t.Errorf("check(%d, %s) = %q, want ok %v", tc.status, tc.body, got, tc.ok)
		}
	}
}

// BenchmarkDialects times each dialect's send and history page, one
// request after another, against an in-process server (HTTP over loopback)
// holding a small copy of the dataset: the per-request cost of each
// dialect without the load generator's concurrency.
//
//	go test -run '^$' -bench Dialects -benchtime 2s ./bench/
func BenchmarkDialects(b *testing.B) {
	d := dataset{users: 8, messages: 4 * 60}
	doc, err := json.Marshal(d.fixtures(true))
	if err != nil {
		b.Fatal(err)
	}
	p := parleytest.Start(b, parleytest.FixtureJSON(string(doc)), parleytest.Journal(0))
	hc, tr := newHTTPClient(1)
	defer tr.CloseIdleConnections()
	ctx := context.Background()
	for _, o := range []op{opHistory, opSend} {
		for _, api := range dialectAPIs {
			b.Run(api.name+"."+opNames[o], func(b *testing.B) {
				sess, err := api.login(ctx, hc, p.URL, d, 3)
				if err != nil {
					b.Fatal(err)
				}
				c := &vclient{hc: hc, base: p.URL, user: 3, api: api, sess: sess}
				b.ReportAllocs()
				for b.Loop() {
					if a := c.do(ctx, o); a.err != "" || a.status/100 != 2 {
						b.Fatalf("status %d, error %q, body %s", a.status, a.err, a.body)
					}
				}
			})
		}
	}
}

func TestDialectFlags(t *testing.T) {
	cfg, err := parseFlags([]string{"-scenario", "dialects", "-dialects", "sceyt, amity"})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(cfg.Scenarios, ",") != "dialects" || strings.Join(cfg.Dialects, ",") != "sceyt,amity" {
		t.Errorf("scenarios %v, dialects %v", cfg.Scenarios, cfg.Dialects)
	}
	if cfg, err = parseFlags(nil); err != nil || len(cfg.Dialects) != len(dialectAPIs) {
		t.Errorf("default dialects %v (%v), want all %d", cfg.Dialects, err, len(dialectAPIs))
	}
	if _, err := parseFlags([]string{"-dialects", "irc"}); err == nil {
		t.Error("-dialects irc: no error")
	}
	if all, _ := parseFlags([]string{"-scenario", "all"}); all == nil || slices.Contains(all.Scenarios, "dialects") {
		t.Error("-scenario all includes dialects, which adds minutes to it")
	}
}
