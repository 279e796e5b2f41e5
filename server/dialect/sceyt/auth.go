package sceyt

import (
	"context"
	"net/http"
	"strings"

	"parley/server/core"
)

// authenticate reads the app's secret key, as `Authorization: Bearer KEY`,
// a bare `Authorization: KEY` or `X-API-Key: KEY`, and checks that it is
// the key of the app named in the path. The caller is the app itself: a
// route that acts as a user names it in `from` (see as).
func (a *api) authenticate(r *http.Request, appID string) (*core.Caller, error) {
	key := strings.TrimSpace(r.Header.Get("X-API-Key"))
	if h := strings.TrimSpace(r.Header.Get("Authorization")); h != "" {
		scheme, value, found := strings.Cut(h, " ")
		switch {
		case found && strings.EqualFold(scheme, "Bearer"):
			key = strings.TrimSpace(value)
		case !found:
			key = h
		default:
			return nil, core.Errorf(core.EUNAUTHENTICATED, "unsupported authorization scheme %q: send Authorization: Bearer API_KEY", scheme)
		}
	}
	if key == "" {
		return nil, core.Errorf(core.EUNAUTHENTICATED, "an API key is required: send Authorization: Bearer API_KEY or X-API-Key: API_KEY")
	}
	app, err := a.svc.AppByID(r.Context(), appID)
	if err != nil {
		if core.ErrorCode(err) == core.ENOTFOUND {
			// An unknown app and a wrong key look the same to the client.
			return nil, core.Errorf(core.EUNAUTHENTICATED, "the API key is not valid for application %q", appID)
		}
		return nil, err
	}
	c, err := a.svc.AuthSecret(r.Context(), app, key)
	if core.ErrorCode(err) == core.EUNAUTHENTICATED {
		return nil, core.Errorf(core.EUNAUTHENTICATED, "the API key is not valid for application %q", appID)
	}
	return c, err
}

// as returns the caller acting as the user from names; with no from, the
// app itself when optional, else an error naming the field.
func (a *api) as(ctx context.Context, c *core.Caller, from string, optional bool) (*core.Caller, error) {
	from = strings.TrimSpace(from)
	if from == "" {
		if optional {
			return c, nil
		}
		return nil, core.Invalidf("from", "from is required: the username the request acts as")
	}
	u, err := a.svc.ActAs(ctx, c, from)
	if code := core.ErrorCode(err); code == core.ENOTFOUND || code == core.EUNAUTHENTICATED {
		return nil, core.Invalidf("from", "unknown user %q in from", from)
	}
	return u, err
}

// queryFrom is the acting user of a GET or DELETE: the from query value.
func queryFrom(r *http.Request) string { return r.URL.Query().Get("from") }
