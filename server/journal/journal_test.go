package journal_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"parley/server/journal"
)

func TestRedaction(t *testing.T) {
	secrets := []string{"tok-123456"}
	tests := []struct {
		name, got, want string
	}{
		{"JSONPassword", journal.Body([]byte(`{"userId":"a","password":"hunter2"}`), nil), `{"userId":"a","password":"[redacted]"}`},
		{"JSONNested", journal.Body([]byte(`{"user":{"accessToken":"x","apiKey":42}}`), nil), `{"user":{"accessToken":"[redacted]","apiKey":"[redacted]"}}`},
		{"JSONCutShort", journal.Body([]byte(`{"secret_key":"abc`), nil), `{"secret_key":"[redacted]"`},
		{"KnownSecret", journal.Body([]byte(`{"id":"tok-123456"}`), secrets), `{"id":"[redacted]"}`},
		{"Form", journal.Body([]byte(`user=a&password=p&access_token=t`), nil), `user=a&password=[redacted]&access_token=[redacted]`},
		{"Plain", journal.Body([]byte(`{"body":"the password is in the text"}`), nil), `{"body":"the password is in the text"}`},
		{"Query", journal.Query("access_token=t&x=1", nil), "access_token=%5Bredacted%5D&x=1"},
		{"QueryKnown", journal.Query("q=tok-123456", secrets), "q=[redacted]"},
		{"QueryClean", journal.Query("x=1&y=2", nil), "x=1&y=2"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s: got %s, want %s", tt.name, tt.got, tt.want)
		}
	}
	h := journal.Headers(http.Header{"Authorization": {"Bearer abc"}, "X-Api-Key": {"k"}, "Public-Key": {"pub"}, "Cookie": {"s=1"}})
	want := map[string]string{"Authorization": "Bearer [redacted]", "X-Api-Key": "[redacted]", "Public-Key": "pub", "Cookie": "[redacted]"}
	for k, v := range want {
		if h[k] != v {
			t.Errorf("header %s: got %q, want %q", k, h[k], v)
		}
	}
}

func add(j *journal.Journal, app, path string, status int) {
	j.Add(journal.Entry{AppID: app, Method: "GET", Path: path, Status: status},
		journal.Raw{Headers: http.Header{"Authorization": {"Bearer s"}}, Request: []byte(`{"password":"p"}`)})
}

func TestRing(t *testing.T) {
	if journal.New(0, 0) != nil {
		t.Fatal("a journal of size 0 must be off (nil)")
	}
	j := journal.New(3, 0)
	for i, p := range []string{"/a", "/b", "/c", "/d"} {
		add(j, "x", p, 200+i)
	}
	add(j, "y", "/other", 404)
	add(j, "", "/nowhere", 404)
	paths := func(es []journal.Entry) string {
		var out []string
		for _, e := range es {
			out = append(out, e.Path)
		}
		return strings.Join(out, ",")
	}
	tests := []struct {
		name string
		f    journal.Filter
		want string
	}{
		{"RingOfThree", journal.Filter{AppID: "x"}, "/b,/c,/d"},
		{"Status", journal.Filter{AppID: "x", Status: 202}, "/c"},
		{"After", journal.Filter{AppID: "x", After: 3}, "/d"},
		{"LimitNewest", journal.Filter{AppID: "x", Limit: 1}, "/d"},
		{"LimitAfter", journal.Filter{AppID: "x", After: 1, Limit: 1}, "/b"},
		{"NoApp", journal.Filter{}, "/nowhere"},
		{"AllApps", journal.Filter{AllApps: true, Status: 404}, "/other,/nowhere"},
		{"Path", journal.Filter{AllApps: true, Path: "/o"}, "/other"},
	}
	for _, tt := range tests {
		if got := paths(j.List(tt.f)); got != tt.want {
			t.Errorf("%s: got %s, want %s", tt.name, got, tt.want)
		}
	}
	e := j.List(journal.Filter{AppID: "y"})[0]
	if e.Headers["Authorization"] != "Bearer [redacted]" || e.Request != `{"password":"[redacted]"}` {
		t.Errorf("a listed entry is redacted: %+v", e)
	}
	j.Clear("x")
	if got := j.List(journal.Filter{AllApps: true}); len(got) != 2 {
		t.Errorf("after Clear(x): %d entries, want 2", len(got))
	}
}

func TestWait(t *testing.T) {
	j := journal.New(10, 0)
	ctx := context.Background()
	if es, ok, err := j.Wait(ctx, journal.Filter{AppID: "x"}, 1, time.Millisecond); ok || err != nil || len(es) != 0 {
		t.Fatalf("empty wait: %v %v %v", es, ok, err)
	}
	done := make(chan bool)
	go func() {
		_, ok, _ := j.Wait(ctx, journal.Filter{AppID: "x", Status: 201}, 2, time.Minute)
		done <- ok
	}()
	add(j, "x", "/a", 201)
	add(j, "x", "/b", 500)
	add(j, "x", "/c", 201)
	if !<-done {
		t.Fatal("the wait did not see its two entries")
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if _, _, err := j.Wait(cancelled, journal.Filter{AppID: "z"}, 1, time.Minute); err == nil {
		t.Fatal("a cancelled wait must end with the context's error")
	}
}
