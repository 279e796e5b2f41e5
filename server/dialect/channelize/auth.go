package channelize

import (
	"encoding/base64"
	"net/http"
	"strings"

	"parley/server/core"
)

// authMode says which credentials a route takes.
type authMode int

const (
	// authKey needs the Public-Key only (login).
	authKey authMode = iota
	// authApp needs a credential; the User-Id header is not applied, since
	// the call does not act as a user (create a user, issue a token, read
	// a profile). The SDK sends User-Id on every request once a current
	// user is set, and the previous user's while it switches users.
	authApp
	// authUser needs a credential; with the app's secret, User-Id names the
	// user the call acts as.
	authUser
)

// credential is what an Authorization header carries.
type credential struct {
	scheme string // "Bearer" (a user token) or "Basic" (the app's secret key)
	secret string // base64-decoded
}

// parseAuthorization reads "Bearer base64(token)" or "Basic
// base64(secretKey)". Channelize's Basic value is the bare secret key,
// with no "user:" part, so nothing is split on a colon.
func parseAuthorization(h string) (credential, error) {
	h = strings.TrimSpace(h)
	if h == "" {
		return credential{}, core.Errorf(core.EUNAUTHENTICATED, "authorization required: send Authorization: Bearer base64(accessToken) or Basic base64(privateKey)")
	}
	scheme, value, _ := strings.Cut(h, " ")
	value = strings.TrimSpace(value)
	var cr credential
	switch {
	case strings.EqualFold(scheme, "Bearer"):
		cr.scheme = "Bearer"
	case strings.EqualFold(scheme, "Basic"):
		cr.scheme = "Basic"
	default:
		return cr, invalidToken(core.Errorf(core.EUNAUTHENTICATED, "unsupported authorization scheme %q", scheme))
	}
	raw, err := decodeBase64(value)
	if err != nil || len(raw) == 0 {
		return cr, invalidToken(core.Errorf(core.EUNAUTHENTICATED, "the %s credential is not base64", cr.scheme))
	}
	cr.secret = string(raw)
	return cr, nil
}

// decodeBase64 accepts standard base64 with or without padding (and the URL
// alphabet, which some clients use).
func decodeBase64(s string) ([]byte, error) {
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if b, err := enc.DecodeString(s); err == nil {
			return b, nil
		}
	}
	return nil, base64.CorruptInputError(0)
}

// authenticate finds the app from Public-Key and the caller from the
// Authorization header (and User-Id), as the route's mode asks, in one core
// call.
func (a *api) authenticate(r *http.Request, mode authMode) (*core.Caller, error) {
	key := strings.TrimSpace(r.Header.Get("Public-Key"))
	if key == "" {
		return nil, core.Errorf(core.EUNAUTHENTICATED, "missing public key")
	}
	cr := core.Credential{Kind: core.CredNone, PublicKey: key}
	if mode != authKey {
		auth, err := parseAuthorization(r.Header.Get("Authorization"))
		if err != nil {
			return nil, err
		}
		cr.Secret = auth.secret
		cr.Kind = core.CredToken
		if auth.scheme == "Basic" {
			cr.Kind = core.CredSecret
			if mode == authUser {
				cr.ActAs = strings.TrimSpace(r.Header.Get("User-Id"))
			}
		}
	}
	c, err := a.svc.Authenticate(r.Context(), cr)
	if cr.Kind == core.CredNone {
		return c, err
	}
	return c, invalidToken(err)
}

// invalidToken marks an authentication failure as a rejected credential
// (INVALID_TOKEN) rather than a missing one.
func invalidToken(err error) error {
	if core.ErrorCode(err) != core.EUNAUTHENTICATED || core.ErrorField(err) == "publicKey" {
		return err
	}
	return withCode(err, "INVALID_TOKEN")
}
