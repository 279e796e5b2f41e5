package amity

import (
	"errors"
	"log/slog"
	"net/http"

	"parley/server/core"
	"parley/server/httpx"
)

// codeMethod is the error code of a known path asked with the wrong method
// (not a core code: only the router produces it).
const codeMethod = "method"

// wireStatus is how one core error code travels: the HTTP status, Amity's
// numeric code and, where Amity words it one way, its message.
type wireStatus struct {
	status  int
	code    int
	message string // "" keeps the core's message
}

// errorTable maps every core error code to Amity's answer: the one table.
// Validation answers HTTP 400 with Amity's validation code 500000; see
// README.md for why not the document's 500.
var errorTable = map[string]wireStatus{
	core.EINVALID:         {http.StatusBadRequest, 500000, "Parameters error."},
	core.EUNAUTHENTICATED: {http.StatusUnauthorized, 400100, ""},
	core.EFORBIDDEN:       {http.StatusForbidden, 400301, ""},
	core.ENOTFOUND:        {http.StatusNotFound, 400400, ""},
	core.ECONFLICT:        {http.StatusConflict, 400000, ""},
	core.ETOOLARGE:        {http.StatusRequestEntityTooLarge, 400000, ""},
	core.EUNSUPPORTED:     {http.StatusUnsupportedMediaType, 400000, ""},
	core.ERATELIMIT:       {http.StatusTooManyRequests, 400311, ""},
	core.EINTERNAL:        {http.StatusInternalServerError, 500000, "Unexpected error."},
	codeMethod:            {http.StatusMethodNotAllowed, 400000, ""},
}

// wireError is Amity's error body. Data carries the details of a
// validation error (the core's message, naming the field).
type wireError struct {
	Status  string           `json:"status"`
	Code    int              `json:"code"`
	Message string           `json:"message"`
	Data    *wireErrorDetail `json:"data,omitempty"`
}

type wireErrorDetail struct {
	Detail []string `json:"detail"`
}

// codedError gives an error Amity's code and message of its own where the
// table's are too coarse (an invalid paging token).
type codedError struct {
	error
	code    int
	message string
}

func (e *codedError) Unwrap() error { return e.error }

// errInvalidToken refuses a paging token that was changed or made up.
var errInvalidToken = &codedError{core.Invalidf("options.token", "the paging token was not issued by this server"), 400000, "Query Token is invalid"}

// writeError writes err as {"status": "error", "code", "message", "data"?}.
// Internal errors are logged and reported without their text.
func writeError(w http.ResponseWriter, r *http.Request, err error) {
	code := core.ErrorCode(err)
	ws, ok := errorTable[code]
	if !ok {
		ws, code = errorTable[core.EINTERNAL], core.EINTERNAL
	}
	body := wireError{Status: "error", Code: ws.code, Message: ws.message}
	if code == core.EINTERNAL {
		slog.ErrorContext(r.Context(), "amity: internal error", "method", r.Method, "path", r.URL.Path, "err", err)
	} else if body.Message == "" {
		body.Message = core.ErrorMessage(err)
	}
	if code == core.EINVALID {
		body.Data = &wireErrorDetail{Detail: []string{core.ErrorMessage(err)}}
	}
	if errors.Is(err, core.ErrNotMember) {
		body.Message = "User is not a member of a channel"
	}
	var coded *codedError
	if errors.As(err, &coded) {
		body.Code, body.Message = coded.code, coded.message
	}
	httpx.RetryAfter(w, err)
	httpx.WriteJSON(w, ws.status, body)
}

// WriteStatus writes an error of any status in Amity's shape, with the
// code Amity gives that status; fault rules answer with it.
func WriteStatus(w http.ResponseWriter, status int, message string) {
	httpx.WriteJSON(w, status, wireError{Status: "error", Code: statusCode(status), Message: message})
}

// statusCode is Amity's error code for an HTTP status, as errorTable
// gives it (a 400 is a bad request here, not a validation error: the
// message names no field).
func statusCode(status int) int {
	switch {
	case status >= 500:
		return errorTable[core.EINTERNAL].code
	case status == http.StatusBadRequest:
		return 400000
	}
	for _, ws := range errorTable {
		if ws.status == status {
			return ws.code
		}
	}
	return 400000
}
