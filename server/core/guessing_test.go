package core_test

import (
	"context"
	"testing"

	"parley/server/core"
	"parley/server/testenv"
)

// An unknown login costs the same hashing as a known login with a wrong
// password (and as a right one), so its answer's time tells nothing; both
// answer the same error.
func TestUnknownLoginCostsAsMuch(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	ctx := context.Background()
	app, err := env.Service.Authenticate(ctx, core.Credential{Kind: core.CredNone, PublicKey: "demo-public"})
	if err != nil {
		t.Fatal(err)
	}
	cost := func(login, password string) (int64, string) {
		before := env.Service.PasswordWork()
		_, err := env.Service.Login(ctx, app, login, password)
		return env.Service.PasswordWork() - before, core.ErrorMessage(err)
	}
	known, knownErr := cost("alice", "wrong-1")
	unknown, unknownErr := cost("nobody", "wrong-2")
	noPassword, noPasswordErr := cost("bob", "wrong-3") // a user without a password
	right, _ := cost("alice", "alice-pw")
	if known == 0 || unknown != known || noPassword != known || right != known {
		t.Fatalf("PBKDF2 iterations: wrong password %d, unknown login %d, user without password %d, right password %d; want all equal and not 0",
			known, unknown, noPassword, right)
	}
	if unknownErr != knownErr || noPasswordErr != knownErr {
		t.Fatalf("errors: wrong password %q, unknown login %q, no password %q; want the same", knownErr, unknownErr, noPasswordErr)
	}
}
