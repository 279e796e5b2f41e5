package amity_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"parley/server/core"
	"parley/server/testenv"
)

// TestSessionExpires: an access token lives 30 days, as Amity's.
func TestSessionExpires(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	resp, body := env.Do("POST", "/api/v5/sessions", `{"userId": "erin", "deviceId": "d1"}`, "x-api-key: demo-public")
	var s struct{ AccessToken, IssuedAt, ExpiresAt string }
	if resp.StatusCode != http.StatusOK || json.Unmarshal(body, &s) != nil {
		t.Fatalf("session: %d %s", resp.StatusCode, body)
	}
	issued, _ := time.Parse(time.RFC3339, s.IssuedAt)
	expires, _ := time.Parse(time.RFC3339, s.ExpiresAt)
	if got := expires.Sub(issued); got != 30*24*time.Hour {
		t.Errorf("token lives %v, want 30 days", got)
	}
	for _, tc := range []struct {
		after time.Duration
		want  int
	}{{0, http.StatusOK}, {30*24*time.Hour - time.Second, http.StatusOK}, {time.Second, http.StatusUnauthorized}} {
		env.Clock.Advance(tc.after)
		if resp, body := env.Do("GET", "/api/v3/sessions", "", "Authorization: Bearer "+s.AccessToken); resp.StatusCode != tc.want {
			t.Errorf("after %v more: %d %s, want %d", tc.after, resp.StatusCode, body, tc.want)
		}
	}
}

// TestAdminContext: the app's secret key as a bearer token acts as the app
// in any channel of it, and in no other app.
func TestAdminContext(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	for _, tc := range []struct{ method, path, body string }{
		{"GET", "/api/v3/messages?channelId=lobby", ""},           // not a member of anything
		{"GET", "/api/v3/channels/general/users", ""},             // members of any channel
		{"PUT", "/api/v3/channels/lobby", `{"displayName": "L"}`}, // manage any channel
		{"DELETE", "/api/v3/messages/m3", ""},                     // delete any message
	} {
		resp, body := env.Do(tc.method, tc.path, tc.body, "Authorization: Bearer demo-secret")
		if resp.StatusCode != http.StatusOK {
			t.Errorf("%s %s as the app: %d %s", tc.method, tc.path, resp.StatusCode, body)
		}
	}
	resp, body := env.Do("GET", "/api/v3/messages?channelId=lobby", "", "Authorization: Bearer not-the-secret")
	if resp.StatusCode != http.StatusUnauthorized || !strings.Contains(string(body), "400100") {
		t.Errorf("a wrong secret: %d %s, want 401 with code 400100", resp.StatusCode, body)
	}
}

// TestAmitySessionRevokesOwnTokenOnly: DELETE /api/v4/sessions revokes the
// token it carries and no other user's.
func TestAmitySessionRevokesOwnTokenOnly(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	if resp, body := env.Do("DELETE", "/api/v4/sessions", "", "Authorization: Bearer dave-token"); resp.StatusCode != http.StatusOK {
		t.Fatalf("revoke: %d %s", resp.StatusCode, body)
	}
	for token, want := range map[string]int{"dave-token": http.StatusUnauthorized, "bob-token": http.StatusOK} {
		if resp, body := env.Do("GET", "/api/v3/sessions", "", "Authorization: Bearer "+token); resp.StatusCode != want {
			t.Errorf("%s after dave's revocation: %d %s, want %d", token, resp.StatusCode, body, want)
		}
	}
}

// TestSessionRateLimited: signing in by user id mints a token, so it is
// throttled per client address and per user as every dialect's login is:
// 429 in Amity's shape (code 400311) with Retry-After.
func TestSessionRateLimited(t *testing.T) {
	t.Parallel()
	env := testenv.New(t, testenv.WithRateLimits(core.RateLimits{
		Address: core.Rate{Burst: 3, Every: time.Minute},
		User:    core.Rate{Burst: 2, Every: 30 * time.Second},
	}))
	session := func(user string) (*http.Response, []byte) {
		return env.Do("POST", "/api/v3/sessions", `{"userId": "`+user+`", "deviceId": "d1"}`, "x-api-key: demo-public")
	}
	for i := range 2 {
		if resp, body := session("erin"); resp.StatusCode != http.StatusOK {
			t.Fatalf("session %d: %d %s", i, resp.StatusCode, body)
		}
	}
	resp, body := session("erin")
	want := `{"status":"error","code":400311,"message":"too many attempts; try again in 30 s"}` + "\n"
	if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") != "30" || string(body) != want {
		t.Fatalf("third session: %d Retry-After %q\n%s\nwant 429 Retry-After 30\n%s", resp.StatusCode, resp.Header.Get("Retry-After"), body, want)
	}
	if resp, body := session("frank"); resp.StatusCode != http.StatusOK {
		t.Fatalf("another user: %d %s", resp.StatusCode, body)
	}
	if resp, body := session("gina"); resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") != "60" {
		t.Fatalf("address spent: %d %q %s", resp.StatusCode, resp.Header.Get("Retry-After"), body)
	}
	if resp, body := env.Do("GET", "/api/v3/messages?channelId=general", "", "Authorization: Bearer bob-token"); resp.StatusCode != http.StatusOK {
		t.Fatalf("an ordinary call after the limit: %d %s", resp.StatusCode, body)
	}
}
