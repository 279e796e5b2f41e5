package server_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"parley/server/testenv"
)

// TestOnlineStatus: a member is online in a dialect's member list while
// they hold an open event stream (GET /events), and offline once it
// closes; two streams keep them online until both have closed.
func TestOnlineStatus(t *testing.T) {
	t.Parallel()
	// Each dialect's member list, read as alice: user id -> "online" or
	// "offline".
	lists := map[string]func(t *testing.T, env *testenv.Env) map[string]string{
		"cowork": func(t *testing.T, env *testenv.Env) map[string]string {
			resp, body := env.Do("GET", "/api/cowork/teams/eng/channels/general/members", "", "Authorization: Bearer alice-token")
			mustOK(t, "members", resp, body)
			var members []struct {
				ID           string `json:"id"`
				OnlineStatus string `json:"onlineStatus"`
			}
			mustJSON(t, body, &members)
			out := map[string]string{}
			for _, m := range members {
				out[m.ID] = m.OnlineStatus
			}
			return out
		},
		"sceyt": func(t *testing.T, env *testenv.Env) map[string]string {
			resp, body := env.Do("GET", "/v1/demo/channels/general/users?from=alice", "", "Authorization: Bearer demo-secret")
			mustOK(t, "users", resp, body)
			var page struct {
				Users []struct {
					Username       string `json:"username"`
					PresenceStatus int    `json:"presence_status"`
				} `json:"users"`
			}
			mustJSON(t, body, &page)
			out := map[string]string{}
			for _, u := range page.Users {
				out[u.Username] = map[int]string{0: "offline", 1: "online"}[u.PresenceStatus]
			}
			return out
		},
	}
	for name, list := range lists {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			onlineStatus(t, func(t *testing.T, env *testenv.Env, user string) string {
				t.Helper()
				got, ok := list(t, env)[user]
				if !ok {
					t.Fatalf("%s is not in general's members", user)
				}
				return got
			})
		})
	}
}

// onlineStatus opens and closes bob's event streams and checks the member
// list's status after each step.
func onlineStatus(t *testing.T, read func(t *testing.T, env *testenv.Env, user string) string) {
	env := testenv.New(t)
	status := func(user string) string { t.Helper(); return read(t, env, user) }
	// open starts an SSE stream as the user; its headers have come back
	// when it returns, so the server holds it. close ends it.
	open := func(user string) (close func()) {
		t.Helper()
		ctx, cancel := context.WithCancel(context.Background())
		req, err := http.NewRequestWithContext(ctx, "GET", env.URL+"/events", nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", "Bearer "+user+"-token")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("events: %d", resp.StatusCode)
		}
		return func() { cancel(); resp.Body.Close() }
	}
	// waitFor waits for the server to see the stream gone: it notices
	// the closed connection on its own schedule.
	waitFor := func(user, want string) {
		t.Helper()
		deadline := time.Now().Add(10 * time.Second)
		for status(user) != want {
			if time.Now().After(deadline) {
				t.Fatalf("%s stays %s, want %s", user, status(user), want)
			}
			time.Sleep(5 * time.Millisecond)
		}
	}

	if got := status("bob"); got != "offline" {
		t.Fatalf("before any stream bob is %s", got)
	}
	first := open("bob")
	if got := status("bob"); got != "online" {
		t.Fatalf("with a stream open bob is %s", got)
	}
	if got := status("carol"); got != "offline" {
		t.Errorf("carol holds no stream but is %s", got)
	}
	second := open("bob")
	first()
	// The first stream's release may still be on its way; the second
	// keeps bob online whatever its timing.
	if got := status("bob"); got != "online" {
		t.Errorf("with one of two streams closed bob is %s", got)
	}
	second()
	waitFor("bob", "offline")
}
