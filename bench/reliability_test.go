package main

import (
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

func TestOperations(t *testing.T) {
	doc := []byte(`{"openapi":"3.0.3","paths":{
		"/v2/messages/send":{"post":{},"parameters":[]},
		"/v2/conversations/{id}":{"get":{},"delete":{},"summary":"x"},
		"/v2/users":{"get":{},"options":{}}}}`)
	got, err := operations(doc)
	if err != nil {
		t.Fatal(err)
	}
	want := []operation{{"DELETE", "/v2/conversations/{id}"}, {"GET", "/v2/conversations/{id}"},
		{"POST", "/v2/messages/send"}, {"GET", "/v2/users"}}
	if !slices.Equal(got, want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	if _, err := operations([]byte("not json")); err == nil {
		t.Fatal("a document that is not JSON: no error")
	}
}

func TestFillPath(t *testing.T) {
	tests := []struct {
		path string
		bad  bool
		want string
	}{
		{"/v2/users", false, "/v2/users"},
		{"/v1/{appId}/channels/{channelId}/messages/{messageId}", false, "/v1/demo/channels/general/messages/m1"},
		{"/v1/{appId}/channels/{channelId}/messages/{messageId}", true, "/v1/demo/channels/general/messages/%FF%FEid"},
		{"/v1/{appId}/users/{username}", false, "/v1/demo/users/alice"},
		{"/v1/{appId}/files/{name}", false, "/v1/demo/files/general"},
		{"/stream/0/channels/{channel_id}", true, "/stream/0/channels/%FF%FEid"},
		{"/v2/conversations/{id}", false, "/v2/conversations/general"},
	}
	for _, tt := range tests {
		if got := fillPath(tt.path, tt.bad); got != tt.want {
			t.Errorf("fillPath(%q, %v) = %q, want %q", tt.path, tt.bad, got, tt.want)
		}
	}
}

func TestMapIDs(t *testing.T) {
	ids := map[string]string{"general": "1", "m1": "7"}
	tests := []struct{ in, want string }{
		{"/stream/0/channels/general/messages/m1", "/stream/0/channels/1/messages/7"},
		{"/stream/0/channels/general?limit=-1", "/stream/0/channels/1?limit=-1"},
		{"/stream/0/channels/generalx", "/stream/0/channels/generalx"},
		{"/stream/0/channels/%FF%FEid", "/stream/0/channels/%FF%FEid"},
	}
	for _, tt := range tests {
		if got := mapIDs(tt.in, ids); got != tt.want {
			t.Errorf("mapIDs(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	if got := mapIDs("/v2/conversations/general", nil); got != "/v2/conversations/general" {
		t.Errorf("without ids: %q", got)
	}
}

func TestProbes(t *testing.T) {
	get := probes(operation{"GET", "/v2/conversations/{id}"})
	if len(get) != 2 || !strings.Contains(get[0].path, "%FF") || !strings.Contains(get[1].path, "limit=-1") {
		t.Fatalf("GET probes: %+v", get)
	}
	post := probes(operation{"POST", "/v2/messages/send"})
	if len(post) != 2+len(badBodies) {
		t.Fatalf("POST probes: %d, want %d", len(post), 2+len(badBodies))
	}
	var notUTF8, null, wrongType bool
	for _, p := range post {
		notUTF8 = notUTF8 || !utf8.ValidString(p.body)
		null = null || p.body == "null"
		wrongType = wrongType || p.contentType == "text/plain"
	}
	if !notUTF8 || !null || !wrongType {
		t.Fatalf("POST probes miss a kind: not UTF-8 %v, null %v, wrong media type %v", notUTF8, null, wrongType)
	}
}

func TestPercentiles(t *testing.T) {
	ms := func(n int) time.Duration { return time.Duration(n) * time.Millisecond }
	var lat []time.Duration
	for i := 100; i >= 1; i-- {
		lat = append(lat, ms(i))
	}
	if p50, p99, mx := percentiles(lat); p50 != ms(50) || p99 != ms(99) || mx != ms(100) {
		t.Fatalf("1..100 ms: p50 %v p99 %v max %v", p50, p99, mx)
	}
	if p50, p99, mx := percentiles([]time.Duration{ms(7)}); p50 != ms(7) || p99 != ms(7) || mx != ms(7) {
		t.Fatalf("one: %v %v %v", p50, p99, mx)
	}
	if p50, p99, mx := percentiles(nil); p50 != 0 || p99 != 0 || mx != 0 {
		t.Fatalf("none: %v %v %v", p50, p99, mx)
	}
}

func TestReliabilityProblems(t *testing.T) {
	good := &Reliability{Kills: 3, Acked: 10, Found: 10, Resent: 5, ResentOK: 5, Integrity: "ok",
		BadInputs: []*BadInputs{{Dialect: "x", Tried: 3}},
		Slow:      &SlowHold{Wanted: 10, Held: 10},
		Guessing:  []*Guessing{{Dialect: "x", Attempts: 30, Refused: 20, Throttled: 10, WithRetryAfter: 10, RightRefused: true, RightElsewhere: true}}}
	if p := good.problems(); len(p) != 0 {
		t.Fatalf("good figures: %v", p)
	}
	bad := &Reliability{Acked: 10, Found: 9, Resent: 1, Integrity: "row 3 missing",
		BadInputs: []*BadInputs{{Dialect: "x", Err5xx: 2}},
		Slow:      &SlowHold{Wanted: 10, Held: 8, NormalErrors: 1},
		Guessing:  []*Guessing{{Dialect: "x", Attempts: 30, Refused: 30}}}
	if p := bad.problems(); len(p) != 6 {
		t.Fatalf("bad figures: %d problems, want 6: %v", len(p), p)
	}
}

func TestParseReliabilityScenario(t *testing.T) {
	c, err := parseFlags([]string{"-scenario", "reliability", "-duration", "2s"})
	if err != nil || !slices.Equal(c.Scenarios, []string{"reliability"}) {
		t.Fatalf("got %v %v", c, err)
	}
	all, err := parseFlags([]string{"-scenario", "all"})
	if err != nil || slices.Contains(all.Scenarios, "reliability") {
		t.Fatalf("all: %v %v; want it without reliability", all.Scenarios, err)
	}
}
