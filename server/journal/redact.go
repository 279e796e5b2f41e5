package journal

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
)

// Redacted stands where a credential was.
const Redacted = "[redacted]"

// secretWord reports whether a header, query parameter or JSON key names a
// credential: passwords, tokens, secret, private and API keys.
func secretWord(name string) bool {
	n := strings.ToLower(strings.NewReplacer("-", "", "_", "").Replace(name))
	for _, w := range []string{"password", "passwd", "token", "secret", "apikey", "privatekey", "authorization", "cookie", "credential"} {
		if strings.Contains(n, w) {
			return true
		}
	}
	return false
}

// Headers returns the request's headers with credentials redacted.
func Headers(h http.Header) map[string]string {
	out := make(map[string]string, len(h))
	for name, vs := range h {
		v := strings.Join(vs, ", ")
		if secretWord(name) {
			v = redactAuth(v)
		}
		out[name] = v
	}
	return out
}

// redactAuth keeps an Authorization scheme (Bearer, Basic) and hides the
// rest, so a reader still sees how the client authenticated.
func redactAuth(v string) string {
	if scheme, _, ok := strings.Cut(v, " "); ok && len(scheme) < 16 {
		return scheme + " " + Redacted
	}
	return Redacted
}

// Query returns a raw query with credential parameters (access_token,
// api_key, password, ...) and known secrets redacted.
func Query(raw string, secrets []string) string {
	if raw == "" {
		return ""
	}
	for _, secret := range secrets {
		if len(secret) >= 4 {
			raw = strings.ReplaceAll(raw, url.QueryEscape(secret), Redacted)
		}
	}
	q, err := url.ParseQuery(raw)
	if err != nil {
		return Redacted
	}
	changed := false
	for name := range q {
		if secretWord(name) {
			q[name], changed = []string{Redacted}, true
		}
	}
	if !changed {
		return raw
	}
	return q.Encode()
}

var (
	// A JSON member whose key names a credential, with a string or other
	// scalar value; it works on a body cut short too.
	jsonSecret = regexp.MustCompile(`(?i)("[a-z0-9_\-]*(?:password|passwd|token|secret|api_?key|private_?key|credential)[a-z0-9_\-]*"\s*:\s*)("(?:[^"\\]|\\.)*"?|[^,}\s]+)`)
	// A form field naming a credential.
	formSecret = regexp.MustCompile(`(?i)((?:^|&)[a-z0-9_\-]*(?:password|passwd|token|secret|api_?key|private_?key)[a-z0-9_\-]*=)[^&]*`)
)

// Body returns a body with credentials redacted: JSON members and form
// fields whose name names one, and every known secret wherever it is.
func Body(b []byte, secrets []string) string {
	if len(b) == 0 {
		return ""
	}
	s := string(b)
	for _, secret := range secrets {
		if len(secret) >= 4 {
			s = strings.ReplaceAll(s, secret, Redacted)
		}
	}
	s = jsonSecret.ReplaceAllString(s, `${1}"`+Redacted+`"`)
	if !strings.HasPrefix(strings.TrimSpace(s), "{") && !strings.HasPrefix(strings.TrimSpace(s), "[") {
		s = formSecret.ReplaceAllString(s, `${1}`+Redacted)
	}
	return s
}
