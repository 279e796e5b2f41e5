package appnet

import (
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"regexp"

	"parley/server/core"
	"parley/server/httpx"
)

// Error codes that only this dialect's routing produces.
const (
	codeNoRoute = "no_route" // no such endpoint: the one 404 App.net gives
	codeMethod  = "method"   // a known path asked with the wrong method
)

// errorStatus maps every core error code to App.net's HTTP status: the one
// table. A channel or message that does not exist and one the caller may
// not see get the same 403, so that existence never leaks.
var errorStatus = map[string]int{
	core.EINVALID:         http.StatusBadRequest,
	core.EUNAUTHENTICATED: http.StatusUnauthorized,
	core.EFORBIDDEN:       http.StatusForbidden,
	core.ENOTFOUND:        http.StatusForbidden,
	core.ECONFLICT:        http.StatusBadRequest,
	core.ETOOLARGE:        http.StatusRequestEntityTooLarge,
	core.EUNSUPPORTED:     http.StatusUnsupportedMediaType,
	core.ERATELIMIT:       http.StatusTooManyRequests,
	core.EINTERNAL:        http.StatusInternalServerError,
	codeNoRoute:           http.StatusNotFound,
	codeMethod:            http.StatusMethodNotAllowed,
}

// forbidden is the text of every 403 the core causes: the same whether
// the channel or message is missing, hidden, or not the caller's to change.
const forbidden = "Forbidden: the channel or message does not exist, or you may not do this"

// userTokenRequired refuses an app token where a user must act.
func userTokenRequired() error {
	return withSlug(core.Errorf(core.EFORBIDDEN, "this endpoint requires a user token"), "")
}

// keyRefText finds a quoted key reference in an error text.
var keyRefText = regexp.MustCompile(`"#([0-9]+)"`)

// errorMeta is the meta object of an error answer; an error has no data.
type errorMeta struct {
	Code         int    `json:"code"`
	ErrorMessage string `json:"error_message"`
	ErrorSlug    string `json:"error_slug,omitempty"`
}

// sluggedError carries one of App.net's error slugs (invalid-token,
// token-expired), or none, on an error the dialect made itself; the table
// decides its status.
type sluggedError struct {
	error
	slug string
}

func (e *sluggedError) Unwrap() error { return e.error }

func withSlug(err error, slug string) error {
	if err == nil {
		return nil
	}
	return &sluggedError{err, slug}
}

// WriteStatus writes an error of any HTTP status in App.net's envelope,
// {"meta": {code, error_message, error_slug}}: Parley's fault rules answer
// with it. A 401 carries the invalid-token slug, as the table's does.
func WriteStatus(w http.ResponseWriter, status int, message string) {
	m := errorMeta{Code: status, ErrorMessage: message}
	if status == http.StatusUnauthorized {
		m.ErrorSlug = "invalid-token"
	}
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("X-ADN-Migrations-Enabled", "response_envelope=1")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(struct {
		Meta errorMeta `json:"meta"`
	}{m}) // the status is sent; all that is left is to stop writing
}

// writeError writes err as {"meta": {code, error_message, error_slug}}.
// Internal errors are logged and reported as "internal error".
func writeError(w http.ResponseWriter, r *http.Request, err error) {
	code := core.ErrorCode(err)
	status, ok := errorStatus[code]
	if !ok {
		status, code = http.StatusInternalServerError, core.EINTERNAL
	}
	m := errorMeta{Code: status, ErrorMessage: "internal error"}
	var s *sluggedError
	own := errors.As(err, &s)
	switch {
	case code == core.EINTERNAL:
		slog.ErrorContext(r.Context(), "appnet: internal error", "method", r.Method, "path", r.URL.Path, "err", err)
	case status == http.StatusForbidden && !own:
		// The core's reasons would tell a missing channel or message from
		// one the caller may not see.
		m.ErrorMessage = forbidden
	default:
		// The core quotes ids as it was given them: App.net's integers
		// travel as key references ("#7"), which the client never wrote.
		m.ErrorMessage = keyRefText.ReplaceAllString(core.ErrorMessage(err), `"$1"`)
	}
	if code == core.EUNAUTHENTICATED {
		m.ErrorSlug = "invalid-token"
	}
	if own {
		m.ErrorSlug = s.slug
	}
	httpx.RetryAfter(w, err)
	writeEnvelope(w, r, status, struct {
		Meta errorMeta `json:"meta"`
	}{m}, nil)
}
