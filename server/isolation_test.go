package server_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/julienschmidt/httprouter"

	"parley/server"
	"parley/server/admin"
	"parley/server/core"
	"parley/server/testenv"
)

// The isolation matrix: every route of every dialect's router, called as
// each kind of caller who may not see the private conversation "vault"
// (alice and bob only) of app demo. A 2xx whose answer shows a private
// marker, or any answer after which what alice sees of the vault has
// changed, fails with the route and the caller named.
//
// A new dialect adds its line to isolationDialects: how each kind of
// caller presents itself, and what to put in its path parameters.

// Markers only the vault's members may ever read. No request carries them.
const (
	markTitle = "PRIVATE-TITLE-5e1f"
	markBody  = "PRIVATE-BODY-5e1f"
	markFile  = "PRIVATE-FILE-5e1f"
)

// isoCaller is how one kind of caller presents itself: headers, query
// values and body fields added to every request, and path parameters
// replaced (e.g. the app id in Sceyt's paths).
type isoCaller struct {
	headers []string
	query   url.Values
	body    map[string]any
	params  map[string]string
}

// isoDialect is a dialect's line of the matrix.
type isoDialect struct {
	// callers by kind: "other-app" (another app's valid credentials),
	// "non-member" (a user of the same app who is not in the vault) and
	// "none" (no credentials at all). A dialect may add kinds.
	callers map[string]isoCaller
	// member is a vault member (bob): the control that shows the matrix's
	// paths and credentials do reach the vault.
	member isoCaller
	// skip says why a route is not tried for a kind of caller (empty: tried).
	skip func(kind string, rt server.Operation) string
	// param names the value of a path parameter; empty falls back to the
	// shared guesses of isoParam.
	// keys maps the fixture's text ids to their integer keys (App.net).
	param func(name, prev string, keys map[string]string) string
}

func bearer64(token string) string {
	return "Authorization: Bearer " + base64Std(token)
}

func base64Std(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

var isolationDialects = map[string]isoDialect{
	"amity": {
		callers: map[string]isoCaller{
			// olga's access token, and the other app's secret key (its
			// admin context), naming demo's ids
			"other-app": {headers: []string{"Authorization: Bearer olga-token", "x-api-key: other-public"}, query: amityQuery, body: map[string]any{"deviceId": "d1"}},
			"other-key": {headers: []string{"Authorization: Bearer other-secret", "x-api-key: other-public"}, query: amityQuery, body: map[string]any{"deviceId": "d1"}},
			// dave signs in with demo's public key too: session creation
			// is by user id (Amity's non-secure mode), so it mints a token
			// for the body's userId (alice) but reveals nothing of hers
			"non-member": {headers: []string{"Authorization: Bearer dave-token", "x-api-key: demo-public"}, query: amityQuery, body: map[string]any{"deviceId": "d1"}},
			"none":       {query: amityQuery},
		},
		member: isoCaller{headers: []string{"Authorization: Bearer bob-token"}, query: amityQuery},
		skip: func(kind string, rt server.Operation) string {
			if rt.Method == "DELETE" && rt.Path == "/api/v4/sessions" {
				// (TestAmitySessionRevokesOwnTokenOnly tries it)
				return "it revokes the caller's own token, which the later cases need"
			}
			return ""
		},
	},
	"appnet": {
		callers: map[string]isoCaller{
			"other-app":  {headers: []string{"Authorization: Bearer olga-token"}},
			"non-member": {headers: []string{"Authorization: Bearer dave-token"}},
			"none":       {},
		},
		member: isoCaller{headers: []string{"Authorization: Bearer bob-token"}},
		// App.net names every row by its integer key.
		param: func(name, prev string, keys map[string]string) string { return keys[isoParam(name, prev)] },
	},
	"channelize": {
		callers: map[string]isoCaller{
			"other-app":  {headers: []string{"Public-Key: other-public", bearer64("olga-token")}},
			"other-key":  {headers: []string{"Public-Key: other-public", "Authorization: Basic " + base64Std("other-secret")}},
			"non-member": {headers: []string{"Public-Key: demo-public", bearer64("dave-token")}},
			"none":       {},
		},
		member: isoCaller{headers: []string{"Public-Key: demo-public", bearer64("bob-token")}},
	},
	"cowork": {
		callers: map[string]isoCaller{
			"other-app":        {headers: []string{"Authorization: Bearer olga-token"}},
			"other-app-basic":  {headers: []string{"Authorization: Basic " + base64Std("olga:olga-pw"), "X-Parley-App: other"}},
			"other-app-login":  {headers: []string{"Authorization: Basic " + base64Std("olga:olga-pw"), "X-Parley-App: demo"}},
			"non-member":       {headers: []string{"Authorization: Bearer dave-token"}},
			"non-member-basic": {headers: []string{"Authorization: Basic " + base64Std("nina:nina-pw"), "X-Parley-App: demo"}},
			// a member of the vault's team who is not on its member list
			"team-member":       {headers: []string{"Authorization: Bearer carol-token"}},
			"team-member-basic": {headers: []string{"Authorization: Basic " + base64Std("tess:tess-pw"), "X-Parley-App: demo"}},
			"none":              {},
		},
		member: isoCaller{headers: []string{"Authorization: Bearer bob-token"}},
		// CoWork names a channel by its team (the vault is in team eng)
		// and a direct channel by the other user.
		param: func(name, _ string, _ map[string]string) string {
			switch name {
			case "team":
				return "eng"
			case "user":
				return "alice"
			}
			return ""
		},
	},
	"sceyt": {
		callers: map[string]isoCaller{
			// the other app's key, under its own app id, naming demo's ids
			"other-app": {headers: []string{"Authorization: Bearer other-secret"}, params: map[string]string{"appId": "other"},
				query: url.Values{"from": {"olga"}}, body: map[string]any{"from": "olga"}},
			// the other app's key under demo's app id
			"other-key": {headers: []string{"Authorization: Bearer other-secret"}, query: url.Values{"from": {"olga"}}, body: map[string]any{"from": "olga"}},
			"non-member": {headers: []string{"Authorization: Bearer demo-secret"},
				query: url.Values{"from": {"dave"}}, body: map[string]any{"from": "dave"}},
			"none": {},
		},
		member: isoCaller{headers: []string{"Authorization: Bearer demo-secret"}, query: url.Values{"from": {"bob"}}},
		skip: func(kind string, rt server.Operation) string {
			// The app's secret key is the app's own authority; routes
			// with no acting user (users) are the app's, not a member's.
			if kind == "non-member" && strings.HasPrefix(rt.Path, "/v1/{appId}/users") {
				return "the app's key manages its users"
			}
			return ""
		},
	},
}

// amityQuery names the vault in every query parameter an Amity list or
// look-up takes (a route ignores the ones it does not read).
var amityQuery = url.Values{"channelId": {"vault"}, "messageFeedId": {"vault"}, "messageIds": {"vault-m1"},
	"channelIds": {"vault"}, "referenceId": {"vault-m1"}, "referenceType": {"message"}}

// isoParam guesses a path parameter's value from its name and the segment
// before it: conversations and channels are the vault, messages its
// message, files its file, users alice.
func isoParam(name, prev string) string {
	key := strings.ToLower(name + " " + prev)
	switch {
	case strings.Contains(key, "app"):
		return "demo"
	case strings.Contains(key, "message"):
		return "vault-m1"
	case strings.Contains(key, "channel"), strings.Contains(key, "conversation"):
		return "vault"
	case strings.Contains(key, "file"), strings.Contains(key, "name"):
		return "vault-file"
	case strings.Contains(key, "user"):
		return "alice"
	}
	return "vault"
}

// isoBody is the body every write is tried with: the fields the dialects
// name their targets by, all pointing into the vault.
func isoBody(extra map[string]any) []byte {
	b := map[string]any{
		"id": "vault", "uri": "vault", "conversationId": "vault", "channel_id": "vault", "channelId": "vault",
		"messageId": "vault-m1", "message_id": "vault-m1", "messageIds": []string{"vault-m1"},
		"body": "intruder", "text": "intruder", "subject": "intruder", "title": "intruder",
		"members": []string{"dave", "olga"}, "userId": "alice", "username": "alice",
	}
	for k, v := range extra {
		b[k] = v
	}
	out, _ := json.Marshal(b)
	return out
}

func TestIsolationMatrix(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	keys := loadIsolationFixture(t, env)
	before := vaultSnapshot(t, env)
	for _, d := range server.Dialects() {
		iso, ok := isolationDialects[d.Name]
		if !ok {
			t.Errorf("dialect %s has no line in isolationDialects: add its callers", d.Name)
			continue
		}
		routes, ok := handlerRoutes(d.New(env.Service))
		if !ok {
			t.Errorf("%s: cannot list its routes (neither an httprouter.Router nor a handler with Patterns)", d.Name)
			continue
		}
		routes = withWordRoutes(t, routes, d.OpenAPI)
		tried, ok2xx, control := 0, 0, map[string]bool{}
		for _, rt := range routes {
			if rt.Method == "GET" {
				if status, body := isoCall(t, env, iso, rt, iso.member, keys); status/100 == 2 {
					for _, m := range []string{markTitle, markBody} {
						control[m] = control[m] || bytes.Contains(body, []byte(m))
					}
				}
			}
			for kind, who := range iso.callers {
				if iso.skip != nil && iso.skip(kind, rt) != "" {
					continue
				}
				tried++
				name := fmt.Sprintf("%s %s %s as %s", d.Name, rt.Method, rt.Path, kind)
				status, body := isoCall(t, env, iso, rt, who, keys)
				if status/100 == 2 {
					ok2xx++
					for _, m := range []string{markTitle, markBody, markFile} {
						if bytes.Contains(body, []byte(m)) {
							t.Errorf("%s: %d revealed %s: %.300s", name, status, m, body)
						}
					}
				}
				if after := vaultSnapshot(t, env); !bytes.Equal(after, before) {
					t.Errorf("%s: %d changed the vault:\n%.300s\nwas\n%.300s", name, status, after, before)
					before = after
				}
			}
		}
		if !control[markBody] { // (not every dialect shows a conversation's title)
			t.Errorf("%s: a vault member read no %s through any GET route: the matrix's paths or credentials are wrong", d.Name, markBody)
		}
		t.Logf("%s: %d isolation cases, %d answered 2xx and revealed nothing", d.Name, tried, ok2xx)
	}
}

// isoCall sends one case: the route with its parameters filled, the
// caller's headers, query and body fields.
func isoCall(t *testing.T, env *testenv.Env, iso isoDialect, rt server.Operation, who isoCaller, keys map[string]string) (int, []byte) {
	t.Helper()
	segs := strings.Split(rt.Path, "/")
	for i, s := range segs {
		if !strings.HasPrefix(s, "{") {
			continue
		}
		name := strings.Trim(s, "{}")
		v, ok := who.params[name]
		if !ok && iso.param != nil {
			v = iso.param(name, segs[i-1], keys)
		}
		if v == "" {
			v = isoParam(name, segs[i-1])
		}
		segs[i] = url.PathEscape(v)
	}
	u := env.URL + strings.Join(segs, "/")
	if len(who.query) > 0 {
		u += "?" + who.query.Encode()
	}
	var body io.Reader
	if rt.Method != "GET" && rt.Method != "HEAD" {
		body = bytes.NewReader(isoBody(who.body))
	}
	req, err := http.NewRequest(rt.Method, u, body)
	if err != nil {
		t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for _, h := range who.headers {
		k, v, _ := strings.Cut(h, ":")
		req.Header.Set(strings.TrimSpace(k), strings.TrimSpace(v))
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", rt.Method, u, err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, data
}

// loadIsolationFixture adds app "other" (olga) and demo's vault: a private
// conversation of alice and bob with two messages and a file only they
// reach.
func loadIsolationFixture(t *testing.T, env *testenv.Env) map[string]string {
	t.Helper()
	ctx := context.Background()
	f, err := admin.DecodeFixtures([]byte(`{"apps": [{"id": "other", "name": "Other", "publicKey": "other-public", "secretKey": "other-secret",
	  "users": [{"id": "olga", "username": "olga", "displayName": "Olga", "token": "olga-token", "password": "olga-pw"}],
	  "conversations": [{"id": "outpost", "kind": "group", "title": "Outpost", "owner": "olga", "members": [{"user": "olga"}]}]}]}`))
	if err != nil {
		t.Fatal(err)
	}
	if err := env.Service.LoadFixtures(ctx, env.Service.StartupCaller(), f); err != nil {
		t.Fatal(err)
	}
	app := env.Caller("demo", "")
	// Users with passwords (CoWork's Basic logins): nina outside team eng,
	// tess in it.
	for _, id := range []string{"nina", "tess"} {
		if _, err := env.Service.CreateUser(ctx, app, core.UserInput{ID: id, Password: id + "-pw"}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := env.Service.UpdateTeam(ctx, app, "eng", core.TeamUpdate{Members: &[]string{"bob", "carol", "tess"}}); err != nil {
		t.Fatal(err)
	}
	// The vault is in team eng (alice, bob, carol, tess), with a member
	// list of its own: carol and tess are in its team, not in it.
	if _, _, err := env.Service.CreateConversation(ctx, app, core.ConversationInput{ID: "vault", Kind: core.KindGroup, Title: markTitle,
		OwnerID: "alice", TeamID: "eng", Members: []core.MemberInput{{UserID: "alice"}, {UserID: "bob"}}}); err != nil {
		t.Fatal(err)
	}
	alice := env.Caller("demo", "alice")
	file, err := env.Service.UploadFile(ctx, alice, core.UploadInput{ID: "vault-file", Name: "plans.txt", Body: strings.NewReader(markFile)})
	if err != nil {
		t.Fatal(err)
	}
	for _, in := range []core.SendInput{
		{ID: "vault-m1", ConversationID: "vault", Body: markBody + " one"},
		{ID: "vault-m2", ConversationID: "vault", Body: markBody + " two", Attachments: []core.Attachment{{Type: "file", Name: "plans.txt", FileID: file.ID}}},
	} {
		if _, _, err := env.Service.SendMessage(ctx, alice, in); err != nil {
			t.Fatal(err)
		}
	}
	keys := map[string]string{}
	conv, err := env.Service.GetConversation(ctx, alice, "vault")
	if err != nil {
		t.Fatal(err)
	}
	m1, err := env.Service.GetMessage(ctx, alice, "vault-m1")
	if err != nil {
		t.Fatal(err)
	}
	user, err := env.Service.GetUser(ctx, alice, "alice")
	if err != nil {
		t.Fatal(err)
	}
	for id, pk := range map[string]int64{"vault": conv.PK, "vault-m1": m1.PK, "vault-file": file.PK, "alice": user.PK, "demo": 0} {
		keys[id] = strconv.FormatInt(pk, 10)
	}
	keys["demo"] = "demo"
	return keys
}

// vaultSnapshot is everything alice sees of the vault (and of herself),
// as bytes to compare.
func vaultSnapshot(t *testing.T, env *testenv.Env) []byte {
	t.Helper()
	ctx := context.Background()
	alice := env.Caller("demo", "alice")
	conv, members, err := env.Service.GetConversationWithMembers(ctx, alice, "vault", core.Page{Limit: 50})
	if err != nil {
		return []byte("vault: " + err.Error())
	}
	msgs, err := env.Service.ListMessages(ctx, alice, "vault", core.MessageQuery{Page: core.Page{Limit: 50}})
	if err != nil {
		return []byte("messages: " + err.Error())
	}
	user, err := env.Service.GetUser(ctx, alice, "alice")
	if err != nil {
		return []byte("alice: " + err.Error())
	}
	file, ferr := env.Service.GetFile(ctx, alice, "vault-file")
	b, err := json.Marshal([]any{conv, members, msgs, user, file, fmt.Sprint(ferr)})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// withWordRoutes adds the documented routes whose path has a static word
// where the router has a parameter (GET /api/v3/messages/list beside
// /api/v3/messages/{messageId}): httpx registers only the parameter route
// and dispatches the word inside it, so the router's list alone would
// try the word's handler never.
func withWordRoutes(t *testing.T, routes []server.Operation, doc []byte) []server.Operation {
	t.Helper()
	ops, err := server.Operations(doc)
	if err != nil {
		t.Fatal(err)
	}
	out := slices.Clone(routes)
	for _, op := range ops {
		if !slices.ContainsFunc(routes, func(rt server.Operation) bool { return rt.Method == op.Method && rt.Path == op.Path }) &&
			slices.ContainsFunc(routes, func(rt server.Operation) bool { return wordOf(op, rt) }) {
			out = append(out, op)
		}
	}
	return out
}

// wordOf reports whether the documented op is served by the router's rt
// with a word where rt has a parameter.
func wordOf(op, rt server.Operation) bool {
	o, r := strings.Split(op.Path, "/"), strings.Split(rt.Path, "/")
	if op.Method != rt.Method || len(o) != len(r) {
		return false
	}
	for i := range o {
		if o[i] != r[i] && !strings.HasPrefix(r[i], "{") {
			return false
		}
	}
	return true
}

// handlerRoutes lists a dialect handler's routes, as the OpenAPI check
// does: an httprouter.Router's trees, or the patterns a handler reports.
func handlerRoutes(h http.Handler) ([]server.Operation, bool) {
	switch h := h.(type) {
	case *httprouter.Router:
		return routerPatterns(h), true
	case interface{ Patterns() []string }:
		var out []server.Operation
		for _, p := range h.Patterns() {
			method, path, _ := strings.Cut(p, " ")
			out = append(out, server.Operation{Method: method, Path: path})
		}
		return out, true
	}
	return nil, false
}
