package appnet

import (
	"strconv"
	"strings"

	"parley/server/core"
)

// App.net addresses users, channels, messages and files by integer: the
// rows' keys, sent as strings of digits. Parley's core takes a key as a
// key reference ("#" + decimal) wherever it takes a text id.

// id renders a key as App.net's string id ("" for none).
func id(pk int64) string {
	if pk == 0 {
		return ""
	}
	return strconv.FormatInt(pk, 10)
}

// parseKey reads an integer id from the wire (a path segment, a query or
// JSON value) and returns the core's reference to it.
func parseKey(field, s string) (string, error) {
	s = strings.TrimSpace(s)
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n <= 0 {
		return "", core.Invalidf(field, "%s must be a positive integer id, not %q", field, s)
	}
	return core.KeyRef(n), nil
}

// pathKey reads an integer id from the path. An id that cannot be a key
// names nothing the caller may see: 403, like any unknown channel or message.
func pathKey(what, s string) (string, error) {
	ref, err := parseKey(what, s)
	if err != nil {
		return "", core.Errorf(core.EFORBIDDEN, "no %s %q that you may see", what, s)
	}
	return ref, nil
}

// userRef reads a user named as App.net allows: "@username" or an integer
// id (as a string or a number).
func userRef(field, s string) (string, error) {
	s = strings.TrimSpace(s)
	if strings.HasPrefix(s, "@") && len(s) > 1 {
		return core.UsernameRef(s[1:]), nil
	}
	return parseKey(field, s)
}
