package core

import (
	"context"
	"time"
)

// AppInput creates an app. Empty keys are generated.
type AppInput struct {
	ID        string
	Name      string
	PublicKey string
	SecretKey string
}

// CreateApp creates an app and returns it with its secret key (shown once).
// Only Parley's admin API calls it.
func (s *Service) CreateApp(ctx context.Context, c *Caller, in AppInput) (*App, string, error) {
	if err := allow(c, actAdmin, nil); err != nil {
		return nil, "", err
	}
	if err := s.checkOptionalID("id", in.ID); err != nil {
		return nil, "", err
	}
	if err := checkText("name", in.Name, s.limits.NameLength); err != nil {
		return nil, "", err
	}
	if in.PublicKey == "" {
		in.PublicKey = s.token()
	}
	if in.SecretKey == "" {
		in.SecretKey = s.token()
	}
	if err := s.checkID("publicKey", in.PublicKey); err != nil {
		return nil, "", err
	}
	if err := checkText("secretKey", in.SecretKey, s.limits.IDLength); err != nil {
		return nil, "", err
	}
	app := &App{ID: in.ID, Name: in.Name, PublicKey: in.PublicKey, SecretHash: HashSecret(in.SecretKey), CreatedAt: s.Now()}
	if err := s.write(ctx, func(tx Tx) error { return tx.InsertApp(app, app.SecretHash) }); err != nil {
		return nil, "", err
	}
	return app, in.SecretKey, nil
}

// ListApps lists every app.
func (s *Service) ListApps(ctx context.Context, c *Caller) ([]*App, error) {
	if err := allow(c, actAdmin, nil); err != nil {
		return nil, err
	}
	var apps []*App
	err := s.read(ctx, func(tx Tx) (err error) {
		apps, err = tx.ListApps()
		return err
	})
	return apps, err
}

// DeleteApp removes an app and everything in it.
func (s *Service) DeleteApp(ctx context.Context, c *Caller, id string) error {
	if err := allow(c, actAdmin, nil); err != nil {
		return err
	}
	defer s.auth.reset()       // credentials may have changed
	defer s.hooks.invalidate() // webhooks go with their app
	return s.write(ctx, func(tx Tx) error {
		app, err := tx.AppByID(id)
		if err != nil {
			return err
		}
		return tx.DeleteApp(app.PK)
	})
}

// ResetApp empties an app (users, conversations, messages, files) but keeps
// the app and its keys.
func (s *Service) ResetApp(ctx context.Context, c *Caller, id string) (*App, error) {
	if err := allow(c, actAdmin, nil); err != nil {
		return nil, err
	}
	defer s.auth.reset()       // credentials may have changed
	defer s.hooks.invalidate() // webhooks go with their app
	var app *App
	err := s.write(ctx, func(tx Tx) error {
		old, err := tx.AppByID(id)
		if err != nil {
			return err
		}
		if err := tx.DeleteApp(old.PK); err != nil {
			return err
		}
		app = &App{ID: old.ID, Name: old.Name, PublicKey: old.PublicKey, SecretHash: old.SecretHash, CreatedAt: old.CreatedAt}
		return tx.InsertApp(app, app.SecretHash)
	})
	return app, err
}

// ResetAll removes every app. Admin tokens stay.
func (s *Service) ResetAll(ctx context.Context, c *Caller) error {
	if err := allow(c, actAdmin, nil); err != nil {
		return err
	}
	defer s.auth.reset()       // credentials may have changed
	defer s.hooks.invalidate() // webhooks go with their app
	return s.write(ctx, func(tx Tx) error {
		apps, err := tx.ListApps()
		if err != nil {
			return err
		}
		for _, a := range apps {
			if err := tx.DeleteApp(a.PK); err != nil {
				return err
			}
		}
		return nil
	})
}

// UserInput creates or changes a user. Password and Token are stored hashed.
type UserInput struct {
	ID          string
	Username    string
	DisplayName string
	AvatarURL   string
	Email       string
	Metadata    []byte
	Password    string
	CreatedAt   time.Time

	passwordHash string // Password hashed, outside any write transaction
}

// hashPassword hashes in.Password; it runs before the write transaction,
// so that no write waits on password stretching.
func (s *Service) hashPassword(in *UserInput) (err error) {
	if in.Password != "" && in.passwordHash == "" {
		in.passwordHash, err = s.passwords.hash(in.Password)
	}
	return err
}

func (s *Service) checkUser(in *UserInput) error {
	if err := s.checkNewID("id", in.ID); err != nil {
		return err
	}
	if in.Username != "" {
		if err := s.checkID("username", in.Username); err != nil {
			return err
		}
	}
	for _, f := range []struct{ name, v string }{{"displayName", in.DisplayName}, {"avatarUrl", in.AvatarURL}, {"email", in.Email}} {
		if err := checkText(f.name, f.v, 2048); err != nil {
			return err
		}
	}
	if err := checkText("displayName", in.DisplayName, s.limits.NameLength); err != nil {
		return err
	}
	return s.checkJSON("metadata", in.Metadata)
}

// CreateUser creates a user of the trusted caller's app.
func (s *Service) CreateUser(ctx context.Context, c *Caller, in UserInput) (*User, error) {
	if err := c.inApp(); err != nil {
		return nil, err
	}
	if err := allow(c, actCreateUser, nil); err != nil {
		return nil, err
	}
	if err := s.hashPassword(&in); err != nil {
		return nil, err
	}
	var u *User
	err := s.write(ctx, func(tx Tx) (err error) {
		u, err = s.createUser(tx, c.app, in)
		return err
	})
	return u, err
}

func (s *Service) createUser(tx Tx, app *App, in UserInput) (*User, error) {
	if err := s.checkUser(&in); err != nil {
		return nil, err
	}
	now := s.Now()
	if in.CreatedAt.IsZero() {
		in.CreatedAt = now
	}
	u := &User{AppPK: app.PK, ID: in.ID, Username: in.Username, DisplayName: in.DisplayName, AvatarURL: in.AvatarURL,
		Email: in.Email, Metadata: in.Metadata, CreatedAt: in.CreatedAt.UTC().Truncate(time.Millisecond), UpdatedAt: now}
	if in.Password != "" && in.passwordHash == "" {
		return nil, Errorf(EINTERNAL, "core: password not hashed before the transaction")
	}
	if err := tx.InsertUser(u, in.passwordHash); err != nil {
		return nil, err
	}
	return u, nil
}

// UpdateUser changes a user's profile: the user themselves or the app.
// Empty fields are left as they are.
func (s *Service) UpdateUser(ctx context.Context, c *Caller, id string, in UserInput) (*User, error) {
	if err := c.inApp(); err != nil {
		return nil, err
	}
	defer s.auth.reset() // credentials may have changed
	in.ID = ""
	if err := s.checkUser(&in); err != nil {
		return nil, err
	}
	var u *User
	err := s.write(ctx, func(tx Tx) (err error) {
		if u, err = tx.UserByID(c.app.PK, id); err != nil {
			return err
		}
		if err := allow(c, actEditProfile, &standing{user: u}); err != nil {
			return err
		}
		if in.Username != "" {
			u.Username = in.Username
		}
		if in.DisplayName != "" {
			u.DisplayName = in.DisplayName
		}
		if in.AvatarURL != "" {
			u.AvatarURL = in.AvatarURL
		}
		if in.Email != "" {
			u.Email = in.Email
		}
		if in.Metadata != nil {
			u.Metadata = in.Metadata
		}
		u.UpdatedAt = s.Now()
		return tx.UpdateUser(u)
	})
	return u, err
}

// DeleteUser removes a user of the trusted caller's app.
func (s *Service) DeleteUser(ctx context.Context, c *Caller, id string) error {
	if err := c.inApp(); err != nil {
		return err
	}
	if err := allow(c, actDeleteUser, nil); err != nil {
		return err
	}
	defer s.auth.reset() // credentials may have changed
	return s.write(ctx, func(tx Tx) error {
		u, err := tx.UserByID(c.app.PK, id)
		if err != nil {
			return err
		}
		return tx.DeleteUser(u.PK)
	})
}

// GetUser returns a user of the caller's app. Profiles are visible to every
// caller of the app (clients look up users before knowing they share a
// conversation).
func (s *Service) GetUser(ctx context.Context, c *Caller, id string) (*User, error) {
	if err := c.inApp(); err != nil {
		return nil, err
	}
	return s.userByID(ctx, c.app, id)
}

func (s *Service) userByID(ctx context.Context, app *App, id string) (*User, error) {
	var u *User
	err := s.read(ctx, func(tx Tx) (err error) {
		u, err = tx.UserByID(app.PK, id)
		return err
	})
	return u, err
}

// ListUsers lists the users of the caller's app, oldest first; cursors are
// users' ids.
func (s *Service) ListUsers(ctx context.Context, c *Caller, p Page) (List[*User], error) {
	if err := c.inApp(); err != nil {
		return List[*User]{}, err
	}
	p, err := s.page(p)
	if err != nil {
		return List[*User]{}, err
	}
	var list List[*User]
	err = s.read(ctx, func(tx Tx) error {
		users, err := tx.ListUsers(c.app.PK, more(p))
		list = listOf(users, p)
		return err
	})
	return list, err
}

// TeamInput creates a team.
type TeamInput struct {
	ID      string
	Name    string
	Members []string // user ids
	Admins  []string // user ids of the team's admins (members too)
}

// CreateTeam creates a team of the trusted caller's app.
func (s *Service) CreateTeam(ctx context.Context, c *Caller, in TeamInput) (*Team, error) {
	if err := c.inApp(); err != nil {
		return nil, err
	}
	var t *Team
	err := s.write(ctx, func(tx Tx) (err error) {
		if err := s.mayCreateTeam(tx, c); err != nil {
			return err
		}
		if !appWide(c) {
			// A user who administers a team creates one and administers it.
			in.Admins = append(in.Admins, c.user.ID)
		}
		t, err = s.createTeam(tx, c.app, in)
		return err
	})
	return t, err
}

func (s *Service) createTeam(tx Tx, app *App, in TeamInput) (*Team, error) {
	if err := s.checkNewID("id", in.ID); err != nil {
		return nil, err
	}
	if err := checkText("name", in.Name, s.limits.NameLength); err != nil {
		return nil, err
	}
	if err := s.checkIDs("members", in.Members, true); err != nil {
		return nil, err
	}
	t := &Team{AppPK: app.PK, ID: in.ID, Name: in.Name, CreatedAt: s.Now()}
	if err := tx.InsertTeam(t); err != nil {
		return nil, err
	}
	for _, id := range dedupe(in.Members) {
		u, err := tx.UserByID(app.PK, id)
		if err != nil {
			return nil, notFoundAs(err, Invalidf("members", "unknown user %q", id))
		}
		if err := tx.AddTeamMember(t.PK, u.PK, RoleMember); err != nil {
			return nil, err
		}
	}
	if err := s.checkIDs("admins", in.Admins, true); err != nil {
		return nil, err
	}
	for _, id := range dedupe(in.Admins) {
		u, err := tx.UserByID(app.PK, id)
		if err != nil {
			return nil, notFoundAs(err, Invalidf("admins", "unknown user %q", id))
		}
		if err := tx.AddTeamMember(t.PK, u.PK, RoleAdmin); err != nil {
			return nil, err
		}
	}
	return t, nil
}

// ListTeams lists the teams of the caller's app, oldest first; cursors are
// teams' ids.
func (s *Service) ListTeams(ctx context.Context, c *Caller, p Page) (List[*Team], error) {
	if err := c.inApp(); err != nil {
		return List[*Team]{}, err
	}
	p, err := s.page(p)
	if err != nil {
		return List[*Team]{}, err
	}
	var list List[*Team]
	err = s.read(ctx, func(tx Tx) error {
		teams, err := tx.ListTeams(c.app.PK, more(p))
		list = listOf(teams, p)
		return err
	})
	return list, err
}

// notFoundAs turns an ENOTFOUND into the given error (an unknown id in an
// input is the input's fault), and leaves other errors alone.
func notFoundAs(err error, instead *Error) error {
	if ErrorCode(err) == ENOTFOUND {
		return instead
	}
	return err
}
