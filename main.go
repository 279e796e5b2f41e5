// Command parley is a chat-messages backend in one binary: one SQLite file,
// one attachments folder, five platforms' messages APIs on one core.
//
//	parley [serve] [--addr 127.0.0.1:8080] [--data ./data] [--ephemeral]
//	               [--fixtures FILE] [--admin-token TOKEN] [--log-level info]
//	               [--journal N] [--max-messages N] [--max-age DURATION] [--max-upload 100MB]
//
// Every flag has a PARLEY_* environment twin (PARLEY_ADDR, PARLEY_DATA, ...).
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
	"parley/server/realtime"
)

//go:embed schema.sql
var schemaSQL string

// retentionInterval is how often messages past their app's bounds are
// pruned (in small batches, between other writes).
const retentionInterval = 5 * time.Second

// Config is what the flags and their PARLEY_* twins set.
type Config struct {
	Addr       string
	DataDir    string
	Ephemeral  bool
	Fixtures   string
	AdminToken string
	LogLevel   string
	Readers    int
	// Journal is how many requests per app the journal keeps (0: off);
	// MaxMessages and MaxAge bound what each app keeps (0: unbounded).
	// Negative means the mode's default: on for --ephemeral, off otherwise.
	Journal     int
	MaxMessages int
	MaxAge      time.Duration
	// MaxUpload is the largest file an upload may carry, in bytes.
	MaxUpload int64
}

// Main is one running Parley: tests start several in one process.
type Main struct {
	Config Config
	Stdout io.Writer
	Log    *slog.Logger

	DB    *db.DB
	Blobs core.Blobs
	Core  *core.Service
	Hub   *realtime.Hub
	HTTP  *http.Server

	ln    net.Listener
	ready atomic.Bool
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	m, err := parseArgs(os.Args[1:], os.Getenv)
	if err != nil {
		fmt.Fprintln(os.Stderr, "parley:", err)
		os.Exit(2)
	}
	m.Stdout = os.Stdout
	if err := m.Run(ctx); err != nil {
		fmt.Fprintln(os.Stderr, "parley:", err)
		os.Exit(1)
	}
}

// parseArgs reads the subcommand and flags; getenv supplies the PARLEY_*
// defaults.
func parseArgs(args []string, getenv func(string) string) (*Main, error) {
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		if args[0] != "serve" {
			return nil, fmt.Errorf("unknown command %q (the only one is serve)", args[0])
		}
		args = args[1:]
	}
	env := func(name, def string) string {
		if v := getenv(name); v != "" {
			return v
		}
		return def
	}
	var c Config
	fs := flag.NewFlagSet("parley serve", flag.ContinueOnError)
	fs.StringVar(&c.Addr, "addr", env("PARLEY_ADDR", "127.0.0.1:8080"), "listen address; port 0 picks a free one (PARLEY_ADDR)")
	fs.StringVar(&c.DataDir, "data", env("PARLEY_DATA", "data"), "folder for parley.db and blobs/ (PARLEY_DATA)")
	fs.BoolVar(&c.Ephemeral, "ephemeral", env("PARLEY_EPHEMERAL", "") == "true" || env("PARLEY_EPHEMERAL", "") == "1",
		"keep everything in memory; nothing touches disk (PARLEY_EPHEMERAL)")
	fs.StringVar(&c.Fixtures, "fixtures", env("PARLEY_FIXTURES", ""), "fixture document to load before listening (PARLEY_FIXTURES)")
	fs.StringVar(&c.AdminToken, "admin-token", env("PARLEY_ADMIN_TOKEN", ""), "admin token for /admin/v1 (PARLEY_ADMIN_TOKEN)")
	fs.StringVar(&c.LogLevel, "log-level", env("PARLEY_LOG_LEVEL", "info"), "debug, info, warn or error (PARLEY_LOG_LEVEL)")
	fs.IntVar(&c.Readers, "readers", 4, "reader connections of a file database")
	// Unset, these three take the mode's default (modeDefaults).
	journal := fs.String("journal", env("PARLEY_JOURNAL", ""), "keep the last `N` requests per app in the request journal; 0 is off (default 1000 with --ephemeral, else 0) (PARLEY_JOURNAL)")
	maxMessages := fs.String("max-messages", env("PARLEY_MAX_MESSAGES", ""), "keep at most `N` messages per app, pruning the oldest; 0 is unbounded (default 100000 with --ephemeral, else 0) (PARLEY_MAX_MESSAGES)")
	maxAge := fs.String("max-age", env("PARLEY_MAX_AGE", ""), "prune messages older than `DURATION` (24h, 90m); 0 is unbounded (default 24h with --ephemeral, else 0) (PARLEY_MAX_AGE)")
	maxUpload := fs.String("max-upload", env("PARLEY_MAX_UPLOAD", "100MB"),
		"largest uploaded file: bytes, or a number with KB, MB, GB (or KiB, MiB, GiB) (PARLEY_MAX_UPLOAD)")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	n, err := parseSize(*maxUpload)
	if err != nil {
		return nil, fmt.Errorf("--max-upload: %w", err)
	}
	c.MaxUpload = n
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected arguments: %v", fs.Args())
	}
	if c.Journal, err = optInt("journal", *journal); err != nil {
		return nil, err
	}
	if c.MaxMessages, err = optInt("max-messages", *maxMessages); err != nil {
		return nil, err
	}
	c.MaxAge = -1
	if *maxAge != "" && *maxAge != "0" {
		if c.MaxAge, err = time.ParseDuration(*maxAge); err != nil || c.MaxAge < 0 {
			return nil, fmt.Errorf("--max-age: %q is not a duration such as 24h or 90m", *maxAge)
		}
	} else if *maxAge == "0" {
		c.MaxAge = 0
	}
	c.modeDefaults()
	return &Main{Config: c}, nil
}

// optInt reads a count flag: "" leaves it to the mode (-1).
func optInt(name, v string) (int, error) {
	if v == "" {
		return -1, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("--%s: %q is not a count", name, v)
	}
	return n, nil
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

// Open opens the database and blob store, loads fixtures, and makes sure an
// admin token and an app exist.
func (m *Main) Open(ctx context.Context) error {
	if m.Stdout == nil {
		m.Stdout = io.Discard
	}
	if m.Log == nil {
		var level slog.Level
		if err := level.UnmarshalText([]byte(m.Config.LogLevel)); err != nil {
			return fmt.Errorf("log level: %w", err)
		}
		m.Log = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))
	}
	path := ":memory:"
	var err error
	if m.Config.Ephemeral {
		m.Blobs = blobstore.New(afero.NewMemMapFs())
	} else {
		path = filepath.Join(m.Config.DataDir, "parley.db")
		if m.Blobs, err = blobstore.OpenDir(filepath.Join(m.Config.DataDir, "blobs")); err != nil {
			return err
		}
	}
	if m.DB, err = db.Open(ctx, db.Options{Path: path, Schema: schemaSQL, Readers: m.Config.Readers}); err != nil {
		return err
	}
	m.Hub = realtime.NewHub()
	limits := core.DefaultLimits
	if m.Config.MaxUpload > 0 {
		limits.MaxUploadBytes = m.Config.MaxUpload
	}
	opts := core.Options{Store: m.DB, Blobs: m.Blobs, Publisher: m.Hub, Logger: m.Log, Limits: &limits}
	if m.Config.Ephemeral {
		opts.PasswordIterations = core.EphemeralPasswordIterations // nothing to protect; start in milliseconds
	}
	m.Core = core.NewService(opts)
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

// Run serves until ctx ends, then shuts down gracefully. The first line on
// Stdout is "listening on http://HOST:PORT".
func (m *Main) Run(ctx context.Context) error {
	if err := m.Open(ctx); err != nil {
		return err
	}
	defer m.Close()
	notes, err := m.firstStart(ctx)
	if err != nil {
		return err
	}
	if m.ln, err = net.Listen("tcp", m.Config.Addr); err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	m.HTTP = &http.Server{
		Handler: server.New(m.Core, server.Options{Logger: m.Log, Ready: m.ready.Load,
			Journal: journal.New(m.Config.Journal, 0)}),
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
	}
	fmt.Fprintf(m.Stdout, "listening on http://%s\n", m.ln.Addr())
	for _, line := range notes {
		fmt.Fprintln(m.Stdout, line)
	}
	m.ready.Store(true)
	go m.Core.RunRetention(ctx, retentionInterval)
	errc := make(chan error, 1)
	go func() { errc <- m.HTTP.Serve(m.ln) }()
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
		return nil, err
	}
	if len(apps) == 0 {
		app, secret, err := m.Core.CreateApp(ctx, m.Core.StartupCaller(), core.AppInput{ID: "default", Name: "Default"})
		if err != nil {
			return nil, fmt.Errorf("default app: %w", err)
		}
		notes = append(notes, "created app "+app.ID, "  public key: "+app.PublicKey, "  secret key: "+secret)
	}
	return notes, nil
}

// Close releases the database and the hub.
func (m *Main) Close() {
	if m.Hub != nil {
		m.Hub.Close()
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
