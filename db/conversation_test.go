package db_test

import (
	"strings"
	"testing"
	"time"

	"parley/db"
	"parley/server/core"
)

func TestConversations(t *testing.T) {
	stores(t, func(t *testing.T, d *db.DB) {
		f := seed(t, d)
		team := &core.Team{AppPK: f.App.PK, ID: "eng", CreatedAt: t0}
		// Conversations with activity at t0+1h, t0+2h, ... in insert order;
		// "dm" and "pub" share a millisecond.
		convs := []*core.Conversation{
			{ID: "", Kind: core.KindPublic, Title: "numbered", LastActivityAt: t0.Add(1 * time.Hour)},
			{ID: "dm", Kind: core.KindDirect, DirectKey: "1:2", LastActivityAt: t0.Add(3 * time.Hour)},
			{ID: "pub", Kind: core.KindPublic, TeamPK: -1, Metadata: []byte(`{"k":"v"}`), LastActivityAt: t0.Add(3 * time.Hour)},
		}
		write(t, d, func(tx core.Tx) error {
			if err := tx.InsertTeam(team); err != nil {
				return err
			}
			for _, c := range convs {
				c.AppPK, c.CreatedAt, c.UpdatedAt, c.OwnerPK = f.App.PK, t0, t0, f.Bob.PK
				if c.TeamPK == -1 {
					c.TeamPK = team.PK
				}
				if err := tx.InsertConversation(c); err != nil {
					return err
				}
			}
			for _, c := range convs[1:] {
				if err := tx.UpsertMember(&core.Member{ConversationPK: c.PK, UserPK: f.Bob.PK, JoinedAt: t0}); err != nil {
					return err
				}
			}
			return nil
		})
		if convs[0].ID != "2" || convs[0].PK != 2 {
			t.Errorf("default id = %q (pk %d), want 2", convs[0].ID, convs[0].PK)
		}

		t.Run("Lookups", func(t *testing.T) {
			read(t, d, func(tx core.Tx) error {
				got, err := tx.ConversationByID(f.App.PK, "pub")
				if err != nil {
					return err
				}
				if got.OwnerID != "bob" || got.TeamID != "eng" || got.TeamPK != team.PK || string(got.Metadata) != `{"k":"v"}` ||
					got.MemberCount != 1 || got.Kind != core.KindPublic || !got.LastActivityAt.Equal(t0.Add(3*time.Hour)) {
					t.Errorf("ConversationByID = %+v", got)
				}
				got, err = tx.ConversationByPK(f.App.PK, f.Conv.PK)
				if err == nil && (got.ID != "general" || got.MemberCount != 3 || got.OwnerID != "alice" || got.TeamID != "") {
					t.Errorf("ConversationByPK = %+v", got)
				}
				got, err = tx.DirectConversation(f.App.PK, "1:2")
				if err == nil && got.ID != "dm" {
					t.Errorf("DirectConversation = %+v", got)
				}
				for _, get := range []func() (*core.Conversation, error){
					func() (*core.Conversation, error) { return tx.ConversationByID(f.Other.PK, "pub") },
					func() (*core.Conversation, error) { return tx.ConversationByPK(f.App.PK, 999) },
					func() (*core.Conversation, error) { return tx.DirectConversation(f.App.PK, "2:1") },
				} {
					_, err := get()
					wantCode(t, err, core.ENOTFOUND)
				}
				return nil
			})
		})

		t.Run("ErrInsert", func(t *testing.T) {
			for _, tc := range []struct {
				c    core.Conversation
				code string
				msg  string
			}{
				{core.Conversation{ID: "pub", Kind: core.KindGroup}, core.ECONFLICT, "conversation id already exists"},
				{core.Conversation{Kind: core.KindDirect, DirectKey: "1:2"}, core.ECONFLICT, "direct conversation already exists"},
				{core.Conversation{Kind: "party"}, core.EINVALID, "invalid conversation kind"},
				{core.Conversation{Kind: core.KindGroup, OwnerPK: 999}, core.EINVALID, "conversation refers to a record that does not exist"},
			} {
				tc.c.AppPK = f.App.PK
				err := d.Write(t.Context(), func(tx core.Tx) error { return tx.InsertConversation(&tc.c) })
				wantCode(t, err, tc.code)
				if got := core.ErrorMessage(err); got != tc.msg {
					t.Errorf("message = %q, want %q", got, tc.msg)
				}
			}
		})

		t.Run("List", func(t *testing.T) {
			for _, tc := range []struct {
				name string
				f    core.ConversationFilter
				want string
			}{
				{"App", core.ConversationFilter{AppPK: f.App.PK}, "pub dm 2 general"},
				{"OtherApp", core.ConversationFilter{AppPK: f.Other.PK}, ""},
				{"User", core.ConversationFilter{AppPK: f.App.PK, UserPK: f.Bob.PK}, "pub dm general"},
				{"UserAlice", core.ConversationFilter{AppPK: f.App.PK, UserPK: f.Alice.PK}, "general"},
				{"Kinds", core.ConversationFilter{AppPK: f.App.PK, Kinds: []core.ConversationKind{core.KindPublic, core.KindGroup}}, "pub 2 general"},
				{"After", core.ConversationFilter{AppPK: f.App.PK, Page: core.Page{After: "pub"}}, "dm 2 general"},
				{"AfterByKey", core.ConversationFilter{AppPK: f.App.PK, Page: core.Page{After: core.KeyRef(convs[1].PK)}}, "2 general"},
				{"Before", core.ConversationFilter{AppPK: f.App.PK, Page: core.Page{Before: "2"}}, "pub dm"},
				{"BeforeReverse", core.ConversationFilter{AppPK: f.App.PK, Page: core.Page{Before: "general", Reverse: true, Limit: 2}}, "2 dm"},
				{"Between", core.ConversationFilter{AppPK: f.App.PK, Page: core.Page{After: "pub", Before: "general"}}, "dm 2"},
				{"AfterUser", core.ConversationFilter{AppPK: f.App.PK, UserPK: f.Bob.PK, Page: core.Page{After: "dm"}}, "general"},
				{"SkipLimit", core.ConversationFilter{AppPK: f.App.PK, Page: core.Page{Skip: 1, Limit: 2}}, "dm 2"},
			} {
				t.Run(tc.name, func(t *testing.T) {
					read(t, d, func(tx core.Tx) error {
						cs, err := tx.ListConversations(tc.f)
						if err != nil {
							return err
						}
						var got []string
						for _, c := range cs {
							got = append(got, c.ID)
							if tc.f.UserPK == 0 && c.Me != nil {
								t.Errorf("%s: Me set without a user", c.ID)
							}
							if tc.f.UserPK != 0 && (c.Me == nil || c.Me.UserPK != tc.f.UserPK || c.Me.ConversationPK != c.PK || c.Me.Role == "") {
								t.Errorf("%s: Me = %+v", c.ID, c.Me)
							}
						}
						if s := strings.Join(got, " "); s != tc.want {
							t.Errorf("got %q, want %q", s, tc.want)
						}
						return nil
					})
				})
			}
			t.Run("ErrUnknownCursor", func(t *testing.T) {
				err := d.Read(t.Context(), func(tx core.Tx) error {
					_, err := tx.ListConversations(core.ConversationFilter{AppPK: f.Other.PK, Page: core.Page{After: "pub"}})
					return err
				})
				wantCode(t, err, core.EINVALID)
			})
		})

		t.Run("UpdateTouchDelete", func(t *testing.T) {
			c := *convs[0]
			c.Title, c.AvatarURL, c.CustomType, c.Type, c.Metadata, c.UpdatedAt = "T", "A", "CT", "net.app.core.pm", []byte(`{}`), t0.Add(time.Minute)
			write(t, d, func(tx core.Tx) error {
				if err := tx.UpdateConversation(&c); err != nil {
					return err
				}
				if err := tx.TouchConversation(c.PK, t0.Add(5*time.Hour), 42); err != nil {
					return err
				}
				return tx.TouchConversation(c.PK, t0.Add(4*time.Hour), 41) // older: no move back
			})
			read(t, d, func(tx core.Tx) error {
				got, err := tx.ConversationByPK(f.App.PK, c.PK)
				if err != nil {
					return err
				}
				if got.Title != "T" || got.AvatarURL != "A" || got.CustomType != "CT" || got.Type != "net.app.core.pm" ||
					string(got.Metadata) != `{}` || !got.UpdatedAt.Equal(c.UpdatedAt) ||
					!got.LastActivityAt.Equal(t0.Add(5*time.Hour)) || got.LastMessagePK != 42 {
					t.Errorf("got %+v", got)
				}
				return nil
			})
			for _, fn := range []func(core.Tx) error{
				func(tx core.Tx) error { return tx.UpdateConversation(&core.Conversation{PK: 999}) },
				func(tx core.Tx) error { return tx.TouchConversation(999, t0, 1) },
				func(tx core.Tx) error { return tx.DeleteConversation(999) },
			} {
				wantCode(t, d.Write(t.Context(), fn), core.ENOTFOUND)
			}
			write(t, d, func(tx core.Tx) error { return tx.DeleteConversation(convs[1].PK) })
			read(t, d, func(tx core.Tx) error {
				_, err := tx.Member(convs[1].PK, f.Bob.PK)
				wantCode(t, err, core.ENOTFOUND)
				return nil
			})
		})
	})
}

func TestMembers(t *testing.T) {
	stores(t, func(t *testing.T, d *db.DB) {
		f := seed(t, d)
		count := func() int {
			var n int
			read(t, d, func(tx core.Tx) error {
				c, err := tx.ConversationByPK(f.App.PK, f.Conv.PK)
				if err == nil {
					n = c.MemberCount
				}
				return err
			})
			return n
		}
		if n := count(); n != 3 {
			t.Fatalf("member count = %d, want 3", n)
		}

		// Upserting an existing member changes the role only.
		m := &core.Member{ConversationPK: f.Conv.PK, UserPK: f.Bob.PK, Role: core.RoleAdmin, JoinedAt: t0.Add(time.Hour)}
		write(t, d, func(tx core.Tx) error { return tx.UpsertMember(m) })
		if n := count(); n != 3 {
			t.Errorf("member count after role change = %d, want 3", n)
		}
		if !m.JoinedAt.Equal(t0) || m.Role != core.RoleAdmin {
			t.Errorf("upserted member = %+v, want the stored join time", m)
		}

		read(t, d, func(tx core.Tx) error {
			got, err := tx.Member(f.Conv.PK, f.Bob.PK)
			if err != nil {
				return err
			}
			if got.Role != core.RoleAdmin || got.User == nil || got.User.ID != "bob" || !got.LastReadAt.IsZero() {
				t.Errorf("Member = %+v", got)
			}
			_, err = tx.Member(f.Conv.PK, 999)
			wantCode(t, err, core.ENOTFOUND)
			ms, err := tx.ListMembers(f.Conv.PK, core.Page{})
			if err != nil {
				return err
			}
			var got2 []string
			for _, m := range ms {
				got2 = append(got2, m.User.ID+":"+string(m.Role))
			}
			if s := strings.Join(got2, " "); s != "alice:admin bob:admin carol:member" {
				t.Errorf("ListMembers = %s", s)
			}
			ms, err = tx.ListMembers(f.Conv.PK, core.Page{Skip: 2, Limit: 5})
			if err == nil && (len(ms) != 1 || ms[0].User.ID != "carol") {
				t.Errorf("ListMembers(skip 2) = %v", ms)
			}
			return err
		})

		err := d.Write(t.Context(), func(tx core.Tx) error {
			return tx.UpsertMember(&core.Member{ConversationPK: f.Conv.PK, UserPK: f.Bob.PK, Role: "boss"})
		})
		wantCode(t, err, core.EINVALID)
		err = d.Write(t.Context(), func(tx core.Tx) error {
			return tx.UpsertMember(&core.Member{ConversationPK: 999, UserPK: f.Bob.PK})
		})
		wantCode(t, err, core.EINVALID)

		write(t, d, func(tx core.Tx) error { return tx.RemoveMember(f.Conv.PK, f.Carol.PK) })
		wantCode(t, d.Write(t.Context(), func(tx core.Tx) error { return tx.RemoveMember(f.Conv.PK, f.Carol.PK) }), core.ENOTFOUND)
		if n := count(); n != 2 {
			t.Errorf("member count after remove = %d, want 2", n)
		}

		t.Run("ReadPosition", func(t *testing.T) {
			write(t, d, func(tx core.Tx) error {
				if err := tx.SetReadPosition(f.Conv.PK, f.Bob.PK, 10, t0.Add(time.Minute)); err != nil {
					return err
				}
				return tx.SetReadPosition(f.Conv.PK, f.Bob.PK, 5, t0.Add(time.Hour)) // backwards: ignored
			})
			read(t, d, func(tx core.Tx) error {
				got, err := tx.Member(f.Conv.PK, f.Bob.PK)
				if err == nil && (got.LastReadPK != 10 || !got.LastReadAt.Equal(t0.Add(time.Minute))) {
					t.Errorf("read position = %d at %v, want 10 at t0+1m", got.LastReadPK, got.LastReadAt)
				}
				return err
			})
			wantCode(t, d.Write(t.Context(), func(tx core.Tx) error {
				return tx.SetReadPosition(f.Conv.PK, f.Carol.PK, 10, t0)
			}), core.ENOTFOUND)
		})
	})
}

func TestConversationAs(t *testing.T) {
	stores(t, func(t *testing.T, d *db.DB) {
		f := seed(t, d)
		var outsider *core.User
		write(t, d, func(tx core.Tx) error {
			outsider = &core.User{AppPK: f.App.PK, ID: "zed", CreatedAt: t0, UpdatedAt: t0}
			return tx.InsertUser(outsider, "")
		})
		read(t, d, func(tx core.Tx) error {
			tests := []struct {
				name   string
				app    int64
				id     string
				user   int64
				member bool
				code   string
			}{
				{"Member", f.App.PK, "general", f.Bob.PK, true, ""},
				{"NotMember", f.App.PK, "general", outsider.PK, false, ""},
				{"OtherApp", f.Other.PK, "general", f.Bob.PK, false, core.ENOTFOUND},
				{"Unknown", f.App.PK, "nope", f.Bob.PK, false, core.ENOTFOUND},
			}
			for _, tt := range tests {
				conv, me, err := tx.ConversationAs(tt.app, tt.id, tt.user)
				if got := core.ErrorCode(err); got != tt.code {
					t.Errorf("%s: code %q (%v), want %q", tt.name, got, err, tt.code)
					continue
				}
				if err != nil {
					continue
				}
				if conv.PK != f.Conv.PK || conv.MemberCount != 3 || (me != nil) != tt.member {
					t.Errorf("%s: conv %+v member %+v", tt.name, conv, me)
				}
				if me != nil && (me.UserPK != tt.user || me.Role != core.RoleMember) {
					t.Errorf("%s: membership %+v", tt.name, me)
				}
			}
			return nil
		})
	})
}

// TestConversationKeyMemory: writes remember a conversation's key and kind,
// but never one that a rolled-back write created, nor one deleted since.
func TestConversationKeyMemory(t *testing.T) {
	stores(t, func(t *testing.T, d *db.DB) {
		f := seed(t, d)
		ctx := t.Context()
		fresh := func(id string) *core.Conversation {
			return &core.Conversation{AppPK: f.App.PK, ID: id, Kind: core.KindPublic, CreatedAt: t0, UpdatedAt: t0}
		}
		// A write creates "ghost", looks it up (remembering it), then fails.
		boom := core.Errorf(core.EINVALID, "boom")
		err := d.Write(ctx, func(tx core.Tx) error {
			if err := tx.InsertConversation(fresh("ghost")); err != nil {
				return err
			}
			if _, _, err := tx.ConversationKey(f.App.PK, "ghost"); err != nil {
				return err
			}
			return boom
		})
		if err != boom {
			t.Fatalf("write: %v", err)
		}
		write(t, d, func(tx core.Tx) error {
			// t.Errorf, not Fatal: this runs on the writer goroutine.
			if _, _, err := tx.ConversationKey(f.App.PK, "ghost"); core.ErrorCode(err) != core.ENOTFOUND {
				t.Errorf("a rolled-back conversation is remembered: %v", err)
			}
			pk, kind, err := tx.ConversationKey(f.App.PK, "general")
			if err != nil || pk != f.Conv.PK || kind != core.KindGroup {
				t.Errorf("general: %d %s %v", pk, kind, err)
			}
			role, err := tx.MemberRole(f.Conv.PK, f.Alice.PK)
			if err != nil || role != core.RoleAdmin {
				t.Errorf("alice's role: %q %v", role, err)
			}
			role, err = tx.MemberRole(f.Conv.PK, 9999)
			if err != nil || role != "" {
				t.Errorf("a stranger's role: %q %v", role, err)
			}
			return nil
		})
		// Deleted and made again under the same id: the new key, not the old.
		again := fresh("general2")
		write(t, d, func(tx core.Tx) error { return tx.InsertConversation(again) })
		write(t, d, func(tx core.Tx) error { _, _, err := tx.ConversationKey(f.App.PK, "general2"); return err })
		write(t, d, func(tx core.Tx) error { return tx.DeleteConversation(again.PK) })
		renewed := fresh("general2")
		renewed.Kind = core.KindGroup // the key may be reused; the kind tells them apart
		write(t, d, func(tx core.Tx) error { return tx.InsertConversation(renewed) })
		write(t, d, func(tx core.Tx) error {
			pk, kind, err := tx.ConversationKey(f.App.PK, "general2")
			if err != nil || pk != renewed.PK || kind != core.KindGroup {
				t.Errorf("after delete and re-create: %d %s (%v), want %d group", pk, kind, err, renewed.PK)
			}
			return nil
		})
	})
}
