package core

import (
	"slices"
	"strconv"
	"strings"
)

// Every user, conversation, message and file has an integer key besides its
// text id. Keys are never reused, not after a delete and not after a
// restart, so a key a client once saw never names another row. App.net
// speaks keys where the other dialects speak text ids; both reach the same
// rows because every Service call that takes the text id of a user,
// conversation, message or file also takes a key reference, KeyRef(key),
// which the store resolves within the caller's app only. Client-chosen ids
// never start with "#", so a key reference cannot name a text id.

// KeyRef returns the reference to the row with the given key: "#" and the
// key in decimal.
func KeyRef(key int64) string { return "#" + strconv.FormatInt(key, 10) }

// ParseKeyRef returns the key a reference names; ok is false for anything
// that is not exactly KeyRef of a positive key (a text id, "#", "#01").
func ParseKeyRef(ref string) (key int64, ok bool) {
	if len(ref) < 2 || ref[0] != '#' {
		return 0, false
	}
	k, err := strconv.ParseInt(ref[1:], 10, 64)
	if err != nil || k <= 0 || KeyRef(k) != ref {
		return 0, false
	}
	return k, true
}

// Named reports whether id names the user: its text id or its key reference.
func (u *User) Named(id string) bool {
	return u != nil && (id == u.ID || id == KeyRef(u.PK))
}

// DirectKey is the key under which the store finds the direct conversation
// of a set of users: their keys, sorted, each once, joined by ":". The same
// set gives the same key in whatever order and with whatever repeats, so a
// two-person DM ("3:7"), an App.net pm channel and an Amity distinct
// conversation of up to ten users are all found again by their members.
func DirectKey(userPKs ...int64) string {
	pks := slices.Clone(userPKs)
	slices.Sort(pks)
	pks = slices.Compact(pks)
	var b strings.Builder
	for i, pk := range pks {
		if i > 0 {
			b.WriteByte(':')
		}
		b.WriteString(strconv.FormatInt(pk, 10))
	}
	return b.String()
}
