package core

import (
	"context"
	"time"
)

// Where an admin token came from.
const (
	AdminTokenStart = "start" // made and printed at first start
	AdminTokenFlag  = "flag"  // given with --admin-token; replaced when that changes
	AdminTokenAPI   = "api"   // issued through the admin API
)

// AdminToken is a credential of Parley's admin API. Only its hash is
// stored; ID, the hash's first 12 hex digits, names it for listing and
// revoking without revealing it.
type AdminToken struct {
	ID        string
	Origin    string
	CreatedAt time.Time
}

// AdminTokenID returns the ID of the admin token whose hash is hash.
func AdminTokenID(hash string) string { return hash[:12] }

// EnsureAdminToken makes sure an admin token exists. A given token (the
// --admin-token of this start) is stored, replacing the one a previous
// start was given, so giving one at every start never piles them up. With
// an empty token it creates one when none exists at all and returns it
// (created is true); the caller prints it.
func (s *Service) EnsureAdminToken(ctx context.Context, token string) (string, bool, error) {
	defer s.auth.reset() // a replaced token may be cached
	created := false
	err := s.write(ctx, func(tx Tx) error {
		if token != "" {
			hash := HashSecret(token)
			if err := tx.DeleteAdminTokensFrom(AdminTokenFlag, hash); err != nil {
				return err
			}
			ok, err := tx.AdminTokenExists(hash)
			if err != nil || ok {
				return err
			}
			return tx.InsertAdminTokenFrom(&AdminToken{Origin: AdminTokenFlag, CreatedAt: s.Now()}, hash)
		}
		n, err := tx.CountAdminTokens()
		if err != nil || n > 0 {
			return err
		}
		token, created = s.token(), true
		return tx.InsertAdminTokenFrom(&AdminToken{Origin: AdminTokenStart, CreatedAt: s.Now()}, HashSecret(token))
	})
	if err != nil {
		return "", false, err
	}
	return token, created, nil
}

// CreateAdminToken issues a new admin token; the token is shown once.
func (s *Service) CreateAdminToken(ctx context.Context, c *Caller) (string, *AdminToken, error) {
	if err := allow(c, actAdmin, nil); err != nil {
		return "", nil, err
	}
	token := s.token()
	hash := HashSecret(token)
	t := &AdminToken{ID: AdminTokenID(hash), Origin: AdminTokenAPI, CreatedAt: s.Now()}
	if err := s.write(ctx, func(tx Tx) error { return tx.InsertAdminTokenFrom(t, hash) }); err != nil {
		return "", nil, err
	}
	return token, t, nil
}

// ListAdminTokens lists the admin tokens, oldest first.
func (s *Service) ListAdminTokens(ctx context.Context, c *Caller) ([]*AdminToken, error) {
	if err := allow(c, actAdmin, nil); err != nil {
		return nil, err
	}
	var out []*AdminToken
	err := s.read(ctx, func(tx Tx) (err error) {
		out, err = tx.ListAdminTokens()
		return err
	})
	return out, err
}

// RevokeAdminToken removes an admin token by its ID. The last one stays:
// without it no one could reach the admin API until a restart.
func (s *Service) RevokeAdminToken(ctx context.Context, c *Caller, id string) error {
	if err := allow(c, actAdmin, nil); err != nil {
		return err
	}
	defer s.auth.reset() // the token may be cached
	if len(id) != 12 {
		return Errorf(ENOTFOUND, "admin token not found")
	}
	return s.write(ctx, func(tx Tx) error {
		n, err := tx.CountAdminTokens()
		if err != nil {
			return err
		}
		if n <= 1 {
			return Errorf(ECONFLICT, "the last admin token cannot be revoked; create another first")
		}
		return tx.DeleteAdminToken(id)
	})
}

// RotateSecret gives the app a new secret key and returns it (shown once).
// The old key stops working at once; the public key stays.
func (s *Service) RotateSecret(ctx context.Context, c *Caller, appID string) (*App, string, error) {
	if err := allow(c, actAdmin, nil); err != nil {
		return nil, "", err
	}
	defer s.auth.reset() // cached apps carry the old secret's hash
	secret := s.token()
	var app *App
	err := s.write(ctx, func(tx Tx) (err error) {
		if app, err = tx.AppByID(appID); err != nil {
			return err
		}
		app.SecretHash = HashSecret(secret)
		return tx.UpdateAppSecret(app.PK, app.SecretHash)
	})
	if err != nil {
		return nil, "", err
	}
	return app, secret, nil
}
