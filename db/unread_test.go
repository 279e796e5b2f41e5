package db_test

import (
	"testing"
	"time"

	"parley/db"
	"parley/server/core"
)

func TestUnread(t *testing.T) {
	stores(t, func(t *testing.T, d *db.DB) {
		f := seed(t, d)
		dm := &core.Conversation{AppPK: f.App.PK, ID: "dm", Kind: core.KindDirect, DirectKey: "1:2", CreatedAt: t0, UpdatedAt: t0}
		write(t, d, func(tx core.Tx) error {
			if err := tx.InsertConversation(dm); err != nil {
				return err
			}
			for _, u := range []*core.User{f.Alice, f.Bob} {
				if err := tx.UpsertMember(&core.Member{ConversationPK: dm.PK, UserPK: u.PK, JoinedAt: t0}); err != nil {
					return err
				}
			}
			return nil
		})
		// In general: alice's own (1), bob's (2), carol's to alice only (3),
		// bob's recalled (4), bob's not shown (5), bob's hidden by alice (6),
		// carol's to bob only (7), bob's at t0+10m (8). In dm: bob's (9, 10).
		ms := []*core.Message{
			f.msg(f.Alice, "", "", 0), f.msg(f.Bob, "", "", time.Minute), f.msg(f.Carol, "", "", 2*time.Minute),
			f.msg(f.Bob, "", "", 3*time.Minute), f.msg(f.Bob, "", "", 4*time.Minute), f.msg(f.Bob, "", "", 5*time.Minute),
			f.msg(f.Carol, "", "", 6*time.Minute), f.msg(f.Bob, "", "", 10*time.Minute),
			f.msg(f.Bob, "", "", 0), f.msg(f.Bob, "", "", 0),
		}
		ms[2].Recipients = []string{"alice"}
		ms[3].DeletedAt = t0
		ms[4].ShowInConversation = false
		ms[6].Recipients = []string{"bob"}
		ms[8].ConversationPK, ms[9].ConversationPK = dm.PK, dm.PK
		insert(t, d, ms...)
		write(t, d, func(tx core.Tx) error { return tx.HideMessage(ms[5].PK, f.Alice.PK, t0) })

		counts := func(user *core.User) (general, direct, total int) {
			read(t, d, func(tx core.Tx) error {
				var err error
				if general, err = tx.UnreadCount(f.Conv.PK, user.PK); err != nil {
					return err
				}
				if direct, err = tx.UnreadCount(dm.PK, user.PK); err != nil {
					return err
				}
				total, err = tx.UnreadTotal(user.PK)
				return err
			})
			return
		}
		for _, tc := range []struct {
			name                   string
			user                   *core.User
			readGeneral            int64
			general, direct, total int
			// members of general and of dm with unread messages, after
			// this and the earlier rows' reads
			membersGeneral, membersDirect int
		}{
			{"Alice", f.Alice, 0, 3, 2, 5, 3, 1},     // 2, 3, 8; 9, 10
			{"Bob", f.Bob, 0, 2, 0, 2, 3, 1},         // 1, 7
			{"Carol", f.Carol, 0, 4, 0, 4, 3, 1},     // 1, 2, 6, 8
			{"AliceRead", f.Alice, 3, 1, 2, 3, 3, 1}, // read up to 3: 8; 9, 10
			{"CarolReadAll", f.Carol, 8, 0, 0, 0, 2, 1},
		} {
			t.Run(tc.name, func(t *testing.T) {
				if tc.readGeneral != 0 {
					write(t, d, func(tx core.Tx) error {
						return tx.SetReadPosition(f.Conv.PK, tc.user.PK, ms[tc.readGeneral-1].PK, t0)
					})
				}
				g, direct, total := counts(tc.user)
				if g != tc.general || direct != tc.direct || total != tc.total {
					t.Errorf("unread general, dm, total = %d, %d, %d; want %d, %d, %d", g, direct, total, tc.general, tc.direct, tc.total)
				}
				var members map[int64]int
				read(t, d, func(tx core.Tx) (err error) {
					members, err = tx.UnreadMembers([]int64{f.Conv.PK, dm.PK, 999})
					return err
				})
				if members[f.Conv.PK] != tc.membersGeneral || members[dm.PK] != tc.membersDirect || len(members) != 2 {
					t.Errorf("unread members = %v; want general %d, dm %d", members, tc.membersGeneral, tc.membersDirect)
				}
			})
		}
		read(t, d, func(tx core.Tx) error {
			n, err := tx.UnreadCount(dm.PK, f.Carol.PK) // not a member
			if n != 0 {
				t.Errorf("UnreadCount of a non-member = %d", n)
			}
			return err
		})

		t.Run("LatestMessagePK", func(t *testing.T) {
			read(t, d, func(tx core.Tx) error {
				for _, tc := range []struct {
					at   time.Duration
					want int64
				}{{-time.Minute, 0}, {0, ms[0].PK}, {7 * time.Minute, ms[6].PK}, {time.Hour, ms[7].PK}} {
					got, err := tx.LatestMessagePK(f.Conv.PK, t0.Add(tc.at))
					if err != nil || got != tc.want {
						t.Errorf("LatestMessagePK(t0%+v) = %d, %v; want %d", tc.at, got, err, tc.want)
					}
				}
				return nil
			})
		})
	})
}
