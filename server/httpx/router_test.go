package httpx

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestRoutePattern(t *testing.T) {
	routes := []Route{
		{Method: "POST", Path: "/v2/messages/send"},
		{Method: "POST", Path: "/v2/messages/:id/pin"},
		{Method: "GET", Path: "/v2/messages/unread/count"},
		{Method: "GET", Path: "/v2/messages/:id/reactions"},
		{Method: "GET", Path: "/v2/users/"},
		{Method: "GET", Path: "/v2/users/:id"},
		{Method: "POST", Path: "/v2/users/login"}, // no POST /v2/users/:id: stays static
	}
	for _, tc := range []struct {
		i                    int
		pattern, param, word string
	}{
		{0, "/v2/messages/:id", "id", "send"},
		{1, "/v2/messages/:id/pin", "", ""},
		{2, "/v2/messages/:id/count", "id", "unread"},
		{4, "/v2/users/", "", ""},
		{6, "/v2/users/login", "", ""},
	} {
		pattern, param, word := routePattern(routes[tc.i], routes)
		if pattern != tc.pattern || param != tc.param || word != tc.word {
			t.Errorf("%s: got %q %q %q, want %q %q %q", routes[tc.i].Path, pattern, param, word, tc.pattern, tc.param, tc.word)
		}
	}
}

func TestMountDispatchesReservedWords(t *testing.T) {
	answer := func(s string) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte(s)) })
	}
	notFound := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusNotFound)
		_, _ = w.Write([]byte("none"))
	})
	r := NewRouter(notFound, nil)
	Mount(r, []Route{
		{Method: "POST", Path: "/m/send", Handler: answer("send")},
		{Method: "POST", Path: "/m/:id/pin", Handler: answer("pin")},
		{Method: "POST", Path: "/m/delete", Handler: answer("delete")},
	}, notFound)
	for path, want := range map[string]string{
		"/m/send": "send", "/m/delete": "delete", "/m/42/pin": "pin", "/m/42": "none", "/m/send/pin": "pin",
	} {
		rec := httptest.NewRecorder()
		r.ServeHTTP(rec, httptest.NewRequest("POST", path, nil))
		if got := rec.Body.String(); got != want {
			t.Errorf("POST %s: got %q, want %q", path, got, want)
		}
	}
}
