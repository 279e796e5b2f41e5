package channelize_test

import (
	"encoding/base64"
	"testing"
	"time"

	"parley/server/core"
	"parley/server/testenv"
)

// Logins and token creation past the limit answer 429 in LoopBack's error
// shape with Retry-After; other calls are not limited.
func TestRateLimit(t *testing.T) {
	e := testenv.New(t, testenv.WithRateLimits(core.RateLimits{
		Address: core.Rate{Burst: 3, Every: time.Minute},
		User:    core.Rate{Burst: 2, Every: 30 * time.Second},
	}))
	login := `{"email":"alice","password":"alice-pw"}`
	for i := range 2 {
		if resp, body := e.Do("POST", "/v2/users/login", login, "Public-Key: demo-public"); resp.StatusCode != 200 {
			t.Fatalf("login %d: %d %s", i, resp.StatusCode, body)
		}
	}
	resp, body := e.Do("POST", "/v2/users/login", login, "Public-Key: demo-public")
	want := `{"error":{"statusCode":429,"name":"Error","message":"too many attempts; try again in 30 s","code":"TOO_MANY_REQUESTS"}}` + "\n"
	if resp.StatusCode != 429 || resp.Header.Get("Retry-After") != "30" || string(body) != want {
		t.Fatalf("third login: %d Retry-After %q\n%s\nwant 429 Retry-After 30\n%s", resp.StatusCode, resp.Header.Get("Retry-After"), body, want)
	}
	// Another user from the same address, until the address is spent.
	basic := "Authorization: Basic " + base64.StdEncoding.EncodeToString([]byte("demo-secret"))
	if resp, body := e.Do("POST", "/v2/users/create_access_token", `{"userId":"bob"}`, "Public-Key: demo-public", basic); resp.StatusCode != 201 {
		t.Fatalf("token for bob: %d %s", resp.StatusCode, body)
	}
	resp, body = e.Do("POST", "/v2/users/create_access_token", `{"userId":"bob"}`, "Public-Key: demo-public", basic)
	if resp.StatusCode != 429 || resp.Header.Get("Retry-After") != "60" {
		t.Fatalf("address spent: %d %q %s", resp.StatusCode, resp.Header.Get("Retry-After"), body)
	}
	if resp, body := e.Do("GET", "/v2/users", "", "Public-Key: demo-public", basic, "User-Id: alice"); resp.StatusCode != 200 {
		t.Fatalf("an ordinary call after the limit: %d %s", resp.StatusCode, body)
	}
}
