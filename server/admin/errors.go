package admin

import (
	"net/http"

	"parley/server/core"
	"parley/server/httpx"
)

// statuses maps core error codes to HTTP statuses: the one table.
var statuses = map[string]int{
	core.EINVALID:         http.StatusBadRequest,
	core.EUNAUTHENTICATED: http.StatusUnauthorized,
	core.EFORBIDDEN:       http.StatusForbidden,
	core.ENOTFOUND:        http.StatusNotFound,
	core.ECONFLICT:        http.StatusConflict,
	core.ETOOLARGE:        http.StatusRequestEntityTooLarge,
	core.ERATELIMIT:       http.StatusTooManyRequests,
	core.EUNSUPPORTED:     http.StatusUnsupportedMediaType,
	core.EINTERNAL:        http.StatusInternalServerError,
	"method":              http.StatusMethodNotAllowed,
}

type wireError struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
		Field   string `json:"field,omitempty"`
	} `json:"error"`
}

// writeError writes err as {"error": {"code", "message", "field"}}.
func writeError(w http.ResponseWriter, r *http.Request, err error) {
	code := core.ErrorCode(err)
	if code == core.EINTERNAL {
		httpx.InternalError(r, err)
	}
	status, ok := statuses[code]
	if !ok {
		status = http.StatusInternalServerError
	}
	var body wireError
	body.Error.Code, body.Error.Message, body.Error.Field = code, core.ErrorMessage(err), core.ErrorField(err)
	httpx.RetryAfter(w, err)
	httpx.WriteJSON(w, status, body)
}
