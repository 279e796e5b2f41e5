package core_test

// Credentials: authentication, the auth cache, and changing a password.

import (
	"testing"
	"time"

	"parley/server/core"
	"parley/server/testenv"
)

// auth authenticates a credential of the fixture app demo.
func auth(svc *core.Service, kind core.CredentialKind, secret string) (*core.Caller, error) {
	return svc.Authenticate(ctx, core.Credential{Kind: kind, PublicKey: "demo-public", Secret: secret})
}

func TestAuth(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	svc := env.Service
	password := func(login, pw string) (*core.Caller, error) {
		return svc.Authenticate(ctx, core.Credential{Kind: core.CredPassword, PublicKey: "demo-public", Login: login, Secret: pw})
	}
	tests := []struct {
		name string
		do   func() (*core.Caller, error)
		user string
		code string
	}{
		{"Token", func() (*core.Caller, error) { return auth(svc, core.CredToken, "alice-token") }, "alice", ""},
		{"ErrBadToken", func() (*core.Caller, error) { return auth(svc, core.CredToken, "nope") }, "", core.EUNAUTHENTICATED},
		{"Secret", func() (*core.Caller, error) { return auth(svc, core.CredSecret, "demo-secret") }, "", ""},
		{"ErrBadSecret", func() (*core.Caller, error) { return auth(svc, core.CredSecret, "demo-public") }, "", core.EUNAUTHENTICATED},
		{"Password", func() (*core.Caller, error) { return password("alice@example.test", "alice-pw") }, "alice", ""},
		{"PasswordCached", func() (*core.Caller, error) { return password("alice@example.test", "alice-pw") }, "alice", ""},
		{"ErrBadPassword", func() (*core.Caller, error) { return password("alice", "guess") }, "", core.EUNAUTHENTICATED},
		{"ErrNoPassword", func() (*core.Caller, error) { return password("bob", "x") }, "", core.EUNAUTHENTICATED},
		{"ErrUnknownLogin", func() (*core.Caller, error) { return password("nobody", "x") }, "", core.EUNAUTHENTICATED},
		{"ErrUnknownApp", func() (*core.Caller, error) {
			return svc.Authenticate(ctx, core.Credential{Kind: core.CredToken, PublicKey: "nope", Secret: "alice-token"})
		}, "", core.EUNAUTHENTICATED},
		{"Admin", func() (*core.Caller, error) { return auth(svc, core.CredAdmin, testenv.AdminToken) }, "", ""},
		{"ErrAdmin", func() (*core.Caller, error) { return auth(svc, core.CredAdmin, "guess") }, "", core.EUNAUTHENTICATED},
		{"ErrAdminUnknownAppFirst", func() (*core.Caller, error) {
			return svc.Authenticate(ctx, core.Credential{Kind: core.CredAdmin, AppID: "nope", Secret: "guess"})
		}, "", core.EUNAUTHENTICATED},
		{"SecretActsAs", func() (*core.Caller, error) {
			return svc.Authenticate(ctx, core.Credential{Kind: core.CredSecret, PublicKey: "demo-public", Secret: "demo-secret", ActAs: "bob"})
		}, "bob", ""},
		{"ErrTokenActsAs", func() (*core.Caller, error) {
			return svc.Authenticate(ctx, core.Credential{Kind: core.CredToken, PublicKey: "demo-public", Secret: "alice-token", ActAs: "bob"})
		}, "", core.EFORBIDDEN},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := tt.do()
			wantCode(t, err, tt.code)
			if err == nil && tt.user != "" && c.UserID() != tt.user {
				t.Fatalf("caller acts as %q, want %q", c.UserID(), tt.user)
			}
		})
	}
	anon, err := auth(svc, core.CredNone, "")
	wantCode(t, err, "")
	issued, err := svc.Login(ctx, anon, "alice", "alice-pw")
	wantCode(t, err, "")
	c, err := auth(svc, core.CredToken, issued.Token)
	wantCode(t, err, "")
	if c.UserID() != "alice" {
		t.Fatalf("login token acts as %s", c.UserID())
	}
	env.Clock.Advance(15 * 24 * time.Hour)
	_, err = auth(svc, core.CredToken, issued.Token)
	wantCode(t, err, core.EUNAUTHENTICATED)
}

// TestZeroCallerRefused: a Caller not built by the core (the zero value a
// dialect could write) is refused by every Service method.
func TestZeroCallerRefused(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	svc := env.Service
	forged := &core.Caller{}
	_, err := svc.ListConversations(ctx, forged, core.ConversationQuery{})
	wantCode(t, err, core.EUNAUTHENTICATED)
	_, _, err = svc.SendMessage(ctx, forged, core.SendInput{ConversationID: "general", Body: "x"})
	wantCode(t, err, core.EUNAUTHENTICATED)
	_, err = svc.CreateUser(ctx, forged, core.UserInput{ID: "mallory"})
	wantCode(t, err, core.EUNAUTHENTICATED)
	_, err = svc.ListApps(ctx, forged)
	wantCode(t, err, core.EFORBIDDEN)
	wantCode(t, svc.ResetAll(ctx, env.Caller("demo", "")), "") // the app's admin caller holds the admin token
	_, err = auth(svc, core.CredToken, "alice-token")
	wantCode(t, err, core.EUNAUTHENTICATED) // everything is gone after the reset
}

func TestAuthCacheForgetsChangedCredentials(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	svc := env.Service
	c, err := auth(svc, core.CredToken, "carol-token") // now cached
	wantCode(t, err, "")
	if c.User().DisplayName != "Carol" {
		t.Fatalf("carol: %+v", c.User())
	}
	appCaller := env.Caller("demo", "")
	if _, err := svc.UpdateUser(ctx, appCaller, "carol", core.UserInput{DisplayName: "Caroline"}); err != nil {
		t.Fatal(err)
	}
	c, err = auth(svc, core.CredToken, "carol-token")
	wantCode(t, err, "")
	if c.User().DisplayName != "Caroline" {
		t.Fatalf("a cached caller outlived the profile change: %q", c.User().DisplayName)
	}
	_, err = svc.Authenticate(ctx, core.Credential{Kind: core.CredPassword, PublicKey: "demo-public", Login: "alice", Secret: "alice-pw"})
	wantCode(t, err, "") // cached
	wantCode(t, svc.DeleteUser(ctx, appCaller, "alice"), "")
	_, err = svc.Authenticate(ctx, core.Credential{Kind: core.CredPassword, PublicKey: "demo-public", Login: "alice", Secret: "alice-pw"})
	wantCode(t, err, core.EUNAUTHENTICATED)
	wantCode(t, svc.DeleteUser(ctx, appCaller, "carol"), "")
	_, err = auth(svc, core.CredToken, "carol-token")
	wantCode(t, err, core.EUNAUTHENTICATED)
	_, err = svc.Authenticate(ctx, core.Credential{Kind: core.CredSecret, PublicKey: "demo-public", Secret: "demo-secret", ActAs: "carol"})
	wantCode(t, err, core.EUNAUTHENTICATED)
	wantCode(t, svc.DeleteApp(ctx, appCaller, "demo"), "")
	_, err = auth(svc, core.CredNone, "")
	wantCode(t, err, core.EUNAUTHENTICATED)
}

// TestUpdateUserPassword: a password given to UpdateUser replaces the old
// one at once (a cached login included), only for a caller who may change
// that user.
func TestUpdateUserPassword(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	svc := env.Service
	login := func(pw string) error {
		_, err := svc.Authenticate(ctx, core.Credential{Kind: core.CredPassword, PublicKey: "demo-public", Login: "alice", Secret: pw})
		return err
	}
	wantCode(t, login("alice-pw"), "") // now cached
	_, err := svc.UpdateUser(ctx, env.Caller("demo", "bob"), "alice", core.UserInput{Password: "bobs-choice"})
	wantCode(t, err, core.EFORBIDDEN)
	wantCode(t, login("bobs-choice"), core.EUNAUTHENTICATED)
	if _, err := svc.UpdateUser(ctx, env.Caller("demo", "alice"), "alice", core.UserInput{Password: "new-pw"}); err != nil {
		t.Fatal(err)
	}
	wantCode(t, login("alice-pw"), core.EUNAUTHENTICATED)
	wantCode(t, login("new-pw"), "")
	if _, err := svc.UpdateUser(ctx, env.Caller("demo", ""), "alice", core.UserInput{Password: "app-set"}); err != nil {
		t.Fatal(err)
	}
	wantCode(t, login("app-set"), "")
}
