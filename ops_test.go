package main

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

var aliceHeaders = []string{"Public-Key: demo-public", "Authorization: Bearer " + base64.StdEncoding.EncodeToString([]byte("alice-token"))}

// A browser on another origin sends a preflight before a JSON POST with
// credentials; every dialect route and /events answer it.
func TestCORS(t *testing.T) {
	preflight := func(url, origin string) *http.Response {
		t.Helper()
		resp, _ := do(t, "OPTIONS", url, "", "", "Origin: "+origin, "Access-Control-Request-Method: POST",
			"Access-Control-Request-Headers: authorization, content-type, public-key")
		return resp
	}
	t.Run("EphemeralAnyOrigin", func(t *testing.T) {
		r := startMain(t, "--ephemeral", "--fixtures", "testdata/fixtures.json", "--admin-token", "adm")
		for _, path := range []string{"/v2/messages/send", "/v2/conversations/general/messages", "/events"} {
			resp := preflight(r.URL+path, "http://localhost:5173")
			h := resp.Header
			if resp.StatusCode != 204 || h.Get("Access-Control-Allow-Origin") != "*" ||
				!strings.Contains(h.Get("Access-Control-Allow-Methods"), "POST") ||
				!strings.Contains(h.Get("Access-Control-Allow-Headers"), "public-key") {
				t.Fatalf("preflight %s: %d %v", path, resp.StatusCode, h)
			}
		}
		resp, body := do(t, "GET", r.URL+"/v2/conversations/general/messages", "", "", append(aliceHeaders, "Origin: http://localhost:5173")...)
		if resp.StatusCode != 200 || resp.Header.Get("Access-Control-Allow-Origin") != "*" ||
			!strings.Contains(resp.Header.Get("Access-Control-Expose-Headers"), "Retry-After") {
			t.Fatalf("cross-origin GET: %d %v %s", resp.StatusCode, resp.Header, body)
		}
	})
	t.Run("PersistentListed", func(t *testing.T) {
		r := startMain(t, "--data", t.TempDir(), "--admin-token", "adm", "--cors-origins", "https://app.example")
		resp := preflight(r.URL+"/v2/messages/send", "https://app.example")
		if resp.StatusCode != 204 || resp.Header.Get("Access-Control-Allow-Origin") != "https://app.example" ||
			!strings.Contains(strings.Join(resp.Header.Values("Vary"), ","), "Origin") {
			t.Fatalf("listed origin: %d %v", resp.StatusCode, resp.Header)
		}
		resp = preflight(r.URL+"/v2/messages/send", "https://evil.example")
		if resp.Header.Get("Access-Control-Allow-Origin") != "" {
			t.Fatalf("unlisted origin allowed: %v", resp.Header)
		}
	})
	t.Run("PersistentDefaultNone", func(t *testing.T) {
		r := startMain(t, "--data", t.TempDir(), "--admin-token", "adm")
		if resp := preflight(r.URL+"/v2/messages/send", "http://localhost:5173"); resp.Header.Get("Access-Control-Allow-Origin") != "" {
			t.Fatalf("a persistent instance allows an origin by default: %v", resp.Header)
		}
	})
}

// Each request is one info line naming its route pattern, never its ids,
// credentials or body.
func TestRequestLogLine(t *testing.T) {
	r := startMain(t, "--ephemeral", "--fixtures", "testdata/fixtures.json", "--admin-token", "adm")
	status, body := call(t, "POST", r.URL+"/v2/messages/send", "", `{"conversationId":"general","body":"secret words"}`, aliceHeaders...)
	if status != 201 {
		t.Fatalf("send: %d %s", status, body)
	}
	var line map[string]any
	for _, l := range strings.Split(r.Log.String(), "\n") {
		if strings.Contains(l, `"msg":"request"`) && strings.Contains(l, "/v2/messages/send") {
			if err := json.Unmarshal([]byte(l), &line); err != nil {
				t.Fatalf("log line is not JSON: %v: %s", err, l)
			}
		}
	}
	want := map[string]any{"level": "INFO", "method": "POST", "route": "/v2/messages/send", "status": float64(201),
		"dialect": "channelize", "app": "demo"}
	for k, v := range want {
		if line[k] != v {
			t.Errorf("log %s: got %v, want %v (line %v)", k, line[k], v, line)
		}
	}
	if n, ok := line["bytes"].(float64); !ok || n <= 0 {
		t.Errorf("log bytes: %v", line["bytes"])
	}
	if _, ok := line["duration"].(float64); !ok {
		t.Errorf("log duration: %v", line["duration"])
	}
	for _, secret := range []string{"secret words", "alice-token", base64.StdEncoding.EncodeToString([]byte("alice-token"))} {
		if strings.Contains(r.Log.String(), secret) {
			t.Errorf("the log holds %q", secret)
		}
	}
}

// A scrape parses with Prometheus's own text parser and holds what the
// server counted.
func TestMetrics(t *testing.T) {
	r := startMain(t, "--ephemeral", "--fixtures", "testdata/fixtures.json", "--admin-token", "adm")
	for i := range 3 {
		body := fmt.Sprintf(`{"conversationId":"general","body":"hello %d"}`, i)
		if status, out := call(t, "POST", r.URL+"/v2/messages/send", "", body, aliceHeaders...); status != 201 {
			t.Fatalf("send: %d %s", status, out)
		}
	}
	for range 2 {
		call(t, "GET", r.URL+"/v2/conversations/general/messages", "", "", aliceHeaders...)
	}
	resp, body := do(t, "GET", r.URL+"/metrics", "", "")
	if resp.StatusCode != 200 {
		t.Fatalf("metrics: %d", resp.StatusCode)
	}
	parser := expfmt.NewTextParser(model.LegacyValidation)
	families, err := parser.TextToMetricFamilies(bytes.NewReader(body))
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	value := func(name string, labels map[string]string) float64 {
		f := families[name]
		if f == nil {
			t.Fatalf("no metric %s", name)
		}
	next:
		for _, m := range f.Metric {
			for _, l := range m.Label {
				if want, ok := labels[l.GetName()]; ok && want != l.GetValue() {
					continue next
				}
			}
			switch {
			case m.Counter != nil:
				return m.Counter.GetValue()
			case m.Gauge != nil:
				return m.Gauge.GetValue()
			case m.Histogram != nil:
				return float64(m.Histogram.GetSampleCount())
			}
		}
		t.Fatalf("no %s with %v", name, labels)
		return 0
	}
	if got := value("parley_messages_sent_total", nil); got != 3 {
		t.Errorf("messages sent: %v, want 3", got)
	}
	if got := value("parley_http_request_duration_seconds", map[string]string{"dialect": "channelize", "route": "/v2/messages/send", "status": "201"}); got != 3 {
		t.Errorf("send requests: %v, want 3", got)
	}
	if got := value("parley_db_commit_batch_writes", nil); got < 3 {
		t.Errorf("batches: %v, want at least 3", got)
	}
	for _, cache := range []string{"messages", "credentials"} {
		l := map[string]string{"cache": cache}
		if got := value("parley_cache_hits_total", l) + value("parley_cache_misses_total", l); got == 0 {
			t.Errorf("%s cache look-ups: %v, want some", cache, got)
		}
	}
	if got := value("parley_cache_hits_total", map[string]string{"cache": "credentials"}); got < 4 {
		t.Errorf("credential cache hits: %v, want at least 4 (five requests with one token)", got)
	}
	if got := value("parley_db_bytes", nil); got <= 0 {
		t.Errorf("db bytes: %v", got)
	}
	for _, name := range []string{"parley_db_write_queue_depth", "parley_blob_bytes", "parley_event_streams_open", "parley_event_subscribers", "go_goroutines"} {
		value(name, nil)
	}

	off := startMain(t, "--ephemeral", "--admin-token", "adm", "--metrics=false")
	if status, _ := call(t, "GET", off.URL+"/metrics", "", ""); status != 404 {
		t.Fatalf("--metrics=false: /metrics answers %d", status)
	}
}

// --max-conns-per-address closes a client's connections past the cap.
func TestMaxConnsPerAddress(t *testing.T) {
	r := startMain(t, "--ephemeral", "--admin-token", "adm", "--max-conns-per-address", "1")
	addr := strings.TrimPrefix(r.URL, "http://")
	first, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer first.Close()
	second, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer second.Close()
	second.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := second.Read(make([]byte, 1)); err != io.EOF && !errors.Is(err, syscall.ECONNRESET) {
		t.Fatalf("the connection past the cap: read %v, want it closed", err)
	}
	fmt.Fprintf(first, "GET /livez HTTP/1.1\r\nHost: x\r\n\r\n")
	first.SetReadDeadline(time.Now().Add(5 * time.Second))
	line, err := bufio.NewReader(first).ReadString('\n')
	if err != nil || !strings.Contains(line, "200") {
		t.Fatalf("the connection within the cap: %q %v", line, err)
	}
}
