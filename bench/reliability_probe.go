package main

import (
	"encoding/json"
	"net/url"
	"slices"
	"strings"
	"time"
)

// The reliability scenario's pure parts: which dialects it tries, the bad
// requests it makes of each route, and the figures it reduces.

// relDialect is how the reliability scenario calls one dialect: where its
// OpenAPI document is, a member's headers (so that bad input reaches the
// decoding behind the credential check), and one wrong and one right
// credential for the guessing phase.
type relDialect struct {
	name    string
	prefix  string
	openapi string // path of its OpenAPI document; "" when it serves none
	member  []string
	// ids maps the fixture's text ids in paths to the dialect's own
	// (App.net names rows by integer keys).
	ids map[string]string
	// guess is a request with a wrong credential; right the same with a
	// right one.
	method, path string
	wrong, right []string
}

func bearer64(token string) string {
	return "Authorization: Bearer " + b64(token)
}

var relDialects = []relDialect{
	{name: "channelize", prefix: "/v2/", openapi: "/v2/openapi.json",
		member: []string{"Public-Key: demo-public", bearer64("alice-token")},
		method: "GET", path: "/v2/users",
		wrong: []string{"Public-Key: demo-public", "Authorization: Basic " + b64("guess-secret"), "User-Id: alice"},
		right: []string{"Public-Key: demo-public", "Authorization: Basic " + b64("demo-secret"), "User-Id: alice"}},
	{name: "sceyt", prefix: "/v1/", openapi: "/v1/openapi.json",
		member: []string{"Authorization: Bearer demo-secret"},
		method: "GET", path: "/v1/demo/users",
		wrong: []string{"Authorization: Bearer guess-secret"},
		right: []string{"Authorization: Bearer demo-secret"}},
	{name: "appnet", prefix: "/stream/0/", openapi: "/stream/0/openapi.json",
		member: []string{"Authorization: Bearer alice-token"},
		ids:    map[string]string{"general": "1", "m1": "1", "alice": "1"},
		method: "GET", path: "/stream/0/channels",
		wrong: []string{"Authorization: Bearer guess-token"},
		right: []string{"Authorization: Bearer alice-token"}},
	{name: "cowork", prefix: "/api/cowork/", openapi: "/api/cowork/openapi.json",
		member: []string{"Authorization: Bearer alice-token"},
		method: "GET", path: "/api/cowork/teams",
		wrong: []string{"Authorization: Basic " + b64("alice:guess"), "X-Parley-App: demo"},
		right: []string{"Authorization: Basic " + b64("alice:alice-pw"), "X-Parley-App: demo"}},
	{name: "amity", prefix: "/api/", openapi: "/api/openapi.json",
		member: []string{"Authorization: Bearer alice-token"},
		method: "GET", path: "/api/v3/network-settings/chat",
		wrong: []string{"Authorization: Bearer guess-secret"},
		right: []string{"Authorization: Bearer demo-secret"}},
	{name: "admin", prefix: "/admin/v1/", openapi: "/admin/v1/openapi.json",
		member: []string{"Authorization: Bearer " + adminToken},
		method: "GET", path: "/admin/v1/apps",
		wrong: []string{"Authorization: Bearer guess-admin"},
		right: []string{"Authorization: Bearer " + adminToken}},
}

// operation is one route of an OpenAPI document.
type operation struct {
	method, path string // path with {params}
}

// operations lists an OpenAPI document's routes, sorted.
func operations(doc []byte) ([]operation, error) {
	var d struct {
		Paths map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(doc, &d); err != nil {
		return nil, err
	}
	var out []operation
	for path, ops := range d.Paths {
		for method := range ops {
			m := strings.ToUpper(method)
			switch m {
			case "GET", "POST", "PUT", "PATCH", "DELETE":
				out = append(out, operation{m, path})
			}
		}
	}
	slices.SortFunc(out, func(a, b operation) int {
		return strings.Compare(a.path+" "+a.method, b.path+" "+b.method)
	})
	return out, nil
}

// fillPath puts the fixture's ids into a path's {params}: the demo app,
// the general conversation, its first message, alice; bad replaces the
// last parameter by an id that is not UTF-8.
func fillPath(path string, bad bool) string {
	segs := strings.Split(path, "/")
	last := -1
	for i, s := range segs {
		if strings.HasPrefix(s, "{") && strings.HasSuffix(s, "}") {
			last = i
		}
	}
	for i, s := range segs {
		if !strings.HasPrefix(s, "{") || !strings.HasSuffix(s, "}") {
			continue
		}
		name := strings.ToLower(s[1 : len(s)-1])
		switch {
		case bad && i == last:
			segs[i] = "%FF%FEid"
		case strings.Contains(name, "app"):
			segs[i] = "demo"
		case strings.Contains(name, "message"):
			segs[i] = "m1"
		case strings.Contains(name, "user"):
			segs[i] = "alice"
		default:
			segs[i] = "general"
		}
	}
	return strings.Join(segs, "/")
}

// probe is one bad request.
type probe struct {
	method, path, contentType, body, what string
}

// badBodies are what a write route is sent: each must be refused with a
// 4xx, never a 5xx.
var badBodies = []struct{ what, contentType, body string }{
	{"null", "application/json", "null"},
	{"two documents", "application/json", `{"body":"a"}{"body":"b"}`},
	{"not UTF-8", "application/json", "{\"body\":\"\xff\xfe\",\"text\":\"\xff\",\"id\":\"\xfe\"}"},
	{"truncated", "application/json", `{"body":`},
	{"array", "application/json", `[1,2,3]`},
	{"wrong types", "application/json", `{"body":1,"text":[],"id":{},"members":"x","limit":"many"}`},
	{"huge number", "application/json", `{"limit":1e999,"skip":-99999999999999999999}`},
	{"deep nesting", "application/json", strings.Repeat("[", 10000) + strings.Repeat("]", 10000)},
	{"wrong media type", "text/plain", `{"body":"a"}`},
	{"bad form", "application/x-www-form-urlencoded", "%zz=%"},
	{"bad multipart", "multipart/form-data; boundary=x", "--x\r\nContent-Disposition: form-data\r\n\r\n"},
}

// probes returns the bad requests made of one route: for every route a
// path id that is not UTF-8 and nonsense paging; for writes, each bad body.
func probes(op operation) []probe {
	good := fillPath(op.path, false)
	q := url.Values{"limit": {"-1"}, "skip": {"99999999999999999999"}, "before": {"\xff"}}
	out := []probe{
		{op.method, fillPath(op.path, true), "", "", "id not UTF-8"},
		{op.method, good + "?" + q.Encode(), "", "", "nonsense paging"},
	}
	if op.method == "GET" || op.method == "DELETE" {
		return out
	}
	for _, b := range badBodies {
		out = append(out, probe{op.method, good, b.contentType, b.body, b.what})
	}
	return out
}

// percentiles returns the 50th and 99th percentiles and the largest of
// lat (sorted in place); zeros when empty.
func percentiles(lat []time.Duration) (p50, p99, max time.Duration) {
	if len(lat) == 0 {
		return 0, 0, 0
	}
	slices.Sort(lat)
	at := func(p int) time.Duration { return lat[(len(lat)*p-1)/100] }
	return at(50), at(99), lat[len(lat)-1]
}

// mapIDs replaces whole path segments (before any query) found in ids.
func mapIDs(path string, ids map[string]string) string {
	if len(ids) == 0 {
		return path
	}
	p, q, hasQ := strings.Cut(path, "?")
	segs := strings.Split(p, "/")
	for i, s := range segs {
		if v, ok := ids[s]; ok {
			segs[i] = v
		}
	}
	p = strings.Join(segs, "/")
	if hasQ {
		p += "?" + q
	}
	return p
}
