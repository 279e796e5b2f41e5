package amity

import (
	"net/http"
	"strings"

	"parley/server/core"
)

// authMode says which credentials a route takes.
type authMode int

const (
	// authKey needs the app's public key in x-api-key (session creation).
	// An Authorization header is ignored: the SDK sends an empty one after
	// a logout.
	authKey authMode = iota
	// authBearer needs Authorization: Bearer with a user's access token, or
	// the app's secret key (the admin context: the whole app).
	authBearer
	// authFile is authBearer, or the upstra-access-token cookie (file
	// downloads, which browsers fetch without headers).
	authFile
)

// cookieToken is the cookie Amity sets for file downloads.
const cookieToken = "upstra-access-token"

// bearer returns the token of an "Authorization: Bearer TOKEN" header.
func bearer(r *http.Request) (string, error) {
	h := strings.TrimSpace(r.Header.Get("Authorization"))
	if h == "" {
		return "", core.Errorf(core.EUNAUTHENTICATED, "authorization required: send Authorization: Bearer <accessToken>")
	}
	scheme, token, _ := strings.Cut(h, " ")
	if !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(token) == "" {
		return "", core.Errorf(core.EUNAUTHENTICATED, "unsupported authorization: send Authorization: Bearer <accessToken>")
	}
	return strings.TrimSpace(token), nil
}

// authenticate finds the caller as the route's mode asks, in one core call.
func (a *api) authenticate(r *http.Request, mode authMode) (*core.Caller, error) {
	if mode == authKey {
		key := strings.TrimSpace(r.Header.Get("x-api-key"))
		if key == "" {
			return nil, core.Errorf(core.EUNAUTHENTICATED, "missing x-api-key")
		}
		return a.svc.Authenticate(r.Context(), core.Credential{Kind: core.CredNone, PublicKey: key})
	}
	token, err := bearer(r)
	if err != nil && mode == authFile {
		if ck, cerr := r.Cookie(cookieToken); cerr == nil && ck.Value != "" {
			token, err = ck.Value, nil
		}
	}
	if err != nil {
		return nil, err
	}
	// A user's access token, or the app's secret key: Amity's admin token.
	return a.svc.Authenticate(r.Context(), core.Credential{Kind: core.CredBearer, Secret: token})
}
