package ui_test

import (
	"encoding/json"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"parley/server/testenv"
)

const admin = "Authorization: Bearer " + testenv.AdminToken

// TestServesPage: every view's URL answers the page, assets answer with
// their type, and the page's data (the admin API) needs the admin token.
func TestServesPage(t *testing.T) {
	env := testenv.New(t)
	for _, tc := range []struct {
		method, path string
		headers      []string
		status       int
		contentType  string
		contains     string
	}{
		{"GET", "/ui/", nil, 200, "text/html; charset=utf-8", `src="/ui/assets/app.js"`},
		{"GET", "/ui/apps/demo", nil, 200, "text/html; charset=utf-8", `data-testid="login-form"`},
		{"GET", "/ui/apps/demo/conversations/general", nil, 200, "text/html; charset=utf-8", `<title>Parley inspector</title>`},
		{"GET", "/ui/latest", nil, 200, "text/html; charset=utf-8", `href="/ui/assets/app.css"`},
		{"GET", "/ui/assets/app.js", nil, 200, "text/javascript; charset=utf-8", "sessionStorage"},
		{"GET", "/ui/assets/app.css", nil, 200, "text/css; charset=utf-8", ".messages"},
		{"GET", "/ui/assets/missing.js", nil, 404, "", ""},
		{"POST", "/ui/", nil, 405, "", ""},
		{"GET", "/ui", nil, 200, "text/html; charset=utf-8", "Parley inspector"}, // redirected to /ui/
		// The views' data: refused without the admin token, given with it.
		{"GET", "/admin/v1/apps/demo/conversations", nil, 401, "application/json; charset=utf-8", "unauthenticated"},
		{"GET", "/admin/v1/apps/demo/conversations", []string{"Authorization: Bearer alice-token"}, 401, "application/json; charset=utf-8", ""},
		{"GET", "/admin/v1/apps/demo/conversations", []string{admin}, 200, "application/json; charset=utf-8", `"general"`},
		{"GET", "/admin/v1/apps/demo/messages/m1/wire", nil, 401, "application/json; charset=utf-8", ""},
		{"GET", "/admin/v1/apps/demo/messages/m1/wire", []string{admin}, 200, "application/json; charset=utf-8", `"channelize"`},
		{"GET", "/admin/v1/apps/demo/messages/nope/wire", []string{admin}, 404, "application/json; charset=utf-8", ""},
	} {
		t.Run(tc.method+" "+tc.path, func(t *testing.T) {
			resp, body := env.Do(tc.method, tc.path, "", tc.headers...)
			if resp.StatusCode != tc.status {
				t.Fatalf("status %d, want %d: %s", resp.StatusCode, tc.status, body)
			}
			if ct := resp.Header.Get("Content-Type"); tc.contentType != "" && ct != tc.contentType {
				t.Errorf("Content-Type %q, want %q", ct, tc.contentType)
			}
			if !strings.Contains(string(body), tc.contains) {
				t.Errorf("body lacks %q:\n%.300s", tc.contains, body)
			}
			if strings.HasPrefix(tc.path, "/ui/") && resp.StatusCode == 200 && resp.Header.Get("Content-Security-Policy") == "" {
				t.Error("no Content-Security-Policy")
			}
		})
	}
}

// TestWireIsTheDialects: the wire view of a message is what the dialect
// itself answers for it, not a copy that could drift.
func TestWireIsTheDialects(t *testing.T) {
	env := testenv.New(t)
	_, body := env.Do("GET", "/admin/v1/apps/demo/messages/m2/wire", "", admin)
	var views map[string]json.RawMessage
	if err := json.Unmarshal(body, &views); err != nil {
		t.Fatalf("%v: %s", err, body)
	}
	resp, list := env.Do("GET", "/v2/conversations/general/messages", "", "Public-Key: demo-public", "Authorization: Bearer YWxpY2UtdG9rZW4=")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("channelize list: %d %s", resp.StatusCode, list)
	}
	var msgs []map[string]any
	if err := json.Unmarshal(list, &msgs); err != nil {
		t.Fatalf("%v: %s", err, list)
	}
	var fromDialect, fromWire map[string]any
	for _, m := range msgs {
		if m["id"] == "m2" {
			fromDialect = m
		}
	}
	if err := json.Unmarshal(views["channelize"], &fromWire); err != nil {
		t.Fatalf("channelize view: %v: %s", err, body)
	}
	if fromDialect == nil || !reflect.DeepEqual(fromDialect, fromWire) {
		t.Errorf("wire view differs from Channelize's answer:\nwire:    %v\ndialect: %v", fromWire, fromDialect)
	}
	for _, name := range []string{"channelize", "parley"} {
		if len(views[name]) == 0 || string(views[name]) == "null" {
			t.Errorf("no %s view: %s", name, body)
		}
	}
	var parley struct{ ID, Body string }
	if err := json.Unmarshal(views["parley"], &parley); err != nil || parley.ID != "m2" || parley.Body != "hi alice" {
		t.Errorf("parley view: %s (%v)", views["parley"], err)
	}
}

// TestMessageActions: the inspector acts on a message as a user, under
// that user's rights (the core decides).
func TestMessageActions(t *testing.T) {
	env := testenv.New(t)
	for _, tc := range []struct {
		body   string
		status int
		want   string
	}{
		{`{"as": "bob", "action": "react", "name": "like"}`, 200, `"name":"like","count":1,"users":["bob"]`},
		{`{"as": "alice", "action": "edit", "body": "hello, edited"}`, 200, `"body":"hello, edited"`},
		{`{"as": "bob", "action": "edit", "body": "not bob's"}`, 403, `"forbidden"`},
		{`{"as": "carol", "action": "read"}`, 200, `"id":"m1"`},
		{`{"as": "dave", "action": "read"}`, 404, `not found`}, // not a member: it is hidden from him
		{`{"as": "bob", "action": "unreact", "name": "like"}`, 200, `"id":"m1"`},
		{`{"as": "alice", "action": "shout"}`, 400, `"action"`},
		{`{"action": "recall"}`, 400, `"as"`},
		{`{"as": "alice", "action": "recall"}`, 200, `"deletedAt"`},
	} {
		resp, body := env.Do("POST", "/admin/v1/apps/demo/messages/m1/actions", tc.body, admin)
		if resp.StatusCode != tc.status || !strings.Contains(string(body), tc.want) {
			t.Errorf("%s: %d %s, want %d with %s", tc.body, resp.StatusCode, body, tc.status, tc.want)
		}
	}
}

// TestWireIsEveryDialectsGET: each dialect's view of a message is the
// dialect's own GET of it, and ?as=USER is that user's GET (Amity's
// myReactions is the viewer's own).
func TestWireIsEveryDialectsGET(t *testing.T) {
	env := testenv.New(t)
	if resp, body := env.Do("POST", "/api/v2/reactions", `{"referenceId": "m2", "referenceType": "message", "reactionName": "like"}`,
		"Authorization: Bearer carol-token"); resp.StatusCode != http.StatusOK {
		t.Fatalf("carol's reaction: %s %s", resp.Status, body)
	}
	own := func(path, field string, headers ...string) any {
		t.Helper()
		resp, body := env.Do("GET", path, "", headers...)
		var v map[string]any
		if resp.StatusCode != http.StatusOK || json.Unmarshal(body, &v) != nil {
			t.Fatalf("GET %s: %s %s", path, resp.Status, body)
		}
		if field != "" {
			return v[field]
		}
		return v
	}
	views := func(query string) map[string]any {
		t.Helper()
		var v map[string]any
		if _, body := env.Do("GET", "/admin/v1/apps/demo/messages/m2/wire"+query, "", admin); json.Unmarshal(body, &v) != nil {
			t.Fatalf("wire%s: %s", query, body)
		}
		return v
	}
	app, carol := views(""), views("?as=carol")
	tests := []struct {
		name      string
		view, own any
	}{
		{"sceyt", app["sceyt"], own("/v1/demo/channels/general/messages/m2", "", "Authorization: Bearer demo-secret")},
		{"appnet", app["appnet"], own("/stream/0/channels/1/messages/2?include_annotations=1", "data", "Authorization: Bearer bob-token")},
		{"cowork", app["cowork"], own("/api/cowork/teams/eng/channels/general/messages/m2", "", "Authorization: Bearer bob-token")},
		{"amity as bob", views("?as=bob")["amity"], own("/api/v5/messages/m2", "", "Authorization: Bearer bob-token")},
		{"amity as carol", carol["amity"], own("/api/v5/messages/m2", "", "Authorization: Bearer carol-token")},
	}
	for _, tt := range tests {
		if !reflect.DeepEqual(tt.view, tt.own) {
			t.Errorf("%s: wire view\n%v\nis not the dialect's GET\n%v", tt.name, tt.view, tt.own)
		}
	}
	if resp, _ := env.Do("GET", "/admin/v1/apps/demo/messages/m2/wire?as=nobody", "", admin); resp.StatusCode < 400 {
		t.Errorf("?as=nobody: %s, want a refusal", resp.Status)
	}
}
