package db

import (
	"sync"
	"sync/atomic"

	"parley/server/core"
)

// messageCache keeps fully loaded messages (owner, attachments, mentions,
// reactions, recipients) by key, so that a history page reads only the keys
// of its messages and loads just the ones it has not seen.
//
// It is never staler than the database. The writer drops every key a
// committed batch touched (or everything, after a change that reaches
// owners or mentions) and moves the epoch, all under the lock. A read notes
// the epoch before its snapshot is taken and adds what it loaded only if
// the epoch has not moved since: a message read from an older snapshot is
// never kept. Cached messages are shared: callers must not change them.
type messageCache struct {
	mu    sync.Mutex
	epoch uint64
	byPK  map[int64]*core.Message
	max   int

	hits, misses atomic.Int64 // messages found and not found, for metrics
}

func newMessageCache(max int) *messageCache {
	return &messageCache{byPK: make(map[int64]*core.Message), max: max}
}

// now returns the epoch; a read takes it before its first statement.
func (c *messageCache) now() uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.epoch
}

// get returns the cached messages of pks (nil where missing) and the keys
// it misses.
func (c *messageCache) get(pks []int64) ([]*core.Message, []int64) {
	found := make([]*core.Message, len(pks))
	var misses []int64
	c.mu.Lock()
	defer c.mu.Unlock()
	for i, pk := range pks {
		if m := c.byPK[pk]; m != nil {
			found[i] = m
		} else {
			misses = append(misses, pk)
		}
	}
	c.hits.Add(int64(len(pks) - len(misses)))
	c.misses.Add(int64(len(misses)))
	return found, misses
}

// put keeps messages loaded by a read that began at epoch, unless a commit
// changed messages since.
func (c *messageCache) put(epoch uint64, msgs []*core.Message) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if epoch != c.epoch || c.max <= 0 {
		return
	}
	if len(c.byPK)+len(msgs) > c.max {
		// Make room by forgetting a quarter, in map order (arbitrary).
		drop := len(c.byPK) - c.max*3/4 + len(msgs)
		for pk := range c.byPK {
			if drop <= 0 {
				break
			}
			delete(c.byPK, pk)
			drop--
		}
	}
	for _, m := range msgs {
		c.byPK[m.PK] = m
	}
}

// invalidate forgets the touched messages (all of them when all is true)
// and moves the epoch. The writer calls it after each commit that changed
// messages.
func (c *messageCache) invalidate(touched []int64, all bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.epoch++
	if all {
		clear(c.byPK)
		return
	}
	for _, pk := range touched {
		delete(c.byPK, pk)
	}
}

// changes collects what one write batch did to cached messages.
type changes struct {
	pks []int64
	all bool
}

// touch records that messages changed (nothing for a read).
func (t *tx) touch(pks ...int64) {
	if t.changes != nil {
		t.changes.pks = append(t.changes.pks, pks...)
	}
}

// touchAll records a change that may reach any cached message: users
// (owners, mentions) or cascading deletes.
func (t *tx) touchAll() {
	if t.changes != nil {
		t.changes.all = true
	}
}
