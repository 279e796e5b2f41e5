package realtime_test

import (
	"encoding/base64"
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"parley/server/core"
	"parley/server/testenv"
)

// proxied is the header of a server behind a proxy: links in answers and
// events name the proxy's host, by the same rule.
const proxied = "X-Forwarded-Host: proxy.example"

// call sends a request that must succeed and answers its body.
func call(tb testing.TB, env *testenv.Env, method, path, body string, headers ...string) []byte {
	tb.Helper()
	resp, data := env.Do(method, path, body, headers...)
	if resp.StatusCode >= 300 {
		tb.Fatalf("%s %s: %s %s", method, path, resp.Status, data)
	}
	return data
}

// decode decodes JSON, or the value at a path of object keys in it.
func decode(tb testing.TB, data []byte, path ...string) any {
	tb.Helper()
	var v any
	if err := json.Unmarshal(data, &v); err != nil {
		tb.Fatalf("%s: %v", data, err)
	}
	for _, k := range path {
		obj, ok := v.(map[string]any)
		if !ok {
			tb.Fatalf("%s: no %q", data, k)
		}
		v = obj[k]
	}
	return v
}

// sameJSON fails unless the event's message is the dialect's own answer.
func sameJSON(tb testing.TB, what string, event json.RawMessage, own any) {
	tb.Helper()
	if got := decode(tb, event); !reflect.DeepEqual(got, own) {
		want, _ := json.MarshalIndent(own, "", "  ")
		gotJSON, _ := json.MarshalIndent(got, "", "  ")
		tb.Errorf("%s: the event's message\n%s\nis not the dialect's own GET\n%s", what, gotJSON, want)
	}
}

func channelizeAuth(token string) []string {
	return []string{"Public-Key: demo-public", "Authorization: Bearer " + base64.StdEncoding.EncodeToString([]byte(token)), proxied}
}

// multipart is a body of one file part (name) and the given fields.
func multipart(name, filename, content string, fields ...string) string {
	var b strings.Builder
	for i := 0; i+1 < len(fields); i += 2 {
		b.WriteString("--XYZ\r\nContent-Disposition: form-data; name=\"" + fields[i] + "\"\r\n\r\n" + fields[i+1] + "\r\n")
	}
	b.WriteString("--XYZ\r\nContent-Disposition: form-data; name=\"" + name + "\"; filename=\"" + filename +
		"\"\r\nContent-Type: text/plain\r\n\r\n" + content + "\r\n--XYZ--\r\n")
	return b.String()
}

const multipartType = "Content-Type: multipart/form-data; boundary=XYZ"

// Each dialect's ?dialect= renders a message exactly as the dialect's own
// GET of it answers: same converter, same app, same links (a file
// attachment's URL names the proxy's host in both).
func TestStream_DialectMessagesAreTheirGET(t *testing.T) {
	tests := []struct {
		dialect string
		// send sends a message as alice through the dialect and answers
		// the dialect's own GET of it, as bob (or the app) reads it.
		send func(t *testing.T, env *testenv.Env) any
	}{
		{"channelize", func(t *testing.T, env *testenv.Env) any {
			call(t, env, "POST", "/v2/messages/send", `{"id": "c1", "conversationId": "general", "body": "hi bob"}`,
				channelizeAuth("alice-token")...)
			// Channelize has no GET of one message: its list has it.
			for _, m := range decode(t, call(t, env, "GET", "/v2/conversations/general/messages?limit=50", "", channelizeAuth("bob-token")...)).([]any) {
				if m.(map[string]any)["id"] == "c1" {
					return m
				}
			}
			t.Fatal("c1 is not in the list")
			return nil
		}},
		{"sceyt", func(t *testing.T, env *testenv.Env) any {
			secret := "Authorization: Bearer demo-secret"
			f := decode(t, call(t, env, "POST", "/v1/demo/files", multipart("file", "notes.txt", "hello, sceyt", "from", "alice"),
				secret, multipartType, proxied), "url").(string)
			m := decode(t, call(t, env, "POST", "/v1/demo/channels/general/messages",
				`{"from": "alice", "body": "see the notes", "metadata": "{\"mood\": \"happy\"}", "mentioned_users": ["bob"],
				  "attachments": [{"name": "notes.txt", "type": "file", "url": "`+f+`"}]}`, secret, proxied), "id").(string)
			return decode(t, call(t, env, "GET", "/v1/demo/channels/general/messages/"+m, "", secret, proxied))
		}},
		{"appnet", func(t *testing.T, env *testenv.Env) any {
			alice := "Authorization: Bearer alice-token"
			f := decode(t, call(t, env, "POST", "/stream/0/files", multipart("content", "hello.txt", "hello file", "type", "com.example.test"),
				alice, multipartType, proxied), "data", "id").(string)
			m := decode(t, call(t, env, "POST", "/stream/0/channels/1/messages",
				`{"text": "see the file, @bob #release", "annotations": [{"type": "net.app.core.attachments",
				  "value": {"+net.app.core.file_list": [{"file_id": "`+f+`", "format": "metadata"}]}}]}`, alice, proxied), "data", "id").(string)
			return decode(t, call(t, env, "GET", "/stream/0/channels/1/messages/"+m+"?include_annotations=1", "",
				"Authorization: Bearer bob-token", proxied), "data")
		}},
		{"cowork", func(t *testing.T, env *testenv.Env) any {
			ch := "/api/cowork/teams/eng/channels/general/messages"
			m := decode(t, call(t, env, "POST", ch, `{"text": "Release **1.2** is out"}`, "Authorization: Bearer alice-token", proxied)).(string)
			return decode(t, call(t, env, "GET", ch+"/"+m, "", "Authorization: Bearer bob-token", proxied))
		}},
		{"amity", func(t *testing.T, env *testenv.Env) any {
			created := decode(t, call(t, env, "POST", "/api/v5/messages", `{"messageFeedId": "general", "dataType": "text",
				"data": {"text": "Hello @bob"}, "tags": ["greeting"], "mentionedUsers": [{"type": "user", "userIds": ["bob"]}]}`,
				"Authorization: Bearer alice-token", proxied), "messages").([]any)
			m := created[0].(map[string]any)["messageId"].(string)
			return decode(t, call(t, env, "GET", "/api/v5/messages/"+m, "", "Authorization: Bearer bob-token", proxied))
		}},
	}
	for _, tt := range tests {
		t.Run(tt.dialect, func(t *testing.T) {
			t.Parallel()
			env := testenv.New(t)
			bob := openSSE(t, env, "?types=message.created&dialect="+tt.dialect, "Authorization: Bearer bob-token", proxied)
			own := tt.send(t, env)
			e := bob.nextOf(core.EventMessageCreated)
			sameJSON(t, tt.dialect, e.Data.Message, own)
		})
	}
}

// Amity's myReactions is the viewer's own: each stream renders the
// message as its user's GET answers it, and the app's stream as the app
// sees it.
func TestStream_AmityRendersPerViewer(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	query := "?types=reaction.added&dialect=amity"
	streams := map[string]*stream{}
	for _, user := range []string{"alice", "bob"} {
		streams[user] = openSSE(t, env, query, "Authorization: Bearer "+user+"-token")
	}
	app := openSSE(t, env, query, "Authorization: Bearer demo-secret")
	call(t, env, "POST", "/api/v2/reactions", `{"referenceId": "m1", "referenceType": "message", "reactionName": "like"}`,
		"Authorization: Bearer bob-token")
	for user, s := range streams {
		own := decode(t, call(t, env, "GET", "/api/v5/messages/m1", "", "Authorization: Bearer "+user+"-token"))
		sameJSON(t, user, s.nextOf(core.EventReactionAdded).Data.Message, own)
	}
	m := decode(t, app.nextOf(core.EventReactionAdded).Data.Message, "messages").([]any)[0].(map[string]any)
	if mine := m["myReactions"].([]any); len(mine) != 0 || m["reactionCount"] != 1.0 {
		t.Errorf("the app's stream: myReactions %v, reactionCount %v; want none of its own, 1 in all", mine, m["reactionCount"])
	}
}

// An unknown ?dialect= is a clear 400 that names the ones there are.
func TestStream_UnknownDialect(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	resp, body := env.Do("GET", "/events?dialect=msn", "", "Authorization: Bearer bob-token")
	msg, _ := decode(t, body, "error", "message").(string)
	if resp.StatusCode != 400 || !strings.Contains(msg, `"msn"`) {
		t.Fatalf("%s %s, want 400 naming msn", resp.Status, body)
	}
	for _, name := range []string{"amity", "appnet", "channelize", "cowork", "parley", "sceyt"} {
		if !strings.Contains(msg, name) {
			t.Errorf("%q does not name %s", msg, name)
		}
	}
}

// Streams opened at different hosts share no encoding: each one's file
// links name its own host.
func TestStream_LinksNameEachStreamsHost(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	query := "?types=message.created&dialect=sceyt"
	viaProxy := openSSE(t, env, query, "Authorization: Bearer bob-token", proxied)
	direct := openSSE(t, env, query, "Authorization: Bearer bob-token")
	secret := "Authorization: Bearer demo-secret"
	f := decode(t, call(t, env, "POST", "/v1/demo/files", multipart("file", "notes.txt", "hello", "from", "alice"), secret, multipartType), "id").(string)
	call(t, env, "POST", "/v1/demo/channels/general/messages", `{"from": "alice", "body": "notes", "attachments": [{"name": "notes.txt", "type": "file", "url": "`+
		env.URL+`/v1/demo/files/`+f+`"}]}`, secret)
	for base, s := range map[string]*stream{"http://proxy.example": viaProxy, env.URL: direct} {
		m := s.nextOf(core.EventMessageCreated).message(t)
		if url := m["attachments"].([]any)[0].(map[string]any)["url"]; url != base+"/v1/demo/files/"+f {
			t.Errorf("stream at %s: file url %v", base, url)
		}
	}
}
