package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"parley/server/core"
	"parley/server/testenv"
)

func call(tb testing.TB, method, url, token, body string) (int, []byte) {
	tb.Helper()
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req, _ := http.NewRequest(method, url, r)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		tb.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, data
}

func TestEndToEnd(t *testing.T) {
	p := testenv.StartBinary(t, "--ephemeral", "--addr", "127.0.0.1:0", "--fixtures", "testdata/fixtures.json", "--admin-token", "e2e-admin")
	url, cmd := p.URL, p.Cmd

	if status, _ := call(t, "GET", url+"/healthz", "", ""); status != 200 {
		t.Fatalf("healthz: %d", status)
	}
	if status, _ := call(t, "GET", url+"/readyz", "", ""); status != 200 {
		t.Fatalf("readyz: %d", status)
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
	// Graceful shutdown on SIGTERM.
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

func TestParseArgs(t *testing.T) {
	env := map[string]string{"PARLEY_ADDR": "127.0.0.1:9999", "PARLEY_EPHEMERAL": "true"}
	tests := []struct {
		name    string
		args    []string
		addr    string
		eph     bool
		wantErr bool
	}{
		{"Defaults", nil, "127.0.0.1:9999", true, false},
		{"Serve", []string{"serve", "--addr", ":1"}, ":1", true, false},
		{"ErrCommand", []string{"fly"}, "", false, true},
		{"ErrFlag", []string{"--nope"}, "", false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := parseArgs(tt.args, func(k string) string { return env[k] })
			if (err != nil) != tt.wantErr {
				t.Fatalf("err: %v", err)
			}
			if err == nil && (m.Config.Addr != tt.addr || m.Config.Ephemeral != tt.eph) {
				t.Fatalf("config: %+v", m.Config)
			}
		})
	}
}

func TestStartupEphemeralWithFixtures(t *testing.T) {
	// Start in-process (no build) and check the instance answers quickly;
	// the figure that matters is measured in bench/, not asserted here.
	m := &Main{Config: Config{Addr: "127.0.0.1:0", Ephemeral: true, Fixtures: "testdata/fixtures.json", AdminToken: "x", LogLevel: "error"}}
	pr, pw := io.Pipe()
	m.Stdout = pw
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() { errc <- m.Run(ctx) }()
	line, err := bufio.NewReader(pr).ReadString('\n')
	if err != nil {
		t.Fatal(err)
	}
	go io.Copy(io.Discard, pr)
	url := strings.TrimPrefix(strings.TrimSpace(line), "listening on ")
	if status, _ := call(t, "GET", url+"/readyz", "", ""); status != 200 {
		t.Fatalf("readyz: %d", status)
	}
	cancel()
	if err := <-errc; err != nil {
		t.Fatal(err)
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
			m, err := parseArgs(tt.args, func(k string) string {
				if k == "PARLEY_MAX_UPLOAD" {
					return tt.env
				}
				return ""
			})
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
