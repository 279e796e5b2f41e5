package db_test

import (
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/jmoiron/sqlx"

	"parley/db"
	"parley/server/core"
)

// TestQueryPlans runs the hot reads with a trace, then asks SQLite how it
// runs each query they sent: none may scan a table (every list is served by
// an index, so its cost does not grow with the table).
func TestQueryPlans(t *testing.T) {
	path := filepath.Join(t.TempDir(), "parley.db")
	d := MustOpenPath(t, path)
	f := seed(t, d)
	m := f.msg(f.Alice, "m1", "hi", 0)
	m.Attachments = []core.Attachment{{Type: "image"}}
	m.Mentions = []core.Mention{{UserPK: f.Bob.PK}}
	m.Recipients = []string{"bob"}
	insert(t, d, m)
	write(t, d, func(tx core.Tx) error {
		_, err := tx.AddReaction(&core.Reaction{MessagePK: m.PK, UserPK: f.Bob.PK, Name: "like", CreatedAt: t0})
		if err != nil {
			return err
		}
		return tx.PutChannelAccess(f.Conv.PK, &core.Access{Readers: core.ACL{UserPKs: []int64{f.Bob.PK}}})
	})

	type traced struct {
		query string
		args  []any
	}
	var mu sync.Mutex
	var queries []traced
	db.SetTrace(d, func(query string, args []any) {
		mu.Lock()
		defer mu.Unlock()
		queries = append(queries, traced{query, args})
	})
	yes := true
	base := core.MessageFilter{AppPK: f.App.PK, ConversationPK: f.Conv.PK, ViewerPK: f.Bob.PK}
	filters := map[string]func(*core.MessageFilter){
		"Default":         func(*core.MessageFilter) {},
		"Before":          func(f *core.MessageFilter) { f.BeforePK = 10 },
		"AfterAscending":  func(f *core.MessageFilter) { f.AfterPK = 1; f.Ascending = true },
		"Pinned":          func(f *core.MessageFilter) { f.Pinned = &yes },
		"Parent":          func(f *core.MessageFilter) { f.ParentPK = 1 },
		"Owners":          func(f *core.MessageFilter) { f.OwnerIDs = []string{"alice"} },
		"AttachmentTypes": func(f *core.MessageFilter) { f.AttachmentTypes = []string{"image"} },
		"IDs":             func(f *core.MessageFilter) { f.IDs = []string{"m1"} },
		"IDsAndKeys":      func(f *core.MessageFilter) { f.IDs = []string{"m1", core.KeyRef(1)} },
		"OwnersAndKeys":   func(f *core.MessageFilter) { f.OwnerIDs = []string{"alice", core.KeyRef(2)} },
		"TopLevel":        func(f *core.MessageFilter) { f.TopLevelOnly = true; f.ShowInConv = &yes },
		// Amity's filters
		"Flagged":     func(f *core.MessageFilter) { f.Flagged = &yes },
		"DeletedOnly": func(f *core.MessageFilter) { f.DeletedOnly = true },
	}
	for name, edit := range filters {
		mf := base
		edit(&mf)
		read(t, d, func(tx core.Tx) error {
			if _, err := tx.ListMessages(mf); err != nil {
				return err
			}
			if _, err := tx.CountMessages(mf); err != nil {
				return err
			}
			mf.CountCap = core.CountCap
			_, err := tx.CountMessages(mf)
			return err
		})
		_ = name
	}
	read(t, d, func(tx core.Tx) error {
		for _, step := range []func() error{
			func() error {
				_, err := tx.ListConversations(core.ConversationFilter{AppPK: f.App.PK, UserPK: f.Bob.PK})
				return err
			},
			func() error {
				_, err := tx.ListConversations(core.ConversationFilter{AppPK: f.App.PK, Page: core.Page{After: "general"}})
				return err
			},
			func() error { _, err := tx.UnreadCount(f.Conv.PK, f.Bob.PK); return err },
			// inherited team channels
			func() error { _, err := tx.UnreadAfter(f.Conv.PK, f.Bob.PK, 1); return err },
			func() error { _, _, err := tx.InheritedRead(f.Conv.PK, f.Bob.PK); return err },
			func() error {
				_, err := tx.CountConversations(core.ConversationFilter{AppPK: f.App.PK, UserPK: f.Bob.PK,
					Kinds: []core.ConversationKind{core.KindGroup}})
				return err
			},
			func() error { _, err := tx.UnreadTotal(f.Bob.PK); return err },
			func() error { _, err := tx.UnreadCounts(f.Bob.PK, []int64{f.Conv.PK, 99}); return err },
			func() error { _, err := tx.LatestMessagePK(f.Conv.PK, t0); return err },
			func() error { _, err := tx.MessageByID(f.App.PK, "m1"); return err },
			func() error { _, err := tx.MessagesByIDs(f.App.PK, []string{"m1", "m2"}); return err },
			func() error { _, err := tx.ListMembers(f.Conv.PK, core.Page{}); return err },
			func() error {
				_, err := tx.ListMembers(f.Conv.PK, core.Page{After: "alice", Before: "carol"})
				return err
			},
			func() error { _, err := tx.ListUsers(f.App.PK, core.Page{After: "alice", Reverse: true}); return err },
			func() error {
				_, err := tx.ListConversations(core.ConversationFilter{AppPK: f.App.PK, UserPK: f.Bob.PK,
					Page: core.Page{Before: "general"}})
				return err
			},
			func() error {
				_, err := tx.ListReactionUsers(m.PK, "like", core.Page{After: "bob", Limit: 5})
				return err
			},
			func() error { _, err := tx.Member(f.Conv.PK, f.Bob.PK); return err },
			func() error { _, err := tx.ListReactionUsers(m.PK, "like", core.Page{}); return err },
			func() error { _, err := tx.UserByLogin(f.App.PK, "bob"); return err },
			func() error { _, err := tx.UsersByIDs(f.App.PK, []string{"bob"}); return err },
			func() error {
				_, err := tx.UsersByIDs(f.App.PK, []string{"bob", core.KeyRef(f.Alice.PK)})
				return err
			},
			func() error {
				_, err := tx.MessagesByIDs(f.App.PK, []string{"m1", core.KeyRef(m.PK)})
				return err
			},
			func() error { _, err := tx.UserByID(f.App.PK, core.KeyRef(f.Bob.PK)); return err },
			func() error { _, err := tx.MessageByID(f.App.PK, core.KeyRef(m.PK)); return err },
			func() error { _, err := tx.ConversationByID(f.App.PK, core.KeyRef(f.Conv.PK)); return err },
			func() error { _, err := tx.TokenByHash("x"); return err },
			func() error { _, err := tx.IsHidden(m.PK, f.Bob.PK); return err },
			// App.net: own messages, usernames, channel access, mutes
			func() error {
				_, err := tx.ListOwnMessages(f.Bob.PK, core.MessageFilter{AppPK: f.App.PK, BeforePK: 10, AfterPK: 1,
					Types: []core.MessageType{core.TypeNormal}, Limit: 20})
				return err
			},
			func() error { _, err := tx.UsersByUsernames(f.App.PK, []string{"bob", "alice"}); return err },
			func() error { _, err := tx.UsersByPKs(f.App.PK, []int64{f.Bob.PK, f.Alice.PK}); return err },
			func() error { _, err := tx.ChannelAccesses([]int64{f.Conv.PK, 99}); return err },
			func() error { _, err := tx.MemberRoles([]int64{f.Conv.PK, 99}); return err },
			func() error { _, err := tx.MutedAmong(f.Bob.PK, []int64{f.Conv.PK, 99}); return err },
			func() error { _, err := tx.MemberKeys(f.Conv.PK); return err },
			func() error { _, err := tx.MessageAudience(f.Conv.PK, m.PK); return err },
			// files
			func() error { _, err := tx.FileByID(f.App.PK, "f1"); return err },
			func() error { _, err := tx.BlobKeysInUse([]string{"k"}); return err },
			func() error { _, err := tx.FileVisibleTo(1, f.Bob.PK); return err },
			func() error { _, err := tx.FileAttachmentCount(1); return err },
			func() error {
				_, err := tx.FullTextSearch(core.SearchFilter{AppPK: f.App.PK, Terms: []core.SearchTerm{{Text: "hi", Prefix: true}},
					ConversationPKs: []int64{f.Conv.PK}, ViewerPK: f.Bob.PK, BeforePK: 10, Limit: 50})
				return err
			},
			func() error { _, err := tx.SearchScope(f.App.PK, f.Bob.PK); return err },
			func() error { _, _, err := tx.TeamRole(1, f.Bob.PK); return err },
			func() error { _, err := tx.TeamChannel(f.Conv.PK); return err },
			func() error { _, err := tx.ListTeamChannels(1, f.Bob.PK); return err },
			func() error { _, err := tx.TeamsOf(f.App.PK, f.Bob.PK); return err },
			func() error { _, err := tx.TeamsAdministeredBy(f.Bob.PK); return err },
			func() error { _, err := tx.ListTeamMemberRoles(1); return err },
			func() error { _, err := tx.ListRevisions(m.PK); return err },
			// Amity: reactors, segments, flags
			func() error { _, err := tx.ListReactors(m.PK, "", core.Page{Limit: 5}); return err },
			func() error { _, err := tx.ListReactors(m.PK, "like", core.Page{Skip: 5, Limit: 5}); return err },
			func() error { _, err := tx.MessageSeqs(f.App.PK, []int64{m.PK, 99}); return err },
			func() error { _, err := tx.MessagePKBySeq(f.Conv.PK, 1); return err },
			func() error { _, err := tx.IsFlagged(m.PK, f.Bob.PK); return err },
		} {
			if err := step(); err != nil && core.ErrorCode(err) != core.ENOTFOUND {
				return err
			}
		}
		return nil
	})
	db.SetTrace(d, nil)

	raw := sqlx.MustOpen("sqlite", path)
	defer raw.Close()
	for _, q := range queries {
		var plan []struct {
			ID, Parent, NotUsed int
			Detail              string
		}
		if err := raw.Select(&plan, `EXPLAIN QUERY PLAN `+q.query, q.args...); err != nil {
			t.Fatalf("%v\n%s", err, q.query)
		}
		var lines []string
		bad := false
		subqueries := map[string]bool{} // co-routines and materialised subqueries by alias
		for _, p := range plan {
			lines = append(lines, p.Detail)
			for _, kind := range []string{"CO-ROUTINE ", "MATERIALIZE "} {
				if name, ok := strings.CutPrefix(p.Detail, kind); ok {
					subqueries[name] = true
				}
			}
			switch {
			case strings.HasPrefix(p.Detail, "SCAN ") && p.Detail != "SCAN CONSTANT ROW" &&
				// Reading a subquery's own rows back (a capped count's
				// LIMIT, a user's conversations) scans no table; the
				// subquery's plan is checked.
				!strings.HasPrefix(p.Detail, "SCAN (subquery-") && !subqueries[strings.TrimPrefix(p.Detail, "SCAN ")] &&
				!strings.Contains(p.Detail, "VIRTUAL TABLE INDEX"): // a full-text index look-up
				bad = true
			case strings.HasPrefix(p.Detail, "USE TEMP B-TREE FOR ORDER BY") && !sortAllowed(q.query):
				// A full sort means reading every matching row before the
				// first of the page.
				bad = true
			}
		}
		if userConversations(q.query) && !slices.ContainsFunc(lines, func(l string) bool {
			return strings.HasPrefix(l, "SEARCH members USING ") && strings.Contains(l, "user_pk=?")
		}) {
			// A user's conversations start from the user's memberships.
			bad = true
		}
		if bad {
			t.Errorf("query scans a table:\n%s\nplan:\n  %s", strings.TrimSpace(q.query), strings.Join(lines, "\n  "))
		} else if testing.Verbose() {
			t.Logf("%s\n  %s", firstLine(q.query), strings.Join(lines, "\n  "))
		}
	}
}

// sortAllowed names the queries that may sort their rows: a user's
// conversations (the user's memberships and inherited team channels,
// ordered by activity) and a login lookup (at most three rows).
func sortAllowed(query string) bool {
	return userConversations(query) || strings.Contains(query, "ORDER BY id = ?")
}

// userConversations reports whether a query reads a user's conversations
// (db's userConversations source).
func userConversations(query string) bool {
	return strings.Contains(query, "0 AS inherited")
}

func firstLine(q string) string {
	q = strings.Join(strings.Fields(q), " ")
	if len(q) > 120 {
		q = q[:120] + "…"
	}
	return q
}
