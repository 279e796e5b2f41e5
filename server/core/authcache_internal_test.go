package core

import "testing"

// TestAuthCacheEpoch interleaves a credential look-up with a delete: the
// look-up read the user before the delete committed and stores its answer
// after the reset. The epoch guard must refuse it, or the deleted user's
// token would stay valid.
func TestAuthCacheEpoch(t *testing.T) {
	c := newAuthCache()
	u := &User{PK: 1, AppPK: 1, ID: "carol"}
	for _, tc := range []struct {
		name string
		put  func(epoch uint64)
		got  func() bool
	}{
		{"Token", func(e uint64) { c.putToken("h", authEntry{user: u}, e) }, func() bool { _, ok := c.token("h"); return ok }},
		{"User", func(e uint64) { c.putUser(u, e) }, func() bool { return c.user(1, "carol") != nil }},
		{"Password", func(e uint64) { c.putPassword("k", u, e) }, func() bool { return c.password("k") != nil }},
		{"App", func(e uint64) { c.putApp("pub", &App{PK: 1}, e) }, func() bool { return c.app("pub") != nil }},
		{"Admin", func(e uint64) { c.putAdmin("a", e) }, func() bool { return c.admin("a") }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			epoch := c.epoch() // the look-up begins and reads
			c.reset()          // a delete commits and resets the cache
			tc.put(epoch)      // the look-up stores what it read
			if tc.got() {
				t.Fatal("a look-up that began before a reset was cached after it")
			}
			tc.put(c.epoch()) // a look-up after the reset is cached
			if !tc.got() {
				t.Fatal("a fresh look-up was not cached")
			}
		})
	}
}
