package admin

import (
	"net/http"
	"strings"

	"parley/server/core"
)

// viewer is the caller a read renders for: the admin's own caller c, or,
// with ?as=USER, that user of c's app acting under the admin's token (so
// the core's rules decide what they see, and per-viewer fields are theirs).
func (a *api) viewer(r *http.Request, c *core.Caller) (*core.Caller, error) {
	as := r.URL.Query().Get("as")
	if as == "" {
		return c, nil
	}
	scheme, token, _ := strings.Cut(strings.TrimSpace(r.Header.Get("Authorization")), " ")
	if !strings.EqualFold(scheme, "Bearer") {
		token = ""
	}
	return a.svc.Authenticate(r.Context(), core.Credential{Kind: core.CredAdmin, Secret: strings.TrimSpace(token), AppID: c.App().ID, ActAs: as})
}
