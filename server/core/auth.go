package core

import (
	"context"
	"crypto/pbkdf2"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// HashSecret hashes a high-entropy credential (token, key) for storage and
// lookup. Such secrets need no salt or stretching: they cannot be guessed.
func HashSecret(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

const pbkdf2Iterations = 10000

// hashPassword stretches a user-chosen password with a random salt.
func hashPassword(password string) (string, error) {
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("core: salt: %w", err)
	}
	key, err := pbkdf2.Key(sha256.New, password, salt, pbkdf2Iterations, 32)
	if err != nil {
		return "", fmt.Errorf("core: hash password: %w", err)
	}
	return fmt.Sprintf("pbkdf2-sha256$%d$%s$%s", pbkdf2Iterations, hex.EncodeToString(salt), hex.EncodeToString(key)), nil
}

// checkPassword reports whether password matches a hash made by hashPassword.
func checkPassword(hash, password string) bool {
	parts := strings.Split(hash, "$")
	if len(parts) != 4 || parts[0] != "pbkdf2-sha256" {
		return false
	}
	iter, err := strconv.Atoi(parts[1])
	if err != nil || iter <= 0 {
		return false
	}
	salt, err1 := hex.DecodeString(parts[2])
	want, err2 := hex.DecodeString(parts[3])
	if err1 != nil || err2 != nil {
		return false
	}
	got, err := pbkdf2.Key(sha256.New, password, salt, iter, len(want))
	return err == nil && subtle.ConstantTimeCompare(got, want) == 1
}

var errBadCredentials = Errorf(EUNAUTHENTICATED, "invalid credentials")

// AppByPublicKey finds the app a client names by its public key.
func (s *Service) AppByPublicKey(ctx context.Context, key string) (*App, error) {
	if key == "" {
		return nil, Errorf(EUNAUTHENTICATED, "missing public key")
	}
	if app := s.auth.app(key); app != nil {
		return app, nil
	}
	var app *App
	err := s.read(ctx, func(tx Tx) (err error) {
		app, err = tx.AppByPublicKey(key)
		return err
	})
	if ErrorCode(err) == ENOTFOUND {
		return nil, Errorf(EUNAUTHENTICATED, "unknown public key")
	}
	if err != nil {
		return nil, err
	}
	s.auth.putApp(key, app)
	return app, nil
}

// AppByID finds an app by its id (for dialects that carry it in the path).
func (s *Service) AppByID(ctx context.Context, id string) (*App, error) {
	var app *App
	err := s.read(ctx, func(tx Tx) (err error) {
		app, err = tx.AppByID(id)
		return err
	})
	return app, err
}

// AuthToken authenticates a user token. When app is not nil the token must
// belong to it.
func (s *Service) AuthToken(ctx context.Context, app *App, token string) (*Caller, error) {
	if token == "" {
		return nil, Errorf(EUNAUTHENTICATED, "missing token")
	}
	hash := HashSecret(token)
	e, ok := s.auth.token(hash)
	if !ok {
		err := s.read(ctx, func(tx Tx) error {
			t, err := tx.TokenByHash(hash)
			if err != nil {
				return err
			}
			e.expires = t.ExpiresAt
			if e.app, err = tx.AppByPK(t.AppPK); err != nil {
				return err
			}
			e.user, err = tx.UserByPK(t.AppPK, t.UserPK)
			return err
		})
		if ErrorCode(err) == ENOTFOUND {
			return nil, errBadCredentials
		}
		if err != nil {
			return nil, err
		}
		s.auth.putToken(hash, e)
	}
	if !e.expires.IsZero() && !s.Now().Before(e.expires) {
		return nil, Errorf(EUNAUTHENTICATED, "token expired")
	}
	if app != nil && e.app.PK != app.PK {
		return nil, errBadCredentials
	}
	return &Caller{App: e.app, User: e.user}, nil
}

// AuthSecret authenticates the app's secret key. When app is nil the secret
// alone finds the app.
func (s *Service) AuthSecret(ctx context.Context, app *App, secret string) (*Caller, error) {
	if secret == "" {
		return nil, Errorf(EUNAUTHENTICATED, "missing secret key")
	}
	hash := HashSecret(secret)
	if app != nil {
		if subtle.ConstantTimeCompare([]byte(app.SecretHash), []byte(hash)) != 1 {
			return nil, errBadCredentials
		}
		return &Caller{App: app, Trusted: true}, nil
	}
	var found *App
	err := s.read(ctx, func(tx Tx) (err error) {
		found, err = tx.AppBySecretHash(hash)
		return err
	})
	if ErrorCode(err) == ENOTFOUND {
		return nil, errBadCredentials
	}
	if err != nil {
		return nil, err
	}
	return &Caller{App: found, Trusted: true}, nil
}

// AuthPassword authenticates a user of the app by login (id, username or
// email) and password.
func (s *Service) AuthPassword(ctx context.Context, app *App, login, password string) (*Caller, error) {
	if login == "" || password == "" {
		return nil, Errorf(EUNAUTHENTICATED, "missing login or password")
	}
	var c Caller
	err := s.read(ctx, func(tx Tx) error {
		u, err := tx.UserByLogin(app.PK, login)
		if err != nil {
			return err
		}
		hash, err := tx.UserPasswordHash(u.PK)
		if err != nil {
			return err
		}
		if hash == "" || !checkPassword(hash, password) {
			return errBadCredentials
		}
		c = Caller{App: app, User: u}
		return nil
	})
	if ErrorCode(err) == ENOTFOUND {
		return nil, errBadCredentials
	}
	if err != nil {
		return nil, err
	}
	return &c, nil
}

// ActAs returns a caller acting as the named user of the trusted caller's
// app, with that user's own rights.
func (s *Service) ActAs(ctx context.Context, c *Caller, userID string) (*Caller, error) {
	if !c.Trusted {
		return nil, Errorf(EFORBIDDEN, "only the app may act as another user")
	}
	u := s.auth.user(c.App.PK, userID)
	if u == nil {
		var err error
		if u, err = s.userByID(ctx, c.App, userID); err != nil {
			if ErrorCode(err) == ENOTFOUND {
				return nil, Errorf(EUNAUTHENTICATED, "unknown user %q", userID)
			}
			return nil, err
		}
		s.auth.putUser(u)
	}
	return &Caller{App: c.App, User: u, Trusted: true}, nil
}

// AuthAdmin checks Parley's own admin token.
func (s *Service) AuthAdmin(ctx context.Context, token string) error {
	if token == "" {
		return Errorf(EUNAUTHENTICATED, "missing admin token")
	}
	var ok bool
	err := s.read(ctx, func(tx Tx) (err error) {
		ok, err = tx.AdminTokenExists(HashSecret(token))
		return err
	})
	if err != nil {
		return err
	}
	if !ok {
		return Errorf(EUNAUTHENTICATED, "invalid admin token")
	}
	return nil
}

// EnsureAdminToken stores token as an admin token. With an empty token it
// creates one when none exists yet and returns it (created is true); the
// caller prints it once.
func (s *Service) EnsureAdminToken(ctx context.Context, token string) (string, bool, error) {
	created := false
	err := s.write(ctx, func(tx Tx) error {
		if token != "" {
			ok, err := tx.AdminTokenExists(HashSecret(token))
			if err != nil || ok {
				return err
			}
			return tx.InsertAdminToken(HashSecret(token), s.Now())
		}
		n, err := tx.CountAdminTokens()
		if err != nil || n > 0 {
			return err
		}
		token, created = s.token(), true
		return tx.InsertAdminToken(HashSecret(token), s.Now())
	})
	if err != nil {
		return "", false, err
	}
	return token, created, nil
}

// IssuedToken is a freshly issued user token; Token is shown once.
type IssuedToken struct {
	Token     string
	User      *User
	CreatedAt time.Time
	ExpiresAt time.Time
}

// Login checks a user's password and issues a token.
func (s *Service) Login(ctx context.Context, app *App, login, password string) (*IssuedToken, error) {
	c, err := s.AuthPassword(ctx, app, login, password)
	if err != nil {
		return nil, err
	}
	return s.issueToken(ctx, app, c.User, "")
}

// IssueToken issues a token for a user of the trusted caller's app. A given
// token is stored verbatim (fixtures); otherwise one is generated.
func (s *Service) IssueToken(ctx context.Context, c *Caller, userID, token string) (*IssuedToken, error) {
	if !c.Trusted {
		return nil, Errorf(EFORBIDDEN, "only the app may issue tokens")
	}
	if err := s.checkID("userId", userID); err != nil {
		return nil, err
	}
	u, err := s.userByID(ctx, c.App, userID)
	if err != nil {
		return nil, err
	}
	return s.issueToken(ctx, c.App, u, token)
}

func (s *Service) issueToken(ctx context.Context, app *App, u *User, token string) (*IssuedToken, error) {
	if token == "" {
		token = s.token()
	}
	now := s.Now()
	t := &Token{AppPK: app.PK, UserPK: u.PK, Hash: HashSecret(token), CreatedAt: now}
	if s.limits.TokenTTL > 0 {
		t.ExpiresAt = now.Add(s.limits.TokenTTL)
	}
	if err := s.write(ctx, func(tx Tx) error { return tx.InsertToken(t) }); err != nil {
		return nil, err
	}
	return &IssuedToken{Token: token, User: u, CreatedAt: now, ExpiresAt: t.ExpiresAt}, nil
}
