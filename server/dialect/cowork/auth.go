package cowork

import (
	"encoding/base64"
	"net/http"
	"strings"

	"parley/server/core"
)

// AppHeader names the app a Basic login belongs to. CoWork is one
// installation per server, so its requests name no app; a Parley server
// holds several, and Basic credentials (unlike tokens) do not find their
// app by themselves. Without the header the app is DefaultApp.
const AppHeader = "X-Parley-App"

// DefaultApp is the app a Basic login belongs to when no AppHeader is sent:
// the app Parley creates on its first start.
const DefaultApp = "default"

// authenticate reads "Authorization: Basic base64(login:password)" (login:
// the user's id, username or e-mail) or "Authorization: Bearer TOKEN" into
// one credential for the core. Anything else is refused.
func (a *api) authenticate(r *http.Request) (*core.Caller, error) {
	h := strings.TrimSpace(r.Header.Get("Authorization"))
	if h == "" {
		return nil, core.Errorf(core.EUNAUTHENTICATED, "authorization required: send Authorization: Basic base64(login:password) or Bearer TOKEN")
	}
	scheme, value, _ := strings.Cut(h, " ")
	value = strings.TrimSpace(value)
	var cr core.Credential
	switch {
	case strings.EqualFold(scheme, "Bearer"):
		cr = core.Credential{Kind: core.CredToken, Secret: value}
	case strings.EqualFold(scheme, "Basic"):
		raw, err := base64.StdEncoding.DecodeString(value)
		if err != nil {
			return nil, core.Errorf(core.EUNAUTHENTICATED, "the Basic credential is not base64")
		}
		login, password, found := strings.Cut(string(raw), ":")
		if !found {
			return nil, core.Errorf(core.EUNAUTHENTICATED, "the Basic credential is not login:password")
		}
		appID := strings.TrimSpace(r.Header.Get(AppHeader))
		if appID == "" {
			appID = DefaultApp
		}
		cr = core.Credential{Kind: core.CredPassword, AppID: appID, Login: login, Secret: password}
	default:
		return nil, core.Errorf(core.EUNAUTHENTICATED, "unsupported authorization scheme %q", scheme)
	}
	return a.svc.Authenticate(r.Context(), cr)
}
