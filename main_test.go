package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"parley/server/core"
	"parley/server/testenv"
)

func call(tb testing.TB, method, url, token, body string, headers ...string) (int, []byte) {
	tb.Helper()
	resp, data := do(tb, method, url, token, body, headers...)
	return resp.StatusCode, data
}

func do(tb testing.TB, method, url, token, body string, headers ...string) (*http.Response, []byte) {
	tb.Helper()
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req, _ := http.NewRequest(method, url, r)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for _, h := range headers {
		name, value, _ := strings.Cut(h, ":")
		req.Header.Set(strings.TrimSpace(name), strings.TrimSpace(value))
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		tb.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	return resp, data
}

// running is an in-process instance started by startMain.
type running struct {
	URL   string
	Main  *Main
	Lines []string // what it printed after the listening line
	Log   *syncBuffer
}

// syncBuffer is a bytes.Buffer safe to write from the server's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// startMain runs Main in-process with the serve command line args and
// stops it at cleanup. Logs go to a buffer (JSON), not to the test output.
func startMain(t *testing.T, args ...string) *running {
	t.Helper()
	env := &cliEnv{stdout: io.Discard, stderr: io.Discard, getenv: func(string) string { return "" }}
	m, err := parseServe(env, append([]string{"--addr", "127.0.0.1:0", "--log-format", "json"}, args...))
	if err != nil {
		t.Fatal(err)
	}
	logs := &syncBuffer{}
	m.Stderr = logs
	pr, pw := io.Pipe()
	m.Stdout = pw
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() { errc <- m.Run(ctx); pw.Close() }()
	t.Cleanup(func() {
		cancel()
		if err := <-errc; err != nil {
			t.Errorf("run: %v", err)
		}
	})
	r := bufio.NewReader(pr)
	line, err := r.ReadString('\n')
	if err != nil {
		t.Fatalf("no listening line: %v (%v)", err, <-errc)
	}
	rn := &running{URL: strings.TrimPrefix(strings.TrimSpace(line), "listening on "), Main: m, Log: logs}
	// The credentials of a first start follow at once; the rest is read
	// and dropped so the server never blocks on its stdout.
	lines := make(chan []string, 1)
	go func() {
		var got []string
		for {
			l, err := r.ReadString('\n')
			if l != "" {
				got = append(got, strings.TrimSpace(l))
				if len(got) == 4 {
					lines <- got
				}
			}
			if err != nil {
				return
			}
		}
	}()
	if !m.Config.Ephemeral && m.Config.AdminToken == "" {
		select {
		case rn.Lines = <-lines:
		case <-time.After(10 * time.Second):
		}
	}
	return rn
}

func TestEndToEnd(t *testing.T) {
	p := testenv.StartBinary(t, "--ephemeral", "--addr", "127.0.0.1:0", "--fixtures", "testdata/fixtures.json", "--admin-token", "e2e-admin")
	url, cmd := p.URL, p.Cmd

	for _, path := range []string{"/healthz", "/readyz", "/livez", "/version", "/metrics"} {
		if status, body := call(t, "GET", url+path, "", ""); status != 200 {
			t.Fatalf("%s: %d %s", path, status, body)
		}
	}
	var v struct{ Version, Commit, Go string }
	if _, body := call(t, "GET", url+"/version", "", ""); json.Unmarshal(body, &v) != nil || v.Version == "" || v.Commit == "" || v.Go != runtime.Version() {
		t.Fatalf("/version: %s, want the version, commit and %s", body, runtime.Version())
	}
	if status, _ := call(t, "GET", url+"/admin/v1/apps", "wrong", ""); status != 401 {
		t.Fatalf("admin with a wrong token: got %d, want 401", status)
	}
	status, body := call(t, "GET", url+"/admin/v1/apps/demo/conversations", "e2e-admin", "")
	var convs []struct{ ID string }
	if status != 200 || json.Unmarshal(body, &convs) != nil || len(convs) != 2 {
		t.Fatalf("fixture conversations: %d %s", status, body)
	}
	status, body = call(t, "POST", url+"/admin/v1/apps/demo/users", "e2e-admin", `{"id":"erin","displayName":"Erin"}`)
	if status != 201 {
		t.Fatalf("create user: %d %s", status, body)
	}
	status, _ = call(t, "POST", url+"/admin/v1/apps/demo/conversations/general/members", "e2e-admin", `[{"user":"erin"}]`)
	if status != 200 {
		t.Fatalf("add member: %d", status)
	}
	status, body = call(t, "GET", url+"/admin/v1/apps/demo/conversations/general/members", "e2e-admin", "")
	if status != 200 || !strings.Contains(string(body), `"erin"`) {
		t.Fatalf("members: %d %s", status, body)
	}
	// parley healthcheck, built as the Dockerfile builds it (CGO_ENABLED=0).
	addr := strings.TrimPrefix(url, "http://")
	if out, err := runBinary(t, "healthcheck", "--addr", addr); err != nil {
		t.Fatalf("healthcheck of a live instance: %v %s", err, out)
	}
	// Graceful shutdown on SIGINT.
	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("exit after SIGINT: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no exit 10 s after SIGINT")
	}
	if out, err := runBinary(t, "healthcheck", "--addr", addr); err == nil {
		t.Fatalf("healthcheck of a stopped instance succeeded: %s", out)
	}
}

func TestFirstStartOnDisk(t *testing.T) {
	dir := t.TempDir()
	p := testenv.StartBinary(t, "--addr", "127.0.0.1:0", "--data", dir)
	url, rest := p.URL, p.Stdout
	var token string
	for i := 0; i < 4; i++ {
		line, err := rest.ReadString('\n')
		if err != nil {
			t.Fatal(err)
		}
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), "admin token: "); ok {
			token = v
		}
	}
	if token == "" {
		t.Fatal("first start printed no admin token")
	}
	status, body := call(t, "GET", url+"/admin/v1/apps", token, "")
	if status != 200 || !strings.Contains(string(body), `"default"`) {
		t.Fatalf("default app: %d %s", status, body)
	}
	for _, name := range []string{"parley.db", "blobs"} {
		if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
			t.Fatalf("data folder: %v", err)
		}
	}
}

// A first start on a busy port fails before anything is made, so the next
// start is a first start again and prints the credentials.
func TestFirstStartBusyPort(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := busy.Addr().String()
	dir := filepath.Join(t.TempDir(), "data")
	m := &Main{Config: Config{Addr: addr, DataDir: dir, LogLevel: "error", Readers: 1}, Log: slog.New(slog.DiscardHandler)}
	if err := m.Run(context.Background()); err == nil || !strings.Contains(err.Error(), "listen") {
		t.Fatalf("start on a busy port: got %v, want a listen error", err)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Fatalf("a failed start left the data folder behind: %v", err)
	}
	busy.Close()
	r := startMain(t, "--addr", addr, "--data", dir)
	if len(r.Lines) != 4 || !strings.HasPrefix(r.Lines[0], "admin token: ") || !strings.HasPrefix(r.Lines[3], "secret key: ") {
		t.Fatalf("the start after a busy port printed %q, want the admin token and the app's keys", r.Lines)
	}
}

// --admin-token given at every start replaces the previous one; the token
// made at first start stays; tokens are listed and revoked.
func TestAdminTokens(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	for _, token := range []string{"first-flag", "second-flag", "second-flag"} {
		m := &Main{Config: Config{DataDir: dir, Readers: 1, AdminToken: token}, Log: slog.New(slog.DiscardHandler)}
		if err := m.Open(ctx); err != nil {
			t.Fatal(err)
		}
		if _, err := m.firstStart(ctx); err != nil {
			t.Fatal(err)
		}
		m.Close()
	}
	r := startMain(t, "--data", dir, "--admin-token", "second-flag")
	status, body := call(t, "GET", r.URL+"/admin/v1/tokens", "second-flag", "")
	var tokens []struct{ ID, Origin string }
	if status != 200 || json.Unmarshal(body, &tokens) != nil {
		t.Fatalf("list tokens: %d %s", status, body)
	}
	if len(tokens) != 1 || tokens[0].Origin != "flag" {
		t.Fatalf("tokens after three starts: %s, want the one flag token", body)
	}
	if status, _ := call(t, "GET", r.URL+"/admin/v1/tokens", "first-flag", ""); status != 401 {
		t.Fatalf("the replaced flag token: got %d, want 401", status)
	}
	if status, body := call(t, "DELETE", r.URL+"/admin/v1/tokens/"+tokens[0].ID, "second-flag", ""); status != 409 {
		t.Fatalf("revoke the last token: got %d %s, want 409", status, body)
	}
	addr := strings.TrimPrefix(r.URL, "http://")
	out, code := runCLI(t, nil, "tokens", "create", "--addr", addr, "--admin-token", "second-flag")
	created, ok := strings.CutPrefix(strings.TrimSpace(out), "admin token ")
	if code != 0 || !ok {
		t.Fatalf("tokens create: %d %q", code, out)
	}
	id, token, _ := strings.Cut(created, ": ")
	out, code = runCLI(t, map[string]string{"PARLEY_ADMIN_TOKEN": token}, "tokens", "list", "--addr", addr)
	if code != 0 || strings.Count(out, "\n") != 2 || !strings.Contains(out, id+"  api") {
		t.Fatalf("tokens list: %d %q", code, out)
	}
	if out, code := runCLI(t, nil, "tokens", "revoke", id, "--addr", addr, "--admin-token", "second-flag"); code != 0 {
		t.Fatalf("tokens revoke: %d %q", code, out)
	}
	if status, _ := call(t, "GET", r.URL+"/admin/v1/tokens", token, ""); status != 401 {
		t.Fatalf("a revoked token: got %d, want 401", status)
	}
}

func TestRotateSecret(t *testing.T) {
	r := startMain(t, "--ephemeral", "--fixtures", "testdata/fixtures.json", "--admin-token", "adm")
	basic := func(secret string) string {
		return "Authorization: Basic " + base64.StdEncoding.EncodeToString([]byte(secret))
	}
	get := func(secret string) int {
		status, _ := call(t, "GET", r.URL+"/v2/users", "", "", "Public-Key: demo-public", basic(secret), "User-Id: alice")
		return status
	}
	if got := get("demo-secret"); got != 200 {
		t.Fatalf("fixture secret before rotation: %d", got)
	}
	out, code := runCLI(t, nil, "apps", "rotate-secret", "demo", "--addr", strings.TrimPrefix(r.URL, "http://"), "--admin-token", "adm")
	_, secret, ok := strings.Cut(out, "secret key: ")
	secret = strings.TrimSpace(secret)
	if code != 0 || !ok || secret == "" {
		t.Fatalf("apps rotate-secret: %d %q", code, out)
	}
	if got := get("demo-secret"); got != 401 {
		t.Fatalf("old secret after rotation: got %d, want 401", got)
	}
	if got := get(secret); got != 200 {
		t.Fatalf("new secret: got %d, want 200", got)
	}
	if _, code := runCLI(t, nil, "apps", "rotate-secret", "nope", "--addr", strings.TrimPrefix(r.URL, "http://"), "--admin-token", "adm"); code != 1 {
		t.Fatalf("rotate an unknown app: exit %d, want 1", code)
	}
}

// runCLI runs a command line in-process and returns its stdout and exit code.
func runCLI(t *testing.T, env map[string]string, args ...string) (string, int) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(context.Background(), args, &cliEnv{stdout: &out, stderr: &errOut, getenv: func(k string) string { return env[k] }})
	return out.String() + errOut.String(), code
}

// runBinary runs the built binary with args.
func runBinary(t *testing.T, args ...string) (string, error) {
	t.Helper()
	return testenv.Run(t, args...)
}

func TestHelpAndVersion(t *testing.T) {
	tests := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"--help"}, 0, "backup"},
		{[]string{"-h"}, 0, "healthcheck"},
		{[]string{"help"}, 0, "rotate-secret"},
		{[]string{"serve", "--help"}, 0, "PARLEY_CORS_ORIGINS"},
		{[]string{"help", "serve"}, 0, "--readers  [PARLEY_READERS]"},
		{[]string{"help", "backup"}, 0, "Usage: parley backup"},
		{[]string{"apps", "--help"}, 0, "PARLEY_ADMIN_TOKEN"},
		{[]string{"version"}, 0, "parley "},
		{[]string{"fly"}, 2, "unknown command"},
		{[]string{"serve", "--nope"}, 2, "flag provided but not defined"},
		{[]string{"help", "fly"}, 2, "unknown command"},
		{[]string{"serve", "--log-format", "xml"}, 2, "text or json"},
		{[]string{"backup"}, 2, "one archive"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, "_"), func(t *testing.T) {
			out, code := runCLI(t, nil, tt.args...)
			if code != tt.code || !strings.Contains(out, tt.want) {
				t.Fatalf("parley %v: exit %d, output:\n%s\nwant exit %d and %q", tt.args, code, out, tt.code, tt.want)
			}
		})
	}
	// The real binary's exit codes, and its build info.
	for _, args := range [][]string{{"--help"}, {"help"}, {"serve", "--help"}} {
		if out, err := runBinary(t, args...); err != nil || !strings.Contains(out, "PARLEY_") && !strings.Contains(out, "Commands:") {
			t.Fatalf("parley %v: %v\n%s", args, err, out)
		}
	}
	// The commit comes from the build's VCS stamp, which a build without
	// git (or with -buildvcs=false) does not have.
	out, err := runBinary(t, "version")
	if err != nil || !strings.Contains(out, runtime.Version()) || !strings.Contains(out, "(commit ") {
		t.Fatalf("parley version: %v %q, want the commit and Go version", err, out)
	}
}

func TestEnvTwins(t *testing.T) {
	tests := []struct {
		env     map[string]string
		check   func(c Config) bool
		wantErr string
	}{
		{map[string]string{"PARLEY_EPHEMERAL": "1"}, func(c Config) bool { return c.Ephemeral }, ""},
		{map[string]string{"PARLEY_EPHEMERAL": "TRUE"}, func(c Config) bool { return c.Ephemeral }, ""},
		{map[string]string{"PARLEY_EPHEMERAL": "Yes"}, func(c Config) bool { return c.Ephemeral }, ""},
		{map[string]string{"PARLEY_EPHEMERAL": "on"}, func(c Config) bool { return c.Ephemeral }, ""},
		{map[string]string{"PARLEY_EPHEMERAL": "0"}, func(c Config) bool { return !c.Ephemeral }, ""},
		{map[string]string{"PARLEY_EPHEMERAL": "False"}, func(c Config) bool { return !c.Ephemeral }, ""},
		{map[string]string{"PARLEY_EPHEMERAL": "NO"}, func(c Config) bool { return !c.Ephemeral }, ""},
		{map[string]string{"PARLEY_EPHEMERAL": "off"}, func(c Config) bool { return !c.Ephemeral }, ""},
		{map[string]string{"PARLEY_EPHEMERAL": "maybe"}, nil, "PARLEY_EPHEMERAL"},
		{map[string]string{"PARLEY_METRICS": "nope"}, nil, "PARLEY_METRICS"},
		{map[string]string{"PARLEY_READERS": "8"}, func(c Config) bool { return c.Readers == 8 }, ""},
		{map[string]string{"PARLEY_READERS": "many"}, nil, "PARLEY_READERS"},
		{map[string]string{"PARLEY_MAX_BODY": "2MiB"}, func(c Config) bool { return c.MaxBody == 2<<20 }, ""},
		{map[string]string{"PARLEY_MAX_CONNS_PER_ADDRESS": "64"}, func(c Config) bool { return c.MaxConnsPerAddress == 64 }, ""},
		{map[string]string{"PARLEY_READ_HEADER_TIMEOUT": "3s", "PARLEY_READ_TIMEOUT": "20s", "PARLEY_WRITE_TIMEOUT": "30s", "PARLEY_IDLE_TIMEOUT": "1m",
			"PARLEY_UPLOAD_TIMEOUT": "2h", "PARLEY_MAX_HEADER": "16KiB"}, func(c Config) bool {
			return c.ReadHeaderTimeout == 3*time.Second && c.ReadTimeout == 20*time.Second && c.WriteTimeout == 30*time.Second &&
				c.IdleTimeout == time.Minute && c.UploadTimeout == 2*time.Hour && c.MaxHeader == 16<<10
		}, ""},
		{map[string]string{}, func(c Config) bool {
			return c.ReadHeaderTimeout == 10*time.Second && c.ReadTimeout == time.Minute && c.WriteTimeout == time.Minute &&
				c.IdleTimeout == 2*time.Minute && c.UploadTimeout == time.Hour && c.MaxHeader == 64<<10
		}, ""},
		{map[string]string{"PARLEY_WRITE_TIMEOUT": "soon"}, nil, "PARLEY_WRITE_TIMEOUT"},
		{map[string]string{"PARLEY_READ_TIMEOUT": "-1s"}, nil, "cannot be negative"},
		{map[string]string{"PARLEY_UPLOAD_TIMEOUT": "0"}, nil, "--upload-timeout"},
		{map[string]string{"PARLEY_CORS_ORIGINS": "https://a.test, https://b.test"}, func(c Config) bool {
			return len(c.CORSOrigins) == 2 && c.CORSOrigins[1] == "https://b.test"
		}, ""},
		// Defaults that follow --ephemeral.
		{map[string]string{}, func(c Config) bool { return c.RateLimit && c.CORSOrigins == nil && c.Metrics }, ""},
		{map[string]string{"PARLEY_EPHEMERAL": "1"}, func(c Config) bool { return !c.RateLimit && c.CORSOrigins[0] == "*" }, ""},
		{map[string]string{"PARLEY_EPHEMERAL": "1", "PARLEY_RATE_LIMIT": "yes", "PARLEY_CORS_ORIGINS": "none"},
			func(c Config) bool { return c.RateLimit && c.CORSOrigins == nil }, ""},
	}
	for _, tt := range tests {
		t.Run(strings.ReplaceAll(strings.TrimPrefix(strings.Join(keysValues(tt.env), "_"), "PARLEY_"), " ", ""), func(t *testing.T) {
			env := &cliEnv{stdout: io.Discard, stderr: io.Discard, getenv: func(k string) string { return tt.env[k] }}
			m, err := parseServe(env, nil)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("got %v, want an error naming %s", err, tt.wantErr)
				}
				return
			}
			if err != nil || !tt.check(m.Config) {
				t.Fatalf("config %+v, err %v", m, err)
			}
		})
	}
	// A flag wins over its twin.
	env := &cliEnv{getenv: func(k string) string { return map[string]string{"PARLEY_ADDR": "127.0.0.1:1"}[k] }}
	if m, err := parseServe(env, []string{"--addr", ":2"}); err != nil || m.Config.Addr != ":2" {
		t.Fatalf("flag over env: %v %v", m, err)
	}
}

func keysValues(m map[string]string) []string {
	var out []string
	for k, v := range m {
		out = append(out, k+"="+v)
	}
	return out
}

func TestStartupEphemeralWithFixtures(t *testing.T) {
	// The figure that matters is measured in bench/, not asserted here.
	r := startMain(t, "--ephemeral", "--fixtures", "testdata/fixtures.json", "--admin-token", "x")
	if status, _ := call(t, "GET", r.URL+"/readyz", "", ""); status != 200 {
		t.Fatalf("readyz: %d", status)
	}
}

func TestParseArgs_MaxUpload(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		env     string
		want    int64
		wantErr bool
	}{
		{"Default", nil, "", 100_000_000, false},
		{"Flag", []string{"--max-upload", "10MiB"}, "", 10 << 20, false},
		{"Env", nil, "2KB", 2000, false},
		{"FlagBeatsEnv", []string{"--max-upload", "512"}, "2KB", 512, false},
		{"ErrZero", []string{"--max-upload", "0"}, "", 0, true},
		{"ErrWord", nil, "lots", 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := parseServe(&cliEnv{getenv: func(k string) string {
				if k == "PARLEY_MAX_UPLOAD" {
					return tt.env
				}
				return ""
			}}, tt.args)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, want error %v", err, tt.wantErr)
			}
			if err == nil && m.Config.MaxUpload != tt.want {
				t.Errorf("MaxUpload = %d, want %d", m.Config.MaxUpload, tt.want)
			}
		})
	}
}

// TestOpen_SweepsOrphanBlobs: a blob a crash left without a row, and an
// interrupted upload's temp file, are gone after the next start; a blob a
// file names stays.
func TestOpen_SweepsOrphanBlobs(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	m := &Main{Config: Config{DataDir: dir, LogLevel: "error", Readers: 1}}
	if err := m.Open(ctx); err != nil {
		t.Fatal(err)
	}
	_, secret, err := m.Core.CreateApp(ctx, m.Core.StartupCaller(), core.AppInput{ID: "a", Name: "A"})
	if err != nil {
		t.Fatal(err)
	}
	appCaller, err := m.Core.Authenticate(ctx, core.Credential{Kind: core.CredSecret, AppID: "a", Secret: secret})
	if err != nil {
		t.Fatal(err)
	}
	f, err := m.Core.UploadFile(ctx, appCaller, core.UploadInput{Name: "kept.txt", Body: strings.NewReader("kept")})
	if err != nil {
		t.Fatal(err)
	}
	m.Close()
	blobs := filepath.Join(dir, "blobs")
	orphan := "0000000000000000000000000000000000000000000000000000000000000000"
	for _, p := range []string{filepath.Join(blobs, "sha256", orphan[:2], orphan[2:]), filepath.Join(blobs, "tmp", "put-1")} {
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte("left over"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	m = &Main{Config: Config{DataDir: dir, LogLevel: "error", Readers: 1}}
	if err := m.Open(ctx); err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	for _, p := range []string{filepath.Join(blobs, "sha256", orphan[:2], orphan[2:]), filepath.Join(blobs, "tmp", "put-1")} {
		if _, err := os.Stat(p); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s: stat err = %v, want not exist", p, err)
		}
	}
	appCaller, err = m.Core.Authenticate(ctx, core.Credential{Kind: core.CredSecret, AppID: "a", Secret: secret})
	if err != nil {
		t.Fatal(err)
	}
	_, r, err := m.Core.OpenFile(ctx, appCaller, f.ID)
	if err != nil {
		t.Fatalf("kept file: %v", err)
	}
	defer r.Close()
	if b, _ := io.ReadAll(r); string(b) != "kept" {
		t.Errorf("kept file reads %q", b)
	}
}

func TestClientURL(t *testing.T) {
	tests := []struct{ addr, want string }{
		{"127.0.0.1:8080", "http://127.0.0.1:8080"},
		{"0.0.0.0:8080", "http://127.0.0.1:8080"}, // the container's PARLEY_ADDR
		{":9000", "http://127.0.0.1:9000"},
		{"[::]:8080", "http://127.0.0.1:8080"},
		{"parley.internal:80", "http://parley.internal:80"},
	}
	for _, tt := range tests {
		if got := clientURL(tt.addr); got != tt.want {
			t.Errorf("clientURL(%q) = %q, want %q", tt.addr, got, tt.want)
		}
	}
}
