package core

import (
	"context"
	"testing"
	"time"
)

func TestIsGuess(t *testing.T) {
	tests := []struct {
		name string
		kind CredentialKind
		err  error
		want bool
	}{
		{"WrongSecret", CredSecret, errBadCredentials, true},
		{"WrongPassword", CredPassword, errBadCredentials, true},
		{"WrongAppToken", CredAppToken, errBadCredentials, true},
		{"WrongBearer", CredBearer, errBadCredentials, true},
		{"WrongAdminToken", CredAdmin, errBadAdminToken, true},
		{"UnknownPublicKey", CredToken, errUnknownPublicKey, true},
		{"UnknownApp", CredNone, errUnknownApp, true},
		{"WrongUserToken", CredToken, errBadCredentials, false},
		{"ExpiredToken", CredToken, Errorf(EUNAUTHENTICATED, "token expired"), false},
		{"MissingSecret", CredSecret, Errorf(EUNAUTHENTICATED, "missing secret key"), false},
		{"RateLimited", CredSecret, &RateLimitError{Err: Errorf(ERATELIMIT, "x")}, false},
		{"Internal", CredSecret, context.Canceled, false},
		{"None", CredSecret, nil, false},
	}
	for _, tt := range tests {
		if got := isGuess(tt.kind, tt.err); got != tt.want {
			t.Errorf("%s: isGuess = %v, want %v", tt.name, got, tt.want)
		}
	}
}

// The throttle keys on the request's address, from either mark, and is off
// without one or without a Failures rate.
func TestThrottleKey(t *testing.T) {
	on := &Service{rate: newRateLimiter(RateLimits{Failures: Rate{Burst: 1, Every: time.Second}})}
	off := &Service{rate: newRateLimiter(RateLimits{})}
	bg := context.Background()
	tests := []struct {
		name string
		s    *Service
		ctx  context.Context
		want string
	}{
		{"Client", on, WithClientAddr(bg, "10.0.0.1"), "fail 10.0.0.1"},
		{"Admin", on, WithThrottleAddr(bg, "10.0.0.2"), "fail 10.0.0.2"},
		{"NoAddress", on, bg, ""},
		{"TriesOfOneCall", on, withoutThrottle(WithClientAddr(bg, "10.0.0.1")), ""},
		{"NoFailuresRate", off, WithClientAddr(bg, "10.0.0.1"), ""},
		{"LimitsOff", &Service{}, WithClientAddr(bg, "10.0.0.1"), ""},
	}
	for _, tt := range tests {
		if got := tt.s.throttleKey(tt.ctx); got != tt.want {
			t.Errorf("%s: %q, want %q", tt.name, got, tt.want)
		}
	}
}
