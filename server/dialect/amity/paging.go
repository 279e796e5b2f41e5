package amity

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"strconv"

	"parley/server/core"
)

// Paging tokens are base64 of a JSON object {"p": state, "s": mac}: the
// state of the next query (cursor, size, filters) and an HMAC-SHA256 of it
// (128 bits) under a key derived from the app's secret-key hash, which
// never leaves the server. A token is thus opaque to clients in meaning,
// tamper-evident, valid for its app only, and still valid after a restart.
// The state's cursor is a message (keyset), so a page does not move when
// messages arrive. Amity's SDK base64-decodes and parses some tokens
// itself, hence base64 of JSON.

type sealed struct {
	P json.RawMessage `json:"p"`
	S string          `json:"s"`
}

// wirePaging is v3's paging: next goes on in the list's order, prev back.
type wirePaging struct {
	Next string `json:"next,omitempty"`
	Prev string `json:"prev,omitempty"`
}

// tokenKey derives the app's paging key.
func tokenKey(app *core.App) []byte {
	m := hmac.New(sha256.New, []byte(app.SecretHash))
	m.Write([]byte("parley amity paging tokens"))
	return m.Sum(nil)
}

// tokenMAC signs a state for one list (scope): a token of one list is
// refused by every other.
func tokenMAC(app *core.App, scope string, payload []byte) []byte {
	m := hmac.New(sha256.New, tokenKey(app))
	m.Write([]byte(scope))
	m.Write([]byte{0})
	m.Write(payload)
	return m.Sum(nil)[:16]
}

// sealToken returns the token of a query state.
func (a *api) sealToken(app *core.App, scope string, state any) string {
	p, err := json.Marshal(state)
	if err != nil {
		panic("amity: paging state does not encode: " + err.Error())
	}
	b, _ := json.Marshal(sealed{P: p, S: base64.RawURLEncoding.EncodeToString(tokenMAC(app, scope, p))})
	return base64.RawURLEncoding.EncodeToString(b)
}

// openToken checks a token and decodes its state; any change to it, or a
// token of another app, is "Query Token is invalid".
func (a *api) openToken(app *core.App, scope, token string, state any) error {
	if len(token) > 1000 {
		return errInvalidToken
	}
	raw, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil {
		return errInvalidToken
	}
	var s sealed
	if err := json.Unmarshal(raw, &s); err != nil || len(s.P) == 0 {
		return errInvalidToken
	}
	mac, err := base64.RawURLEncoding.DecodeString(s.S)
	if err != nil || !hmac.Equal(mac, tokenMAC(app, scope, s.P)) {
		return errInvalidToken
	}
	if err := json.Unmarshal(s.P, state); err != nil {
		return errInvalidToken
	}
	return nil
}

// intOption reads an integer option within bounds.
func intOption(name, raw string, min, max int) (int, error) {
	n, err := strconv.Atoi(raw)
	if err != nil || n < min || n > max {
		return 0, core.Invalidf(name, "The '%s' field must be an integer from %d to %d.", name, min, max)
	}
	return n, nil
}
