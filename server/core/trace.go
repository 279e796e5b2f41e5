package core

import "context"

// Trace is what the core learns about one request while serving it: the
// dialect it came through (set by the server before any core call) and the
// app and user its credentials named (set by the core as it authenticates).
// The server's request journal reads it after the answer; OnCaller lets the
// server's fault rules refuse the request before any write happens.
// A Trace belongs to one request and is used by its goroutine only.
type Trace struct {
	Dialect string
	AppID   string
	UserID  string
	// Secrets are the credentials the request presented or was issued
	// (tokens, keys, passwords): a journal hides them wherever they appear.
	Secrets []string
	// OnCaller, when set, is called each time the core authenticates the
	// request's caller, before the call returns; an error it returns is
	// the authentication's error (the server then answers for it).
	OnCaller func(t *Trace) error
}

type traceKey struct{}

// WithTrace returns ctx carrying t.
func WithTrace(ctx context.Context, t *Trace) context.Context {
	return context.WithValue(ctx, traceKey{}, t)
}

// TraceFrom returns the request's trace, or nil.
func TraceFrom(ctx context.Context) *Trace {
	t, _ := ctx.Value(traceKey{}).(*Trace)
	return t
}

// dialectOf names the dialect a request came through ("" outside one).
func dialectOf(ctx context.Context) string {
	if t := TraceFrom(ctx); t != nil {
		return t.Dialect
	}
	return ""
}

// noteSecret records a credential the request presented or was issued.
func noteSecret(ctx context.Context, secret string) {
	if t := TraceFrom(ctx); t != nil && secret != "" {
		t.Secrets = append(t.Secrets, secret)
	}
}

// noteCaller records the authenticated caller on the request's trace and
// returns OnCaller's verdict.
func noteCaller(ctx context.Context, app *App, u *User) error {
	t := TraceFrom(ctx)
	if t == nil {
		return nil
	}
	if app != nil {
		t.AppID = app.ID
	}
	if u != nil {
		t.UserID = u.ID
	}
	if t.OnCaller != nil {
		return t.OnCaller(t)
	}
	return nil
}
