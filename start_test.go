package main

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"parley/server/core"
	"parley/server/testenv"
)

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

func TestStartupEphemeralWithFixtures(t *testing.T) {
	// The figure that matters is measured in bench/, not asserted here.
	r := startMain(t, "--ephemeral", "--fixtures", "testdata/fixtures.json", "--admin-token", "x")
	if status, _ := call(t, "GET", r.URL+"/readyz", "", ""); status != 200 {
		t.Fatalf("readyz: %d", status)
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
