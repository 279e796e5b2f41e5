package core_test

import (
	"testing"

	"parley/server/core"
	"parley/server/testenv"
)

// TestCredentialCacheIsTheStores: the cache of verified credentials belongs
// to the store, so a second Service on the same store sees the first one's
// deletes, and a store that offers no cache (one shared with other
// processes) gets every request proved anew.
func TestCredentialCacheIsTheStores(t *testing.T) {
	t.Parallel()
	bobToken := core.Credential{Kind: core.CredToken, Secret: "bob-token"}
	for _, tc := range []struct {
		name  string
		store func(env *testenv.Env) core.Store
	}{
		{"SameStore", func(env *testenv.Env) core.Store { return env.DB }},
		{"StoreWithoutCache", func(env *testenv.Env) core.Store { return struct{ core.Store }{env.DB} }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			env := testenv.New(t)
			second := core.NewService(core.Options{Store: tc.store(env), Now: env.Clock.Now})
			if _, err := second.Authenticate(ctx, bobToken); err != nil {
				t.Fatal(err)
			}
			wantCode(t, env.Service.DeleteUser(ctx, env.Caller("demo", ""), "bob"), "")
			_, err := second.Authenticate(ctx, bobToken)
			wantCode(t, err, core.EUNAUTHENTICATED)
		})
	}
}
