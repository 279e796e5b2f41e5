package core_test

import (
	"testing"
	"time"

	"parley/server/core"
	"parley/server/testenv"
)

// TestOpenSession: a session creates its user when missing, renames an
// existing one when a display name comes, and issues a token that
// authenticates until it expires; a revoked token is refused.
func TestOpenSession(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	svc := env.Service
	app, err := svc.Authenticate(ctx, core.Credential{Kind: core.CredNone, PublicKey: "demo-public"})
	wantCode(t, err, "")
	tok, created, err := svc.OpenSession(ctx, app, core.SessionInput{UserID: "erin", DisplayName: "Erin", TTL: time.Hour})
	wantCode(t, err, "")
	if !created || tok.User.ID != "erin" || tok.User.DisplayName != "Erin" || !tok.ExpiresAt.Equal(tok.CreatedAt.Add(time.Hour)) {
		t.Fatalf("new user's session: created %v, %+v", created, tok)
	}
	tok2, created, err := svc.OpenSession(ctx, app, core.SessionInput{UserID: "bob", DisplayName: "Robert"})
	wantCode(t, err, "")
	if created || tok2.User.DisplayName != "Robert" {
		t.Fatalf("existing user's session: created %v, %+v", created, tok2.User)
	}
	c, err := svc.Authenticate(ctx, core.Credential{Kind: core.CredBearer, Secret: tok.Token})
	wantCode(t, err, "")
	if c.UserID() != "erin" {
		t.Fatalf("token acts as %q", c.UserID())
	}
	_, _, err = svc.OpenSession(ctx, app, core.SessionInput{UserID: "#1"})
	wantCode(t, err, core.EINVALID)
	wantCode(t, svc.RevokeToken(ctx, tok2.Token), "")
	_, err = svc.Authenticate(ctx, core.Credential{Kind: core.CredBearer, Secret: tok2.Token})
	wantCode(t, err, core.EUNAUTHENTICATED)
	wantCode(t, svc.RevokeToken(ctx, tok2.Token), core.EUNAUTHENTICATED)
	env.Clock.Advance(time.Hour)
	_, err = svc.Authenticate(ctx, core.Credential{Kind: core.CredBearer, Secret: tok.Token})
	wantCode(t, err, core.EUNAUTHENTICATED)
	// The app's secret is a bearer too: the app itself.
	c, err = svc.Authenticate(ctx, core.Credential{Kind: core.CredBearer, Secret: "demo-secret"})
	wantCode(t, err, "")
	if !c.Trusted() || c.User() != nil {
		t.Fatalf("the secret as bearer: %+v", c)
	}
}

// TestFlags: members who see a message flag it once each and take their
// flag back; only moderators and the app clear every flag.
func TestFlags(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	svc := env.Service
	alice, bob, carol, dave := env.Caller("demo", "alice"), env.Caller("demo", "bob"), env.Caller("demo", "carol"), env.Caller("demo", "dave")
	for _, tc := range []struct {
		name  string
		do    func() (*core.Message, error)
		code  string
		count int
	}{
		{"bob flags", func() (*core.Message, error) { return svc.FlagMessage(ctx, bob, "m1") }, "", 1},
		{"bob again", func() (*core.Message, error) { return svc.FlagMessage(ctx, bob, "m1") }, "", 1},
		{"carol flags", func() (*core.Message, error) { return svc.FlagMessage(ctx, carol, "m1") }, "", 2},
		{"dave does not see it", func() (*core.Message, error) { return svc.FlagMessage(ctx, dave, "m1") }, core.ENOTFOUND, 0},
		{"bob takes his back", func() (*core.Message, error) { return svc.UnflagMessage(ctx, bob, "m1") }, "", 1},
		{"bob may not clear", func() (*core.Message, error) { return svc.ClearFlags(ctx, bob, "m1") }, core.EFORBIDDEN, 0},
		{"alice moderates", func() (*core.Message, error) { return svc.ClearFlags(ctx, alice, "m1") }, "", 0},
	} {
		m, err := tc.do()
		wantCode(t, err, tc.code)
		if err == nil && m.FlagCount != tc.count {
			t.Errorf("%s: flag count %d, want %d", tc.name, m.FlagCount, tc.count)
		}
	}
	flagged, err := svc.IsFlaggedByMe(ctx, carol, "m1")
	wantCode(t, err, "")
	if flagged {
		t.Error("carol's flag survived clearFlags")
	}
}
