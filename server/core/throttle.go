package core

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Failed guesses are throttled per client address. A failed guess is a
// credential that matched nothing: a wrong password, secret key, app token
// or admin token, or a public key or app id that no app has. Each spends
// one token of its address's RateLimits.Failures bucket. While the bucket
// is empty, every credential the address presents is refused with
// ERATELIMIT (and how long to wait) before it is checked: a right one too,
// or a guesser would learn which guess was right from which was let
// through. A wrong user token is not a guess (tokens are long and random,
// and App.net tries a token as a user's before as an app's); an expired
// token, a missing credential and an unknown user to act as are not either.

// The errors of a failed guess; each says no more than the dialects did
// before (which of key, app or token was wrong is all they tell).
var (
	errUnknownApp       = Errorf(EUNAUTHENTICATED, "invalid credentials")
	errUnknownPublicKey = &Error{Code: EUNAUTHENTICATED, Field: "publicKey", Message: "unknown public key"}
	errBadAdminToken    = Errorf(EUNAUTHENTICATED, "invalid admin token")
)

type throttleAddrKey struct{}

// WithThrottleAddr marks ctx as a request from addr for the throttle of
// failed guesses only: Parley's admin API, whose calls are not
// rate-limited (WithClientAddr) but whose wrong admin tokens are.
func WithThrottleAddr(ctx context.Context, addr string) context.Context {
	return context.WithValue(ctx, throttleAddrKey{}, addr)
}

type noThrottleKey struct{}

// withoutThrottle marks ctx as a try whose caller throttles (and counts
// the failure) itself, once for several tries.
func withoutThrottle(ctx context.Context) context.Context {
	return context.WithValue(ctx, noThrottleKey{}, true)
}

// throttleKey is the failure bucket of the request's address ("" when the
// request has none, or guesses are not throttled).
func (s *Service) throttleKey(ctx context.Context) string {
	if s.rate == nil || s.rate.limits.Failures.Burst <= 0 || ctx.Value(noThrottleKey{}) != nil {
		return ""
	}
	addr := clientAddr(ctx)
	if addr == "" {
		addr, _ = ctx.Value(throttleAddrKey{}).(string)
	}
	if addr == "" {
		return ""
	}
	return "fail " + addr
}

// throttled refuses a request whose address has no failed guess left.
func (s *Service) throttled(ctx context.Context) error {
	key := s.throttleKey(ctx)
	if key == "" {
		return nil
	}
	wait := s.rate.wait(s.now(), key, s.rate.limits.Failures)
	if wait <= 0 {
		return nil
	}
	err := &RateLimitError{Err: Errorf(ERATELIMIT, "too many failed attempts"), RetryAfter: wait}
	err.Err.Message = fmt.Sprintf("too many failed attempts; try again in %d s", RetryAfter(err)/time.Second)
	return err
}

// failed spends a token of the request's address when err is a failed
// guess of a credential of this kind.
func (s *Service) failed(ctx context.Context, kind CredentialKind, err error) {
	key := s.throttleKey(ctx)
	if key == "" || !isGuess(kind, err) {
		return
	}
	s.rate.allow(s.now(), []string{key}, []Rate{s.rate.limits.Failures})
}

// isGuess reports whether err says a credential of this kind matched
// nothing.
func isGuess(kind CredentialKind, err error) bool {
	switch {
	case errors.Is(err, errUnknownApp), errors.Is(err, errUnknownPublicKey):
		return true
	case kind == CredToken:
		return false
	}
	return errors.Is(err, errBadCredentials) || errors.Is(err, errBadAdminToken)
}

// wait returns how long until key's bucket has a token (0: it has one now),
// spending none.
func (l *rateLimiter) wait(now time.Time, key string, r Rate) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	level := l.level(key, r, now)
	if level >= 1 {
		return 0
	}
	return time.Duration((1 - level) * float64(r.Every))
}
