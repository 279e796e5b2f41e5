package core

import (
	"context"
	"time"
)

// SessionInput opens a session for a user of an app that a client names by
// its public key alone (Amity's x-api-key sessions): the user is created
// when missing, and the display name is updated when given.
type SessionInput struct {
	UserID      string
	DisplayName string
	// TTL is how long the issued token lives; 0 takes the service's limit.
	TTL time.Duration
}

// OpenSession finds or creates the user and issues a token, in one
// transaction. Created tells whether the user is new.
func (s *Service) OpenSession(ctx context.Context, c *Caller, in SessionInput) (t *IssuedToken, created bool, err error) {
	if err := c.inApp(); err != nil {
		return nil, false, err
	}
	app := c.app
	// The id is the client's own: never a key reference ("#12").
	if err := s.checkID("userId", in.UserID); err != nil {
		return nil, false, err
	}
	if err := s.checkNewID("userId", in.UserID); err != nil {
		return nil, false, err
	}
	if err := checkText("displayName", in.DisplayName, s.limits.NameLength); err != nil {
		return nil, false, err
	}
	// A session hands out a credential as a login does: the same limits
	// per client address and per user.
	if err := s.rateLimit(ctx, app, in.UserID); err != nil {
		return nil, false, err
	}
	ttl := in.TTL
	if ttl <= 0 {
		ttl = s.limits.TokenTTL
	}
	token, now := s.token(), s.Now()
	rec := &Token{AppPK: app.PK, Hash: HashSecret(token), CreatedAt: now}
	if ttl > 0 {
		rec.ExpiresAt = now.Add(ttl)
	}
	var u *User
	err = s.write(ctx, func(tx Tx) error {
		var err error
		u, err = tx.UserByID(app.PK, in.UserID)
		switch {
		case ErrorCode(err) == ENOTFOUND:
			created = true
			if u, err = s.createUser(tx, app, UserInput{ID: in.UserID, DisplayName: in.DisplayName}); err != nil {
				return err
			}
		case err != nil:
			return err
		case in.DisplayName != "" && in.DisplayName != u.DisplayName:
			u.DisplayName, u.UpdatedAt = in.DisplayName, now
			if err := tx.UpdateUser(u); err != nil {
				return err
			}
		}
		rec.UserPK = u.PK
		return tx.InsertToken(rec)
	})
	if err != nil {
		return nil, false, err
	}
	s.auth.reset() // a cached profile may have changed
	return &IssuedToken{Token: token, User: u, CreatedAt: now, ExpiresAt: rec.ExpiresAt}, created, nil
}

// RevokeToken ends a user token's life: later calls with it are refused.
// An unknown token answers EUNAUTHENTICATED, as using it would.
func (s *Service) RevokeToken(ctx context.Context, token string) error {
	if token == "" {
		return Errorf(EUNAUTHENTICATED, "missing token")
	}
	defer s.auth.reset() // the token may be cached
	err := s.write(ctx, func(tx Tx) error { return tx.DeleteToken(HashSecret(token)) })
	if ErrorCode(err) == ENOTFOUND {
		return errBadCredentials
	}
	return err
}
