package appnet

import (
	"encoding/json"
	"net/http"
	"strings"
)

// meta is the meta object of a successful answer: the status, and for
// paginated streams the page's bounds, whether there is more, and the
// caller's stream marker.
type meta struct {
	Code   int         `json:"code"`
	MinID  string      `json:"min_id,omitempty"`
	MaxID  string      `json:"max_id,omitempty"`
	More   *bool       `json:"more,omitempty"`
	Marker *wireMarker `json:"marker,omitempty"`
}

// envelope is App.net's response envelope (the response_envelope
// migration, always on).
type envelope struct {
	Data any  `json:"data"`
	Meta meta `json:"meta"`
}

// ok writes data in the envelope with meta.code 200.
func ok(w http.ResponseWriter, r *http.Request, data any) error {
	writeEnvelope(w, r, http.StatusOK, envelope{Data: data, Meta: meta{Code: http.StatusOK}}, data)
	return nil
}

// okPage writes a paginated list; m carries its bounds and more.
func okPage(w http.ResponseWriter, r *http.Request, data any, m meta) error {
	m.Code = http.StatusOK
	if m.More == nil {
		m.More = new(bool)
	}
	writeEnvelope(w, r, http.StatusOK, envelope{Data: data, Meta: m}, data)
	return nil
}

// envelopeOff reports whether the client turned the response_envelope
// migration off for this call (X-ADN-Migration-Overrides:
// response_envelope=0): then the bare data is sent.
func envelopeOff(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("X-ADN-Migration-Overrides"), "&") {
		name, value, _ := strings.Cut(strings.TrimSpace(part), "=")
		if name == "response_envelope" {
			return value == "0"
		}
	}
	return false
}

// writeEnvelope writes v (or, with the envelope turned off, bare, the
// data alone when there is any), pretty-printed with a trailing newline
// when X-ADN-Pretty-JSON is sent.
func writeEnvelope(w http.ResponseWriter, r *http.Request, status int, v any, bare any) {
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("X-ADN-Migrations-Enabled", "response_envelope=1")
	if envelopeOff(r) && bare != nil {
		v = bare
	}
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false) // html fields go out as App.net sent them
	if r.Header.Get("X-ADN-Pretty-JSON") != "" {
		enc.SetIndent("", "    ")
	}
	_ = enc.Encode(v) // the status is sent; all that is left is to stop writing
}
