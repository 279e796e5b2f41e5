package main

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"runtime"
	"strings"
	"testing"
	"time"

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
	Log   *testenv.LockedBuffer
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
	logs := &testenv.LockedBuffer{}
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
