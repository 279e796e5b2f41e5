// Package testenv builds throwaway Parley instances for tests: a ":memory:"
// database on one connection, an in-memory file system, an httptest server,
// a fixed clock and sequential tokens, with the repository's fixtures loaded.
// Everything is closed with t.Cleanup, so tests may run in parallel.
package testenv

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
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
)

// Start is the fixed time every test instance starts at.
var Start = time.Date(2026, 1, 2, 3, 4, 5, 678_000_000, time.UTC)

// AdminToken is the admin token of every test instance.
const AdminToken = "admin-token"

// Clock is a settable clock; it stands still unless a test moves it.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Advance moves the clock forward.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// Env is one test instance.
type Env struct {
	TB      testing.TB
	DB      *db.DB
	Service *core.Service
	Hub     *realtime.Hub
	Clock   *Clock
	Fs      afero.Fs // where the blobs are
	Server  *httptest.Server
	URL     string
}

type config struct {
	database string
	fixtures string
	journal  int
	service  []func(*core.Options)
	fs       afero.Fs
	limits   *core.Limits
}

// WithFs keeps the instance's blobs on fsys instead of a fresh MemMapFs
// (a base-path fs over a temp dir tests what a real disk does).
func WithFs(fsys afero.Fs) Option { return func(c *config) { c.fs = fsys } }

// WithDatabase keeps the instance's database in the file at path instead
// of in memory: a second instance on the same path is a restart.
func WithDatabase(path string) Option { return func(c *config) { c.database = path } }

// WithLimits runs the instance's core with these limits.
func WithLimits(l core.Limits) Option { return func(c *config) { c.limits = &l } }

// Option changes how New builds the instance.
type Option func(*config)

// WithFixtures loads the named fixture file (relative to the repository
// root) instead of testdata/fixtures.json; "" loads none.
func WithFixtures(path string) Option { return func(c *config) { c.fixtures = path } }

// WithJournal turns the request journal on, keeping n requests per app.
func WithJournal(n int) Option { return func(c *config) { c.journal = n } }

// WithService changes the core's options before the service is built (a
// short typing TTL, timers the test fires).
func WithService(edit func(*core.Options)) Option {
	return func(c *config) { c.service = append(c.service, edit) }
}

// WithRateLimits turns the core's rate limits on (the test clock stands
// still, so an emptied bucket stays empty).
func WithRateLimits(l core.RateLimits) Option {
	return WithService(func(o *core.Options) { o.RateLimits = &l })
}

// New starts an instance with testdata/fixtures.json loaded.
func New(tb testing.TB, opts ...Option) *Env {
	tb.Helper()
	cfg := config{fixtures: "testdata/fixtures.json"}
	for _, o := range opts {
		o(&cfg)
	}
	ctx := context.Background()
	if cfg.database == "" {
		cfg.database = db.Memory
	}
	store, err := db.Open(ctx, db.Options{Path: cfg.database, Schema: Schema(tb)})
	if err != nil {
		tb.Fatalf("testenv: open db: %v", err)
	}
	tb.Cleanup(func() { store.Close() })
	clock := &Clock{now: Start}
	if cfg.fs == nil {
		cfg.fs = afero.NewMemMapFs()
	}
	var seq atomic.Int64
	hub := realtime.NewHub()
	tb.Cleanup(hub.Close)
	co := core.Options{
		Store:     store,
		Blobs:     blobstore.New(cfg.fs),
		Limits:    cfg.limits,
		Publisher: hub,
		Now:       clock.Now,
		NewToken:  func() string { return fmt.Sprintf("token-%d", seq.Add(1)) },
		// Throwaway instances stretch passwords less, as --ephemeral does.
		PasswordIterations: core.EphemeralPasswordIterations,
	}
	for _, edit := range cfg.service {
		edit(&co)
	}
	svc := core.NewService(co)
	if _, _, err := svc.EnsureAdminToken(ctx, AdminToken); err != nil {
		tb.Fatalf("testenv: admin token: %v", err)
	}
	if cfg.fixtures != "" {
		data, err := os.ReadFile(filepath.Join(RepoRoot(), cfg.fixtures))
		if err != nil {
			tb.Fatalf("testenv: %v", err)
		}
		f, err := admin.DecodeFixtures(data)
		if err == nil {
			err = svc.LoadFixtures(ctx, svc.StartupCaller(), f)
		}
		if err != nil {
			tb.Fatalf("testenv: load %s: %v", cfg.fixtures, err)
		}
	}
	// Request lines would drown a failing test's own output.
	srv := httptest.NewServer(server.New(svc, server.Options{Logger: slog.New(slog.DiscardHandler), Hub: hub, Journal: journal.New(cfg.journal, 0)}))
	tb.Cleanup(srv.Close)
	// Cleanups run last first: closing the hub ends event streams a test
	// left open, which the server's Close would wait for.
	tb.Cleanup(hub.Close)
	return &Env{TB: tb, DB: store, Service: svc, Hub: hub, Clock: clock, Fs: cfg.fs, Server: srv, URL: srv.URL}
}

// RepoRoot is the repository's root folder, found from this file's place.
func RepoRoot() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Clean(filepath.Join(filepath.Dir(file), "..", ".."))
}

var schemaOnce struct {
	sync.Once
	sql string
	err error
}

// Schema returns schema.sql (//go:embed cannot reach it from here).
func Schema(tb testing.TB) string {
	tb.Helper()
	schemaOnce.Do(func() {
		b, err := os.ReadFile(filepath.Join(RepoRoot(), "schema.sql"))
		schemaOnce.sql, schemaOnce.err = string(b), err
	})
	if schemaOnce.err != nil {
		tb.Fatalf("testenv: schema: %v", schemaOnce.err)
	}
	return schemaOnce.sql
}

// Do sends a request to the instance; headers are "Name: value" lines.
func (e *Env) Do(method, path, body string, headers ...string) (*http.Response, []byte) {
	e.TB.Helper()
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, e.URL+path, r)
	if err != nil {
		e.TB.Fatalf("testenv: %v", err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for _, h := range headers {
		name, value, _ := strings.Cut(h, ":")
		name, value = strings.TrimSpace(name), strings.TrimSpace(value)
		if strings.EqualFold(name, "Host") {
			req.Host = value // absolute URLs in answers are built from it
			continue
		}
		req.Header.Set(name, value)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.TB.Fatalf("testenv: %s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		e.TB.Fatalf("testenv: read body: %v", err)
	}
	return resp, data
}

// Caller returns a core caller acting as the user of the app, or as the app
// itself when userID is empty (for core-level assertions in dialect tests).
func (e *Env) Caller(appID, userID string) *core.Caller {
	e.TB.Helper()
	c, err := e.Service.Authenticate(context.Background(), core.Credential{Kind: core.CredAdmin, Secret: AdminToken, AppID: appID, ActAs: userID})
	if err != nil {
		e.TB.Fatalf("testenv: caller %s/%s: %v", appID, userID, err)
	}
	return c
}
