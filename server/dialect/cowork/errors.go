package cowork

import (
	"log/slog"
	"net/http"

	"parley/server/core"
	"parley/server/httpx"
)

// codeMethod is the error code of a known path asked with the wrong method
// (not a core code: only routers produce it).
const codeMethod = "method"

// statusTable maps every core error code to CoWork's status: the one table.
var statusTable = map[string]int{
	core.EINVALID:         http.StatusBadRequest,
	core.EUNAUTHENTICATED: http.StatusUnauthorized,
	core.EFORBIDDEN:       http.StatusForbidden,
	core.ENOTFOUND:        http.StatusNotFound,
	core.ECONFLICT:        http.StatusConflict,
	core.ETOOLARGE:        http.StatusRequestEntityTooLarge,
	core.EUNSUPPORTED:     http.StatusUnsupportedMediaType,
	core.ERATELIMIT:       http.StatusTooManyRequests,
	core.EINTERNAL:        http.StatusInternalServerError,
	codeMethod:            http.StatusMethodNotAllowed,
}

// wireFields renames the core's input field names to CoWork's.
var wireFields = map[string]string{
	"body":           "text",
	"title":          "displayName",
	"name":           "displayName",
	"members":        "memberUserIDs",
	"messageId":      "messageID",
	"conversationId": "channelID",
	"q":              "query",
	"limit":          "messageCount",
}

// wireError is the error body, the same on every endpoint (i-net documents
// none): the status, its reason phrase, a message safe to show, and for a
// 400 the request field at fault.
type wireError struct {
	Status  int    `json:"status"`
	Error   string `json:"error"`
	Message string `json:"message"`
	Field   string `json:"field,omitempty"`
}

// writeError writes err as a wireError. Internal errors are logged and
// reported as "internal error".
func writeError(w http.ResponseWriter, r *http.Request, err error) {
	code := core.ErrorCode(err)
	status, known := statusTable[code]
	if !known {
		status, code = http.StatusInternalServerError, core.EINTERNAL
	}
	body := wireError{Status: status, Error: http.StatusText(status), Message: "internal error"}
	if code == core.EINTERNAL {
		slog.ErrorContext(r.Context(), "cowork: internal error", "method", r.Method, "path", r.URL.Path, "err", err)
	} else {
		body.Message = core.ErrorMessage(err)
	}
	if code == core.EINVALID {
		body.Field = core.ErrorField(err)
		if f, ok := wireFields[body.Field]; ok {
			body.Field = f
		}
	}
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Basic realm="CoWork", charset="UTF-8"`)
	}
	httpx.RetryAfter(w, err)
	httpx.WriteJSON(w, status, body)
}

// WriteStatus writes an error of any status in CoWork's error body (fault
// rules of Parley's test toolkit answer with it).
func WriteStatus(w http.ResponseWriter, status int, message string) {
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Basic realm="CoWork", charset="UTF-8"`)
	}
	httpx.WriteJSON(w, status, wireError{Status: status, Error: http.StatusText(status), Message: message})
}
