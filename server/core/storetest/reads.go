package storetest

import (
	"testing"
	"time"

	"parley/server/core"
)

// testReadState: read positions only move forward; "read up to a time"
// follows the time the store received messages, not their claimed time.
func testReadState(t *testing.T, f *fixture) {
	m1, m2 := f.msg(f.general, f.bob, "", "", time.Minute), f.msg(f.general, f.bob, "", "", 2*time.Minute)
	backdated := f.msg(f.general, f.bob, "", "", 3*time.Minute)
	backdated.CreatedAt = t0.Add(-time.Hour)
	f.send(t, m1, m2, backdated)
	f.read(t, func(tx core.Tx) error {
		for _, x := range []struct {
			at   time.Duration
			want int64
		}{{-30 * time.Minute, 0}, {0, 0}, {time.Minute, m1.PK}, {150 * time.Second, m2.PK}, {time.Hour, backdated.PK}} {
			got, err := tx.LatestMessagePK(f.general.PK, t0.Add(x.at))
			if err != nil || got != x.want {
				t.Errorf("LatestMessagePK(t0%+v) = %d, %v; want %d", x.at, got, err, x.want)
			}
		}
		return nil
	})
	f.write(t, func(tx core.Tx) error {
		if err := tx.SetReadPosition(f.general.PK, f.alice.PK, m2.PK, t0); err != nil {
			return err
		}
		return tx.SetReadPosition(f.general.PK, f.alice.PK, m1.PK, t0.Add(time.Hour))
	})
	f.read(t, func(tx core.Tx) error {
		me, err := tx.Member(f.general.PK, f.alice.PK)
		if err == nil && me.LastReadPK != m2.PK {
			t.Errorf("read position %d moved back from %d", me.LastReadPK, m2.PK)
		}
		return err
	})
}

// testUnread: unread counts leave out the member's own messages, recalled
// ones, hidden ones, ones not shown and others' recipients-only ones.
func testUnread(t *testing.T, f *fixture) {
	own := f.msg(f.general, f.alice, "", "", 0)
	plain := f.msg(f.general, f.bob, "", "", 0)
	recalled := f.msg(f.general, f.bob, "", "", 0)
	recalled.DeletedAt = t0
	hidden := f.msg(f.general, f.bob, "", "", 0)
	notShown := f.msg(f.general, f.bob, "", "", 0)
	notShown.ShowInConversation = false
	toCarol := f.msg(f.general, f.bob, "", "", 0)
	toCarol.Recipients = []string{"carol"}
	toAlice := f.msg(f.general, f.bob, "", "", 0)
	toAlice.Recipients = []string{"alice"}
	f.send(t, own, plain, recalled, hidden, notShown, toCarol, toAlice)
	f.write(t, func(tx core.Tx) error { return tx.HideMessage(hidden.PK, f.alice.PK, t0) })
	f.read(t, func(tx core.Tx) error {
		n, err := tx.UnreadCount(f.general.PK, f.alice.PK)
		if err != nil {
			return err
		}
		total, err := tx.UnreadTotal(f.alice.PK)
		if err != nil {
			return err
		}
		counts, err := tx.UnreadCounts(f.alice.PK, []int64{f.general.PK})
		if err != nil {
			return err
		}
		if n != 2 || total != 2 || counts[f.general.PK] != 2 { // plain, toAlice
			t.Errorf("alice's unread: count %d, total %d, counts %v; want 2", n, total, counts)
		}
		n, err = tx.UnreadCount(f.general.PK, f.zed.PK)
		if n != 0 {
			t.Errorf("a non-member's unread: %d", n)
		}
		return err
	})
}

// testUnreadCap: counts stop at core.UnreadCap.
func testUnreadCap(t *testing.T, f *fixture) {
	ms := make([]*core.Message, core.UnreadCap+3)
	for i := range ms {
		ms[i] = f.msg(f.general, f.bob, "", "", 0)
	}
	f.write(t, func(tx core.Tx) error {
		for _, m := range ms {
			if err := tx.InsertMessage(m); err != nil {
				return err
			}
		}
		return nil
	})
	f.read(t, func(tx core.Tx) error {
		n, err := tx.UnreadCount(f.general.PK, f.alice.PK)
		if err != nil {
			return err
		}
		total, err := tx.UnreadTotal(f.alice.PK)
		if err != nil {
			return err
		}
		counts, err := tx.UnreadCounts(f.alice.PK, []int64{f.general.PK})
		if n != core.UnreadCap || total != core.UnreadCap || counts[f.general.PK] != core.UnreadCap {
			t.Errorf("count %d, total %d, counts %v; want %d", n, total, counts, core.UnreadCap)
		}
		return err
	})
}
