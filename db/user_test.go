package db_test

import (
	"testing"
	"time"

	"parley/db"
	"parley/server/core"
)

func TestUsers(t *testing.T) {
	stores(t, func(t *testing.T, d *db.DB) {
		f := seed(t, d)

		t.Run("Lookups", func(t *testing.T) {
			read(t, d, func(tx core.Tx) error {
				for _, tc := range []struct {
					name string
					get  func() (*core.User, error)
					want string
					code string
				}{
					{"ByID", func() (*core.User, error) { return tx.UserByID(f.App.PK, "bob") }, "bob", ""},
					{"ByPK", func() (*core.User, error) { return tx.UserByPK(f.App.PK, f.Carol.PK) }, "carol", ""},
					{"LoginID", func() (*core.User, error) { return tx.UserByLogin(f.App.PK, "alice") }, "alice", ""},
					{"LoginUsername", func() (*core.User, error) { return tx.UserByLogin(f.App.PK, "bob_h") }, "bob", ""},
					{"LoginEmail", func() (*core.User, error) { return tx.UserByLogin(f.App.PK, "alice@example.com") }, "alice", ""},
					{"ErrByID", func() (*core.User, error) { return tx.UserByID(f.Other.PK, "bob") }, "", core.ENOTFOUND},
					{"ErrByPK", func() (*core.User, error) { return tx.UserByPK(f.App.PK, 999) }, "", core.ENOTFOUND},
					{"ErrLogin", func() (*core.User, error) { return tx.UserByLogin(f.App.PK, "nobody") }, "", core.ENOTFOUND},
					{"ErrLoginEmpty", func() (*core.User, error) { return tx.UserByLogin(f.App.PK, "") }, "", core.ENOTFOUND},
				} {
					t.Run(tc.name, func(t *testing.T) {
						got, err := tc.get()
						wantCode(t, err, tc.code)
						if tc.want != "" && got.ID != tc.want {
							t.Errorf("got %q, want %q", got.ID, tc.want)
						}
					})
				}
				us, err := tx.UsersByIDs(f.App.PK, []string{"carol", "nobody", "alice", "carol"})
				if err != nil {
					return err
				}
				if got := ids(us); got != "carol alice" {
					t.Errorf("UsersByIDs = %s, want carol alice", got)
				}
				us, err = tx.ListUsers(f.App.PK, core.Page{Skip: 1, Limit: 1})
				if err != nil {
					return err
				}
				if got := ids(us); got != "bob" {
					t.Errorf("ListUsers(skip 1, limit 1) = %s, want bob", got)
				}
				return nil
			})
		})

		t.Run("LoginPrefersID", func(t *testing.T) {
			// dave's username is "alice": the login "alice" is alice's id.
			write(t, d, func(tx core.Tx) error {
				return tx.InsertUser(&core.User{AppPK: f.App.PK, ID: "dave", Username: "alice", CreatedAt: t0, UpdatedAt: t0}, "")
			})
			read(t, d, func(tx core.Tx) error {
				u, err := tx.UserByLogin(f.App.PK, "alice")
				if err == nil && u.ID != "alice" {
					t.Errorf("UserByLogin(alice) = %s", u.ID)
				}
				return err
			})
		})

		t.Run("RoundTrip", func(t *testing.T) {
			u := &core.User{AppPK: f.App.PK, ID: "erin", Username: "erin", DisplayName: "Erin",
				AvatarURL: "http://x/a.png", Email: "e@x", Metadata: []byte(`{"a":1}`), CreatedAt: t0, UpdatedAt: t0}
			write(t, d, func(tx core.Tx) error { return tx.InsertUser(u, "pw-hash") })
			read(t, d, func(tx core.Tx) error {
				got, err := tx.UserByPK(f.App.PK, u.PK)
				if err != nil {
					return err
				}
				if got.DisplayName != "Erin" || got.AvatarURL != u.AvatarURL || string(got.Metadata) != `{"a":1}` ||
					!got.CreatedAt.Equal(t0) || got.CreatedAt.Location() != time.UTC {
					t.Errorf("got %+v", got)
				}
				hash, err := tx.UserPasswordHash(u.PK)
				if hash != "pw-hash" {
					t.Errorf("UserPasswordHash = %q", hash)
				}
				return err
			})
			u.DisplayName, u.Metadata, u.UpdatedAt = "Erin E.", nil, t0.Add(time.Hour)
			write(t, d, func(tx core.Tx) error { return tx.UpdateUser(u) })
			read(t, d, func(tx core.Tx) error {
				got, err := tx.UserByPK(f.App.PK, u.PK)
				if err == nil && (got.DisplayName != "Erin E." || got.Metadata != nil || !got.UpdatedAt.Equal(u.UpdatedAt)) {
					t.Errorf("after UpdateUser: %+v", got)
				}
				return err
			})
			err := d.Write(t.Context(), func(tx core.Tx) error { return tx.UpdateUser(&core.User{PK: 999}) })
			wantCode(t, err, core.ENOTFOUND)
			err = d.Read(t.Context(), func(tx core.Tx) error { _, err := tx.UserPasswordHash(999); return err })
			wantCode(t, err, core.ENOTFOUND)
			read(t, d, func(tx core.Tx) error {
				hash, err := tx.UserPasswordHash(f.Bob.PK)
				if hash != "" {
					t.Errorf("UserPasswordHash(bob) = %q, want none", hash)
				}
				return err
			})
		})

		t.Run("ErrConflict", func(t *testing.T) {
			err := d.Write(t.Context(), func(tx core.Tx) error {
				return tx.InsertUser(&core.User{AppPK: f.App.PK, ID: "bob"}, "")
			})
			wantCode(t, err, core.ECONFLICT)
			if got := core.ErrorMessage(err); got != "user id already exists" {
				t.Errorf("message = %q", got)
			}
			// The same id in another app is fine.
			write(t, d, func(tx core.Tx) error { return tx.InsertUser(&core.User{AppPK: f.Other.PK, ID: "bob"}, "") })
		})

		t.Run("ErrNoApp", func(t *testing.T) {
			err := d.Write(t.Context(), func(tx core.Tx) error { return tx.InsertUser(&core.User{AppPK: 999}, "") })
			wantCode(t, err, core.EINVALID)
		})

		t.Run("Tokens", func(t *testing.T) {
			tk := &core.Token{AppPK: f.App.PK, UserPK: f.Bob.PK, Hash: "tok", CreatedAt: t0, ExpiresAt: t0.Add(time.Hour)}
			forever := &core.Token{AppPK: f.App.PK, UserPK: f.Bob.PK, Hash: "tok2", CreatedAt: t0}
			write(t, d, func(tx core.Tx) error {
				if err := tx.InsertToken(tk); err != nil {
					return err
				}
				return tx.InsertToken(forever)
			})
			if tk.PK == 0 {
				t.Error("InsertToken did not set PK")
			}
			err := d.Write(t.Context(), func(tx core.Tx) error {
				return tx.InsertToken(&core.Token{AppPK: f.App.PK, UserPK: f.Bob.PK, Hash: "tok"})
			})
			wantCode(t, err, core.ECONFLICT)
			read(t, d, func(tx core.Tx) error {
				got, err := tx.TokenByHash("tok")
				if err != nil {
					return err
				}
				if *got != *tk {
					t.Errorf("TokenByHash = %+v, want %+v", got, tk)
				}
				got, err = tx.TokenByHash("tok2")
				if err == nil && !got.ExpiresAt.IsZero() {
					t.Errorf("ExpiresAt = %v, want zero", got.ExpiresAt)
				}
				_, err = tx.TokenByHash("nope")
				wantCode(t, err, core.ENOTFOUND)
				return nil
			})
		})

		t.Run("Delete", func(t *testing.T) {
			m := f.msg(f.Carol, "", "bye", 0)
			insert(t, d, m)
			write(t, d, func(tx core.Tx) error { return tx.DeleteUser(f.Carol.PK) })
			err := d.Write(t.Context(), func(tx core.Tx) error { return tx.DeleteUser(f.Carol.PK) })
			wantCode(t, err, core.ENOTFOUND)
			read(t, d, func(tx core.Tx) error {
				c, err := tx.ConversationByPK(f.App.PK, f.Conv.PK)
				if err == nil && c.MemberCount != 2 {
					t.Errorf("member count = %d, want 2", c.MemberCount)
				}
				_, err = tx.MessageByPK(f.App.PK, m.PK)
				wantCode(t, err, core.ENOTFOUND)
				return nil
			})
		})
	})
}

func TestTeams(t *testing.T) {
	stores(t, func(t *testing.T, d *db.DB) {
		f := seed(t, d)
		team := &core.Team{AppPK: f.App.PK, Name: "Eng", CreatedAt: t0}
		write(t, d, func(tx core.Tx) error {
			if err := tx.InsertTeam(team); err != nil {
				return err
			}
			for _, u := range []*core.User{f.Carol, f.Alice, f.Alice} { // twice: idempotent
				if err := tx.AddTeamMember(team.PK, u.PK, core.RoleMember); err != nil {
					return err
				}
			}
			return nil
		})
		if team.ID != "1" {
			t.Errorf("team ID = %q, want 1", team.ID)
		}
		err := d.Write(t.Context(), func(tx core.Tx) error { return tx.InsertTeam(&core.Team{AppPK: f.App.PK, ID: "1"}) })
		wantCode(t, err, core.ECONFLICT)
		err = d.Write(t.Context(), func(tx core.Tx) error { return tx.AddTeamMember(team.PK, f.Bob.PK, "chief") })
		wantCode(t, err, core.EINVALID)
		read(t, d, func(tx core.Tx) error {
			got, err := tx.TeamByID(f.App.PK, "1")
			if err != nil {
				return err
			}
			if *got != *team {
				t.Errorf("TeamByID = %+v, want %+v", got, team)
			}
			_, err = tx.TeamByID(f.App.PK, "2")
			wantCode(t, err, core.ENOTFOUND)
			teams, err := tx.ListTeams(f.App.PK, core.Page{})
			if err != nil || len(teams) != 1 {
				t.Errorf("ListTeams = %v, %v", teams, err)
			}
			us, err := tx.ListTeamMembers(team.PK)
			if got := ids(us); got != "alice carol" {
				t.Errorf("ListTeamMembers = %s", got)
			}
			return err
		})
	})
}

// ids is the space-separated IDs of users.
func ids(us []*core.User) string {
	s := ""
	for i, u := range us {
		if i > 0 {
			s += " "
		}
		s += u.ID
	}
	return s
}
