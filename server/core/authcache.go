package core

import (
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// CredentialCache remembers successful credential look-ups (apps by public key,
// tokens, users by id, verified passwords, admin tokens), so that a request
// does not spend read transactions or password hashing proving who it is.
// Only positive answers are kept. Every core write that changes apps, users
// or tokens resets the cache after its commit and moves the epoch on; a
// look-up records the epoch before it reads and stores its answer only if
// the epoch has not moved since, so a read that began before a delete can
// never put the deleted credential back. Cached values are shared and must
// not be changed.
type CredentialCache struct {
	mu        sync.RWMutex
	off       bool // keeps nothing: the store offers no cache (see CredentialKeeper)
	gen       uint64
	apps      map[string]*App      // by public key
	tokens    map[string]authEntry // by token hash
	users     map[string]*User     // by app PK and user id
	passwords map[string]*User     // by hash of app, login and password
	admins    map[string]bool      // admin token hashes

	hits, misses atomic.Int64 // look-ups answered and not, for metrics
}

type authEntry struct {
	app     *App
	user    *User
	expires time.Time
}

// authCacheMax bounds each map; past it the map starts again empty.
const authCacheMax = 100_000

func newAuthCache() *CredentialCache {
	c := &CredentialCache{}
	c.reset()
	return c
}

// epoch returns the generation a look-up starts in; hand it to put.
func (c *CredentialCache) epoch() uint64 {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.gen
}

// reset forgets everything and starts a new epoch; called after every
// committed write to apps, users or tokens.
func (c *CredentialCache) reset() {
	c.mu.Lock()
	c.gen++
	c.apps = map[string]*App{}
	c.tokens = map[string]authEntry{}
	c.users = map[string]*User{}
	c.passwords = map[string]*User{}
	c.admins = map[string]bool{}
	c.mu.Unlock()
}

// put stores v in m under key when no reset happened since epoch.
func put[V any](c *CredentialCache, m *map[string]V, key string, v V, epoch uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if epoch != c.gen || c.off {
		return // a write moved on since the look-up began: its answer may be stale
	}
	if len(*m) >= authCacheMax {
		*m = map[string]V{}
	}
	(*m)[key] = v
}

func get[V any](c *CredentialCache, m *map[string]V, key string) (V, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	v, ok := (*m)[key]
	if ok {
		c.hits.Add(1)
	} else {
		c.misses.Add(1)
	}
	return v, ok
}

func (c *CredentialCache) app(key string) *App { a, _ := get(c, &c.apps, key); return a }

func (c *CredentialCache) putApp(key string, a *App, epoch uint64) { put(c, &c.apps, key, a, epoch) }

func (c *CredentialCache) token(hash string) (authEntry, bool) { return get(c, &c.tokens, hash) }

func (c *CredentialCache) putToken(hash string, e authEntry, epoch uint64) {
	put(c, &c.tokens, hash, e, epoch)
}

func userKey(appPK int64, id string) string { return strconv.FormatInt(appPK, 10) + "/" + id }

func (c *CredentialCache) user(appPK int64, id string) *User {
	u, _ := get(c, &c.users, userKey(appPK, id))
	return u
}

func (c *CredentialCache) putUser(u *User, epoch uint64) {
	put(c, &c.users, userKey(u.AppPK, u.ID), u, epoch)
}

func (c *CredentialCache) password(key string) *User { u, _ := get(c, &c.passwords, key); return u }

func (c *CredentialCache) putPassword(key string, u *User, epoch uint64) {
	put(c, &c.passwords, key, u, epoch)
}

func (c *CredentialCache) admin(hash string) bool { ok, _ := get(c, &c.admins, hash); return ok }

func (c *CredentialCache) putAdmin(hash string, epoch uint64) { put(c, &c.admins, hash, true, epoch) }
