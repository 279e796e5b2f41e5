package core

import (
	"context"
	"time"
)

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

// UpdateUser changes a user's profile, and their password when one is
// given: the user themselves or the app. Empty fields are left as they are.
func (s *Service) UpdateUser(ctx context.Context, c *Caller, id string, in UserInput) (*User, error) {
	if err := c.inApp(); err != nil {
		return nil, err
	}
	defer s.auth.reset() // credentials may have changed
	in.ID = ""
	if err := s.checkUser(&in); err != nil {
		return nil, err
	}
	if in.Password != "" {
		// Hashing is dear: only for a caller who may change this user
		// (asked again in the write).
		if err := s.read(ctx, func(tx Tx) error {
			u, err := tx.UserByID(c.app.PK, id)
			if err != nil {
				return err
			}
			return allow(c, actEditProfile, &standing{user: u})
		}); err != nil {
			return nil, err
		}
		if err := s.hashPassword(&in); err != nil {
			return nil, err
		}
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
		if in.passwordHash != "" {
			if err := tx.SetUserPassword(u.PK, in.passwordHash); err != nil {
				return err
			}
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
