package db_test

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"parley/db"
	"parley/server/core"
)

func TestInsertMessage(t *testing.T) {
	stores(t, func(t *testing.T, d *db.DB) {
		f := seed(t, d)
		parent := f.msg(f.Alice, "p1", "parent", 0)
		insert(t, d, parent)
		m := f.msg(f.Bob, "", "hello @alice", time.Minute)
		m.Type, m.CustomType, m.HTML = core.TypeReply, "ct", "<p>hello</p>"
		m.Metadata, m.Entities, m.Annotations = []byte(`{"m":1}`), []byte(`{"links":[]}`), []byte(`[{"type":"x"}]`)
		m.Tags = []string{"a", "b"}
		m.ParentPK, m.ThreadRootPK, m.ForwardedFromPK = parent.PK, parent.PK, parent.PK
		m.Pinned, m.Encrypted, m.MachineOnly = true, true, true
		m.EditedAt = t0.Add(2 * time.Minute)
		m.Attachments = []core.Attachment{
			{Type: "image", Name: "cat.png", MimeType: "image/png", URL: "http://x/cat.png", Size: 3, FileID: "f1",
				Data: []byte(`{"type":"image","name":"cat.png","extra":{"w":640},"custom_key":[1,2]}`)},
			{ID: "given", Type: "link", URL: "http://example.com", Data: []byte(`{"type":"link"}`)},
		}
		m.Mentions = []core.Mention{{UserID: "carol", Order: 1, WordCount: 1}, {UserPK: f.Alice.PK, Order: 0, WordCount: 2},
			{UserID: "alice", Order: 3}}
		m.Recipients = []string{"alice", "carol", "alice"}
		insert(t, d, m)
		if m.PK != 2 || m.ID != "2" {
			t.Fatalf("PK, ID = %d, %q; want 2, \"2\"", m.PK, m.ID)
		}
		if m.Attachments[0].ID != "2-0" || m.Attachments[1].ID != "given" {
			t.Errorf("attachment ids = %q, %q", m.Attachments[0].ID, m.Attachments[1].ID)
		}
		write(t, d, func(tx core.Tx) error {
			for i, u := range []*core.User{f.Carol, f.Alice, f.Bob} {
				name := "like"
				if i == 1 {
					name = "wow"
				}
				if _, err := tx.AddReaction(&core.Reaction{MessagePK: m.PK, UserPK: u.PK, Name: name, CreatedAt: t0}); err != nil {
					return err
				}
			}
			return nil
		})

		var got *core.Message
		read(t, d, func(tx core.Tx) error {
			var err error
			got, err = tx.MessageByPK(f.App.PK, m.PK)
			return err
		})
		for _, c := range []struct {
			name      string
			got, want any
		}{
			{"ID", got.ID, "2"},
			{"ConversationID", got.ConversationID, "general"},
			{"Owner", got.Owner.ID, "bob"},
			{"OwnerPK", got.OwnerPK, f.Bob.PK},
			{"Type", got.Type, core.TypeReply},
			{"CustomType", got.CustomType, "ct"},
			{"Body", got.Body, "hello @alice"},
			{"HTML", got.HTML, "<p>hello</p>"},
			{"Metadata", string(got.Metadata), `{"m":1}`},
			{"Entities", string(got.Entities), `{"links":[]}`},
			{"Annotations", string(got.Annotations), `[{"type":"x"}]`},
			{"Tags", got.Tags, []string{"a", "b"}},
			{"ParentID", got.ParentID, "p1"},
			{"ThreadRootPK", got.ThreadRootPK, parent.PK},
			{"ForwardedFromID", got.ForwardedFromID, "p1"},
			{"Flags", []bool{got.ShowInConversation, got.Pinned, got.Encrypted, got.MachineOnly}, []bool{true, true, true, true}},
			{"Times", []time.Time{got.CreatedAt, got.UpdatedAt, got.EditedAt, got.DeletedAt},
				[]time.Time{t0.Add(time.Minute), t0.Add(time.Minute), t0.Add(2 * time.Minute), {}}},
			{"Attachments", got.Attachments, []core.Attachment{
				{ID: "2-0", Type: "image", Name: "cat.png", MimeType: "image/png", URL: "http://x/cat.png", Size: 3, FileID: "f1",
					Data: []byte(`{"type":"image","name":"cat.png","extra":{"w":640},"custom_key":[1,2]}`)},
				{ID: "given", Type: "link", URL: "http://example.com", Data: []byte(`{"type":"link"}`)},
			}},
			{"MentionUsers", mentionIDs(got.Mentions), []string{"alice", "carol"}},
			{"MentionUserPKs", []int64{got.Mentions[0].UserPK, got.Mentions[1].UserPK}, []int64{f.Alice.PK, f.Carol.PK}},
			{"MentionDetails", []int{got.Mentions[0].Order, got.Mentions[0].WordCount, got.Mentions[1].Order, got.Mentions[1].WordCount}, []int{0, 2, 1, 1}},
			{"MentionUser", got.Mentions[0].User.Username, "alice_h"},
			{"Recipients", got.Recipients, []string{"alice", "carol"}},
			{"Reactions", got.Reactions, []core.ReactionGroup{
				{Name: "like", Count: 2, UserIDs: []string{"carol", "bob"}, Times: []time.Time{t0, t0}},
				{Name: "wow", Count: 1, UserIDs: []string{"alice"}, Times: []time.Time{t0}},
			}},
		} {
			if !reflect.DeepEqual(c.got, c.want) {
				t.Errorf("%s = %#v, want %#v", c.name, c.got, c.want)
			}
		}

		t.Run("Plain", func(t *testing.T) {
			read(t, d, func(tx core.Tx) error {
				got, err := tx.MessageByID(f.App.PK, "p1")
				if err != nil {
					return err
				}
				if got.Attachments != nil || got.Mentions != nil || got.Recipients != nil || got.Reactions != nil ||
					got.Tags != nil || got.Metadata != nil || got.ParentID != "" || got.ForwardedFromID != "" {
					t.Errorf("plain message = %+v", got)
				}
				return nil
			})
		})

		t.Run("Errors", func(t *testing.T) {
			for _, tc := range []struct {
				name string
				edit func(m *core.Message)
				code string
				msg  string
			}{
				{"DuplicateID", func(m *core.Message) { m.ID = "p1" }, core.ECONFLICT, "message id already exists"},
				{"UnknownRecipient", func(m *core.Message) { m.Recipients = []string{"bob", "zed"} }, core.EINVALID, `unknown recipient "zed"`},
				{"UnknownMention", func(m *core.Message) { m.Mentions = []core.Mention{{UserID: "zed"}} }, core.EINVALID, `unknown mentioned user "zed"`},
				{"UnknownFile", func(m *core.Message) { m.Attachments = []core.Attachment{{FileID: "zed"}} }, core.EINVALID, `unknown file "zed"`},
				{"BadType", func(m *core.Message) { m.Type = "shout" }, core.EINVALID, "invalid message type"},
				{"NoConversation", func(m *core.Message) { m.ConversationPK = 999 }, core.EINVALID, "message refers to a record that does not exist"},
				{"NoParent", func(m *core.Message) { m.ParentPK = 999 }, core.EINVALID, "message refers to a record that does not exist"},
				{"OtherAppRecipient", func(m *core.Message) { m.AppPK = f.Other.PK; m.Recipients = []string{"bob"} }, core.EINVALID, `unknown recipient "bob"`},
			} {
				t.Run(tc.name, func(t *testing.T) {
					m := f.msg(f.Alice, "", "x", 0)
					tc.edit(m)
					err := d.Write(t.Context(), func(tx core.Tx) error { return tx.InsertMessage(m) })
					wantCode(t, err, tc.code)
					if got := core.ErrorMessage(err); got != tc.msg {
						t.Errorf("message = %q, want %q", got, tc.msg)
					}
				})
			}
			read(t, d, func(tx core.Tx) error {
				_, err := tx.MessageByPK(f.App.PK, 999)
				wantCode(t, err, core.ENOTFOUND)
				_, err = tx.MessageByID(f.Other.PK, "p1")
				wantCode(t, err, core.ENOTFOUND)
				return nil
			})
		})

		t.Run("IDFallback", func(t *testing.T) {
			// Keys may have gaps (a rolled-back insert keeps its key), so a
			// probe tells the next key n. A client takes the decimal of n+1
			// first, so the default id of key n+1 falls back to "<n+1>-"
			// and a random suffix no client could have claimed first.
			probe := f.msg(f.Alice, "", "probe", 0)
			insert(t, d, probe)
			n := probe.PK + 1
			a := f.msg(f.Alice, strconv.FormatInt(n+1, 10), "a", 0)
			b := f.msg(f.Alice, "", "b", 0)
			insert(t, d, a, b)
			if want := fmt.Sprintf("%d-", n+1); a.PK != n || b.PK != n+1 || !strings.HasPrefix(b.ID, want) || len(b.ID) != len(want)+12 {
				t.Errorf("fallback = %d %q, want %d %q and 12 random hex digits", b.PK, b.ID, n+1, want)
			}
			// With "<n+4>" and the old guessable "<n+4>-1" taken, key n+4
			// still gets an id of its own.
			c := f.msg(f.Alice, strconv.FormatInt(n+4, 10), "c", 0)
			e := f.msg(f.Alice, fmt.Sprintf("%d-1", n+4), "e", 0)
			g := f.msg(f.Alice, "", "g", 0)
			insert(t, d, c, e, g)
			if want := fmt.Sprintf("%d-", n+4); g.PK != n+4 || !strings.HasPrefix(g.ID, want) || g.ID == e.ID {
				t.Errorf("second fallback = %d %q, want %d %q…", g.PK, g.ID, n+4, want)
			}
			h := f.msg(f.Alice, "", "h", 0)
			insert(t, d, h)
			if want := strconv.FormatInt(n+5, 10); h.ID != want {
				t.Errorf("default id = %q, want %s", h.ID, want)
			}
		})
	})
}

func mentionIDs(ms []core.Mention) []string {
	var ids []string
	for _, m := range ms {
		ids = append(ids, m.UserID)
	}
	return ids
}

func TestUpdateMessage(t *testing.T) {
	stores(t, func(t *testing.T, d *db.DB) {
		f := seed(t, d)
		m := f.msg(f.Alice, "m1", "first", 0)
		m.Attachments = []core.Attachment{{Type: "image", Data: []byte(`{}`)}, {Type: "file", Data: []byte(`{}`)}}
		m.Mentions = []core.Mention{{UserPK: f.Bob.PK}}
		m.Recipients = []string{"bob"}
		insert(t, d, m)
		write(t, d, func(tx core.Tx) error {
			_, err := tx.AddReaction(&core.Reaction{MessagePK: m.PK, UserPK: f.Bob.PK, Name: "like", CreatedAt: t0})
			return err
		})

		m.Type, m.CustomType, m.Body, m.HTML = core.TypeAdmin, "c2", "second", "<b>second</b>"
		m.Metadata, m.Entities, m.Tags, m.Pinned = []byte(`{"v":2}`), []byte(`{}`), []string{"t"}, true
		m.EditedAt, m.UpdatedAt, m.DeletedAt = t0.Add(time.Hour), t0.Add(time.Hour), t0.Add(2*time.Hour)
		m.Attachments = []core.Attachment{{Type: "video", FileID: "f2", Data: []byte(`{"k":1}`)}}
		m.Mentions = []core.Mention{{UserID: "carol", Order: 2}}
		m.Annotations = []byte(`[]`) // not changeable
		write(t, d, func(tx core.Tx) error { return tx.UpdateMessage(m) })
		read(t, d, func(tx core.Tx) error {
			got, err := tx.MessageByPK(f.App.PK, m.PK)
			if err != nil {
				return err
			}
			if got.Type != core.TypeAdmin || got.CustomType != "c2" || got.Body != "second" || got.HTML != "<b>second</b>" ||
				string(got.Metadata) != `{"v":2}` || string(got.Entities) != `{}` || !reflect.DeepEqual(got.Tags, []string{"t"}) ||
				!got.Pinned || !got.EditedAt.Equal(m.EditedAt) || !got.UpdatedAt.Equal(m.UpdatedAt) ||
				!got.DeletedAt.Equal(m.DeletedAt) || got.Annotations != nil {
				t.Errorf("updated message = %+v", got)
			}
			if len(got.Attachments) != 1 || got.Attachments[0].Type != "video" || got.Attachments[0].FileID != "f2" ||
				got.Attachments[0].ID != "1-0" {
				t.Errorf("attachments = %+v", got.Attachments)
			}
			if ids := mentionIDs(got.Mentions); !reflect.DeepEqual(ids, []string{"carol"}) {
				t.Errorf("mentions = %v", ids)
			}
			if !reflect.DeepEqual(got.Recipients, []string{"bob"}) || len(got.Reactions) != 1 {
				t.Errorf("recipients, reactions = %v, %v; want untouched", got.Recipients, got.Reactions)
			}
			return nil
		})

		// Clearing details.
		m.Attachments, m.Mentions, m.Tags, m.DeletedAt = nil, nil, nil, time.Time{}
		write(t, d, func(tx core.Tx) error { return tx.UpdateMessage(m) })
		read(t, d, func(tx core.Tx) error {
			got, err := tx.MessageByPK(f.App.PK, m.PK)
			if err == nil && (got.Attachments != nil || got.Mentions != nil || got.Tags != nil || got.Deleted()) {
				t.Errorf("cleared message = %+v", got)
			}
			return err
		})
		wantCode(t, d.Write(t.Context(), func(tx core.Tx) error {
			return tx.UpdateMessage(&core.Message{PK: 999, Type: core.TypeNormal})
		}), core.ENOTFOUND)
	})
}

func TestMessageMisc(t *testing.T) {
	stores(t, func(t *testing.T, d *db.DB) {
		f := seed(t, d)
		m1, m2, m3 := f.msg(f.Alice, "m1", "1", 0), f.msg(f.Bob, "m2", "2", 0), f.msg(f.Bob, "m3", "3", 0)
		m2.Attachments = []core.Attachment{{Type: "image"}}
		insert(t, d, m1, m2, m3)

		t.Run("MessagesByIDs", func(t *testing.T) {
			read(t, d, func(tx core.Tx) error {
				ms, err := tx.MessagesByIDs(f.App.PK, []string{"m3", "zz", "m1", "m2", "m3"})
				if err != nil {
					return err
				}
				var got []string
				for _, m := range ms {
					got = append(got, m.ID)
				}
				if !reflect.DeepEqual(got, []string{"m3", "m1", "m2"}) || len(ms[2].Attachments) != 1 {
					t.Errorf("MessagesByIDs = %v", got)
				}
				ms, err = tx.MessagesByIDs(f.Other.PK, []string{"m1"})
				if len(ms) != 0 {
					t.Errorf("another app's message = %v", ms)
				}
				return err
			})
		})

		t.Run("ReplyCount", func(t *testing.T) {
			write(t, d, func(tx core.Tx) error {
				if err := tx.AddReplyCount(m1.PK, 2); err != nil {
					return err
				}
				return tx.AddReplyCount(m2.PK, -1) // never below zero
			})
			read(t, d, func(tx core.Tx) error {
				a, err := tx.MessageByPK(f.App.PK, m1.PK)
				if err != nil {
					return err
				}
				b, err := tx.MessageByPK(f.App.PK, m2.PK)
				if a.ReplyCount != 2 || b.ReplyCount != 0 {
					t.Errorf("reply counts = %d, %d; want 2, 0", a.ReplyCount, b.ReplyCount)
				}
				return err
			})
			wantCode(t, d.Write(t.Context(), func(tx core.Tx) error { return tx.AddReplyCount(999, 1) }), core.ENOTFOUND)
		})

		t.Run("Hide", func(t *testing.T) {
			write(t, d, func(tx core.Tx) error {
				if err := tx.HideMessage(m1.PK, f.Bob.PK, t0); err != nil {
					return err
				}
				return tx.HideMessage(m1.PK, f.Bob.PK, t0) // idempotent
			})
			read(t, d, func(tx core.Tx) error {
				for _, tc := range []struct {
					msg, user int64
					want      bool
				}{{m1.PK, f.Bob.PK, true}, {m1.PK, f.Alice.PK, false}, {m2.PK, f.Bob.PK, false}} {
					got, err := tx.IsHidden(tc.msg, tc.user)
					if err != nil || got != tc.want {
						t.Errorf("IsHidden(%d, %d) = %v, %v; want %v", tc.msg, tc.user, got, err, tc.want)
					}
				}
				return nil
			})
			wantCode(t, d.Write(t.Context(), func(tx core.Tx) error { return tx.HideMessage(999, f.Bob.PK, t0) }), core.EINVALID)
		})
	})
}
