// Package httpx holds the HTTP plumbing every dialect shares: decoding JSON
// bodies into clear core errors, writing JSON, and reading query values.
// It knows no dialect's envelope.
package httpx

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"

	"parley/server/core"
)

// DecodeJSON decodes the request body into v. Bad JSON, values of the wrong
// type and (when strict) unknown fields become EINVALID errors that name the
// problem; an over-large body becomes ETOOLARGE. An empty body decodes to
// nothing when allowEmpty is true.
func DecodeJSON(r *http.Request, v any, strict, allowEmpty bool) error {
	dec := json.NewDecoder(r.Body)
	if strict {
		dec.DisallowUnknownFields()
	}
	err := dec.Decode(v)
	if errors.Is(err, io.EOF) {
		if allowEmpty {
			return nil
		}
		return core.Invalidf("body", "request body is empty; a JSON object is required")
	}
	if err != nil {
		return JSONError(err)
	}
	if dec.More() {
		return core.Invalidf("body", "request body holds more than one JSON value")
	}
	return nil
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
