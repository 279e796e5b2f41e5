package amity

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"parley/server/core"
	"parley/server/testenv/routetest"
)

func newTestHandler() http.Handler { return New(routetest.NoStoreService()) }

func decodeError(t *testing.T, body []byte) wireError {
	t.Helper()
	var e wireError
	if err := json.Unmarshal(body, &e); err != nil || e.Status != "error" || e.Code == 0 {
		t.Fatalf("body is not an Amity error: %q (%v)", body, err)
	}
	return e
}

// TestEveryRouteAuthenticates: the router builds, every route is found and
// none answers without its credential.
func TestEveryRouteAuthenticates(t *testing.T) {
	h := newTestHandler() // a panicking router fails here
	for _, rt := range (&api{}).routes() {
		t.Run(rt.method+" "+rt.path, func(t *testing.T) {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest(rt.method, routetest.Concrete(rt.path, "x1"), strings.NewReader(`{}`)))
			e := decodeError(t, rec.Body.Bytes())
			if rec.Code != http.StatusUnauthorized || e.Code != 400100 {
				t.Errorf("got %d %+v, want 401 400100 from the route's own auth", rec.Code, e)
			}
		})
	}
}

func TestUnknownRoutes(t *testing.T) {
	h := newTestHandler()
	for _, tc := range []struct {
		method, path string
		status, code int
	}{
		{"GET", "/api/v3/nothing", 404, 400400},
		{"GET", "/api/v3/channels/", 404, 400400}, // no redirect
		{"PATCH", "/api/v3/messages/m1", 405, 400000},
		{"POST", "/api/v3/sessions/x", 404, 400400},
	} {
		t.Run(tc.method+" "+tc.path, func(t *testing.T) {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest(tc.method, tc.path, nil))
			e := decodeError(t, rec.Body.Bytes())
			if rec.Code != tc.status || e.Code != tc.code {
				t.Errorf("got %d %+v, want %d %d", rec.Code, e, tc.status, tc.code)
			}
		})
	}
}

// TestErrorTable: every core code has its answer, and internal text never
// reaches a client.
func TestErrorTable(t *testing.T) {
	for _, code := range []string{core.EINVALID, core.EUNAUTHENTICATED, core.EFORBIDDEN, core.ENOTFOUND, core.ECONFLICT, core.ETOOLARGE, core.EUNSUPPORTED, core.EINTERNAL} {
		if _, ok := errorTable[code]; !ok {
			t.Errorf("no answer for core code %s", code)
		}
	}
	rec := httptest.NewRecorder()
	writeError(rec, httptest.NewRequest("GET", "/api/v3/x", nil), context.DeadlineExceeded)
	if e := decodeError(t, rec.Body.Bytes()); rec.Code != 500 || e.Code != 500000 || strings.Contains(e.Message, "deadline") {
		t.Errorf("internal error answered %d %+v", rec.Code, e)
	}
}
