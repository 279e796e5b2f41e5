package admin_test

import (
	"bytes"
	"encoding/json"
	"image"
	"image/color"
	"image/png"
	"io"
	"net/http"
	"strings"
	"testing"

	"parley/server/core"
	"parley/server/testenv"
)

// listed is one row of GET /apps/{app}/conversations.
type listed struct {
	ID            string
	MemberCount   int
	UnreadMembers *int
	Unread        *int
}

func conversations(t *testing.T, env *testenv.Env, query string) map[string]listed {
	t.Helper()
	resp, body := env.Do("GET", "/admin/v1/apps/demo/conversations"+query, "", auth)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("list %s: %d %s", query, resp.StatusCode, body)
	}
	var rows []listed
	if err := json.Unmarshal(body, &rows); err != nil {
		t.Fatalf("%v: %s", err, body)
	}
	out := map[string]listed{}
	for _, r := range rows {
		out[r.ID] = r
	}
	return out
}

func intOr(p *int, none int) int {
	if p == nil {
		return none
	}
	return *p
}

// TestConversationUnread: the list gives each conversation its member
// count and how many members have unread messages, and with as=USER that
// user's own unread count; both follow reads and new messages.
func TestConversationUnread(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	act := func(msg, body string) func(t *testing.T) {
		return func(t *testing.T) {
			resp, out := env.Do("POST", "/admin/v1/apps/demo/messages/"+msg+"/actions", body, auth)
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("action %s: %d %s", body, resp.StatusCode, out)
			}
		}
	}
	send := func(from, body string) func(t *testing.T) {
		return func(t *testing.T) {
			resp, out := env.Do("POST", "/admin/v1/apps/demo/conversations/general/messages",
				`{"from": "`+from+`", "body": "`+body+`"}`, auth)
			if resp.StatusCode != http.StatusCreated {
				t.Fatalf("send: %d %s", resp.StatusCode, out)
			}
		}
	}
	// general: alice, bob, carol; m1 by alice, m2 by bob. -1: no field.
	for _, tc := range []struct {
		name          string
		before        func(t *testing.T)
		as            string
		conv          string
		members       int
		unreadMembers int
		unread        int
	}{
		{"Fresh", nil, "", "general", 3, 3, -1}, // alice: m2; bob: m1; carol: m1, m2
		{"Lobby", nil, "", "lobby", 2, 1, -1},   // alice has not read bob's m3
		{"AsCarol", nil, "carol", "general", 3, 3, 2},
		{"AsAlice", nil, "alice", "general", 3, 3, 1},
		{"CarolReads", act("m2", `{"as": "carol", "action": "read"}`), "carol", "general", 3, 2, 0},
		{"BobReads", act("m2", `{"as": "bob", "action": "read"}`), "bob", "general", 3, 1, 0},
		{"BobSends", send("bob", "news"), "carol", "general", 3, 2, 1}, // alice and carol
		{"AliceSees", nil, "alice", "general", 3, 2, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.before != nil {
				tc.before(t)
			}
			q := "?limit=10"
			if tc.as != "" {
				q += "&as=" + tc.as
			}
			got, ok := conversations(t, env, q)[tc.conv]
			if !ok {
				t.Fatalf("%s not listed", tc.conv)
			}
			if got.MemberCount != tc.members || intOr(got.UnreadMembers, -1) != tc.unreadMembers || intOr(got.Unread, -1) != tc.unread {
				t.Errorf("members %d, unreadMembers %d, unread %d; want %d, %d, %d", got.MemberCount,
					intOr(got.UnreadMembers, -1), intOr(got.Unread, -1), tc.members, tc.unreadMembers, tc.unread)
			}
		})
	}
	// Read positions show as the seq of the last message read, which the
	// messages carry too.
	_, body := env.Do("GET", "/admin/v1/apps/demo/conversations/general/members", "", auth)
	var members []struct {
		User       struct{ ID string }
		ReadSeq    int64
		LastReadAt string
	}
	if err := json.Unmarshal(body, &members); err != nil {
		t.Fatalf("%v: %s", err, body)
	}
	reads := map[string]int64{}
	for _, m := range members {
		reads[m.User.ID] = m.ReadSeq
		if (m.ReadSeq == 0) != (m.LastReadAt == "") {
			t.Errorf("%s: readSeq %d, lastReadAt %q", m.User.ID, m.ReadSeq, m.LastReadAt)
		}
	}
	if reads["alice"] != 0 || reads["bob"] != 2 || reads["carol"] != 2 {
		t.Errorf("read positions %v; want alice 0, bob 2, carol 2", reads)
	}
	if _, body := env.Do("GET", "/admin/v1/apps/demo/messages/m2", "", auth); !strings.Contains(string(body), `"seq":2,`) {
		t.Errorf("m2: %s", body)
	}

	// as= lists that user's conversations only; an unknown user is refused.
	if rows := conversations(t, env, "?as=dave"); len(rows) != 0 {
		t.Errorf("dave's conversations: %v", rows)
	}
	if resp, body := env.Do("GET", "/admin/v1/apps/demo/conversations?as=ghost", "", auth); resp.StatusCode != http.StatusNotFound {
		t.Errorf("as=ghost: %d %s", resp.StatusCode, body)
	}
}

// tinyPNG is a 2×2 PNG image.
func tinyPNG(t *testing.T) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 2, 2))
	img.Set(0, 0, color.RGBA{R: 255, A: 255})
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// raw sends body as the request body with a Content-Type.
func raw(t *testing.T, env *testenv.Env, method, path, ctype string, body []byte) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, env.URL+path, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+testenv.AdminToken)
	req.Header.Set("Content-Type", ctype)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, out
}

// TestUploadAndAttach: a file uploaded as a member is attached to that
// member's message by its fileId, read back with the admin token, and
// refused past the upload limit or to a user who may not see it.
func TestUploadAndAttach(t *testing.T) {
	t.Parallel()
	limits := core.DefaultLimits
	limits.MaxUploadBytes = 1000
	env := testenv.New(t, testenv.WithLimits(limits))
	pic := tinyPNG(t)

	resp, body := raw(t, env, "POST", "/admin/v1/apps/demo/files?as=bob&name=dot.png", "application/octet-stream", pic)
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("upload: %d %s", resp.StatusCode, body)
	}
	var f struct {
		ID, Type, MimeType, URL, ThumbnailURL string
		Width, Height                         int
		Size                                  int64
	}
	if err := json.Unmarshal(body, &f); err != nil {
		t.Fatal(err)
	}
	if f.Type != "image" || f.MimeType != "image/png" || f.Width != 2 || f.Size != int64(len(pic)) ||
		f.URL != "/admin/v1/apps/demo/files/"+f.ID {
		t.Errorf("uploaded file: %s", body)
	}
	// bob's second file, attached to nothing: only bob (and the app) see it.
	resp, body = raw(t, env, "POST", "/admin/v1/apps/demo/files?as=bob&name=secret.txt", "text/plain", []byte("secret"))
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("upload: %d %s", resp.StatusCode, body)
	}
	var sf struct{ ID string }
	if err := json.Unmarshal(body, &sf); err != nil {
		t.Fatal(err)
	}
	secret := sf.ID
	for _, tc := range []struct {
		name, method, path, ctype, body string
		status                          int
		contains                        string
	}{
		{"Download", "GET", f.URL, "", "", 200, string(pic)},
		{"Info", "GET", f.URL + "/info", "", "", 200, `"name":"dot.png"`},
		{"Attach", "POST", "/admin/v1/apps/demo/conversations/general/messages", "application/json",
			`{"from": "bob", "body": "a picture", "attachments": [{"fileId": "` + f.ID + `"}]}`, 201,
			`{"fileId":"` + f.ID + `",|"mimeType":"image/png","name":"dot.png","size":` + jsonInt(len(pic)) + `,"type":"image"}`},
		{"ErrNotYours", "POST", "/admin/v1/apps/demo/conversations/general/messages", "application/json",
			`{"from": "carol", "body": "x", "attachments": [{"fileId": "` + secret + `"}]}`, 400, `unknown file`},
		{"ErrUnknownFile", "GET", "/admin/v1/apps/demo/files/nope", "", "", 404, `"not_found"`},
		{"ErrTooLarge", "POST", "/admin/v1/apps/demo/files?as=bob&name=big.bin", "application/octet-stream",
			strings.Repeat("x", 1001), 413, `"too_large"`},
		{"ErrUnknownUser", "POST", "/admin/v1/apps/demo/files?as=ghost&name=a.txt", "text/plain", "hello", 404, `"not_found"`},
		{"AsApp", "POST", "/admin/v1/apps/demo/files?name=notes.txt", "text/plain", "hello", 201, `"type":"file"`},
		{"ErrNoToken", "GET", f.URL, "", "", 401, ``},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var resp *http.Response
			var out []byte
			if tc.name == "ErrNoToken" {
				resp, out = env.Do(tc.method, tc.path, "")
			} else {
				resp, out = raw(t, env, tc.method, tc.path, tc.ctype, []byte(tc.body))
			}
			missing := false
			for _, want := range strings.Split(tc.contains, "|") {
				missing = missing || !strings.Contains(string(out), want)
			}
			if resp.StatusCode != tc.status || missing {
				t.Errorf("%d %.400s; want %d with %s", resp.StatusCode, out, tc.status, tc.contains)
			}
		})
	}
}

func jsonInt(n int) string { b, _ := json.Marshal(n); return string(b) }
