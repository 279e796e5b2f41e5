package db_test

import (
	"strings"
	"testing"
	"time"

	"parley/db"
	"parley/server/core"
)

func TestReactions(t *testing.T) {
	stores(t, func(t *testing.T, d *db.DB) {
		f := seed(t, d)
		m := f.msg(f.Alice, "m1", "hi", 0)
		insert(t, d, m)
		react := func(u *core.User, name string, at time.Duration) (bool, error) {
			var ok bool
			err := d.Write(t.Context(), func(tx core.Tx) error {
				var err error
				ok, err = tx.AddReaction(&core.Reaction{MessagePK: m.PK, UserPK: u.PK, Name: name, CreatedAt: t0.Add(at)})
				return err
			})
			return ok, err
		}
		for _, tc := range []struct {
			user *core.User
			name string
			at   time.Duration
			want bool
		}{
			{f.Carol, "like", 0, true},
			{f.Bob, "like", 0, true}, // same millisecond: insert order
			{f.Alice, "like", -time.Hour, true},
			{f.Bob, "like", time.Hour, false}, // already there
			{f.Bob, "wow", time.Minute, true},
		} {
			got, err := react(tc.user, tc.name, tc.at)
			if err != nil || got != tc.want {
				t.Errorf("AddReaction(%s, %s) = %v, %v; want %v", tc.user.ID, tc.name, got, err, tc.want)
			}
		}
		err := d.Write(t.Context(), func(tx core.Tx) error {
			_, err := tx.AddReaction(&core.Reaction{MessagePK: 999, UserPK: f.Bob.PK, Name: "x"})
			return err
		})
		wantCode(t, err, core.EINVALID)

		list := func(name string, p core.Page) string {
			var s string
			read(t, d, func(tx core.Tx) error {
				us, err := tx.ListReactionUsers(m.PK, name, p)
				s = ids(us)
				return err
			})
			return s
		}
		if got := list("like", core.Page{}); got != "alice carol bob" {
			t.Errorf("ListReactionUsers(like) = %q", got)
		}
		if got := list("like", core.Page{Skip: 1, Limit: 1}); got != "carol" {
			t.Errorf("ListReactionUsers(like, skip 1, limit 1) = %q", got)
		}
		if got := list("nope", core.Page{}); got != "" {
			t.Errorf("ListReactionUsers(nope) = %q", got)
		}

		groups := func() []core.ReactionGroup {
			var g []core.ReactionGroup
			read(t, d, func(tx core.Tx) error {
				got, err := tx.MessageByPK(f.App.PK, m.PK)
				if err == nil {
					g = got.Reactions
				}
				return err
			})
			return g
		}
		g := groups()
		if len(g) != 2 || g[0].Name != "like" || g[0].Count != 3 || strings.Join(g[0].UserIDs, " ") != "alice carol bob" ||
			g[1].Name != "wow" || g[1].Count != 1 {
			t.Errorf("reaction groups = %+v", g)
		}

		write(t, d, func(tx core.Tx) error {
			for _, tc := range []struct {
				user *core.User
				want bool
			}{{f.Alice, true}, {f.Carol, true}, {f.Alice, false}} {
				ok, err := tx.RemoveReaction(m.PK, tc.user.PK, "like")
				if err != nil {
					return err
				}
				if ok != tc.want {
					t.Errorf("RemoveReaction(%s) = %v, want %v", tc.user.ID, ok, tc.want)
				}
			}
			return nil
		})
		g = groups()
		if len(g) != 2 || g[0].Count != 1 || strings.Join(g[0].UserIDs, " ") != "bob" {
			t.Errorf("reaction groups after removal = %+v", g)
		}
		write(t, d, func(tx core.Tx) error {
			_, err := tx.RemoveReaction(m.PK, f.Bob.PK, "like")
			if err != nil {
				return err
			}
			_, err = tx.RemoveReaction(m.PK, f.Bob.PK, "wow")
			return err
		})
		if g := groups(); g != nil {
			t.Errorf("reaction groups after removing all = %+v, want none", g)
		}
	})
}
