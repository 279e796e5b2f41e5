package server

import "testing"

func TestIsSlowAnswer(t *testing.T) {
	tests := []struct {
		contentType string
		want        bool
	}{
		{"application/json", false},
		{"application/json; charset=utf-8", false},
		{"Application/JSON", false},
		{"application/problem+json", false},
		{"text/event-stream", false},
		{"", false},
		{"image/png", true},
		{"application/octet-stream", true},
		{"text/plain; charset=utf-8", true},
		{"text/html; charset=utf-8", true},
	}
	for _, tt := range tests {
		if got := isSlowAnswer(tt.contentType); got != tt.want {
			t.Errorf("isSlowAnswer(%q) = %v, want %v", tt.contentType, got, tt.want)
		}
	}
}
