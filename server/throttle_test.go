package server_test

import (
	"encoding/json"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"testing"
	"time"

	"parley/server/core"
	"parley/server/testenv"
)

// throttleCases are one guessing attempt per dialect and kind of
// credential: the same route with a wrong and a right credential.
var throttleCases = []struct {
	name         string
	method, path string
	body         string
	wrong, right []string
	stream       bool // a right credential opens an event stream: not called
}{
	{name: "channelize/secret", method: "GET", path: "/v2/users",
		wrong: []string{"Public-Key: demo-public", "Authorization: Basic " + base64Std("guess-secret"), "User-Id: alice"},
		right: []string{"Public-Key: demo-public", "Authorization: Basic " + base64Std("demo-secret"), "User-Id: alice"}},
	{name: "channelize/public-key", method: "GET", path: "/v2/users",
		wrong: []string{"Public-Key: guess-public", bearer64("alice-token")},
		right: []string{"Public-Key: demo-public", bearer64("alice-token")}},
	{name: "channelize/login", method: "POST", path: "/v2/users/login", body: `{"email":"alice","password":"guess"}`,
		wrong: []string{"Public-Key: demo-public", "Content-Type: application/json"},
		right: []string{"Public-Key: demo-public", "Content-Type: application/json"}},
	{name: "sceyt/secret", method: "GET", path: "/v1/demo/users",
		wrong: []string{"Authorization: Bearer guess-secret"},
		right: []string{"Authorization: Bearer demo-secret"}},
	{name: "sceyt/app-id", method: "GET", path: "/v1/guess/users",
		wrong: []string{"Authorization: Bearer demo-secret"}},
	{name: "appnet/app-token", method: "GET", path: "/stream/0/channels",
		wrong: []string{"Authorization: Bearer guess-token"},
		right: []string{"Authorization: Bearer alice-token"}},
	{name: "cowork/password", method: "GET", path: "/api/cowork/teams",
		wrong: []string{"Authorization: Basic " + base64Std("alice:guess"), "X-Parley-App: demo"},
		right: []string{"Authorization: Basic " + base64Std("alice:alice-pw"), "X-Parley-App: demo"}},
	{name: "amity/secret", method: "GET", path: "/api/v3/network-settings/chat",
		wrong: []string{"Authorization: Bearer guess-secret"},
		right: []string{"Authorization: Bearer demo-secret"}},
	{name: "amity/api-key", method: "POST", path: "/api/v3/sessions", body: `{"userId":"alice","deviceId":"d1"}`,
		wrong: []string{"X-API-Key: guess-public", "Content-Type: application/json"},
		right: []string{"X-API-Key: demo-public", "Content-Type: application/json"}},
	{name: "admin/token", method: "GET", path: "/admin/v1/apps",
		wrong: []string{"Authorization: Bearer guess-admin"},
		right: []string{"Authorization: Bearer " + testenv.AdminToken}},
	{name: "events/credential", method: "GET", path: "/events?access_token=guess-secret",
		right: []string{"Authorization: Bearer demo-secret"}, stream: true},
}

// Failed guesses of a password, a secret key, an app key or id, or the
// admin token are throttled per client address on every dialect: past the
// burst, 429 in the dialect's own error shape with Retry-After. While the
// address is throttled a right credential is refused too (else the
// answers would tell a right guess from a wrong one); once Retry-After has
// passed, it works again.
func TestGuessingThrottled(t *testing.T) {
	t.Parallel()
	const burst = 5
	limits := core.RateLimits{
		Address:  core.Rate{Burst: 1000, Every: time.Millisecond},
		User:     core.Rate{Burst: 1000, Every: time.Millisecond},
		Failures: core.Rate{Burst: burst, Every: 7 * time.Second},
	}
	for _, tc := range throttleCases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			env := testenv.New(t, testenv.WithRateLimits(limits))
			wrongBody := tc.body
			var shape []string
			for i := 0; i < burst; i++ {
				resp, body := env.Do(tc.method, tc.path, wrongBody, tc.wrong...)
				if resp.StatusCode != http.StatusUnauthorized && resp.StatusCode != http.StatusForbidden {
					t.Fatalf("wrong credential %d: %d %s, want it refused", i, resp.StatusCode, body)
				}
				shape = topKeys(t, body)
			}
			resp, body := env.Do(tc.method, tc.path, wrongBody, tc.wrong...)
			checkThrottled(t, "the next wrong credential", resp, body, shape)
			if tc.right != nil {
				rightBody := tc.body
				if tc.name == "channelize/login" {
					rightBody = `{"email":"alice","password":"alice-pw"}`
				}
				resp, body = env.Do(tc.method, tc.path, rightBody, tc.right...)
				checkThrottled(t, "a right credential from the throttled address", resp, body, shape)
				if !tc.stream {
					env.Clock.Advance(7 * time.Second)
					if resp, body := env.Do(tc.method, tc.path, rightBody, tc.right...); resp.StatusCode/100 != 2 {
						t.Fatalf("a right credential after Retry-After: %d %s", resp.StatusCode, body)
					}
					// One wrong guess has come back, not the burst.
					env.Do(tc.method, tc.path, wrongBody, tc.wrong...)
					resp, body = env.Do(tc.method, tc.path, wrongBody, tc.wrong...)
					checkThrottled(t, "a second wrong credential after one came back", resp, body, shape)
				}
			}
		})
	}
}

func checkThrottled(t *testing.T, what string, resp *http.Response, body []byte, shape []string) {
	t.Helper()
	if resp.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("%s: %d %s, want 429", what, resp.StatusCode, body)
	}
	if s, err := strconv.Atoi(resp.Header.Get("Retry-After")); err != nil || s < 1 || s > 7 {
		t.Fatalf("%s: Retry-After %q, want 1..7 seconds", what, resp.Header.Get("Retry-After"))
	}
	if got := topKeys(t, body); !slices.Equal(got, shape) {
		t.Fatalf("%s: error shape %v, want the dialect's own %v\n%s", what, got, shape, body)
	}
}

// topKeys returns the sorted top-level keys of a JSON object: an error
// envelope's shape.
func topKeys(t *testing.T, body []byte) []string {
	t.Helper()
	var m map[string]json.RawMessage
	if err := json.Unmarshal(body, &m); err != nil {
		t.Fatalf("error body is not a JSON object: %v\n%s", err, body)
	}
	return slices.Sorted(maps.Keys(m))
}

// Failed user tokens are not guesses (they are long and random): they do
// not throttle the address.
func TestWrongTokensNotThrottled(t *testing.T) {
	t.Parallel()
	env := testenv.New(t, testenv.WithRateLimits(core.RateLimits{Failures: core.Rate{Burst: 2, Every: time.Minute}}))
	for i := 0; i < 5; i++ {
		if resp, body := env.Do("GET", "/v2/users", "", "Public-Key: demo-public", bearer64("stale-token")); resp.StatusCode != 401 {
			t.Fatalf("wrong token %d: %d %s, want 401", i, resp.StatusCode, body)
		}
	}
	if resp, body := env.Do("GET", "/v2/users", "", "Public-Key: demo-public", bearer64("alice-token")); resp.StatusCode != 200 {
		t.Fatalf("right token after wrong ones: %d %s", resp.StatusCode, body)
	}
}

// The admin API takes its token only as Authorization: Bearer TOKEN.
func TestAdminTakesOnlyBearer(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	for _, h := range []string{"Authorization: " + testenv.AdminToken, "Authorization: Basic " + base64Std(testenv.AdminToken),
		"Authorization: Token " + testenv.AdminToken, "X-Admin-Token: " + testenv.AdminToken} {
		if resp, body := env.Do("GET", "/admin/v1/apps", "", h); resp.StatusCode != 401 {
			t.Errorf("%s: %d %s, want 401", h, resp.StatusCode, body)
		}
	}
	if resp, body := env.Do("GET", "/admin/v1/apps", "", "Authorization: bearer "+testenv.AdminToken); resp.StatusCode != 200 {
		t.Errorf("Bearer (any case): %d %s", resp.StatusCode, body)
	}
}
