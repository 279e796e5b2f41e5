package admin

import (
	"net/http"

	"parley/server/core"
)

// viewer is the caller a read renders for: the admin's own caller c, or,
// with ?as=USER, that user of c's app acting under the admin's token (so
// the core's rules decide what they see, and per-viewer fields are theirs).
func (a *api) viewer(r *http.Request, c *core.Caller) (*core.Caller, error) {
	if as := r.URL.Query().Get("as"); as != "" {
		return a.actAs(r, c, as)
	}
	return c, nil
}
