package core

// CredentialKeeper is a Store that keeps the core's CredentialCache. The
// cache is in-process memory, right only while every change of apps, users
// and tokens goes through this process's core (which resets it after each
// such commit). So the store decides whether there is one: a store that
// alone writes its database keeps one; a store shared by several processes
// offers none (the core then proves every request against the store), or
// one it resets itself when another process changes credentials. Every
// Service on the same store shares the store's cache.
type CredentialKeeper interface {
	Credentials() *CredentialCache
}

// NewCredentialCache returns an empty cache for a CredentialKeeper to keep.
func NewCredentialCache() *CredentialCache { return newAuthCache() }

// credentialsOf returns the cache of the store, or one that keeps nothing.
func credentialsOf(st Store) *CredentialCache {
	if k, ok := st.(CredentialKeeper); ok {
		if c := k.Credentials(); c != nil {
			return c
		}
	}
	c := newAuthCache()
	c.off = true
	return c
}
