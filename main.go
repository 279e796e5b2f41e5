// Command parley is a chat-messages backend in one binary: one SQLite file,
// one attachments folder, several platforms' messages APIs on one core.
//
//	parley [serve] [--addr 127.0.0.1:8080] [--data ./data] [--ephemeral] ...
//	parley help | version | healthcheck | backup FILE | restore FILE
//	parley apps rotate-secret APP | tokens list|create|revoke ID
//
// Every flag has a PARLEY_* environment twin (PARLEY_ADDR, PARLEY_DATA, ...);
// `parley help` describes them all.
package main

import (
	"context"
	_ "embed"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/spf13/afero"

	"parley/blobstore"
	"parley/db"
	"parley/server"
	"parley/server/admin"
	"parley/server/core"
	"parley/server/journal"
	"parley/server/metrics"
	"parley/server/netlimit"
	"parley/server/realtime"
	"parley/server/webhook"
)

//go:embed schema.sql
var schemaSQL string

// retentionInterval is how often messages past their app's bounds are
// pruned (in small batches, between other writes).
const retentionInterval = 5 * time.Second

// Main is one running Parley: tests start several in one process.
type Main struct {
	Config Config
	Stdout io.Writer    // where the listening line and first-start credentials go
	Stderr io.Writer    // where logs go when Log is nil
	Log    *slog.Logger // built from LogLevel and LogFormat when nil

	DB      *db.DB
	Blobs   core.Blobs
	Core    *core.Service
	Hub     *realtime.Hub
	Metrics *metrics.Metrics // nil with --metrics=false
	// Webhooks delivers events to the apps' webhooks.
	Webhooks *webhook.Dispatcher
	HTTP     *http.Server

	blobStore *blobstore.Store
	ln        net.Listener
	ready     atomic.Bool
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], stdEnv())
	stop()
	os.Exit(code)
}

// serveFlags defines serve's flags on fs, filling c.
func serveFlags(fs *flag.FlagSet, c *Config) {
	fs.StringVar(&c.Addr, "addr", "127.0.0.1:8080", "listen address; port 0 picks a free one (use 0.0.0.0:8080 in a container)")
	fs.StringVar(&c.DataDir, "data", "data", "folder of parley.db and blobs/")
	fs.Var(boolFlag{&c.Ephemeral}, "ephemeral", "keep everything in memory; nothing touches disk")
	fs.StringVar(&c.Fixtures, "fixtures", "", "fixture document (JSON) to load, in one transaction, before listening")
	fs.StringVar(&c.AdminToken, "admin-token", "", "admin token for /admin/v1; replaces the one a previous start was given (default: one is made and printed at first start)")
	fs.StringVar(&c.LogLevel, "log-level", "info", "debug, info, warn or error (info logs one line per request)")
	fs.StringVar(&c.LogFormat, "log-format", "text", "text or json")
	fs.IntVar(&c.Readers, "readers", 4, "read connections of a file database")
	fs.Var(listFlag{&c.CORSOrigins}, "cors-origins", "origins browsers may call from, comma-separated, * for any, none for no one (default: * when ephemeral, none otherwise)")
	fs.Var(boolFlag{&c.Metrics}, "metrics", "serve Prometheus metrics at /metrics")
	fs.Var(boolFlag{&c.RateLimit}, "rate-limit", "limit logins and token creation per client address and per user (default: on, off when ephemeral)")
	fs.Var(sizeFlag{&c.MaxBody}, "max-body", "largest JSON request body")
	fs.IntVar(&c.MaxConnsPerAddress, "max-conns-per-address", 0, "connections one client address may hold at once; past it new ones are closed (0: no cap)")
	fs.IntVar(&c.Journal, "journal", 0, "keep the last N requests per app in the request journal; 0 is off (default: 1000 with --ephemeral, else 0)")
	fs.IntVar(&c.MaxMessages, "max-messages", 0, "keep at most N messages per app, pruning the oldest; 0 is unbounded (default: 100000 with --ephemeral, else 0)")
	fs.DurationVar(&c.MaxAge, "max-age", 0, "prune messages older than this (24h, 90m); 0 is unbounded (default: 24h with --ephemeral, else 0)")
	fs.Var(sizeFlag{&c.MaxUpload}, "max-upload", "largest uploaded file: bytes, or a number with KB, MB, GB (or KiB, MiB, GiB)")
	fs.Var(sizeFlag{&c.MaxHeader}, "max-header", "largest request headers; past it the answer is 431")
	fs.DurationVar(&c.ReadHeaderTimeout, "read-header-timeout", 10*time.Second, "time a client has to send a request's headers (a new connection that sends nothing is closed after it); 0 is --read-timeout")
	fs.DurationVar(&c.ReadTimeout, "read-timeout", time.Minute, "time a client has to send a whole request, body included (file uploads have --upload-timeout); 0 is none")
	fs.DurationVar(&c.WriteTimeout, "write-timeout", time.Minute, "time an answer has to reach the client (file downloads have --upload-timeout, admin long polls their wait more, event streams 10 s per write); 0 is none")
	fs.DurationVar(&c.IdleTimeout, "idle-timeout", 2*time.Minute, "time a kept-alive connection may wait for its next request; 0 is --read-timeout")
	fs.DurationVar(&c.UploadTimeout, "upload-timeout", time.Hour, "time a file upload may take to arrive, and a file download to go out")
}

// parseServe reads serve's flags and their PARLEY_* twins.
func parseServe(env *cliEnv, args []string) (*Main, error) {
	c := Config{Metrics: true, MaxBody: 1 << 20, MaxUpload: 100_000_000, MaxHeader: 64 << 10}
	fs := newFlagSet("serve")
	serveFlags(fs, &c)
	set, pos, err := parse(fs, env, args)
	if err != nil {
		return nil, err
	}
	if len(pos) > 0 {
		return nil, usagef("unexpected arguments: %v", pos)
	}
	if !set["rate-limit"] {
		c.RateLimit = !c.Ephemeral
	}
	if !set["cors-origins"] && c.Ephemeral {
		c.CORSOrigins = []string{"*"}
	}
	if len(c.CORSOrigins) == 1 && c.CORSOrigins[0] == "none" {
		c.CORSOrigins = nil
	}
	if c.LogFormat != "text" && c.LogFormat != "json" {
		return nil, usagef("--log-format must be text or json, not %q", c.LogFormat)
	}
	var level slog.Level
	if err := level.UnmarshalText([]byte(c.LogLevel)); err != nil {
		return nil, usagef("--log-level: %v", err)
	}
	if c.ReadHeaderTimeout < 0 || c.ReadTimeout < 0 || c.WriteTimeout < 0 || c.IdleTimeout < 0 {
		return nil, usagef("--read-header-timeout, --read-timeout, --write-timeout and --idle-timeout cannot be negative")
	}
	if c.UploadTimeout <= 0 {
		return nil, usagef("--upload-timeout must be positive")
	}
	if c.MaxHeader > 1<<30 {
		return nil, usagef("--max-header cannot pass 1GiB")
	}
	if c.Journal < 0 || c.MaxMessages < 0 || c.MaxAge < 0 {
		return nil, usagef("--journal, --max-messages and --max-age cannot be negative")
	}
	// Unset, these three take the mode's default (modeDefaults).
	for name, v := range map[string]*int{"journal": &c.Journal, "max-messages": &c.MaxMessages} {
		if !set[name] {
			*v = -1
		}
	}
	if !set["max-age"] {
		c.MaxAge = -1
	}
	c.modeDefaults()
	return &Main{Config: c}, nil
}

func runServe(ctx context.Context, env *cliEnv, args []string) error {
	m, err := parseServe(env, args)
	if err != nil {
		return err
	}
	m.Stdout, m.Stderr = env.stdout, env.stderr
	if err := m.setupLog(); err != nil {
		return err
	}
	// Dialects log their internal errors through the default logger:
	// the same one, in the same format.
	slog.SetDefault(m.Log)
	return m.Run(ctx)
}

// setupLog builds the logger the configuration asks for, unless one is set.
func (m *Main) setupLog() error {
	if m.Log != nil {
		return nil
	}
	if m.Stderr == nil {
		m.Stderr = os.Stderr
	}
	var level slog.Level
	if err := level.UnmarshalText([]byte(m.Config.LogLevel)); err != nil {
		return fmt.Errorf("log level: %w", err)
	}
	opts := &slog.HandlerOptions{Level: level}
	if m.Config.LogFormat == "json" {
		m.Log = slog.New(slog.NewJSONHandler(m.Stderr, opts))
	} else {
		m.Log = slog.New(slog.NewTextHandler(m.Stderr, opts))
	}
	return nil
}

// modeDefaults fills what was left to the mode: an ephemeral instance,
// made for tests, journals requests and bounds what it keeps (generously);
// a persistent one does neither unless asked.
func (c *Config) modeDefaults() {
	pick := func(v, ephemeral int) int {
		switch {
		case v >= 0:
			return v
		case c.Ephemeral:
			return ephemeral
		}
		return 0
	}
	c.Journal = pick(c.Journal, 1000)
	c.MaxMessages = pick(c.MaxMessages, 100_000)
	c.MaxAge = time.Duration(pick(int(c.MaxAge), int(24*time.Hour)))
}

// Open opens the database and blob store and loads the fixtures.
func (m *Main) Open(ctx context.Context) error {
	if m.Stdout == nil {
		m.Stdout = io.Discard
	}
	if err := m.setupLog(); err != nil {
		return err
	}
	if m.Config.Metrics {
		m.Metrics = metrics.New(m.metricSources())
	}
	path := ":memory:"
	var err error
	if m.Config.Ephemeral {
		m.blobStore = blobstore.New(afero.NewMemMapFs())
	} else {
		path = filepath.Join(m.Config.DataDir, "parley.db")
		if m.blobStore, err = blobstore.OpenDir(filepath.Join(m.Config.DataDir, "blobs")); err != nil {
			return err
		}
	}
	m.Blobs = m.blobStore
	opts := db.Options{Path: path, Schema: schemaSQL, Readers: m.Config.Readers}
	if m.Metrics != nil {
		opts.OnBatch = m.Metrics.ObserveBatch
	}
	if m.DB, err = db.Open(ctx, opts); err != nil {
		return err
	}
	m.Hub = realtime.NewHub()
	m.Webhooks = webhook.New(webhook.Options{Logger: m.Log})
	var pub core.Publisher = m.Hub
	if m.Metrics != nil {
		pub = m.Metrics.Publisher(m.Hub)
	}
	limits := core.DefaultLimits
	if m.Config.MaxUpload > 0 {
		limits.MaxUploadBytes = m.Config.MaxUpload
	}
	o := core.Options{Store: m.DB, Blobs: m.Blobs, Publisher: pub, Webhooks: m.Webhooks, Logger: m.Log, Limits: &limits}
	if m.Config.RateLimit {
		o.RateLimits = &core.DefaultRateLimits
	}
	if m.Config.Ephemeral {
		o.PasswordIterations = core.EphemeralPasswordIterations // nothing to protect; start in milliseconds
	}
	m.Core = core.NewService(o)
	m.Core.SetRetention(core.Retention{MaxMessages: max(m.Config.MaxMessages, 0), MaxAge: max(m.Config.MaxAge, 0)})
	// Blobs a crash left without a row (and interrupted uploads) go before
	// anything is served.
	if n, err := m.Core.SweepBlobs(ctx); err != nil {
		return fmt.Errorf("sweep blobs: %w", err)
	} else if n > 0 {
		m.Log.Info("removed unreferenced blobs", "count", n)
	}
	if m.Config.Fixtures != "" {
		data, err := os.ReadFile(m.Config.Fixtures)
		if err != nil {
			return fmt.Errorf("fixtures: %w", err)
		}
		f, err := admin.DecodeFixtures(data)
		if err == nil {
			err = m.Core.LoadFixtures(ctx, m.Core.StartupCaller(), f)
		}
		if err != nil {
			return fmt.Errorf("fixtures %s: %w", m.Config.Fixtures, err)
		}
	}
	return nil
}

// metricSources reads the store, the blobs and the hub at each scrape
// (they are opened later, hence the indirection).
func (m *Main) metricSources() metrics.Sources {
	ctx := context.Background()
	var blobs struct {
		sync.Mutex
		at    time.Time
		bytes float64
	}
	return metrics.Sources{
		QueueDepth:  func() float64 { return float64(m.DB.Stats().Queued) },
		CacheHits:   func() float64 { return float64(m.DB.Stats().CacheHits) },
		CacheMisses: func() float64 { return float64(m.DB.Stats().CacheMisses) },
		Subscribers: func() float64 { return float64(m.Hub.Subscribers()) },
		AuthHits:    func() float64 { h, _ := m.Core.AuthCacheStats(); return float64(h) },
		AuthMisses:  func() float64 { _, n := m.Core.AuthCacheStats(); return float64(n) },
		DBBytes: func() float64 {
			n, err := m.DB.Size(ctx)
			if err != nil {
				m.Log.Warn("metrics: database size", "err", err)
			}
			return float64(n)
		},
		BlobBytes: func() float64 {
			// Walking every blob at each scrape would cost as much as the
			// files are many: the figure is kept a minute.
			blobs.Lock()
			defer blobs.Unlock()
			if time.Since(blobs.at) > time.Minute {
				n, err := m.blobStore.Size()
				if err != nil {
					m.Log.Warn("metrics: blob size", "err", err)
				}
				blobs.at, blobs.bytes = time.Now(), float64(n)
			}
			return blobs.bytes
		},
	}
}

// Run serves until ctx ends, then shuts down gracefully. The first line on
// Stdout is "listening on http://HOST:PORT". The port is taken before
// anything is opened or made, so a busy port leaves nothing behind, and
// credentials made at first start are printed only once they can be used.
func (m *Main) Run(ctx context.Context) error {
	ln, err := net.Listen("tcp", m.Config.Addr)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	if m.Config.MaxConnsPerAddress > 0 {
		ln = netlimit.New(ln, m.Config.MaxConnsPerAddress)
	}
	m.ln = ln
	if err := m.Open(ctx); err != nil {
		ln.Close()
		m.Close()
		return err
	}
	defer m.Close()
	notes, err := m.firstStart(ctx)
	if err != nil {
		// What was made is printed all the same: it exists now, and
		// would otherwise never be shown.
		for _, line := range notes {
			fmt.Fprintln(m.Stdout, line)
		}
		ln.Close()
		return err
	}
	m.HTTP = &http.Server{
		Handler: server.New(m.Core, server.Options{
			Logger:         m.Log,
			MaxBodyBytes:   m.Config.MaxBody,
			MaxUploadBytes: m.Config.MaxUpload + 1<<20,
			CORSOrigins:    m.Config.CORSOrigins,
			Metrics:        m.Metrics,
			Version:        buildVersion(),
			Ready:          m.ready.Load,
			Journal:        journal.New(m.Config.Journal, 0),
			Hub:            m.Hub,
			UploadTimeout:  m.Config.UploadTimeout,
			WriteTimeout:   m.Config.WriteTimeout,
		}),
		// Slow and idle clients are cut off (10 s for the headers, a
		// minute for the request and for the answer, by default); file
		// uploads and downloads, long polls and event streams get their
		// own, longer rules per request (server.Options).
		ReadHeaderTimeout: m.Config.ReadHeaderTimeout,
		ReadTimeout:       m.Config.ReadTimeout,
		WriteTimeout:      m.Config.WriteTimeout,
		IdleTimeout:       m.Config.IdleTimeout,
		MaxHeaderBytes:    int(m.Config.MaxHeader),
		ErrorLog:          slog.NewLogLogger(m.Log.Handler(), slog.LevelWarn),
	}
	// Shutdown waits for handlers, and event streams never end by
	// themselves: closing the hub ends them (each with a close event).
	m.HTTP.RegisterOnShutdown(m.Hub.Close)
	fmt.Fprintf(m.Stdout, "listening on http://%s\n", ln.Addr())
	for _, line := range notes {
		fmt.Fprintln(m.Stdout, line)
	}
	m.ready.Store(true)
	m.Log.Info("started", "addr", ln.Addr().String(), "ephemeral", m.Config.Ephemeral, "data", m.Config.DataDir,
		"rate_limit", m.Config.RateLimit, "metrics", m.Config.Metrics, "cors_origins", m.Config.CORSOrigins)
	go m.Core.RunRetention(ctx, retentionInterval)
	errc := make(chan error, 1)
	go func() { errc <- m.HTTP.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	m.ready.Store(false)
	shutdown, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := m.HTTP.Shutdown(shutdown); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("shutdown: %w", err)
	}
	m.Log.Info("stopped")
	return nil
}

// firstStart makes sure there is an admin token and at least one app, and
// returns what to print about them (once, when they are made).
func (m *Main) firstStart(ctx context.Context) ([]string, error) {
	var notes []string
	token, created, err := m.Core.EnsureAdminToken(ctx, m.Config.AdminToken)
	if err != nil {
		return nil, fmt.Errorf("admin token: %w", err)
	}
	if created {
		notes = append(notes, "admin token: "+token)
	}
	apps, err := m.Core.ListApps(ctx, m.Core.StartupCaller())
	if err != nil {
		return notes, err
	}
	if len(apps) == 0 {
		app, secret, err := m.Core.CreateApp(ctx, m.Core.StartupCaller(), core.AppInput{ID: "default", Name: "Default"})
		if err != nil {
			return notes, fmt.Errorf("default app: %w", err)
		}
		notes = append(notes, "created app "+app.ID, "  public key: "+app.PublicKey, "  secret key: "+secret)
	}
	return notes, nil
}

// Close releases the database, the hub and the webhook workers.
func (m *Main) Close() {
	if m.Hub != nil {
		m.Hub.Close()
	}
	if m.Webhooks != nil {
		m.Webhooks.Close()
	}
	if m.DB != nil {
		if err := m.DB.Close(); err != nil {
			m.Log.Error("close database", "err", err)
		}
	}
}

// parseSize reads a byte count: a plain number, or one with a unit (KB, MB,
// GB as powers of 1000; KiB, MiB, GiB as powers of 1024; case ignored).
func parseSize(s string) (int64, error) {
	t := strings.ToUpper(strings.TrimSpace(s))
	units := []struct {
		suffix string
		mult   int64
	}{{"KIB", 1 << 10}, {"MIB", 1 << 20}, {"GIB", 1 << 30}, {"KB", 1e3}, {"MB", 1e6}, {"GB", 1e9}, {"B", 1}}
	mult := int64(1)
	for _, u := range units {
		if strings.HasSuffix(t, u.suffix) {
			t, mult = strings.TrimSpace(strings.TrimSuffix(t, u.suffix)), u.mult
			break
		}
	}
	n, err := strconv.ParseInt(t, 10, 64)
	if err != nil || n <= 0 || n > math.MaxInt64/mult {
		return 0, fmt.Errorf("%q is not a positive size (like 100MB)", s)
	}
	return n * mult, nil
}
