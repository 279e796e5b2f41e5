package storetest

import (
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"parley/server/core"
)

// testMessageDetails: a loaded message carries its owner, attachments,
// mentions with their users, recipients and reactions.
func testMessageDetails(t *testing.T, f *fixture) {
	m := f.msg(f.general, f.alice, "m1", "hi @bob", 0)
	m.Attachments = []core.Attachment{{Type: "image", Name: "a.png", Data: []byte(`{"type":"image","x":1}`)}, {Type: "file"}}
	m.Mentions = []core.Mention{{UserPK: f.bob.PK, Order: 1, WordCount: 1}}
	m.Recipients = []string{"bob", "carol"}
	f.send(t, m)
	f.write(t, func(tx core.Tx) error {
		for _, r := range []*core.Reaction{{MessagePK: m.PK, UserPK: f.bob.PK, Name: "like", CreatedAt: t0},
			{MessagePK: m.PK, UserPK: f.carol.PK, Name: "like", CreatedAt: t0}, {MessagePK: m.PK, UserPK: f.bob.PK, Name: "wow", CreatedAt: t0}} {
			if _, err := tx.AddReaction(r); err != nil {
				return err
			}
		}
		again, err := tx.AddReaction(&core.Reaction{MessagePK: m.PK, UserPK: f.bob.PK, Name: "like", CreatedAt: t0})
		if again || err != nil {
			t.Errorf("a second like: added=%v, %v", again, err)
		}
		return nil
	})
	f.read(t, func(tx core.Tx) error {
		got, err := tx.MessageByID(f.app.PK, "m1")
		if err != nil {
			return err
		}
		if got.Owner == nil || got.Owner.ID != "alice" || got.ConversationID != "general" || got.Seq != 1 {
			t.Errorf("owner %v conversation %q seq %d", got.Owner, got.ConversationID, got.Seq)
		}
		if len(got.Attachments) != 2 || got.Attachments[0].Name != "a.png" || string(got.Attachments[0].Data) != `{"type":"image","x":1}` || got.Attachments[0].ID == "" {
			t.Errorf("attachments %+v", got.Attachments)
		}
		if len(got.Mentions) != 1 || got.Mentions[0].User == nil || got.Mentions[0].User.ID != "bob" {
			t.Errorf("mentions %+v", got.Mentions)
		}
		if !slices.Equal(got.Recipients, []string{"bob", "carol"}) {
			t.Errorf("recipients %v", got.Recipients)
		}
		if len(got.Reactions) != 2 || got.Reactions[0].Name != "like" || got.Reactions[0].Count != 2 ||
			!slices.Equal(got.Reactions[0].UserIDs, []string{"bob", "carol"}) || got.Reactions[1].Name != "wow" {
			t.Errorf("reactions %+v", got.Reactions)
		}
		// All three at t0: the newest is the last added.
		if l := got.LatestReaction; l == nil || l.Name != "wow" || l.UserID != "bob" || l.UserName != f.bob.DisplayName || !l.CreatedAt.Equal(t0) {
			t.Errorf("latest reaction %+v, want bob's wow", l)
		}
		return nil
	})
}

// testSeq: each conversation numbers its messages 1, 2, 3, ... in key
// order; a rolled-back insert leaves no gap.
func testSeq(t *testing.T, f *fixture) {
	var other *core.Conversation
	f.write(t, func(tx core.Tx) (err error) { other, err = f.group(tx, "other", f.bob); return err })
	a, b := f.msg(f.general, f.alice, "", "", 0), f.msg(other, f.bob, "", "", 0)
	f.send(t, a, b)
	err := f.s.Write(f.ctx, func(tx core.Tx) error {
		if err := tx.InsertMessage(f.msg(f.general, f.alice, "", "", 0)); err != nil {
			return err
		}
		return errors.New("changed my mind")
	})
	if err == nil {
		t.Fatal("the failing write succeeded")
	}
	c, d := f.msg(f.general, f.alice, "", "", 0), f.msg(other, f.bob, "", "", 0)
	f.send(t, c, d)
	for _, x := range []struct {
		m    *core.Message
		want int64
	}{{a, 1}, {b, 1}, {c, 2}, {d, 2}} {
		if x.m.Seq != x.want {
			t.Errorf("message %d: seq %d, want %d", x.m.PK, x.m.Seq, x.want)
		}
	}
	f.read(t, func(tx core.Tx) error {
		got, err := tx.MessageByPK(f.app.PK, c.PK)
		if err == nil && got.Seq != 2 {
			t.Errorf("stored seq %d, want 2", got.Seq)
		}
		return err
	})
}

// testSeqConcurrent: 64 concurrent writers get 1..n, each once.
func testSeqConcurrent(t *testing.T, f *fixture) {
	const writers, each = 64, 2
	var wg sync.WaitGroup
	var mu sync.Mutex
	var seqs []int64
	for range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range each {
				m := f.msg(f.general, f.bob, "", "", 0)
				if err := f.s.Write(f.ctx, func(tx core.Tx) error { return tx.InsertMessage(m) }); err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				seqs = append(seqs, m.Seq)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	slices.Sort(seqs)
	for i, s := range seqs {
		if s != int64(i+1) {
			t.Fatalf("sequence numbers %v: not 1..%d", seqs, writers*each)
		}
	}
}

// testListMessages: filters, the viewer's visibility and key bounds.
func testListMessages(t *testing.T, f *fixture) {
	m1, m2, m3 := f.msg(f.general, f.alice, "m1", "", 0), f.msg(f.general, f.bob, "m2", "", 0), f.msg(f.general, f.bob, "m3", "", 0)
	m3.Recipients = []string{"alice"}
	m4 := f.msg(f.general, f.carol, "m4", "", 0)
	m4.DeletedAt = t0
	f.send(t, m1, m2, m3, m4)
	f.write(t, func(tx core.Tx) error { return tx.HideMessage(m2.PK, f.carol.PK, t0) })
	base := core.MessageFilter{AppPK: f.app.PK, ConversationPK: f.general.PK}
	for _, tc := range []struct {
		name string
		edit func(*core.MessageFilter)
		want string
	}{
		{"All", func(*core.MessageFilter) {}, "m3 m2 m1"},
		{"Deleted", func(q *core.MessageFilter) { q.IncludeDeleted = true }, "m4 m3 m2 m1"},
		{"Ascending", func(q *core.MessageFilter) { q.Ascending = true }, "m1 m2 m3"},
		{"Viewer", func(q *core.MessageFilter) { q.ViewerPK = f.carol.PK }, "m1"},
		{"Owners", func(q *core.MessageFilter) { q.OwnerIDs = []string{"bob"} }, "m3 m2"},
		{"BeforePK", func(q *core.MessageFilter) { q.BeforePK = m3.PK }, "m2 m1"},
		{"AfterPKLimit", func(q *core.MessageFilter) { q.AfterPK = m1.PK; q.Ascending = true; q.Limit = 1 }, "m2"},
		{"OtherApp", func(q *core.MessageFilter) { q.AppPK = f.other.PK }, ""},
	} {
		q := base
		tc.edit(&q)
		f.read(t, func(tx core.Tx) error {
			ms, err := tx.ListMessages(q)
			if err != nil {
				return err
			}
			if got := msgIDs(ms); got != tc.want {
				t.Errorf("%s: got %q, want %q", tc.name, got, tc.want)
			}
			n, err := tx.CountMessages(q)
			if q.Limit == 0 && q.BeforePK == 0 && n != len(ms) {
				t.Errorf("%s: count %d, listed %d", tc.name, n, len(ms))
			}
			return err
		})
	}
}

// testPaging: every list pages by cursors both ways, with Reverse and a
// bounded Skip; an unknown cursor is EINVALID.
func testPaging(t *testing.T, f *fixture) {
	f.write(t, func(tx core.Tx) error {
		for _, id := range []string{"dave", "erin"} {
			u, err := f.user(tx, f.app, id)
			if err != nil {
				return err
			}
			if err := tx.UpsertMember(&core.Member{ConversationPK: f.general.PK, UserPK: u.PK, JoinedAt: t0.Add(time.Minute)}); err != nil {
				return err
			}
		}
		return nil
	})
	members := func(ms []*core.Member) string {
		return ids(ms, func(m *core.Member) string { return m.User.ID })
	}
	f.read(t, func(tx core.Tx) error {
		for _, tc := range []struct {
			p    core.Page
			want string
		}{
			{core.Page{}, "alice bob carol dave erin"},
			{core.Page{Limit: 2}, "alice bob"},
			{core.Page{After: "bob", Limit: 2}, "carol dave"},
			{core.Page{After: core.KeyRef(f.bob.PK), Limit: 2}, "carol dave"},
			{core.Page{Before: "dave"}, "alice bob carol"},
			{core.Page{Before: "dave", Reverse: true, Limit: 2}, "carol bob"},
			{core.Page{After: "alice", Before: "erin"}, "bob carol dave"},
			{core.Page{Skip: 3}, "dave erin"},
		} {
			us, err := tx.ListUsers(f.app.PK, tc.p)
			if err != nil {
				return err
			}
			if got := userIDs(us); got != tc.want {
				t.Errorf("ListUsers(%+v) = %q, want %q", tc.p, got, tc.want)
			}
			ms, err := tx.ListMembers(f.general.PK, tc.p)
			if err != nil {
				return err
			}
			if got := members(ms); got != tc.want {
				t.Errorf("ListMembers(%+v) = %q, want %q", tc.p, got, tc.want)
			}
		}
		_, err := tx.ListUsers(f.app.PK, core.Page{After: "zed"}) // another app's
		wantCode(t, "an unknown cursor", err, core.EINVALID)
		_, err = tx.ListMembers(f.general.PK, core.Page{Before: "nobody"})
		wantCode(t, "an unknown member cursor", err, core.EINVALID)
		return nil
	})
	// Conversations: most recent activity first.
	var rooms []*core.Conversation
	f.write(t, func(tx core.Tx) error {
		for i, id := range []string{"r1", "r2", "r3"} {
			c, err := f.group(tx, id, f.bob)
			if err != nil {
				return err
			}
			if err := tx.TouchConversation(c.PK, t0.Add(time.Duration(i+1)*time.Minute), 0); err != nil {
				return err
			}
			rooms = append(rooms, c)
		}
		return nil
	})
	convs := func(cs []*core.Conversation) string {
		return ids(cs, func(c *core.Conversation) string { return c.ID })
	}
	f.read(t, func(tx core.Tx) error {
		for _, tc := range []struct {
			p    core.Page
			want string
		}{
			{core.Page{}, "r3 r2 r1 general"},
			{core.Page{After: "r3", Limit: 2}, "r2 r1"},
			{core.Page{Before: "r1"}, "r3 r2"},
			{core.Page{Before: "general", Reverse: true, Limit: 2}, "r1 r2"},
		} {
			cs, err := tx.ListConversations(core.ConversationFilter{AppPK: f.app.PK, UserPK: f.bob.PK, Page: tc.p})
			if err != nil {
				return err
			}
			if got := convs(cs); got != tc.want {
				t.Errorf("ListConversations(%+v) = %q, want %q", tc.p, got, tc.want)
			}
			for _, c := range cs {
				if c.Me == nil || c.Me.UserPK != f.bob.PK {
					t.Errorf("%s: Me = %+v", c.ID, c.Me)
				}
			}
		}
		n, err := tx.CountConversations(core.ConversationFilter{AppPK: f.app.PK, UserPK: f.bob.PK, Page: core.Page{Limit: 1}})
		if n != 4 {
			t.Errorf("CountConversations = %d, want 4 (all pages)", n)
		}
		return err
	})
}
