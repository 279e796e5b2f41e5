package core

import (
	"testing"
	"time"
)

func TestRateLimiter(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	r := Rate{Burst: 2, Every: 10 * time.Second}
	tests := []struct {
		name     string
		at       time.Duration
		key      string
		ok       bool
		wantWait time.Duration
	}{
		{"First", 0, "a", true, 0},
		{"Second", 0, "a", true, 0},
		{"ErrEmpty", time.Second, "a", false, 9 * time.Second},
		{"OtherKey", time.Second, "b", true, 0},
		{"Refilled", 10 * time.Second, "a", true, 0},
		{"ErrEmptyAgain", 11 * time.Second, "a", false, 9 * time.Second},
		{"FullAfterLong", time.Hour, "a", true, 0},
		{"StillOneLeft", time.Hour, "a", true, 0},
	}
	l := newRateLimiter(RateLimits{})
	for _, tt := range tests {
		ok, wait := l.allow(t0.Add(tt.at), []string{tt.key}, []Rate{r})
		if ok != tt.ok || wait != tt.wantWait {
			t.Errorf("%s: got %v %v, want %v %v", tt.name, ok, wait, tt.ok, tt.wantWait)
		}
	}
	if got := RetryAfter(&RateLimitError{Err: Errorf(ERATELIMIT, "x"), RetryAfter: 1500 * time.Millisecond}); got != 2*time.Second {
		t.Errorf("RetryAfter rounds up: got %v", got)
	}
	if got := ErrorCode(&RateLimitError{Err: Errorf(ERATELIMIT, "x")}); got != ERATELIMIT {
		t.Errorf("ErrorCode: %q", got)
	}
}
