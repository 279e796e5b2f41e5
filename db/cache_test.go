package db_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"parley/db"
	"parley/server/core"
)

// TestMessageCacheUnderConcurrency races writers that keep changing one
// message (reactions, reply counts) against readers that keep loading the
// page holding it, on a file database (where reads run beside the writer,
// each on its own snapshot), for the race detector and as a smoke test:
// afterwards the page must match the message as the database has it. The
// narrow window it guards (a read from an older snapshot caching after the
// writer forgot) is pinned down deterministically by TestMessageCacheEpoch.
func TestMessageCacheUnderConcurrency(t *testing.T) {
	stores(t, func(t *testing.T, d *db.DB) {
		f := seed(t, d)
		target := f.msg(f.Alice, "target", "hot", 0)
		insert(t, d, target, f.msg(f.Bob, "", "other", 1))
		users := []*core.User{f.Alice, f.Bob, f.Carol}
		ctx := context.Background()
		const rounds = 60
		var wg sync.WaitGroup
		for w, u := range users {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range rounds {
					name := fmt.Sprintf("r%d", i%4)
					err := d.Write(ctx, func(tx core.Tx) error {
						if i%2 == 0 {
							_, err := tx.AddReaction(&core.Reaction{MessagePK: target.PK, UserPK: u.PK, Name: name, CreatedAt: t0})
							return err
						}
						if _, err := tx.RemoveReaction(target.PK, u.PK, name); err != nil {
							return err
						}
						return tx.AddReplyCount(target.PK, w+1)
					})
					if err != nil {
						t.Error(err)
						return
					}
				}
			}()
		}
		for range 3 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for range rounds {
					err := d.Read(ctx, func(tx core.Tx) error {
						_, err := tx.ListMessages(core.MessageFilter{ConversationPK: f.Conv.PK, Limit: 10})
						return err
					})
					if err != nil {
						t.Error(err)
						return
					}
				}
			}()
		}
		wg.Wait()
		read(t, d, func(tx core.Tx) error {
			page, err := tx.ListMessages(core.MessageFilter{ConversationPK: f.Conv.PK, Limit: 10})
			if err != nil {
				return err
			}
			truth, err := tx.MessageByPK(f.App.PK, target.PK) // never from the cache
			if err != nil {
				return err
			}
			for _, m := range page {
				if m.PK != target.PK {
					continue
				}
				if got, want := fmt.Sprint(m.ReplyCount, m.Reactions), fmt.Sprint(truth.ReplyCount, truth.Reactions); got != want {
					t.Errorf("the page shows %s, the database %s: a stale message stayed in the cache", got, want)
				}
				return nil
			}
			t.Error("the target message is not on the page")
			return nil
		})
	})
}
