package admin

import (
	"net/http"

	"parley/server/core"
)

// actAs is the caller acting as one of the app's users, under that user's
// own rights (the admin token proves the right to act as them). The
// token was proven already, so a refusal here is about the user: an
// unknown one is 404, not 401 (which would tell the inspector its token
// was refused).
func (a *api) actAs(r *http.Request, c *core.Caller, userID string) (*core.Caller, error) {
	as, err := a.svc.Authenticate(r.Context(), core.Credential{Kind: core.CredAdmin, Secret: bearerToken(r), AppID: c.App().ID, ActAs: userID})
	if core.ErrorCode(err) == core.EUNAUTHENTICATED {
		return nil, core.Errorf(core.ENOTFOUND, "user %q not found", userID)
	}
	return as, err
}
