package channelize

import (
	"errors"
	"net/http"
	"strings"

	"parley/server/core"
	"parley/server/httpx"
)

// codeMethod is the error code of a known path asked with the wrong method
// (not a core code: only routers produce it).
const codeMethod = "method"

// wireStatus is how one core error code travels: the HTTP status and
// LoopBack's error name and code.
type wireStatus struct {
	status int
	name   string
	code   string
}

// errorTable maps every core error code to Channelize's answer: the one
// table. Channelize runs on LoopBack 3, whose error body this is.
var errorTable = map[string]wireStatus{
	core.EINVALID:         {http.StatusBadRequest, "ValidationError", "INVALID_PARAMETER"},
	core.EUNAUTHENTICATED: {http.StatusUnauthorized, "Error", "AUTHORIZATION_REQUIRED"},
	core.EFORBIDDEN:       {http.StatusForbidden, "Error", "ACCESS_DENIED"},
	core.ENOTFOUND:        {http.StatusNotFound, "Error", "MODEL_NOT_FOUND"},
	core.ECONFLICT:        {http.StatusConflict, "Error", "CONFLICT"},
	core.ETOOLARGE:        {http.StatusRequestEntityTooLarge, "Error", "PAYLOAD_TOO_LARGE"},
	core.ERATELIMIT:       {http.StatusTooManyRequests, "Error", "TOO_MANY_REQUESTS"},
	core.EUNSUPPORTED:     {http.StatusUnsupportedMediaType, "Error", "UNSUPPORTED_MEDIA_TYPE"},
	core.EINTERNAL:        {http.StatusInternalServerError, "Error", "INTERNAL_SERVER_ERROR"},
	codeMethod:            {http.StatusMethodNotAllowed, "Error", "METHOD_NOT_ALLOWED"},
}

// wireFields renames the core's input field names to Channelize's.
var wireFields = map[string]string{
	"metadata":  "metaData",
	"avatarUrl": "profileImageUrl",
	"kind":      "type",
	"messageId": "messageIds",
}

// wireError is LoopBack's error body. Field names the input at fault of a
// 400; it is left out otherwise.
type wireError struct {
	Error wireErrorBody `json:"error"`
}

type wireErrorBody struct {
	StatusCode int    `json:"statusCode"`
	Name       string `json:"name"`
	Message    string `json:"message"`
	Code       string `json:"code"`
	Field      string `json:"field,omitempty"`
}

// codedError refines the LoopBack code of an error whose status the table
// decides (a 401 for a rejected rather than a missing credential).
type codedError struct {
	error
	code string
}

func (e *codedError) Unwrap() error { return e.error }

func withCode(err error, code string) error {
	if err == nil {
		return nil
	}
	return &codedError{err, code}
}

// writeError writes err as {"error": {statusCode, name, message, code}}.
// Internal errors are logged and reported as "internal error".
func writeError(w http.ResponseWriter, r *http.Request, err error) {
	code := core.ErrorCode(err)
	ws, ok := errorTable[code]
	if !ok {
		ws, code = errorTable[core.EINTERNAL], core.EINTERNAL
	}
	body := wireErrorBody{StatusCode: ws.status, Name: ws.name, Code: ws.code, Message: "internal error"}
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
	var coded *codedError
	if errors.As(err, &coded) {
		body.Code = coded.code
	}
	httpx.RetryAfter(w, err)
	httpx.WriteJSON(w, ws.status, wireError{body})
}

// WriteStatus writes an error of any HTTP status in Channelize's (LoopBack's)
// shape. Parley's fault rules answer with it; a status of the table keeps
// the table's name and code, any other gets its status text as code.
func WriteStatus(w http.ResponseWriter, status int, message string) {
	body := wireErrorBody{StatusCode: status, Name: "Error", Message: message,
		Code: strings.ToUpper(strings.ReplaceAll(http.StatusText(status), " ", "_"))}
	for _, ws := range errorTable {
		if ws.status == status {
			body.Name, body.Code = ws.name, ws.code
			break
		}
	}
	httpx.WriteJSON(w, status, wireError{body})
}
