package core

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Rate is a token bucket: Burst calls at once, then one more every Every.
type Rate struct {
	Burst int
	Every time.Duration
}

// RateLimits bound the calls that hand out credentials (login, token
// creation, sessions), so a password or a user cannot be tried at speed.
// Each call spends one token of its client address's bucket and one of its
// user's (or login name's); either empty bucket refuses it with ERATELIMIT.
type RateLimits struct {
	Address Rate // per client address
	User    Rate // per user of an app (or login name tried)
	// Failures bounds failed guesses per client address (throttle.go);
	// a zero Rate leaves them unbounded.
	Failures Rate
}

// DefaultRateLimits are generous to a person and slow to a script: 30 calls
// at once then one every 2 s from one address, 10 at once then one every
// 6 s (10 a minute) for one user, 20 failed guesses at once then one every
// 3 s from one address.
var DefaultRateLimits = RateLimits{
	Address:  Rate{Burst: 30, Every: 2 * time.Second},
	User:     Rate{Burst: 10, Every: 6 * time.Second},
	Failures: Rate{Burst: 20, Every: 3 * time.Second},
}

// RateLimitError is an ERATELIMIT *Error that says when to try again.
type RateLimitError struct {
	Err        *Error
	RetryAfter time.Duration
}

func (e *RateLimitError) Error() string { return e.Err.Error() }

// Unwrap lets ErrorCode and errors.As find the *Error.
func (e *RateLimitError) Unwrap() error { return e.Err }

// RetryAfter returns how long a refused caller should wait, in whole
// seconds rounded up (at least 1), or 0 when err is no rate limit.
func RetryAfter(err error) time.Duration {
	var rl *RateLimitError
	if !errors.As(err, &rl) {
		return 0
	}
	return time.Duration(math.Max(1, math.Ceil(rl.RetryAfter.Seconds()))) * time.Second
}

type clientAddrKey struct{}

// WithClientAddr marks ctx as a request from the network at addr (an IP
// address). Only such requests are rate-limited: calls made in-process and
// through Parley's admin API carry no address.
func WithClientAddr(ctx context.Context, addr string) context.Context {
	return context.WithValue(ctx, clientAddrKey{}, addr)
}

func clientAddr(ctx context.Context) string {
	addr, _ := ctx.Value(clientAddrKey{}).(string)
	return addr
}

// rateLimiter keeps one token bucket per key, in memory.
type rateLimiter struct {
	limits  RateLimits
	mu      sync.Mutex
	buckets map[string]bucket
}

type bucket struct {
	tokens float64
	at     time.Time
}

// maxBuckets is when the limiter starts forgetting: past it, buckets
// untouched for an hour (full again at any rate Parley uses, so a new
// bucket says the same) are dropped.
const maxBuckets = 100_000

func newRateLimiter(l RateLimits) *rateLimiter {
	return &rateLimiter{limits: l, buckets: map[string]bucket{}}
}

// level returns the bucket's tokens at now.
func (l *rateLimiter) level(key string, r Rate, now time.Time) float64 {
	b, ok := l.buckets[key]
	if !ok {
		return float64(r.Burst)
	}
	if r.Every <= 0 {
		return float64(r.Burst)
	}
	refill := float64(now.Sub(b.at)) / float64(r.Every)
	return math.Min(float64(r.Burst), b.tokens+refill)
}

// allow spends one token from each key's bucket, or none and returns how
// long until both have one.
func (l *rateLimiter) allow(now time.Time, keys []string, rates []Rate) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	var wait time.Duration
	levels := make([]float64, len(keys))
	for i, key := range keys {
		levels[i] = l.level(key, rates[i], now)
		if levels[i] < 1 {
			if d := time.Duration((1 - levels[i]) * float64(rates[i].Every)); d > wait {
				wait = d
			}
		}
	}
	if wait > 0 {
		return false, wait
	}
	if len(l.buckets) > maxBuckets {
		l.forgetIdle(now)
	}
	for i, key := range keys {
		l.buckets[key] = bucket{tokens: levels[i] - 1, at: now}
	}
	return true, 0
}

func (l *rateLimiter) forgetIdle(now time.Time) {
	for key, b := range l.buckets {
		if now.Sub(b.at) > time.Hour {
			delete(l.buckets, key)
		}
	}
}

// rateLimit spends one credential call of the request's client address and
// of subject (a user or login name within app). Requests without a client
// address, and every request when limits are off, pass.
func (s *Service) rateLimit(ctx context.Context, app *App, subject string) error {
	addr := clientAddr(ctx)
	if s.rate == nil || addr == "" {
		return nil
	}
	keys := []string{"addr " + addr}
	rates := []Rate{s.rate.limits.Address}
	if subject != "" && app != nil {
		keys = append(keys, "user "+strconv.FormatInt(app.PK, 10)+" "+strings.ToLower(subject))
		rates = append(rates, s.rate.limits.User)
	}
	ok, wait := s.rate.allow(s.now(), keys, rates)
	if ok {
		return nil
	}
	err := &RateLimitError{Err: Errorf(ERATELIMIT, "too many attempts"), RetryAfter: wait}
	err.Err.Message = fmt.Sprintf("too many attempts; try again in %d s", RetryAfter(err)/time.Second)
	return err
}
