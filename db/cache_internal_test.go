package db

import (
	"testing"

	"parley/server/core"
)

// TestMessageCacheEpoch pins down the rule that keeps the cache honest: a
// read that began before a commit touched messages must not cache what it
// loaded, since its snapshot may predate the commit.
func TestMessageCacheEpoch(t *testing.T) {
	old := &core.Message{PK: 1, Body: "before"}
	tests := []struct {
		name   string
		steps  func(c *messageCache)
		cached bool
	}{
		{"ReadThenPut", func(c *messageCache) { c.put(c.now(), []*core.Message{old}) }, true},
		{"CommitBetweenSnapshotAndPut", func(c *messageCache) {
			epoch := c.now() // the read begins
			c.invalidate([]int64{1}, false)
			c.put(epoch, []*core.Message{old})
		}, false},
		{"CommitOfOtherMessagesAlsoRefuses", func(c *messageCache) {
			epoch := c.now()
			c.invalidate([]int64{2}, false)
			c.put(epoch, []*core.Message{old})
		}, false},
		{"PutThenCommitForgets", func(c *messageCache) {
			c.put(c.now(), []*core.Message{old})
			c.invalidate([]int64{1}, false)
		}, false},
		{"CommitOfAnotherKeyKeeps", func(c *messageCache) {
			c.put(c.now(), []*core.Message{old})
			c.invalidate([]int64{2}, false)
		}, true},
		{"ForgetAll", func(c *messageCache) {
			c.put(c.now(), []*core.Message{old})
			c.invalidate(nil, true)
		}, false},
		{"Disabled", func(c *messageCache) {
			c.max = -1
			c.put(c.now(), []*core.Message{old})
		}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newMessageCache(10)
			tt.steps(c)
			found, _ := c.get([]int64{1})
			if got := found[0] != nil; got != tt.cached {
				t.Fatalf("cached: got %v, want %v", got, tt.cached)
			}
		})
	}
}

func TestMessageCacheBound(t *testing.T) {
	c := newMessageCache(100)
	for i := range 1000 {
		c.put(c.now(), []*core.Message{{PK: int64(i + 1)}})
	}
	if n := len(c.byPK); n > 100 {
		t.Fatalf("the cache holds %d messages, bound 100", n)
	}
}
