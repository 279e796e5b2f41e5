package core

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"strconv"
	"time"
)

// HashSecret hashes a high-entropy credential (token, key) for storage and
// lookup. Such secrets need no salt or stretching: they cannot be guessed.
func HashSecret(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// CredentialKind names what a request proves.
type CredentialKind int

const (
	// CredNone proves nothing: the request only names its app (a public key
	// or an app id) and acts anonymously, as before a login.
	CredNone CredentialKind = iota
	// CredToken is a user token.
	CredToken
	// CredSecret is the app's secret key: the app's own servers.
	CredSecret
	// CredPassword is a user's login (id, username or email) and password.
	CredPassword
	// CredAdmin is Parley's admin token.
	CredAdmin
	// CredBearer is a user token or else the app's secret key (Amity's
	// bearer, which is either).
	CredBearer
	// CredAppToken is the app's secret key sent as a plain bearer token
	// (App.net's app access token): it proves the app, but the caller it
	// gives is not trusted and acts as no user, so it sees what the public
	// sees (open conversations, channels whose readers are public).
	CredAppToken
)

// Credential is everything a request carries to say who it is. A dialect
// fills in what its wire format carries and makes one Authenticate call.
type Credential struct {
	Kind CredentialKind
	// PublicKey or AppID names the app, when the wire format names it apart
	// from the credential; the credential must then belong to that app. A
	// token or secret may also find its app by itself.
	PublicKey string
	AppID     string
	// Secret is the token, the secret key, the password or the admin token.
	Secret string
	// Login is the user's id, username or email, with CredPassword.
	Login string
	// ActAs names the user a trusted credential (secret or admin) acts as;
	// empty: the app acts as itself.
	ActAs string
}

var errBadCredentials = Errorf(EUNAUTHENTICATED, "invalid credentials")

// Authenticate verifies a credential of any kind and returns the caller it
// proves. It is the only way to get a Caller. Successful look-ups are cached
// (guarded by an epoch, so a credential removed meanwhile is never cached
// again), and a verified password is cached too, so that Basic auth on
// every request costs no hashing. The request's trace (trace.go) learns the
// secret, to hide it, and the caller proved.
func (s *Service) Authenticate(ctx context.Context, cr Credential) (*Caller, error) {
	noteSecret(ctx, cr.Secret)
	if err := s.throttled(ctx); err != nil {
		return nil, err
	}
	c, err := s.authenticate(ctx, cr)
	if err != nil {
		s.failed(ctx, cr.Kind, err)
		return nil, err
	}
	if err := noteCaller(ctx, c.app, c.user); err != nil {
		return nil, err
	}
	return c, nil
}

func (s *Service) authenticate(ctx context.Context, cr Credential) (*Caller, error) {
	if cr.Kind == CredAdmin {
		// The token first: who cannot prove it learns nothing of which apps exist.
		if _, err := s.authAdmin(ctx, nil, cr.Secret); err != nil {
			return nil, err
		}
	}
	app, err := s.namedApp(ctx, cr)
	if err != nil {
		return nil, err
	}
	var c *Caller
	switch cr.Kind {
	case CredNone:
		if app == nil {
			return nil, Errorf(EUNAUTHENTICATED, "missing app key")
		}
		return &Caller{app: app}, nil
	case CredToken:
		c, err = s.authToken(ctx, app, cr.Secret)
	case CredSecret:
		c, err = s.authSecret(ctx, app, cr.Secret)
	case CredPassword:
		if app == nil {
			return nil, Errorf(EUNAUTHENTICATED, "missing app key")
		}
		c, err = s.authPassword(ctx, app, cr.Login, cr.Secret)
	case CredAdmin:
		c, err = s.authAdmin(ctx, app, cr.Secret)
	case CredBearer:
		if c, err = s.authToken(ctx, app, cr.Secret); ErrorCode(err) == EUNAUTHENTICATED {
			if sc, serr := s.authSecret(ctx, app, cr.Secret); serr == nil {
				c, err = sc, nil
			}
		}
	case CredAppToken:
		if c, err = s.authSecret(ctx, app, cr.Secret); err == nil {
			c = &Caller{app: c.app}
		}
	default:
		return nil, Errorf(EUNAUTHENTICATED, "unknown kind of credential")
	}
	if err != nil {
		return nil, err
	}
	if cr.ActAs != "" {
		return s.actAs(ctx, c, cr.ActAs)
	}
	return c, nil
}

// namedApp finds the app a credential names by public key or id (nil when
// it names none).
func (s *Service) namedApp(ctx context.Context, cr Credential) (*App, error) {
	switch {
	case cr.PublicKey != "":
		return s.appByPublicKey(ctx, cr.PublicKey)
	case cr.AppID != "":
		app, err := s.appByID(ctx, cr.AppID)
		if ErrorCode(err) == ENOTFOUND && cr.Kind != CredAdmin {
			return nil, errUnknownApp // strangers learn nothing of which apps exist
		}
		return app, err
	}
	return nil, nil
}

// appByPublicKey finds the app a client names by its public key.
func (s *Service) appByPublicKey(ctx context.Context, key string) (*App, error) {
	if app := s.auth.app(key); app != nil {
		return app, nil
	}
	epoch := s.auth.epoch()
	var app *App
	err := s.read(ctx, func(tx Tx) (err error) {
		app, err = tx.AppByPublicKey(key)
		return err
	})
	if ErrorCode(err) == ENOTFOUND {
		return nil, errUnknownPublicKey
	}
	if err != nil {
		return nil, err
	}
	s.auth.putApp(key, app, epoch)
	return app, nil
}

// appByID finds an app by its id (for dialects that carry it in the path).
func (s *Service) appByID(ctx context.Context, id string) (*App, error) {
	var app *App
	err := s.read(ctx, func(tx Tx) (err error) {
		app, err = tx.AppByID(id)
		return err
	})
	return app, err
}

// authToken authenticates a user token. When app is not nil the token must
// belong to it.
func (s *Service) authToken(ctx context.Context, app *App, token string) (*Caller, error) {
	if token == "" {
		return nil, Errorf(EUNAUTHENTICATED, "missing token")
	}
	hash := HashSecret(token)
	e, ok := s.auth.token(hash)
	if !ok {
		epoch := s.auth.epoch()
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
		s.auth.putToken(hash, e, epoch)
	}
	if !e.expires.IsZero() && !s.Now().Before(e.expires) {
		return nil, Errorf(EUNAUTHENTICATED, "token expired")
	}
	if app != nil && e.app.PK != app.PK {
		return nil, errBadCredentials
	}
	return &Caller{app: e.app, user: e.user}, nil
}

// authSecret authenticates the app's secret key. When app is nil the secret
// alone finds the app.
func (s *Service) authSecret(ctx context.Context, app *App, secret string) (*Caller, error) {
	if secret == "" {
		return nil, Errorf(EUNAUTHENTICATED, "missing secret key")
	}
	hash := HashSecret(secret)
	if app != nil {
		if subtle.ConstantTimeCompare([]byte(app.SecretHash), []byte(hash)) != 1 {
			return nil, errBadCredentials
		}
		return &Caller{app: app, trusted: true}, nil
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
	return &Caller{app: found, trusted: true}, nil
}

// authPassword authenticates a user of the app by login (id, username or
// email) and password. The hash is checked outside any transaction, an
// unknown login costs the same hashing as a known one, and a verified
// password is remembered (as a hash of app, login and password) until the
// next change to users.
func (s *Service) authPassword(ctx context.Context, app *App, login, password string) (*Caller, error) {
	if login == "" || password == "" {
		return nil, Errorf(EUNAUTHENTICATED, "missing login or password")
	}
	key := HashSecret(strconv.FormatInt(app.PK, 10) + "\x00" + login + "\x00" + password)
	if u := s.auth.password(key); u != nil {
		return &Caller{app: app, user: u}, nil
	}
	epoch := s.auth.epoch()
	var u *User
	var hash string
	err := s.read(ctx, func(tx Tx) (err error) {
		if u, err = tx.UserByLogin(app.PK, login); err != nil {
			return err
		}
		hash, err = tx.UserPasswordHash(u.PK)
		return err
	})
	if err != nil && ErrorCode(err) != ENOTFOUND {
		return nil, err
	}
	if u == nil || hash == "" {
		s.passwords.burn(password) // the same time as a real check
		return nil, errBadCredentials
	}
	if !s.passwords.check(hash, password) {
		return nil, errBadCredentials
	}
	s.auth.putPassword(key, u, epoch)
	return &Caller{app: app, user: u}, nil
}

// actAs returns a caller acting as the named user of a trusted caller's
// app, with that user's own rights.
func (s *Service) actAs(ctx context.Context, c *Caller, userID string) (*Caller, error) {
	if err := allow(c, actActAs, nil); err != nil {
		return nil, err
	}
	u := s.auth.user(c.app.PK, userID)
	if u == nil {
		epoch := s.auth.epoch()
		var err error
		if u, err = s.userByID(ctx, c.app, userID); err != nil {
			if ErrorCode(err) == ENOTFOUND {
				return nil, Errorf(EUNAUTHENTICATED, "unknown user %q", userID)
			}
			return nil, err
		}
		s.auth.putUser(u, epoch)
	}
	return &Caller{app: c.app, user: u, trusted: true, admin: c.admin}, nil
}

// authAdmin checks Parley's own admin token; with an app, the caller is that
// app's trusted caller too.
func (s *Service) authAdmin(ctx context.Context, app *App, token string) (*Caller, error) {
	if token == "" {
		return nil, Errorf(EUNAUTHENTICATED, "missing admin token")
	}
	hash := HashSecret(token)
	if !s.auth.admin(hash) {
		epoch := s.auth.epoch()
		var ok bool
		err := s.read(ctx, func(tx Tx) (err error) {
			ok, err = tx.AdminTokenExists(hash)
			return err
		})
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, errBadAdminToken
		}
		s.auth.putAdmin(hash, epoch)
	}
	return &Caller{app: app, trusted: app != nil, admin: true}, nil
}

// IssuedToken is a freshly issued user token; Token is shown once.
type IssuedToken struct {
	Token     string
	User      *User
	CreatedAt time.Time
	ExpiresAt time.Time
}

// Login checks a user's password and issues a token. The caller only names
// the app (CredNone) or is the app itself.
func (s *Service) Login(ctx context.Context, c *Caller, login, password string) (*IssuedToken, error) {
	if err := c.inApp(); err != nil {
		return nil, err
	}
	if err := s.throttled(ctx); err != nil {
		return nil, err
	}
	if err := s.rateLimit(ctx, c.app, "login "+login); err != nil {
		return nil, err
	}
	noteSecret(ctx, password)
	pc, err := s.authPassword(ctx, c.app, login, password)
	if err != nil {
		s.failed(ctx, CredPassword, err)
		return nil, err
	}
	if err := noteCaller(ctx, c.app, pc.user); err != nil {
		return nil, err
	}
	return s.issueToken(ctx, c.app, pc.user, "")
}

// IssueToken issues a token for a user of the trusted caller's app. A given
// token is stored verbatim (fixtures); otherwise one is generated.
func (s *Service) IssueToken(ctx context.Context, c *Caller, userID, token string) (*IssuedToken, error) {
	if err := c.inApp(); err != nil {
		return nil, err
	}
	if err := allow(c, actIssueToken, nil); err != nil {
		return nil, err
	}
	if err := s.checkID("userId", userID); err != nil {
		return nil, err
	}
	if err := s.rateLimit(ctx, c.app, userID); err != nil {
		return nil, err
	}
	u, err := s.userByID(ctx, c.app, userID)
	if err != nil {
		return nil, err
	}
	return s.issueToken(ctx, c.app, u, token)
}

func (s *Service) issueToken(ctx context.Context, app *App, u *User, token string) (*IssuedToken, error) {
	if token == "" {
		token = s.token()
	}
	noteSecret(ctx, token)
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
