// Package httpx holds the HTTP plumbing every dialect shares: decoding JSON
// bodies into clear core errors, writing JSON, and reading query values.
// It knows no dialect's envelope.
package httpx

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"parley/server/core"
)

// DecodeJSON decodes the request body into v. Bad JSON, values of the wrong
// type and (when strict) unknown fields become EINVALID errors that name the
// problem; an over-large body becomes ETOOLARGE. Input is strict: a body
// that is not valid UTF-8 is refused rather than silently repaired, a
// literal null is no object, a second JSON value after the first is
// refused, and a body sent as another media type than JSON is
// EUNSUPPORTED (415). An empty body decodes to nothing when allowEmpty is
// true.
func DecodeJSON(r *http.Request, v any, strict, allowEmpty bool) error {
	data, err := io.ReadAll(r.Body)
	if err != nil {
		return JSONError(err)
	}
	if len(bytes.TrimSpace(data)) == 0 {
		if allowEmpty {
			return nil
		}
		return core.Invalidf("body", "request body is empty; a JSON object is required")
	}
	if err := CheckJSONType(r); err != nil {
		return err
	}
	if !utf8.Valid(data) {
		return core.Invalidf("body", "request body is not valid UTF-8")
	}
	if bytes.Equal(bytes.TrimSpace(data), []byte("null")) {
		return core.Invalidf("body", "request body is null; a JSON object is required")
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	if strict {
		dec.DisallowUnknownFields()
	}
	if err := dec.Decode(v); err != nil {
		return JSONError(err)
	}
	if dec.More() {
		return core.Invalidf("body", "request body holds more than one JSON value")
	}
	return nil
}

// CheckJSONType refuses a request whose Content-Type names another media
// type than JSON (application/json or any */*+json). A request without a
// Content-Type is read as JSON.
func CheckJSONType(r *http.Request) error {
	ct := r.Header.Get("Content-Type")
	if ct == "" {
		return nil
	}
	mt, _, err := mime.ParseMediaType(ct)
	if err == nil && (mt == "application/json" || strings.HasSuffix(mt, "+json")) {
		return nil
	}
	return core.Errorf(core.EUNSUPPORTED, "Content-Type %q is not accepted here; send application/json", ct)
}

// JSONError turns an encoding/json or body-reading error into a core error.
func JSONError(err error) error {
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		return core.Errorf(core.ETOOLARGE, "request body is larger than %d bytes", tooBig.Limit)
	case errors.As(err, &syntax):
		return core.Invalidf("body", "malformed JSON at byte %d: %s", syntax.Offset, syntax.Error())
	case errors.As(err, &typ):
		field := typ.Field
		if field == "" {
			field = "body"
		}
		return core.Invalidf(field, "%s must be %s, not %s", field, jsonKind(typ.Type.Kind().String()), typ.Value)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return core.Invalidf("body", "malformed JSON: unexpected end of input")
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		name := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return core.Invalidf(name, "unknown field %q", name)
	}
	return core.Invalidf("body", "cannot read JSON body: %v", err)
}

func jsonKind(kind string) string {
	switch kind {
	case "string":
		return "a string"
	case "bool":
		return "a boolean"
	case "slice", "array":
		return "an array"
	case "map", "struct", "ptr":
		return "an object"
	case "int", "int64", "int32", "uint", "uint64", "float64", "float32":
		return "a number"
	}
	return "of another type"
}

// WriteJSON writes v as JSON with the status.
func WriteJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	if err := json.NewEncoder(w).Encode(v); err != nil {
		// The status is sent; all that is left is to stop writing.
		return
	}
}

// QueryList splits a comma-separated query value; empty parts are dropped.
func QueryList(r *http.Request, name string) []string {
	raw := r.URL.Query().Get(name)
	if raw == "" {
		return nil
	}
	var out []string
	for _, p := range strings.Split(raw, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// QueryInt reads an integer query value, def when absent.
func QueryInt(r *http.Request, name string, def int) (int, error) {
	raw := r.URL.Query().Get(name)
	if raw == "" {
		return def, nil
	}
	n, err := strconv.Atoi(raw)
	if err != nil {
		return 0, core.Invalidf(name, "%s must be an integer, not %q", name, raw)
	}
	return n, nil
}

// QueryBool reads a boolean query value, nil when absent.
func QueryBool(r *http.Request, name string) (*bool, error) {
	raw := r.URL.Query().Get(name)
	if raw == "" {
		return nil, nil
	}
	b, err := strconv.ParseBool(raw)
	if err != nil {
		return nil, core.Invalidf(name, "%s must be true or false, not %q", name, raw)
	}
	return &b, nil
}

// RawObject checks that a raw JSON value is an object (or null/absent) and
// returns it compacted, nil for null or absent.
func RawObject(field string, raw json.RawMessage) ([]byte, error) {
	s := strings.TrimSpace(string(raw))
	if s == "" || s == "null" {
		return nil, nil
	}
	if !strings.HasPrefix(s, "{") {
		return nil, core.Invalidf(field, "%s must be a JSON object", field)
	}
	return []byte(s), nil
}

// RetryAfter sets the Retry-After header (whole seconds) when err is a
// core rate limit; each dialect's error writer calls it before writing.
func RetryAfter(w http.ResponseWriter, err error) {
	if d := core.RetryAfter(err); d > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(int(d.Seconds())))
	}
}

// Page reads skip and limit from the query, with the given default limit
// (0: the core's).
func Page(r *http.Request, defLimit int) (core.Page, error) {
	skip, err := QueryInt(r, "skip", 0)
	if err != nil {
		return core.Page{}, err
	}
	limit, err := QueryInt(r, "limit", defLimit)
	return core.Page{Skip: skip, Limit: limit}, err
}
