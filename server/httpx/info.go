package httpx

import (
	"context"
	"net/http"
)

// Info is what the server's request log and metrics learn about a request
// from the handler that served it. The server puts an empty one in every
// request's context; a dialect fills in what it knows (its route pattern
// once matched, the app once authenticated). Never a credential or a body.
type Info struct {
	Dialect string // "channelize", "admin", ...: set by the server from the prefix
	Route   string // the route pattern as listed, e.g. "/v2/messages/:id/pin"
	App     string // the id of the app the request acted in
	Pattern string // the server's ServeMux pattern matched ("/v2/"); set by the server
	// Err is the internal error a handler answered 500 for. The server
	// logs it with the request's line, through the instance's logger.
	Err error
}

// InternalError records err, an internal error about to be answered as a
// 500, for the server's request log. Every dialect's error writer calls it
// instead of logging on its own.
func InternalError(r *http.Request, err error) {
	InfoOf(r.Context()).Err = err
}

type infoKey struct{}

// WithInfo returns r with a fresh Info in its context, and the Info.
func WithInfo(r *http.Request) (*http.Request, *Info) {
	info := &Info{}
	return r.WithContext(context.WithValue(r.Context(), infoKey{}, info)), info
}

// InfoOf returns the request's Info; outside the server (a handler under
// test on its own) it returns a throwaway one, so callers never check.
func InfoOf(ctx context.Context) *Info {
	if info, ok := ctx.Value(infoKey{}).(*Info); ok {
		return info
	}
	return &Info{}
}
