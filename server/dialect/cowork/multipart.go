package cowork

import (
	"net/http"

	"github.com/julienschmidt/httprouter"

	"parley/server/core"
)

// createMultipart sends a message with attachments.
func (a *api) createMultipart(w http.ResponseWriter, r *http.Request, c *core.Caller, p httprouter.Params) error {
	return core.Invalidf("attachments", "attachments are not accepted yet")
}
