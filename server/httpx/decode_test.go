package httpx

import (
	"net/http/httptest"
	"strings"
	"testing"

	"parley/server/core"
)

func TestDecodeJSONStrict(t *testing.T) {
	for _, tc := range []struct {
		name, ct, body string
		allowEmpty     bool
		code           string
	}{
		{"OK", "application/json", `{"a":"x"}`, false, ""},
		{"OKCharset", "application/json; charset=utf-8", `{"a":"x"}`, false, ""},
		{"OKVendorJSON", "application/vnd.api+json", `{"a":"x"}`, false, ""},
		{"OKNoType", "", `{"a":"x"}`, false, ""},
		{"OKEmptyAllowed", "application/x-www-form-urlencoded", ``, true, ""},
		{"ErrEmpty", "application/json", ``, false, core.EINVALID},
		{"ErrNull", "application/json", ` null `, false, core.EINVALID},
		{"ErrSecondDocument", "application/json", `{"a":"x"} {"a":"y"}`, false, core.EINVALID},
		{"ErrInvalidUTF8", "application/json", "{\"a\":\"\xff\xfe\"}", false, core.EINVALID},
		{"ErrFormBody", "application/x-www-form-urlencoded", `a=x`, false, core.EUNSUPPORTED},
		{"ErrTextBody", "text/plain", `{"a":"x"}`, false, core.EUNSUPPORTED},
		{"ErrWrongType", "application/json", `{"a":1}`, false, core.EINVALID},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest("POST", "/", strings.NewReader(tc.body))
			if tc.ct != "" {
				r.Header.Set("Content-Type", tc.ct)
			}
			var v struct {
				A string `json:"a"`
			}
			err := DecodeJSON(r, &v, false, tc.allowEmpty)
			if got := core.ErrorCode(err); got != tc.code && !(tc.code == "" && err == nil) {
				t.Fatalf("code %q (%v), want %q", got, err, tc.code)
			}
			if tc.code == "" && tc.body != "" && v.A != "x" {
				t.Fatalf("decoded %+v", v)
			}
		})
	}
}
