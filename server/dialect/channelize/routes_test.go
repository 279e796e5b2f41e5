package channelize

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"parley/server/testenv/routetest"
)

func newTestHandler(t *testing.T) http.Handler {
	t.Helper()
	return New(routetest.NoStoreService())
}

func decodeError(t *testing.T, body []byte) wireErrorBody {
	t.Helper()
	var e wireError
	if err := json.Unmarshal(body, &e); err != nil || e.Error.StatusCode == 0 {
		t.Fatalf("body is not a Channelize error: %q (%v)", body, err)
	}
	return e.Error
}

func TestNewBuildsEveryRoute(t *testing.T) {
	h := newTestHandler(t) // a panicking router fails here
	for _, rt := range (&api{}).routes() {
		t.Run(rt.method+" "+rt.path, func(t *testing.T) {
			req := httptest.NewRequest(rt.method, routetest.Concrete(rt.path, "x1"), strings.NewReader(`{}`))
			req.Header.Set("Public-Key", "nope")
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			e := decodeError(t, rec.Body.Bytes())
			// The route was found: the request got as far as authentication.
			if rec.Code != http.StatusUnauthorized || e.Code != "AUTHORIZATION_REQUIRED" {
				t.Errorf("got %d %+v, want 401 AUTHORIZATION_REQUIRED from the route's own auth", rec.Code, e)
			}
		})
	}
}

func TestUnknownRoutes(t *testing.T) {
	h := newTestHandler(t)
	for _, tc := range []struct {
		method, path string
		status       int
		code, allow  string
	}{
		{"GET", "/v2/nothing", 404, "MODEL_NOT_FOUND", ""},
		{"POST", "/v2/messages/sendx", 404, "MODEL_NOT_FOUND", ""},     // not a reserved word
		{"GET", "/v2/messages/read/count", 404, "MODEL_NOT_FOUND", ""}, // only unread/count
		{"GET", "/v2/conversations/", 404, "MODEL_NOT_FOUND", ""},      // no redirect to /v2/conversations
		{"DELETE", "/v2/messages/send", 405, "METHOD_NOT_ALLOWED", "POST"},
		{"GET", "/v2/messages/send", 405, "METHOD_NOT_ALLOWED", "POST"},
		{"PATCH", "/v2/conversations/general", 405, "METHOD_NOT_ALLOWED", "GET"},
		{"POST", "/v2/conversations/general/mark_as_read", 405, "METHOD_NOT_ALLOWED", "PUT"},
	} {
		t.Run(tc.method+" "+tc.path, func(t *testing.T) {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest(tc.method, tc.path, nil))
			e := decodeError(t, rec.Body.Bytes())
			if rec.Code != tc.status || e.Code != tc.code || e.StatusCode != tc.status {
				t.Errorf("got %d %+v, want %d %s", rec.Code, e, tc.status, tc.code)
			}
			if got := rec.Header().Get("Allow"); tc.allow != "" && !strings.Contains(got, tc.allow) {
				t.Errorf("Allow: got %q, want it to name %s", got, tc.allow)
			}
			if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
				t.Errorf("Content-Type: got %q", ct)
			}
		})
	}
}
