package server_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"parley/server/testenv"
)

// TestCoWorkOnlineStatus: a member is online in CoWork's member list while
// they hold an open event stream (GET /events), and offline once it
// closes; two streams keep them online until both have closed.
func TestCoWorkOnlineStatus(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	status := func(user string) string {
		t.Helper()
		resp, body := env.Do("GET", "/api/cowork/teams/eng/channels/general/members", "", "Authorization: Bearer alice-token")
		mustOK(t, "members", resp, body)
		var members []struct {
			ID           string `json:"id"`
			OnlineStatus string `json:"onlineStatus"`
		}
		mustJSON(t, body, &members)
		for _, m := range members {
			if m.ID == user {
				return m.OnlineStatus
			}
		}
		t.Fatalf("%s is not in general's members: %s", user, body)
		return ""
	}
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
