// Package parleytest starts an ephemeral Parley inside a Go test: an
// in-memory database and file store, a real HTTP server on a free port of
// 127.0.0.1, a fixture document loaded, the request journal on, and a
// client of Parley's admin API for what tests ask of it (reset, send as a
// user, wait for a message, add a fault, read the journal). Everything is
// closed through t.Cleanup.
//
//	p := parleytest.Start(t, parleytest.FixtureFile("testdata/fixtures.json"))
//	app := myapp.New(p.URL + "/v2/") // the app under test talks to Parley
//	app.Send("hello")
//	m := p.WaitMessage("demo", parleytest.Query{Text: "hello"}, 5*time.Second)
package parleytest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/spf13/afero"

	"parley/blobstore"
	"parley/db"
	"parley/server"
	"parley/server/admin"
	"parley/server/core"
	"parley/server/journal"
	"parley/server/realtime"
	"parley/server/testenv"
)

// AdminToken is the admin token of every instance Start makes.
const AdminToken = "parleytest-admin"

// Server is one running ephemeral Parley.
type Server struct {
	URL      string // http://127.0.0.1:PORT, for the app under test
	Service  *core.Service
	tb       testing.TB
	fixtures []byte
	client   *http.Client
}

type config struct {
	fixtures []byte
	journal  int
	err      error
}

// Option changes what Start does.
type Option func(*config)

// FixtureFile loads the fixture document at path (relative to the test's
// package folder).
func FixtureFile(path string) Option {
	return func(c *config) {
		c.fixtures, c.err = os.ReadFile(path)
	}
}

// FixtureJSON loads the given fixture document.
func FixtureJSON(doc string) Option { return func(c *config) { c.fixtures = []byte(doc) } }

// Journal sets how many requests per app the journal keeps (default 1000;
// 0 turns it off).
func Journal(n int) Option { return func(c *config) { c.journal = n } }

// Start starts an instance and stops it when the test ends.
func Start(tb testing.TB, opts ...Option) *Server {
	tb.Helper()
	cfg := config{journal: 1000}
	for _, o := range opts {
		o(&cfg)
	}
	if cfg.err != nil {
		tb.Fatalf("parleytest: %v", cfg.err)
	}
	ctx := context.Background()
	store, err := db.Open(ctx, db.Options{Path: ":memory:", Schema: testenv.Schema(tb)})
	if err != nil {
		tb.Fatalf("parleytest: open database: %v", err)
	}
	tb.Cleanup(func() { store.Close() })
	hub := realtime.NewHub()
	tb.Cleanup(hub.Close)
	svc := core.NewService(core.Options{Store: store, Blobs: blobstore.New(afero.NewMemMapFs()), Publisher: hub})
	if _, _, err := svc.EnsureAdminToken(ctx, AdminToken); err != nil {
		tb.Fatalf("parleytest: admin token: %v", err)
	}
	if cfg.fixtures != nil {
		f, err := admin.DecodeFixtures(cfg.fixtures)
		if err == nil {
			err = svc.LoadFixtures(ctx, svc.StartupCaller(), f)
		}
		if err != nil {
			tb.Fatalf("parleytest: fixtures: %v", err)
		}
	}
	srv := httptest.NewServer(server.New(svc, server.Options{Logger: slog.New(slog.DiscardHandler), Journal: journal.New(cfg.journal, 0)}))
	tb.Cleanup(srv.Close)
	return &Server{URL: srv.URL, Service: svc, tb: tb, fixtures: cfg.fixtures, client: srv.Client()}
}

// Admin calls Parley's admin API: method, path under /admin/v1 and a JSON
// body (nil for none); it decodes the answer into out (unless nil) and
// returns the status. Statuses of 400 and above fail the test unless they
// are listed in ok.
func (s *Server) Admin(method, path string, body, out any, ok ...int) int {
	s.tb.Helper()
	var r io.Reader
	if body != nil {
		data, err := json.Marshal(body)
		if err != nil {
			s.tb.Fatalf("parleytest: %v", err)
		}
		r = bytes.NewReader(data)
	}
	req, err := http.NewRequest(method, s.URL+"/admin/v1"+path, r)
	if err != nil {
		s.tb.Fatalf("parleytest: %v", err)
	}
	req.Header.Set("Authorization", "Bearer "+AdminToken)
	req.Header.Set("Content-Type", "application/json")
	resp, err := s.client.Do(req)
	if err != nil {
		s.tb.Fatalf("parleytest: %s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if resp.StatusCode >= 400 && !contains(ok, resp.StatusCode) {
		s.tb.Fatalf("parleytest: %s %s: %d %s", method, path, resp.StatusCode, data)
	}
	if out != nil && len(data) > 0 && resp.StatusCode < 400 {
		if err := json.Unmarshal(data, out); err != nil {
			s.tb.Fatalf("parleytest: %s %s: decode %s: %v", method, path, data, err)
		}
	}
	return resp.StatusCode
}

func contains(list []int, v int) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// Reset empties the app, clears its journal and faults, and loads the
// app's part of the fixture document again.
func (s *Server) Reset(app string) {
	s.tb.Helper()
	s.Admin("POST", "/apps/"+url.PathEscape(app)+"/reset", nil, nil)
	if s.fixtures == nil {
		return
	}
	var doc struct {
		Apps []json.RawMessage `json:"apps"`
	}
	if err := json.Unmarshal(s.fixtures, &doc); err != nil {
		s.tb.Fatalf("parleytest: fixtures: %v", err)
	}
	for _, raw := range doc.Apps {
		var id struct {
			ID string `json:"id"`
		}
		_ = json.Unmarshal(raw, &id)
		if id.ID == app {
			s.Admin("POST", "/fixtures", map[string]any{"apps": []json.RawMessage{raw}}, nil)
		}
	}
}

// Message is a message as Parley's admin API shows it.
type Message struct {
	ID           string            `json:"id"`
	Conversation string            `json:"conversation"`
	From         string            `json:"from"`
	Dialect      string            `json:"dialect"`
	Type         string            `json:"type"`
	Body         string            `json:"body"`
	Metadata     json.RawMessage   `json:"metadata"`
	Attachments  []json.RawMessage `json:"attachments"`
	CreatedAt    time.Time         `json:"createdAt"`
}

// Send sends a message into a conversation as the user from.
func (s *Server) Send(app, conversation, from, body string) Message {
	s.tb.Helper()
	var m Message
	s.Admin("POST", "/apps/"+url.PathEscape(app)+"/conversations/"+url.PathEscape(conversation)+"/messages",
		map[string]string{"from": from, "body": body}, &m)
	return m
}

// Query selects messages; empty fields do not filter.
type Query struct {
	Conversation string
	From         string
	Text         string // the body contains it, ignoring case
	After        string // a message id: only newer messages
}

func (q Query) values() url.Values {
	v := url.Values{}
	for name, val := range map[string]string{"conversation": q.Conversation, "from": q.From, "text": q.Text, "after": q.After} {
		if val != "" {
			v.Set(name, val)
		}
	}
	return v
}

// Messages returns the app's messages that q selects, oldest first (the
// newest 50 without After).
func (s *Server) Messages(app string, q Query) []Message {
	s.tb.Helper()
	var out []Message
	s.Admin("GET", "/apps/"+url.PathEscape(app)+"/messages?"+q.values().Encode(), nil, &out)
	return out
}

// WaitMessages waits until count messages match q and returns them; the
// test fails if they have not arrived within wait.
func (s *Server) WaitMessages(app string, q Query, count int, wait time.Duration) []Message {
	s.tb.Helper()
	v := q.values()
	v.Set("count", strconv.Itoa(count))
	v.Set("wait", wait.String())
	var out []Message
	if status := s.Admin("GET", "/apps/"+url.PathEscape(app)+"/messages?"+v.Encode(), nil, &out, http.StatusRequestTimeout); status != http.StatusOK {
		s.tb.Fatalf("parleytest: %d message(s) matching %+v did not arrive within %s", count, q, wait)
	}
	return out
}

// WaitMessage waits for one message matching q and returns the first.
func (s *Server) WaitMessage(app string, q Query, wait time.Duration) Message {
	s.tb.Helper()
	return s.WaitMessages(app, q, 1, wait)[0]
}

// Fault is a fault rule: it matches a dialect, method, route pattern (as
// the dialect's OpenAPI document spells it) and user, each optional, and
// answers with Status in the dialect's error shape, or adds Latency, or
// cuts the connection; for the next Times matches (0: all), or with
// Probability drawn from Seed.
type Fault struct {
	ID          string  `json:"id,omitempty"`
	Dialect     string  `json:"dialect,omitempty"`
	Method      string  `json:"method,omitempty"`
	Route       string  `json:"route,omitempty"`
	User        string  `json:"user,omitempty"`
	Status      int     `json:"status,omitempty"`
	Message     string  `json:"message,omitempty"`
	LatencyMS   int64   `json:"latencyMs,omitempty"`
	Cut         bool    `json:"cut,omitempty"`
	Times       int     `json:"times,omitempty"`
	Probability float64 `json:"probability,omitempty"`
	Seed        uint64  `json:"seed,omitempty"`
	Hits        int     `json:"hits,omitempty"`
}

// AddFault adds a fault rule to the app and returns its id.
func (s *Server) AddFault(app string, f Fault) string {
	s.tb.Helper()
	var out Fault
	s.Admin("POST", "/apps/"+url.PathEscape(app)+"/faults", f, &out)
	return out.ID
}

// ClearFaults removes every fault rule of the app.
func (s *Server) ClearFaults(app string) {
	s.tb.Helper()
	s.Admin("DELETE", "/apps/"+url.PathEscape(app)+"/faults", nil, nil)
}

// Entry is one request of the journal, credentials redacted.
type Entry struct {
	Seq        int64             `json:"seq"`
	Dialect    string            `json:"dialect"`
	Method     string            `json:"method"`
	Route      string            `json:"route"`
	Path       string            `json:"path"`
	Query      string            `json:"query"`
	Status     int               `json:"status"`
	DurationMS float64           `json:"durationMs"`
	User       string            `json:"user"`
	Fault      string            `json:"fault"`
	Headers    map[string]string `json:"headers"`
	Request    string            `json:"request"`
	Response   string            `json:"response"`
}

// Journal returns the app's recent requests, oldest first; filter is a
// query string such as "method=POST&status=404" ("" for all).
func (s *Server) Journal(app, filter string) []Entry {
	s.tb.Helper()
	var out []Entry
	s.Admin("GET", fmt.Sprintf("/apps/%s/journal?%s", url.PathEscape(app), filter), nil, &out)
	return out
}

// Do sends a request to the instance, as the app under test would;
// headers are "Name: value" lines. It returns the status and the body.
func (s *Server) Do(method, path, body string, headers ...string) (int, string) {
	s.tb.Helper()
	req, err := http.NewRequest(method, s.URL+path, strings.NewReader(body))
	if err != nil {
		s.tb.Fatalf("parleytest: %v", err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for _, h := range headers {
		name, value, _ := strings.Cut(h, ":")
		req.Header.Set(strings.TrimSpace(name), strings.TrimSpace(value))
	}
	resp, err := s.client.Do(req)
	if err != nil {
		s.tb.Fatalf("parleytest: %s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(data)
}
