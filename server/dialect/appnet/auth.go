package appnet

import (
	"net/http"
	"strings"

	"parley/server/core"
)

// authMode says which tokens a route takes.
type authMode int

const (
	// authUser needs a user token.
	authUser authMode = iota
	// authAny takes a user token or the app token (the app's secret key),
	// which reads what the public may read.
	authAny
)

// accessToken finds the token where App.net clients send it: the
// Authorization header ("Bearer TOKEN"), the access_token query parameter,
// or an access_token field of a form body on POST, PUT and PATCH (never
// on DELETE or GET, which have no body).
func accessToken(r *http.Request) (string, error) {
	if h := strings.TrimSpace(r.Header.Get("Authorization")); h != "" {
		scheme, value, _ := strings.Cut(h, " ")
		if !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(value) == "" {
			return "", withSlug(core.Errorf(core.EUNAUTHENTICATED, "send the token as Authorization: Bearer TOKEN"), "invalid-token")
		}
		return strings.TrimSpace(value), nil
	}
	if t := r.URL.Query().Get("access_token"); t != "" {
		return t, nil
	}
	switch r.Method {
	case http.MethodPost, http.MethodPut, http.MethodPatch:
		ct := r.Header.Get("Content-Type")
		if strings.HasPrefix(ct, "application/x-www-form-urlencoded") {
			if t := r.PostFormValue("access_token"); t != "" {
				return t, nil
			}
		}
	}
	return "", core.Errorf(core.EUNAUTHENTICATED, "call requires an access token")
}

// authenticate finds the caller: a user token's user, or, where the route
// allows it, the app itself from its secret key, with the public's rights.
func (a *api) authenticate(r *http.Request, mode authMode) (*core.Caller, error) {
	token, err := accessToken(r)
	if err != nil {
		return nil, err
	}
	ctx := r.Context()
	c, err := a.svc.Authenticate(ctx, core.Credential{Kind: core.CredToken, Secret: token})
	if core.ErrorCode(err) == core.EUNAUTHENTICATED {
		if core.ErrorMessage(err) == "token expired" {
			return nil, withSlug(err, "token-expired")
		}
		app, appErr := a.svc.Authenticate(ctx, core.Credential{Kind: core.CredAppToken, Secret: token})
		if appErr != nil {
			return nil, err
		}
		if mode != authAny {
			return nil, userTokenRequired()
		}
		return app, nil
	}
	return c, err
}
