package db_test

import (
	"path/filepath"
	"testing"

	"github.com/jmoiron/sqlx"

	"parley/db"
	"parley/server/core"
)

func TestApps(t *testing.T) {
	stores(t, func(t *testing.T, d *db.DB) {
		f := seed(t, d)
		read(t, d, func(tx core.Tx) error {
			for _, tc := range []struct {
				name string
				get  func() (*core.App, error)
				want *core.App
				code string
			}{
				{"ByID", func() (*core.App, error) { return tx.AppByID("demo") }, f.App, ""},
				{"ByPK", func() (*core.App, error) { return tx.AppByPK(f.Other.PK) }, f.Other, ""},
				{"ByPublicKey", func() (*core.App, error) { return tx.AppByPublicKey("demo-public") }, f.App, ""},
				{"BySecretHash", func() (*core.App, error) { return tx.AppBySecretHash("other-secret-hash") }, f.Other, ""},
				{"ErrByID", func() (*core.App, error) { return tx.AppByID("nope") }, nil, core.ENOTFOUND},
				{"ErrByPK", func() (*core.App, error) { return tx.AppByPK(999) }, nil, core.ENOTFOUND},
				{"ErrByPublicKey", func() (*core.App, error) { return tx.AppByPublicKey("demo-secret-hash") }, nil, core.ENOTFOUND},
				{"ErrBySecretHash", func() (*core.App, error) { return tx.AppBySecretHash("demo-public") }, nil, core.ENOTFOUND},
			} {
				t.Run(tc.name, func(t *testing.T) {
					got, err := tc.get()
					wantCode(t, err, tc.code)
					if tc.want != nil && *got != *tc.want {
						t.Errorf("got %+v, want %+v", got, tc.want)
					}
				})
			}
			apps, err := tx.ListApps()
			if err != nil {
				return err
			}
			if len(apps) != 2 || apps[0].ID != "demo" || apps[1].ID != "other" {
				t.Errorf("ListApps = %v", apps)
			}
			return nil
		})

		t.Run("ErrConflict", func(t *testing.T) {
			for _, tc := range []struct {
				app    core.App
				secret string
				msg    string
			}{
				{core.App{ID: "demo", PublicKey: "x"}, "y", "app id already exists"},
				{core.App{ID: "x", PublicKey: "demo-public"}, "y", "app public key already exists"},
				{core.App{ID: "x", PublicKey: "y"}, "demo-secret-hash", "app secret key already exists"},
			} {
				err := d.Write(t.Context(), func(tx core.Tx) error { return tx.InsertApp(&tc.app, tc.secret) })
				wantCode(t, err, core.ECONFLICT)
				if got := core.ErrorMessage(err); got != tc.msg {
					t.Errorf("message = %q, want %q", got, tc.msg)
				}
			}
		})

		t.Run("DefaultID", func(t *testing.T) {
			a := &core.App{PublicKey: "third", CreatedAt: t0}
			write(t, d, func(tx core.Tx) error { return tx.InsertApp(a, "third-secret") })
			if a.PK != 3 || a.ID != "3" {
				t.Errorf("PK, ID = %d, %q; want 3, \"3\"", a.PK, a.ID)
			}
		})

		t.Run("AdminTokens", func(t *testing.T) {
			write(t, d, func(tx core.Tx) error { return tx.InsertAdminToken("h1", t0) })
			err := d.Write(t.Context(), func(tx core.Tx) error { return tx.InsertAdminToken("h1", t0) })
			wantCode(t, err, core.ECONFLICT)
			read(t, d, func(tx core.Tx) error {
				for hash, want := range map[string]bool{"h1": true, "h2": false} {
					ok, err := tx.AdminTokenExists(hash)
					if err != nil || ok != want {
						t.Errorf("AdminTokenExists(%q) = %v, %v; want %v", hash, ok, err, want)
					}
				}
				n, err := tx.CountAdminTokens()
				if n != 1 {
					t.Errorf("CountAdminTokens = %d, want 1", n)
				}
				return err
			})
		})

		t.Run("DeleteCascades", func(t *testing.T) {
			m := f.msg(f.Alice, "m1", "hi", 0)
			m.Attachments = []core.Attachment{{Type: "image", FileID: "f1"}}
			m.Mentions = []core.Mention{{UserPK: f.Bob.PK}}
			m.Recipients = []string{"bob"}
			insert(t, d, m)
			write(t, d, func(tx core.Tx) error {
				if _, err := tx.AddReaction(&core.Reaction{MessagePK: m.PK, UserPK: f.Bob.PK, Name: "like", CreatedAt: t0}); err != nil {
					return err
				}
				if err := tx.HideMessage(m.PK, f.Carol.PK, t0); err != nil {
					return err
				}
				return tx.DeleteApp(f.App.PK)
			})
			err := d.Write(t.Context(), func(tx core.Tx) error { return tx.DeleteApp(f.App.PK) })
			wantCode(t, err, core.ENOTFOUND)
			read(t, d, func(tx core.Tx) error {
				_, err := tx.UserByPK(f.App.PK, f.Alice.PK)
				wantCode(t, err, core.ENOTFOUND)
				_, err = tx.ConversationByPK(f.App.PK, f.Conv.PK)
				wantCode(t, err, core.ENOTFOUND)
				_, err = tx.MessageByPK(f.App.PK, m.PK)
				wantCode(t, err, core.ENOTFOUND)
				if _, err := tx.AppByID("other"); err != nil {
					t.Errorf("the other app went too: %v", err)
				}
				return nil
			})
		})
	})
}

// TestDeleteAppLeavesNothing fills every table for one app, deletes the
// app, and counts what is left of it, table by table.
func TestDeleteAppLeavesNothing(t *testing.T) {
	path := filepath.Join(t.TempDir(), "parley.db")
	d := MustOpenPath(t, path)
	f := seed(t, d)
	m := f.msg(f.Alice, "m1", "hi", 0)
	m.Attachments = []core.Attachment{{Type: "image", FileID: "f1"}}
	m.Mentions = []core.Mention{{UserPK: f.Bob.PK}}
	m.Recipients = []string{"bob"}
	reply := f.msg(f.Bob, "m2", "re", 0)
	insert(t, d, m)
	reply.ParentPK, reply.ForwardedFromPK = m.PK, m.PK
	insert(t, d, reply)
	write(t, d, func(tx core.Tx) error {
		team := &core.Team{AppPK: f.App.PK, CreatedAt: t0}
		if err := tx.InsertTeam(team); err != nil {
			return err
		}
		if err := tx.AddTeamMember(team.PK, f.Bob.PK, core.RoleMember); err != nil {
			return err
		}
		if err := tx.InsertToken(&core.Token{AppPK: f.App.PK, UserPK: f.Bob.PK, Hash: "t", CreatedAt: t0}); err != nil {
			return err
		}
		if _, err := tx.AddReaction(&core.Reaction{MessagePK: m.PK, UserPK: f.Bob.PK, Name: "like", CreatedAt: t0}); err != nil {
			return err
		}
		if err := tx.HideMessage(m.PK, f.Carol.PK, t0); err != nil {
			return err
		}
		return tx.DeleteApp(f.App.PK)
	})
	raw := sqlx.MustOpen("sqlite", path)
	defer raw.Close()
	for _, table := range []string{"users", "tokens", "teams", "team_members", "conversations", "members",
		"files", "messages", "attachments", "mentions", "recipients", "hidden", "reactions"} {
		var n int
		if err := raw.Get(&n, `SELECT COUNT(*) FROM `+table); err != nil {
			t.Fatal(err)
		}
		if n != 0 {
			t.Errorf("%s: %d rows left", table, n)
		}
	}
	var n int
	if err := raw.Get(&n, `SELECT COUNT(*) FROM apps`); err != nil || n != 1 {
		t.Errorf("apps left = %d, %v; want the other one", n, err)
	}
}
