package core_test

import (
	"testing"
	"time"

	"parley/server/core"
	"parley/server/testenv"
)

// TestOpenSessionRateLimited: opening sessions (which mints tokens for a
// user named by id) spends the client address's and the user's credential
// buckets, as logins do: past either, ERATELIMIT with a wait; calls made
// in-process (no client address) are not limited.
func TestOpenSessionRateLimited(t *testing.T) {
	t.Parallel()
	env := testenv.New(t, testenv.WithRateLimits(core.RateLimits{
		Address: core.Rate{Burst: 3, Every: time.Minute},
		User:    core.Rate{Burst: 2, Every: 30 * time.Second},
	}))
	svc := env.Service
	app, err := svc.Authenticate(ctx, core.Credential{Kind: core.CredNone, PublicKey: "demo-public"})
	wantCode(t, err, "")
	from := core.WithClientAddr(ctx, "192.0.2.7")
	tests := []struct {
		name, user string
		want       string
		wait       time.Duration
	}{
		{"First", "erin", "", 0},
		{"Second", "erin", "", 0},
		{"ErrUserSpent", "erin", core.ERATELIMIT, 30 * time.Second},
		{"OtherUser", "frank", "", 0},
		{"ErrAddressSpent", "gina", core.ERATELIMIT, time.Minute},
	}
	for _, tt := range tests {
		_, _, err := svc.OpenSession(from, app, core.SessionInput{UserID: tt.user})
		wantCode(t, err, tt.want)
		if got := core.RetryAfter(err); got != tt.wait {
			t.Errorf("%s: retry after %v, want %v", tt.name, got, tt.wait)
		}
	}
	if _, _, err := svc.OpenSession(ctx, app, core.SessionInput{UserID: "erin"}); err != nil {
		t.Fatalf("in-process session: %v", err)
	}
}
