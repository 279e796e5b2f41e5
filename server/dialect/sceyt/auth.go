package sceyt

import (
	"net/http"
	"strings"

	"github.com/julienschmidt/httprouter"

	"parley/server/core"
)

// credential reads the app's secret key, as `Authorization: Bearer KEY`, a
// bare `Authorization: KEY` or `X-API-Key: KEY`, for the app named in the
// path: the key must be that app's.
func credential(r *http.Request) (core.Credential, error) {
	cr := core.Credential{Kind: core.CredSecret, AppID: httprouter.ParamsFromContext(r.Context()).ByName("appId")}
	cr.Secret = strings.TrimSpace(r.Header.Get("X-API-Key"))
	if h := strings.TrimSpace(r.Header.Get("Authorization")); h != "" {
		scheme, value, found := strings.Cut(h, " ")
		switch {
		case found && strings.EqualFold(scheme, "Bearer"):
			cr.Secret = strings.TrimSpace(value)
		case !found:
			cr.Secret = h
		default:
			return cr, core.Errorf(core.EUNAUTHENTICATED, "unsupported authorization scheme %q: send Authorization: Bearer API_KEY", scheme)
		}
	}
	if cr.Secret == "" {
		return cr, core.Errorf(core.EUNAUTHENTICATED, "an API key is required: send Authorization: Bearer API_KEY or X-API-Key: API_KEY")
	}
	return cr, nil
}

// authenticate proves the request's key for the path's app; the caller is
// the app itself. A route that acts as a user names it in from (see as).
func (a *api) authenticate(r *http.Request) (*core.Caller, error) {
	cr, err := credential(r)
	if err != nil {
		return nil, err
	}
	c, err := a.svc.Authenticate(r.Context(), cr)
	if core.ErrorCode(err) == core.EUNAUTHENTICATED {
		// An unknown app and a wrong key look the same to the client.
		return nil, core.Errorf(core.EUNAUTHENTICATED, "the API key is not valid for application %q", cr.AppID)
	}
	return c, err
}

// as returns the caller acting as the user from names (the app's key
// proven again, from the core's cache); with no from, the app itself when
// optional, else an error naming the field.
func (a *api) as(r *http.Request, c *core.Caller, from string, optional bool) (*core.Caller, error) {
	from = strings.TrimSpace(from)
	if from == "" {
		if optional {
			return c, nil
		}
		return nil, core.Invalidf("from", "from is required: the username the request acts as")
	}
	cr, err := credential(r)
	if err != nil {
		return nil, err
	}
	cr.ActAs = from
	u, err := a.svc.Authenticate(r.Context(), cr)
	if code := core.ErrorCode(err); code == core.ENOTFOUND || code == core.EUNAUTHENTICATED {
		return nil, core.Invalidf("from", "unknown user %q in from", from)
	}
	return u, err
}

// queryFrom is the acting user of a GET or DELETE: the from query value.
func queryFrom(r *http.Request) string { return r.URL.Query().Get("from") }
