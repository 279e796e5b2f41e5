package sceyt

import (
	"net/http"
	"strings"

	"parley/server/core"
	"parley/server/httpx"
)

// codeMethod is the error code of a known path asked with the wrong method
// (not a core code: only the router produces it).
const codeMethod = "method_not_allowed"

// errorTable is the one table from a core error code to Sceyt's answer: the
// HTTP status and the error's name.
var errorTable = map[string]struct {
	status int
	name   string
}{
	core.EINVALID:         {http.StatusBadRequest, "bad_request"},
	core.EUNAUTHENTICATED: {http.StatusUnauthorized, "unauthorized"},
	core.EFORBIDDEN:       {http.StatusForbidden, "forbidden"},
	core.ENOTFOUND:        {http.StatusNotFound, "not_found"},
	core.ECONFLICT:        {http.StatusConflict, "conflict"},
	core.ETOOLARGE:        {http.StatusRequestEntityTooLarge, "too_large"},
	core.EUNSUPPORTED:     {http.StatusUnsupportedMediaType, "unsupported_media_type"},
	core.ERATELIMIT:       {http.StatusTooManyRequests, "too_many_requests"},
	core.EINTERNAL:        {http.StatusInternalServerError, "internal_error"},
	codeMethod:            {http.StatusMethodNotAllowed, "method_not_allowed"},
}

// wireFields renames the core's input field names to Sceyt's.
var wireFields = map[string]string{
	"conversationId": "channel_id",
	"userId":         "from",
	"messageId":      "message_id",
	"messageIds":     "message_id",
	"title":          "subject",
	"customType":     "label",
	"avatarUrl":      "avatar",
	"displayName":    "first_name",
	"kind":           "type",
}

// wireError is the error body of every refusal:
// {"code": 404, "error": "not_found", "message": "...", "field": "from"}.
// field is present on 400s that can name the input at fault.
type wireError struct {
	Code    int    `json:"code"`
	Error   string `json:"error"`
	Message string `json:"message"`
	Field   string `json:"field,omitempty"`
}

// writeError writes err; internal errors are logged and reported as
// "internal error".
func writeError(w http.ResponseWriter, r *http.Request, err error) {
	code := core.ErrorCode(err)
	t, ok := errorTable[code]
	if !ok {
		t, code = errorTable[core.EINTERNAL], core.EINTERNAL
	}
	body := wireError{Code: t.status, Error: t.name, Message: "internal error"}
	if code == core.EINTERNAL {
		httpx.InternalError(r, err)
	} else {
		body.Message = core.ErrorMessage(err)
	}
	if code == core.EINVALID {
		body.Field = core.ErrorField(err)
		if f, ok := wireFields[body.Field]; ok {
			body.Field = f
		}
	}
	httpx.RetryAfter(w, err)
	httpx.WriteJSON(w, t.status, body)
}

// WriteStatus writes an error of any HTTP status in Sceyt's shape. Parley's
// fault rules answer with it; a status of the table keeps the table's name,
// any other gets its status text.
func WriteStatus(w http.ResponseWriter, status int, message string) {
	body := wireError{Code: status, Error: strings.ToLower(strings.ReplaceAll(http.StatusText(status), " ", "_")), Message: message}
	for _, t := range errorTable {
		if t.status == status {
			body.Error = t.name
			break
		}
	}
	httpx.WriteJSON(w, status, body)
}
