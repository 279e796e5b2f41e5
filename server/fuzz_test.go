package server_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"unicode/utf8"

	"parley/server"
	"parley/server/testenv"
)

// FuzzDialectRequests sends fuzzed requests (method, path with query,
// body) to each dialect's router as a signed-in member (the isolation
// table's member caller). Whatever the input: no panic, no 5xx, a JSON
// answer parses, and a JSON body that is not UTF-8 is never accepted.
//
// The seeds in testdata/fuzz/FuzzDialectRequests run with go test; see
// docs/reliability.md for fuzzing longer.
func FuzzDialectRequests(f *testing.F) {
	for _, s := range dialectSeeds {
		f.Add(s.dialect, s.method, s.path, []byte(s.body))
	}
	env := testenv.New(f)
	handlers := map[string]http.Handler{}
	for _, d := range server.Dialects() {
		handlers[d.Name] = d.New(env.Service)
	}
	f.Fuzz(func(t *testing.T, dialect, method, path string, body []byte) {
		h, ok := handlers[dialect]
		iso := isolationDialects[dialect]
		if !ok || method == "" || !strings.HasPrefix(path, "/") {
			return
		}
		req := httptest.NewRequest("GET", "/", nil)
		req.Method = method
		req.URL.Path, req.URL.RawQuery, _ = strings.Cut(path, "?")
		req.RequestURI = path
		if len(body) > 0 {
			req.Body = readCloser{strings.NewReader(string(body))}
			req.ContentLength = int64(len(body))
			req.Header.Set("Content-Type", "application/json")
		}
		for _, hd := range iso.member.headers {
			k, v, _ := strings.Cut(hd, ":")
			req.Header.Set(strings.TrimSpace(k), strings.TrimSpace(v))
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		name := dialect + " " + method + " " + path
		if rec.Code >= 500 {
			t.Fatalf("%s: %d %s", name, rec.Code, rec.Body)
		}
		if strings.HasPrefix(rec.Header().Get("Content-Type"), "application/json") && rec.Body.Len() > 0 && !json.Valid(rec.Body.Bytes()) {
			t.Fatalf("%s: %d answer is not JSON: %q", name, rec.Code, rec.Body)
		}
		if (method == "POST" || method == "PUT" || method == "PATCH") && !utf8.Valid(body) && rec.Code/100 == 2 {
			t.Fatalf("%s: %d accepted a body that is not UTF-8: %q", name, rec.Code, body)
		}
	})
}

type readCloser struct{ *strings.Reader }

func (readCloser) Close() error { return nil }

// dialectSeeds are the inputs every run tries: the hostile shapes a client
// sends (truncated, null, two documents, wrong types, invalid UTF-8, huge
// numbers, ids with slashes and control characters), per dialect.
var dialectSeeds = func() []struct{ dialect, method, path, body string } {
	bodies := []string{
		``, `null`, `{}`, `[]`, `{"body": "hi"} {"body": "again"}`, `{"body": "hi"`,
		`{"body": "\xff\xfe"}`, `{"body": 12}`, `{"body": null}`, `{"id": "a/b", "body": "x"}`,
		`{"id": "\u0000", "body": "x"}`, `{"id": "#1", "body": "x"}`, `{"members": [1, 2]}`,
		`{"members": "alice"}`, `{"metadata": "{\"a\":"}`, `{"metadata": 1e999}`, `{"size": -1}`,
		`{"attachments": [{"file_id": "../../etc/passwd"}]}`, `{"attachments": [null]}`,
		`{"limit": 99999999999999999999}`, `"just a string"`, `{"body": "` + strings.Repeat("x", 5000) + `"}`,
	}
	type route struct{ dialect, method, path string }
	routes := []route{
		{"channelize", "POST", "/v2/messages/send"},
		{"channelize", "POST", "/v2/conversations"},
		{"channelize", "PUT", "/v2/conversations/general"},
		{"channelize", "POST", "/v2/conversations/general/add_members"},
		{"channelize", "POST", "/v2/messages/m1/add_reaction"},
		{"channelize", "GET", "/v2/conversations/general/messages?limit=-1&skip=abc"},
		{"channelize", "GET", "/v2/conversations/%ff/messages"},
		{"sceyt", "POST", "/v1/demo/channels/general/messages?from=bob"},
		{"sceyt", "POST", "/v1/demo/channels"},
		{"sceyt", "PUT", "/v1/demo/channels/general/messages/m1"},
		{"sceyt", "POST", "/v1/demo/channels/general/users"},
		{"sceyt", "POST", "/v1/demo/users"},
		{"sceyt", "GET", "/v1/demo/channels/general/messages?from=bob&page=0&limit=x"},
		{"sceyt", "GET", "/v1/demo/channels?filter=type:eq:%ff"},
		{"appnet", "POST", "/stream/0/channels"},
		{"appnet", "POST", "/stream/0/channels/1/messages"},
		{"appnet", "PUT", "/stream/0/channels/1"},
		{"appnet", "POST", "/stream/0/posts/marker"},
		{"appnet", "GET", "/stream/0/channels/messages?ids=1,x,%ff"},
		{"cowork", "POST", "/api/cowork/teams/eng/channels/general/messages"},
		{"cowork", "PUT", "/api/cowork/teams/eng/channels/general/messages/m1"},
		{"cowork", "POST", "/api/cowork/teams/eng/channels/general/messages/m1/reactions"},
		{"cowork", "POST", "/api/cowork/search"},
		{"cowork", "POST", "/api/cowork/admin/teams"},
		{"cowork", "POST", "/api/cowork/admin/teams/eng/channels"},
		{"cowork", "POST", "/api/cowork/teams/directmessages/%ff"},
		{"cowork", "GET", "/api/cowork/teams/eng/channels/general/messages?targetMessage=%ff"},
		{"cowork", "GET", "/api/cowork/search?query=%22unclosed&messageCount=-1&textFormat=x"},
		{"amity", "POST", "/api/v3/messages"},
		{"amity", "POST", "/api/v5/messages"},
		{"amity", "PUT", "/api/v3/messages/m1"},
		{"amity", "POST", "/api/v3/channels"},
		{"amity", "POST", "/api/v3/channels/conversation"},
		{"amity", "POST", "/api/v3/channels/general/users"},
		{"amity", "POST", "/api/v3/channels/general/seen"},
		{"amity", "POST", "/api/v2/reactions"},
		{"amity", "POST", "/api/v3/sessions"},
		{"amity", "GET", "/api/v3/messages?channelId=general&options[last]=-1&options[token]=%ff"},
		{"amity", "GET", "/api/v5/messages?messageFeedId=general&options[limit]=1e9&options[sortBy]=x"},
		{"amity", "GET", "/api/v3/messages/list?messageIds[]=m1&messageIds[]=%ff"},
	}
	var out []struct{ dialect, method, path, body string }
	for _, r := range routes {
		for _, b := range bodies {
			if r.method == "GET" && b != "" {
				continue
			}
			out = append(out, struct{ dialect, method, path, body string }{r.dialect, r.method, r.path, b})
		}
	}
	return out
}()
