// Command parley is a chat-messages backend in one binary: one SQLite file,
// one attachments folder, five platforms' messages APIs on one core.
//
//	parley [serve] [--addr 127.0.0.1:8080] [--data ./data] [--ephemeral]
//	               [--fixtures FILE] [--admin-token TOKEN] [--log-level info]
//	               [--max-upload 100MB]
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
	"parley/server/realtime"
)

//go:embed schema.sql
var schemaSQL string

// Config is what the flags and their PARLEY_* twins set.
type Config struct {
	Addr       string
	DataDir    string
	Ephemeral  bool
	Fixtures   string
	AdminToken string
	LogLevel   string
	Readers    int
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
	return &Main{Config: c}, nil
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
		Handler:           server.New(m.Core, server.Options{Logger: m.Log, Ready: m.ready.Load}),
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
	}
	fmt.Fprintf(m.Stdout, "listening on http://%s\n", m.ln.Addr())
	for _, line := range notes {
		fmt.Fprintln(m.Stdout, line)
	}
	m.ready.Store(true)
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
