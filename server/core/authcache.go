package core

import (
	"strconv"
	"sync"
	"time"
)

// authCache remembers successful credential look-ups (apps by public key,
// tokens, users by id), so that a request does not spend read transactions
// proving who it is. Only positive answers are kept, and every core write
// that changes apps, users or tokens clears the cache: all such writes go
// through the Service, so the cache is never staler than the database.
// Cached values are shared and must not be changed.
type authCache struct {
	mu     sync.RWMutex
	apps   map[string]*App      // by public key
	tokens map[string]authEntry // by token hash
	users  map[string]*User     // by app PK and user id
}

type authEntry struct {
	app     *App
	user    *User
	expires time.Time
}

// authCacheMax bounds each map; past it the map starts again empty.
const authCacheMax = 100_000

func newAuthCache() *authCache {
	c := &authCache{}
	c.reset()
	return c
}

// reset forgets everything; called after writes to apps, users or tokens.
func (c *authCache) reset() {
	c.mu.Lock()
	c.apps = map[string]*App{}
	c.tokens = map[string]authEntry{}
	c.users = map[string]*User{}
	c.mu.Unlock()
}

func (c *authCache) app(key string) *App {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.apps[key]
}

func (c *authCache) putApp(key string, a *App) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.apps) >= authCacheMax {
		c.apps = map[string]*App{}
	}
	c.apps[key] = a
}

func (c *authCache) token(hash string) (authEntry, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	e, ok := c.tokens[hash]
	return e, ok
}

func (c *authCache) putToken(hash string, e authEntry) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.tokens) >= authCacheMax {
		c.tokens = map[string]authEntry{}
	}
	c.tokens[hash] = e
}

func userKey(appPK int64, id string) string { return strconv.FormatInt(appPK, 10) + "/" + id }

func (c *authCache) user(appPK int64, id string) *User {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.users[userKey(appPK, id)]
}

func (c *authCache) putUser(u *User) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.users) >= authCacheMax {
		c.users = map[string]*User{}
	}
	c.users[userKey(u.AppPK, u.ID)] = u
}
