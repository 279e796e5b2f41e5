package appnet

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestWriteEnvelope(t *testing.T) {
	tests := []struct {
		name    string
		headers map[string]string
		want    string
	}{
		{"OKMinified", nil, `{"data":{"html":"<b>"},"meta":{"code":200}}` + "\n"},
		{"OKPretty", map[string]string{"X-ADN-Pretty-JSON": "1"},
			"{\n    \"data\": {\n        \"html\": \"<b>\"\n    },\n    \"meta\": {\n        \"code\": 200\n    }\n}\n"},
		{"OKBare", map[string]string{"X-ADN-Migration-Overrides": "response_envelope=0"}, `{"html":"<b>"}` + "\n"},
		{"OKOtherOverride", map[string]string{"X-ADN-Migration-Overrides": "disable_min_max_id=1&response_envelope=1"},
			`{"data":{"html":"<b>"},"meta":{"code":200}}` + "\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", "/stream/0/x", nil)
			for k, v := range tt.headers {
				r.Header.Set(k, v)
			}
			w := httptest.NewRecorder()
			_ = ok(w, r, map[string]string{"html": "<b>"})
			if w.Code != http.StatusOK || w.Body.String() != tt.want {
				t.Errorf("got %d %q, want 200 %q", w.Code, w.Body.String(), tt.want)
			}
			if got := w.Header().Get("X-ADN-Migrations-Enabled"); got != "response_envelope=1" {
				t.Errorf("X-ADN-Migrations-Enabled = %q", got)
			}
		})
	}
}

// TestWriteStatus holds the fault answer to App.net's error envelope: meta
// only, code = the status, and the invalid-token slug on a 401 alone.
func TestWriteStatus(t *testing.T) {
	tests := []struct {
		status int
		want   string
	}{
		{503, `{"meta":{"code":503,"error_message":"down <now>"}}` + "\n"},
		{429, `{"meta":{"code":429,"error_message":"down <now>"}}` + "\n"},
		{401, `{"meta":{"code":401,"error_message":"down <now>","error_slug":"invalid-token"}}` + "\n"},
	}
	for _, tt := range tests {
		w := httptest.NewRecorder()
		WriteStatus(w, tt.status, "down <now>")
		if w.Code != tt.status || w.Body.String() != tt.want {
			t.Errorf("%d: got %d %q, want %q", tt.status, w.Code, w.Body.String(), tt.want)
		}
		if ct := w.Header().Get("Content-Type"); ct != "application/json; charset=utf-8" {
			t.Errorf("%d: Content-Type %q", tt.status, ct)
		}
	}
}
