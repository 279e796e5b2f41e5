package core

import (
	"errors"
	"fmt"
)

// Error codes. Every dialect maps each code to its own status and envelope in
// one table; the code, not the text, decides the status.
const (
	EINVALID         = "invalid"         // bad input; Field names the culprit
	EUNAUTHENTICATED = "unauthenticated" // no or bad credentials
	EFORBIDDEN       = "forbidden"       // authenticated, but not allowed
	ENOTFOUND        = "not_found"       // no such thing (or not visible)
	ECONFLICT        = "conflict"        // clashes with what is stored
	ETOOLARGE        = "too_large"       // over a size limit
	ERATELIMIT       = "rate_limited"    // too many attempts; RetryAfter says when to try again
	EUNSUPPORTED     = "unsupported"     // a body of a media type the route does not take
	EINTERNAL        = "internal"        // our fault; text never reaches a client
)

// Error is the one error type of the domain. Its Message is safe to show to a
// client; anything else (wrapped driver errors) is reported as EINTERNAL.
type Error struct {
	Code    string
	Field   string // for EINVALID: the input field at fault, in the core's naming
	Message string
}

func (e *Error) Error() string {
	if e.Field != "" {
		return fmt.Sprintf("core %s (%s): %s", e.Code, e.Field, e.Message)
	}
	return fmt.Sprintf("core %s: %s", e.Code, e.Message)
}

// Errorf returns an *Error with the given code and formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Invalidf returns an EINVALID error that names the field at fault.
func Invalidf(field, format string, args ...any) *Error {
	return &Error{Code: EINVALID, Field: field, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the first *Error in err's chain, EINTERNAL for
// any other error, and "" for nil.
func ErrorCode(err error) string {
	var e *Error
	switch {
	case err == nil:
		return ""
	case errors.As(err, &e):
		return e.Code
	default:
		return EINTERNAL
	}
}

// ErrorMessage returns the client-safe message of err: the *Error's text, or
// "internal error" for anything else.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "internal error"
}

// ErrorField returns the field named by an EINVALID error, or "".
func ErrorField(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Field
	}
	return ""
}
