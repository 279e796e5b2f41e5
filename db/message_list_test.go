package db_test

import (
	"strings"
	"testing"

	"parley/db"
	"parley/server/core"
)

func TestListMessages(t *testing.T) {
	stores(t, func(t *testing.T, d *db.DB) {
		f := seed(t, d)
		m := make([]*core.Message, 9) // m[1] .. m[8], pk = index
		for i, owner := range []*core.User{f.Alice, f.Bob, f.Carol, f.Alice, f.Bob, f.Alice, f.Bob, f.Carol} {
			m[i+1] = f.msg(owner, "m"+string(rune('1'+i)), "body", 0)
		}
		m[2].CustomType = "poll"
		m[2].Attachments = []core.Attachment{{Type: "image"}}
		m[3].Type = core.TypeAdmin
		m[4].ParentPK, m[4].Type, m[4].ShowInConversation = 1, core.TypeReply, false
		m[5].Recipients = []string{"alice"}
		m[6].Pinned = true
		m[6].Attachments = []core.Attachment{{Type: "file"}, {Type: "image"}}
		m[7].DeletedAt = t0
		other := &core.Conversation{AppPK: f.App.PK, Kind: core.KindOpen, CreatedAt: t0, UpdatedAt: t0}
		write(t, d, func(tx core.Tx) error {
			for _, msg := range m[1:] {
				if err := tx.InsertMessage(msg); err != nil {
					return err
				}
			}
			if err := tx.HideMessage(m[8].PK, f.Alice.PK, t0); err != nil {
				return err
			}
			if err := tx.InsertConversation(other); err != nil {
				return err
			}
			return tx.InsertMessage(&core.Message{AppPK: f.App.PK, ConversationPK: other.PK, OwnerPK: f.Alice.PK,
				ShowInConversation: true, CreatedAt: t0, UpdatedAt: t0})
		})
		yes, no := true, false
		for _, tc := range []struct {
			name  string
			f     core.MessageFilter
			want  string
			count int // CountMessages: without keyset, skip and limit
		}{
			{"All", core.MessageFilter{}, "m8 m6 m5 m4 m3 m2 m1", 7},
			{"Ascending", core.MessageFilter{Ascending: true}, "m1 m2 m3 m4 m5 m6 m8", 7},
			{"IncludeDeleted", core.MessageFilter{IncludeDeleted: true}, "m8 m7 m6 m5 m4 m3 m2 m1", 8},
			{"ViewerCarol", core.MessageFilter{ViewerPK: f.Carol.PK}, "m8 m6 m4 m3 m2 m1", 6},
			{"ViewerAlice", core.MessageFilter{ViewerPK: f.Alice.PK}, "m6 m5 m4 m3 m2 m1", 6},
			{"ViewerBob", core.MessageFilter{ViewerPK: f.Bob.PK}, "m8 m6 m5 m4 m3 m2 m1", 7},
			{"IDs", core.MessageFilter{IDs: []string{"m2", "m6", "zz"}}, "m6 m2", 2},
			{"Types", core.MessageFilter{Types: []core.MessageType{core.TypeAdmin, core.TypeReply}}, "m4 m3", 2},
			{"CustomTypes", core.MessageFilter{CustomTypes: []string{"poll"}}, "m2", 1},
			{"AttachmentTypes", core.MessageFilter{AttachmentTypes: []string{"image"}}, "m6 m2", 2},
			{"AttachmentTypesFile", core.MessageFilter{AttachmentTypes: []string{"file", "video"}}, "m6", 1},
			{"OwnerIDs", core.MessageFilter{OwnerIDs: []string{"alice"}}, "m6 m4 m1", 3},
			{"OwnerIDsTwo", core.MessageFilter{OwnerIDs: []string{"bob", "carol", "nobody"}}, "m8 m5 m3 m2", 4},
			{"ParentPK", core.MessageFilter{ParentPK: 1}, "m4", 1},
			{"TopLevelOnly", core.MessageFilter{TopLevelOnly: true}, "m8 m6 m5 m3 m2 m1", 6},
			{"ShowInConv", core.MessageFilter{ShowInConv: &yes}, "m8 m6 m5 m3 m2 m1", 6},
			{"HiddenFromConv", core.MessageFilter{ShowInConv: &no}, "m4", 1},
			{"Pinned", core.MessageFilter{Pinned: &yes}, "m6", 1},
			{"NotPinned", core.MessageFilter{Pinned: &no}, "m8 m5 m4 m3 m2 m1", 6},
			{"BeforePK", core.MessageFilter{BeforePK: 6}, "m5 m4 m3 m2 m1", 7},
			{"AfterPK", core.MessageFilter{AfterPK: 2}, "m8 m6 m5 m4 m3", 7},
			{"Between", core.MessageFilter{AfterPK: 2, BeforePK: 6, Ascending: true}, "m3 m4 m5", 7},
			{"SkipLimit", core.MessageFilter{Skip: 1, Limit: 2}, "m6 m5", 7},
			{"CountCap", core.MessageFilter{CountCap: 3}, "m8 m6 m5 m4 m3 m2 m1", 3},
			{"CountCapAbove", core.MessageFilter{CountCap: 100}, "m8 m6 m5 m4 m3 m2 m1", 7},
			{"SkipPastEnd", core.MessageFilter{Skip: 10}, "", 7},
			{"Combined", core.MessageFilter{ViewerPK: f.Alice.PK, OwnerIDs: []string{"bob"}, TopLevelOnly: true, IncludeDeleted: true}, "m7 m5 m2", 3},
			{"OtherApp", core.MessageFilter{AppPK: f.Other.PK}, "", 0},
		} {
			t.Run(tc.name, func(t *testing.T) {
				tc.f.ConversationPK = f.Conv.PK
				if tc.f.AppPK == 0 {
					tc.f.AppPK = f.App.PK
				}
				read(t, d, func(tx core.Tx) error {
					ms, err := tx.ListMessages(tc.f)
					if err != nil {
						return err
					}
					var got []string
					for _, msg := range ms {
						got = append(got, msg.ID)
						if msg.ConversationID != "general" || msg.Owner == nil {
							t.Errorf("%s: ConversationID %q, Owner %v", msg.ID, msg.ConversationID, msg.Owner)
						}
					}
					if s := strings.Join(got, " "); s != tc.want {
						t.Errorf("ListMessages = %q, want %q", s, tc.want)
					}
					n, err := tx.CountMessages(tc.f)
					if n != tc.count {
						t.Errorf("CountMessages = %d, want %d", n, tc.count)
					}
					return err
				})
			})
		}

		t.Run("DefaultLimit", func(t *testing.T) {
			var many []*core.Message
			for range 60 {
				many = append(many, &core.Message{AppPK: f.App.PK, ConversationPK: other.PK, OwnerPK: f.Bob.PK,
					ShowInConversation: true, CreatedAt: t0, UpdatedAt: t0})
			}
			insert(t, d, many...)
			read(t, d, func(tx core.Tx) error {
				ms, err := tx.ListMessages(core.MessageFilter{ConversationPK: other.PK})
				if len(ms) != 50 {
					t.Errorf("ListMessages without a limit = %d messages, want 50", len(ms))
				}
				return err
			})
		})
	})
}
