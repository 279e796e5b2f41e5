// Package routetest holds what the dialects' own route tests share: a
// core service with no database, so that a handler built on it stops every
// request at authentication, and request paths made from route patterns.
// It imports only the core, so a dialect's internal tests can use it
// (testenv itself builds the whole server, dialects included, so it cannot).
package routetest

import (
	"context"
	"strings"

	"parley/server/core"
)

// noStore answers every unit of work with "not found".
type noStore struct{}

func (noStore) Read(context.Context, func(core.Tx) error) error {
	return core.Errorf(core.ENOTFOUND, "nothing here")
}

func (noStore) Write(context.Context, func(core.Tx) error) error {
	return core.Errorf(core.ENOTFOUND, "nothing here")
}

// NoStoreService returns a core service whose store answers every unit of
// work with "not found": no credential is ever valid, so every request to
// a handler built on it stops at authentication, without a database.
func NoStoreService() *core.Service {
	return core.NewService(core.Options{Store: noStore{}})
}

// Concrete turns a route pattern into a request path: each parameter
// segment (":id" or "{id}") becomes value.
func Concrete(pattern, value string) string {
	segs := strings.Split(pattern, "/")
	for i, s := range segs {
		if strings.HasPrefix(s, ":") || strings.HasPrefix(s, "{") && strings.HasSuffix(s, "}") {
			segs[i] = value
		}
	}
	return strings.Join(segs, "/")
}
