package appnet

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"parley/server/testenv/routetest"
)

// TestEveryRouteNeedsAToken builds the handler (a route table the mux
// refuses panics here) and sends every route without a token: each is
// found and answers 401 in App.net's error envelope.
func TestEveryRouteNeedsAToken(t *testing.T) {
	h := New(routetest.NoStoreService())
	for _, rt := range (&api{}).routes() {
		t.Run(rt.method+" "+rt.path, func(t *testing.T) {
			path := strings.NewReplacer("{channel_id}", "1", "{message_id}", "2", "{file_id}", "3").Replace(rt.path)
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest(rt.method, path, strings.NewReader(`{}`)))
			var body struct {
				Data *json.RawMessage `json:"data"`
				Meta errorMeta        `json:"meta"`
			}
			if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil || body.Data != nil {
				t.Fatalf("not an error envelope: %s", rec.Body)
			}
			if rec.Code != http.StatusUnauthorized || body.Meta.Code != rec.Code || body.Meta.ErrorSlug != "invalid-token" {
				t.Errorf("got %d %+v, want 401 invalid-token", rec.Code, body.Meta)
			}
		})
	}
}

func TestAllowed(t *testing.T) {
	routes := (&api{}).routes()
	tests := []struct {
		path string
		want string
	}{
		{"/stream/0/channels/7/messages", "GET, POST"},
		{"/stream/0/channels/7", "DELETE, GET, PUT"},
		{"/stream/0/channels/messages", "DELETE, GET, PUT"}, // also channel "messages" (a 403)
		{"/stream/0/nothing", ""},
	}
	for _, tt := range tests {
		if got := strings.Join(allowed(routes, tt.path), ", "); got != tt.want {
			t.Errorf("allowed(%s) = %q, want %q", tt.path, got, tt.want)
		}
	}
}
