package admin_test

import (
	"encoding/json"
	"strings"
	"testing"

	"parley/server/testenv"
)

const auth = "Authorization: Bearer " + testenv.AdminToken

func TestAdminAPI(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	tests := []struct {
		name, method, path, body string
		status                   int
		contains                 string
	}{
		{"ErrNoToken", "GET", "/admin/v1/apps", "", 401, `"unauthenticated"`},
		{"ListApps", "GET", "/admin/v1/apps", "", 200, `"demo-public"`},
		{"CreateApp", "POST", "/admin/v1/apps", `{"id":"acme","name":"Acme"}`, 201, `"secretKey"`},
		{"ErrDuplicateApp", "POST", "/admin/v1/apps", `{"id":"acme"}`, 409, `"conflict"`},
		{"ErrBadJSON", "POST", "/admin/v1/apps", `{"id":`, 400, `malformed JSON`},
		{"ErrWrongType", "POST", "/admin/v1/apps", `{"id":7}`, 400, `"field":"id"`},
		{"ErrUnknownField", "POST", "/admin/v1/apps", `{"idd":"x"}`, 400, `unknown field`},
		{"ErrEmptyBody", "POST", "/admin/v1/apps", ``, 400, `empty`},
		{"ErrLongID", "POST", "/admin/v1/apps", `{"id":"` + strings.Repeat("a", 151) + `"}`, 400, `at most 150`},
		{"GetApp", "GET", "/admin/v1/apps/demo", "", 200, `"Demo"`},
		{"ErrUnknownApp", "GET", "/admin/v1/apps/nope/users", "", 404, `"not_found"`},
		{"ListUsers", "GET", "/admin/v1/apps/demo/users?limit=2", "", 200, `"alice"`},
		{"ErrBadLimit", "GET", "/admin/v1/apps/demo/users?limit=x", "", 400, `"field":"limit"`},
		{"CreateUser", "POST", "/admin/v1/apps/demo/users", `{"id":"erin","displayName":"Erin","token":"erin-token"}`, 201, `"Erin"`},
		{"ErrDuplicateUser", "POST", "/admin/v1/apps/demo/users", `{"id":"erin"}`, 409, ``},
		{"ErrMetadataNotObject", "POST", "/admin/v1/apps/demo/users", `{"id":"x","metadata":[1]}`, 400, `"field":"metadata"`},
		{"UpdateUser", "PATCH", "/admin/v1/apps/demo/users/erin", `{"displayName":"Erin E."}`, 200, `"Erin E."`},
		{"GetUser", "GET", "/admin/v1/apps/demo/users/erin", "", 200, `"Erin E."`},
		{"IssueToken", "POST", "/admin/v1/apps/demo/users/erin/tokens", `{"token":"erin-2"}`, 201, `"erin-2"`},
		{"IssueRandomToken", "POST", "/admin/v1/apps/demo/users/erin/tokens", ``, 201, `"token-`},
		{"CreateTeam", "POST", "/admin/v1/apps/demo/teams", `{"id":"ops","name":"Ops","members":["erin"]}`, 201, `"ops"`},
		{"ErrTeamUnknownMember", "POST", "/admin/v1/apps/demo/teams", `{"id":"x","members":["ghost"]}`, 400, `ghost`},
		{"ListTeams", "GET", "/admin/v1/apps/demo/teams", "", 200, `"eng"`},
		{"CreateConversation", "POST", "/admin/v1/apps/demo/conversations", `{"id":"ops-chat","kind":"group","owner":"erin","members":[{"user":"bob"}]}`, 201, `"memberCount":2`},
		{"ErrConversationKind", "POST", "/admin/v1/apps/demo/conversations", `{"id":"y","kind":"secret"}`, 400, `"field":"kind"`},
		{"GetConversation", "GET", "/admin/v1/apps/demo/conversations/general", "", 200, `"General"`},
		{"ErrUnknownConversation", "GET", "/admin/v1/apps/demo/conversations/nope", "", 404, ``},
		{"AddMembers", "POST", "/admin/v1/apps/demo/conversations/ops-chat/members", `[{"user":"carol","role":"admin"}]`, 200, `"admin"`},
		{"ListMembers", "GET", "/admin/v1/apps/demo/conversations/ops-chat/members", "", 200, `"carol"`},
		{"RemoveMember", "DELETE", "/admin/v1/apps/demo/conversations/ops-chat/members/bob", "", 204, ``},
		{"ErrRemoveNonMember", "DELETE", "/admin/v1/apps/demo/conversations/ops-chat/members/bob", "", 404, ``},
		{"DeleteUser", "DELETE", "/admin/v1/apps/demo/users/erin", "", 204, ``},
		{"ErrUnknownRoute", "GET", "/admin/v1/nope", "", 404, `"not_found"`},
		{"ErrMethod", "PUT", "/admin/v1/apps", "", 405, ``},
	}
	for _, tt := range tests {
		headers := []string{auth}
		if strings.HasPrefix(tt.name, "ErrNoToken") {
			headers = nil
		}
		resp, body := env.Do(tt.method, tt.path, tt.body, headers...)
		if resp.StatusCode != tt.status || !strings.Contains(string(body), tt.contains) {
			t.Errorf("%s: %s %s: got %d %s, want %d containing %s", tt.name, tt.method, tt.path, resp.StatusCode, body, tt.status, tt.contains)
		}
		if !json.Valid(body) && len(body) > 0 {
			t.Errorf("%s: body is not JSON: %s", tt.name, body)
		}
	}
}

func TestAdminFixturesAndReset(t *testing.T) {
	t.Parallel()
	env := testenv.New(t, testenv.WithFixtures(""))
	bad := `{"apps":[{"id":"a","publicKey":"a-pub","secretKey":"a-sec","users":[{"id":"u"}],
	  "conversations":[{"id":"c","members":[{"user":"ghost"}]}]}]}`
	resp, body := env.Do("POST", "/admin/v1/fixtures", bad, auth)
	if resp.StatusCode != 400 || !strings.Contains(string(body), "conversations[0]") {
		t.Fatalf("bad fixtures: %d %s", resp.StatusCode, body)
	}
	_, body = env.Do("GET", "/admin/v1/apps", "", auth)
	if strings.TrimSpace(string(body)) != "[]" {
		t.Fatalf("a refused fixture document left apps: %s", body)
	}
	good := strings.Replace(bad, `"ghost"`, `"u"`, 1)
	if resp, body := env.Do("POST", "/admin/v1/fixtures", good, auth); resp.StatusCode != 204 {
		t.Fatalf("good fixtures: %d %s", resp.StatusCode, body)
	}
	if resp, body := env.Do("POST", "/admin/v1/apps/a/reset", "", auth); resp.StatusCode != 200 {
		t.Fatalf("reset app: %d %s", resp.StatusCode, body)
	}
	if _, body := env.Do("GET", "/admin/v1/apps/a/users", "", auth); strings.TrimSpace(string(body)) != "[]" {
		t.Fatalf("users after reset: %s", body)
	}
	if resp, _ := env.Do("GET", "/admin/v1/apps/a", "", auth); resp.StatusCode != 200 {
		t.Fatalf("the app itself must survive its reset: %d", resp.StatusCode)
	}
	if resp, _ := env.Do("POST", "/admin/v1/reset", "", auth); resp.StatusCode != 204 {
		t.Fatalf("reset all: %d", resp.StatusCode)
	}
	if _, body := env.Do("GET", "/admin/v1/apps", "", auth); strings.TrimSpace(string(body)) != "[]" {
		t.Fatalf("apps after reset all: %s", body)
	}
}

func TestHealth(t *testing.T) {
	t.Parallel()
	env := testenv.New(t, testenv.WithFixtures(""))
	for _, path := range []string{"/healthz", "/readyz"} {
		if resp, body := env.Do("GET", path, ""); resp.StatusCode != 200 {
			t.Fatalf("%s: %d %s", path, resp.StatusCode, body)
		}
	}
}
