package db_test

import (
	"testing"
	"time"

	"parley/db"
	"parley/server/core"
)

// fixture is a small world: one app, three users, a group conversation
// whose members are all three (alice admin), and a second app.
type fixture struct {
	App, Other        *core.App
	Alice, Bob, Carol *core.User
	Conv              *core.Conversation
	Files             []*core.File
}

func seed(tb testing.TB, d *db.DB) *fixture {
	tb.Helper()
	f := &fixture{
		App:   &core.App{ID: "demo", Name: "Demo", PublicKey: "demo-public", CreatedAt: t0},
		Other: &core.App{ID: "other", Name: "Other", PublicKey: "other-public", CreatedAt: t0},
	}
	write(tb, d, func(tx core.Tx) error {
		if err := tx.InsertApp(f.App, "demo-secret-hash"); err != nil {
			return err
		}
		if err := tx.InsertApp(f.Other, "other-secret-hash"); err != nil {
			return err
		}
		for _, u := range []**core.User{&f.Alice, &f.Bob, &f.Carol} {
			*u = &core.User{AppPK: f.App.PK, CreatedAt: t0, UpdatedAt: t0}
		}
		f.Alice.ID, f.Alice.Username, f.Alice.Email = "alice", "alice_h", "alice@example.com"
		f.Bob.ID, f.Bob.Username = "bob", "bob_h"
		f.Carol.ID, f.Carol.Username = "carol", "carol_h"
		for _, u := range []*core.User{f.Alice, f.Bob, f.Carol} {
			if err := tx.InsertUser(u, ""); err != nil {
				return err
			}
		}
		f.Conv = &core.Conversation{AppPK: f.App.PK, ID: "general", Kind: core.KindGroup, Title: "General",
			OwnerPK: f.Alice.PK, CreatedAt: t0, UpdatedAt: t0}
		if err := tx.InsertConversation(f.Conv); err != nil {
			return err
		}
		for i, u := range []*core.User{f.Alice, f.Bob, f.Carol} {
			role := core.RoleMember
			if i == 0 {
				role = core.RoleAdmin
			}
			if err := tx.UpsertMember(&core.Member{ConversationPK: f.Conv.PK, UserPK: u.PK, Role: role,
				JoinedAt: t0}); err != nil {
				return err
			}
		}
		for _, id := range []string{"f1", "f2"} {
			file := &core.File{AppPK: f.App.PK, ID: id, OwnerPK: f.Alice.PK, BlobKey: "blob-" + id,
				Name: id + ".png", MimeType: "image/png", Size: 10, CreatedAt: t0}
			if err := tx.InsertFile(file); err != nil {
				return err
			}
			f.Files = append(f.Files, file)
		}
		return nil
	})
	return f
}

// msg returns a new message of the fixture's conversation from owner.
func (f *fixture) msg(owner *core.User, id, body string, at time.Duration) *core.Message {
	return &core.Message{AppPK: f.App.PK, ID: id, ConversationPK: f.Conv.PK, OwnerPK: owner.PK,
		Type: core.TypeNormal, Body: body, ShowInConversation: true,
		CreatedAt: t0.Add(at), UpdatedAt: t0.Add(at)}
}

// insert stores messages in one write.
func insert(tb testing.TB, d *db.DB, msgs ...*core.Message) {
	tb.Helper()
	write(tb, d, func(tx core.Tx) error {
		for _, m := range msgs {
			if err := tx.InsertMessage(m); err != nil {
				return err
			}
		}
		return nil
	})
}
