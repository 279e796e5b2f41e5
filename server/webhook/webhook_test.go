package webhook_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"parley/server/core"
	"parley/server/testenv"
	"parley/server/webhook"
)

var ctx = context.Background()

// receiver is a loopback webhook endpoint that answers with the statuses
// given, in turn (the last one from then on), and keeps what it received.
type receiver struct {
	URL string

	mu       sync.Mutex
	statuses []int
	got      []received
	arrived  chan struct{}
	hold     chan struct{} // when not nil, each request waits for it to close
}

type received struct {
	header http.Header
	body   []byte
}

func newReceiver(tb testing.TB, statuses ...int) *receiver {
	r := &receiver{statuses: statuses, arrived: make(chan struct{}, 100)}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		r.got = append(r.got, received{req.Header.Clone(), body})
		status := r.statuses[0]
		if len(r.statuses) > 1 {
			r.statuses = r.statuses[1:]
		}
		hold := r.hold
		r.mu.Unlock()
		r.arrived <- struct{}{}
		if hold != nil {
			<-hold
		}
		w.WriteHeader(status)
	}))
	tb.Cleanup(srv.Close)
	r.URL = srv.URL
	return r
}

func (r *receiver) received() []received {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]received(nil), r.got...)
}

// mustEnv starts an instance whose events go to a dispatcher with fast
// retries, and registers a webhook of the demo app at url.
func mustEnv(tb testing.TB, o webhook.Options, in core.WebhookInput) (*testenv.Env, *webhook.Dispatcher, *core.Webhook) {
	tb.Helper()
	if o.Backoff == 0 {
		o.Backoff = time.Millisecond
	}
	d := webhook.New(o)
	tb.Cleanup(d.Close)
	env := testenv.New(tb, testenv.WithService(func(co *core.Options) { co.Webhooks = d }))
	h, err := env.Service.CreateWebhook(ctx, env.Caller("demo", ""), in)
	if err != nil {
		tb.Fatal(err)
	}
	return env, d, h
}

// waitFinal waits until the webhook's deliveries have all ended (delivered
// or failed) and returns them, newest first.
func waitFinal(tb testing.TB, d *webhook.Dispatcher, h *core.Webhook, n int) []core.Delivery {
	tb.Helper()
	limit := time.Now().Add(10 * time.Second)
	for {
		ds := d.Deliveries(h.PK, 100)
		done := len(ds) >= n
		for _, x := range ds {
			if x.Status != core.DeliveryDelivered && x.Status != core.DeliveryFailed {
				done = false
			}
		}
		if done {
			return ds
		}
		if time.Now().After(limit) {
			tb.Fatalf("deliveries not final before the deadline: %+v", ds)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

func send(tb testing.TB, env *testenv.Env, id string) {
	tb.Helper()
	if _, _, err := env.Service.SendMessage(ctx, env.Caller("demo", "alice"), core.SendInput{ID: id, ConversationID: "general", Body: "hi " + id}); err != nil {
		tb.Fatal(err)
	}
}

func TestDeliverySigned(t *testing.T) {
	t.Parallel()
	rcv := newReceiver(t, http.StatusOK)
	env, d, h := mustEnv(t, webhook.Options{}, core.WebhookInput{URL: rcv.URL, Secret: "shh"})
	send(t, env, "m9")
	// Typing is not delivered unless asked for; reactions are.
	if err := env.Service.StartTyping(ctx, env.Caller("demo", "bob"), "general"); err != nil {
		t.Fatal(err)
	}
	if err := env.Service.AddReaction(ctx, env.Caller("demo", "bob"), "m9", "like"); err != nil {
		t.Fatal(err)
	}
	ds := waitFinal(t, d, h, 2)
	got := rcv.received()
	if len(got) != 2 || len(ds) != 2 {
		t.Fatalf("received %d, recorded %d deliveries, want 2 each", len(got), len(ds))
	}
	// Workers deliver concurrently: the order of arrival is not the order
	// of the events.
	slices.SortFunc(got, func(a, b received) int {
		return strings.Compare(a.header.Get(webhook.HeaderEvent), b.header.Get(webhook.HeaderEvent))
	})
	for i, want := range []string{core.EventMessageCreated, core.EventReactionAdded} {
		r := got[i]
		var body struct {
			ID, Type, App, Conversation string
			Data                        struct{ Message struct{ ID, Body string } }
		}
		if err := json.Unmarshal(r.body, &body); err != nil {
			t.Fatal(err)
		}
		if body.Type != want || r.header.Get(webhook.HeaderEvent) != want || body.App != "demo" || body.Conversation != "general" ||
			body.Data.Message.ID != "m9" {
			t.Errorf("delivery %d: %s %s", i, r.header, r.body)
		}
		if id := r.header.Get(webhook.HeaderDelivery); id == "" || id != body.ID {
			t.Errorf("delivery id header %q, body id %q", id, body.ID)
		}
		sig := r.header.Get(webhook.HeaderSignature)
		ts, _, _ := strings.Cut(strings.TrimPrefix(sig, "t="), ",")
		var unix int64
		fmt.Sscan(ts, &unix)
		if want := webhook.Sign("shh", time.Unix(unix, 0), r.body); sig != want {
			t.Errorf("signature %q, want %q", sig, want)
		}
		if webhook.Sign("other", time.Unix(unix, 0), r.body) == sig {
			t.Error("another secret gives the same signature")
		}
	}
	for _, x := range ds {
		if x.Status != core.DeliveryDelivered || x.Attempts != 1 || x.StatusCode != 200 {
			t.Errorf("delivery: %+v", x)
		}
	}
	if ds[0].EventType != core.EventReactionAdded {
		t.Errorf("newest delivery: %+v, want the reaction's", ds[0])
	}

	// The admin API lists them.
	resp, data := env.Do("GET", "/admin/v1/apps/demo/webhooks/"+h.ID+"/deliveries", "", "Authorization: Bearer "+testenv.AdminToken)
	var listed []struct{ ID, Status, Event string }
	if resp.StatusCode != 200 || json.Unmarshal(data, &listed) != nil || len(listed) != 2 || listed[1].Status != "delivered" ||
		listed[1].Event != core.EventMessageCreated {
		t.Errorf("admin deliveries: %s %s", resp.Status, data)
	}
}

func TestDeliveryRetriesThenSucceeds(t *testing.T) {
	t.Parallel()
	rcv := newReceiver(t, 500, 503, 200)
	env, d, h := mustEnv(t, webhook.Options{MaxAttempts: 5}, core.WebhookInput{URL: rcv.URL})
	send(t, env, "m9")
	ds := waitFinal(t, d, h, 1)
	if ds[0].Status != core.DeliveryDelivered || ds[0].Attempts != 3 {
		t.Fatalf("delivery: %+v", ds[0])
	}
	got := rcv.received()
	if len(got) != 3 {
		t.Fatalf("received %d attempts, want 3", len(got))
	}
	for _, r := range got[1:] {
		if r.header.Get(webhook.HeaderDelivery) != got[0].header.Get(webhook.HeaderDelivery) || string(r.body) != string(got[0].body) {
			t.Errorf("a retry is not the same delivery: %s", r.header)
		}
	}
}

func TestDeliveryGivesUp(t *testing.T) {
	t.Parallel()
	rcv := newReceiver(t, 500)
	env, d, h := mustEnv(t, webhook.Options{MaxAttempts: 3}, core.WebhookInput{URL: rcv.URL})
	send(t, env, "m9")
	ds := waitFinal(t, d, h, 1)
	if ds[0].Status != core.DeliveryFailed || ds[0].Attempts != 3 || ds[0].StatusCode != 500 || ds[0].Error != "answered 500" {
		t.Fatalf("delivery: %+v", ds[0])
	}
	if n := len(rcv.received()); n != 3 {
		t.Fatalf("received %d attempts, want 3", n)
	}
}

// TestDeliveryNeverBlocks: with the receiver stuck and the queue full,
// sending still returns, and what does not fit fails at once.
func TestDeliveryNeverBlocks(t *testing.T) {
	t.Parallel()
	rcv := newReceiver(t, 200)
	hold := make(chan struct{})
	rcv.hold = hold
	env, d, h := mustEnv(t, webhook.Options{Workers: 1, Queue: 1}, core.WebhookInput{URL: rcv.URL, Types: []string{core.EventMessageCreated}})
	send(t, env, "a")
	<-rcv.arrived // the one worker is stuck on "a"
	for _, id := range []string{"b", "c", "d"} {
		send(t, env, id) // "b" waits in the queue; "c" and "d" do not fit
	}
	var failed int
	for _, x := range d.Deliveries(h.PK, 10) {
		if x.Status == core.DeliveryFailed && x.Error == "queue full" {
			failed++
		}
	}
	if failed != 2 {
		t.Errorf("%d deliveries failed with a full queue, want 2: %+v", failed, d.Deliveries(h.PK, 10))
	}
	close(hold)
	waitFinal(t, d, h, 4)
}

func TestWebhookAdminAPI(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	admin := "Authorization: Bearer " + testenv.AdminToken
	tests := []struct {
		name, method, path, body string
		status                   int
	}{
		{"Create", "POST", "/admin/v1/apps/demo/webhooks", `{"id": "hook", "url": "http://127.0.0.1:9/x", "types": ["message.created"], "secret": "s"}`, 201},
		{"ErrDuplicate", "POST", "/admin/v1/apps/demo/webhooks", `{"id": "hook", "url": "http://127.0.0.1:9/x"}`, 409},
		{"ErrBadURL", "POST", "/admin/v1/apps/demo/webhooks", `{"url": "ftp://example.test"}`, 400},
		{"ErrUnknownType", "POST", "/admin/v1/apps/demo/webhooks", `{"url": "http://127.0.0.1:9/", "types": ["message.sent"]}`, 400},
		{"List", "GET", "/admin/v1/apps/demo/webhooks", "", 200},
		{"Deliveries", "GET", "/admin/v1/apps/demo/webhooks/hook/deliveries", "", 200},
		{"ErrUnknownWebhook", "GET", "/admin/v1/apps/demo/webhooks/nope/deliveries", "", 404},
		{"Delete", "DELETE", "/admin/v1/apps/demo/webhooks/hook", "", 204},
		{"ErrDeleteAgain", "DELETE", "/admin/v1/apps/demo/webhooks/hook", "", 404},
	}
	for _, tt := range tests {
		resp, data := env.Do(tt.method, tt.path, tt.body, admin)
		if resp.StatusCode != tt.status {
			t.Errorf("%s: %s %s", tt.name, resp.Status, data)
		}
		if tt.name == "Create" && !strings.Contains(string(data), `"secret":"s"`) {
			t.Errorf("Create shows no secret: %s", data)
		}
		if tt.name == "List" && (strings.Contains(string(data), "secret") || !strings.Contains(string(data), `"types":["message.created"]`)) {
			t.Errorf("List: %s", data)
		}
	}
	// A user's token is no admin.
	if resp, _ := env.Do("GET", "/admin/v1/apps/demo/webhooks", "", "Authorization: Bearer alice-token"); resp.StatusCode != 401 {
		t.Errorf("user token: %s", resp.Status)
	}
}
