package channelize

import (
	"testing"

	"parley/server/core"
)

func TestParseAuthorization(t *testing.T) {
	for _, tc := range []struct {
		name, header   string
		scheme, secret string
		code           string // LoopBack code of the refusal; "" for success
	}{
		{"Bearer", "Bearer YWxpY2UtdG9rZW4=", "Bearer", "alice-token", ""},
		{"BearerUnpadded", "Bearer YWxpY2UtdG9rZW4", "Bearer", "alice-token", ""},
		{"BearerLowercase", "bearer YWxpY2UtdG9rZW4=", "Bearer", "alice-token", ""},
		{"Basic", "Basic ZGVtby1zZWNyZXQ=", "Basic", "demo-secret", ""},
		{"BasicKeepsColons", "Basic a2V5OnBhc3M=", "Basic", "key:pass", ""},
		{"BasicSpaces", "  Basic   ZGVtby1zZWNyZXQ=  ", "Basic", "demo-secret", ""},
		{"ErrMissing", "", "", "", "AUTHORIZATION_REQUIRED"},
		{"ErrScheme", "Token abc", "", "", "INVALID_TOKEN"},
		{"ErrNotBase64", "Bearer not*base64", "", "", "INVALID_TOKEN"},
		{"ErrEmptyValue", "Bearer", "", "", "INVALID_TOKEN"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cr, err := parseAuthorization(tc.header)
			if tc.code == "" {
				if err != nil || cr.scheme != tc.scheme || cr.secret != tc.secret {
					t.Fatalf("got %+v, %v; want %s %q", cr, err, tc.scheme, tc.secret)
				}
				return
			}
			if core.ErrorCode(err) != core.EUNAUTHENTICATED {
				t.Fatalf("got %v, want an unauthenticated error", err)
			}
			if got := loopbackCode(err); got != tc.code {
				t.Errorf("code: got %s, want %s", got, tc.code)
			}
		})
	}
}

// loopbackCode is the "code" writeError would send for err.
func loopbackCode(err error) string {
	if c, ok := err.(*codedError); ok {
		return c.code
	}
	return errorTable[core.ErrorCode(err)].code
}
