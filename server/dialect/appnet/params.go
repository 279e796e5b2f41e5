package appnet

import (
	"net/http"
	"strconv"
	"strings"

	"parley/server/core"
	"parley/server/httpx"
)

// defaultCount is App.net's page size when count is not given.
const defaultCount = 20

// flag reads a 0/1 general parameter (true/false are taken too).
func flag(r *http.Request, name string, def bool) (bool, error) {
	raw := strings.TrimSpace(r.URL.Query().Get(name))
	switch strings.ToLower(raw) {
	case "":
		return def, nil
	case "1", "true":
		return true, nil
	case "0", "false":
		return false, nil
	}
	return false, core.Invalidf(name, "%s must be 0 or 1, not %q", name, raw)
}

// streamParams reads the pagination parameters (since_id, before_id,
// count) and the message general parameters of a request.
func streamParams(r *http.Request) (core.StreamQuery, messageOptions, error) {
	var q core.StreamQuery
	var o messageOptions
	var err error
	for _, p := range []struct {
		name string
		dst  *int64
	}{{"since_id", &q.SinceKey}, {"before_id", &q.BeforeKey}} {
		raw := strings.TrimSpace(r.URL.Query().Get(p.name))
		if raw == "" {
			continue
		}
		// The caller's read position: Parley keeps one, so last_read
		// and marker are the same.
		switch raw {
		case "last_read", "marker", "last_read_inclusive", "marker_inclusive":
			q.SinceRead = q.SinceRead || p.name == "since_id"
			q.BeforeRead = q.BeforeRead || p.name == "before_id"
			q.ReadInclusive = q.ReadInclusive || strings.HasSuffix(raw, "_inclusive")
			continue
		}
		n, err := strconv.ParseInt(raw, 10, 64)
		if err != nil || n < 0 {
			return q, o, core.Invalidf(p.name, "%s must be a message id, not %q", p.name, raw)
		}
		*p.dst = n
	}
	q.Count = defaultCount
	if raw := strings.TrimSpace(r.URL.Query().Get("count")); raw != "" {
		n, err := strconv.Atoi(raw)
		if err != nil {
			return q, o, core.Invalidf("count", "count must be an integer, not %q", raw)
		}
		if n != 0 {
			q.Count = n
		}
	}
	if q.IncludeDeleted, err = flag(r, "include_deleted", true); err != nil {
		return q, o, err
	}
	if q.IncludeMachine, err = flag(r, "include_machine", false); err != nil {
		return q, o, err
	}
	o, err = messageParams(r)
	o.paginated = true
	return q, o, err
}

// messageParams reads the general parameters that shape a message.
func messageParams(r *http.Request) (messageOptions, error) {
	o := messageOptions{base: baseURL(r)}
	var err error
	if o.html, err = flag(r, "include_html", true); err != nil {
		return o, err
	}
	for _, name := range []string{"include_annotations", "include_message_annotations"} {
		on, err := flag(r, name, false)
		if err != nil {
			return o, err
		}
		o.annotations = o.annotations || on
	}
	for _, name := range []string{"include_muted", "include_user_annotations"} {
		if _, err := flag(r, name, false); err != nil {
			return o, err
		}
	}
	return o, nil
}

// baseURL is this server's URL as the client reached it (the server's one
// rule for proxies).
func baseURL(r *http.Request) string { return httpx.BaseURL(r) }
