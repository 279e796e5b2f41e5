package server_test

import (
	"context"
	"encoding/json"
	"reflect"
	"sort"
	"strconv"
	"testing"

	"parley/server/core"
	"parley/server/testenv"
)

// line is one message of the fixture conversation as any dialect shows it:
// its id, its sender's user id and its text.
type line struct{ ID, From, Body string }

// reader reads the fixture conversation general through one dialect, as
// alice, and returns its messages.
type reader struct {
	name    string
	method  string
	path    string
	headers []string
	decode  func(t *testing.T, body []byte) []line
}

func decodeInto[T any](t *testing.T, body []byte) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(body, &v); err != nil {
		t.Fatalf("decode %s: %v", body, err)
	}
	return v
}

// readers is every dialect's reading of general; a new dialect adds a line.
var readers = []reader{
	{"channelize", "GET", "/v2/conversations/general/messages",
		[]string{"Public-Key: demo-public", "Authorization: Bearer YWxpY2UtdG9rZW4="},
		func(t *testing.T, body []byte) []line {
			var out []line
			for _, m := range decodeInto[[]struct {
				ID      string `json:"id"`
				OwnerID string `json:"ownerId"`
				Body    string `json:"body"`
			}](t, body) {
				out = append(out, line{m.ID, m.OwnerID, m.Body})
			}
			return out
		}},
	{"sceyt", "GET", "/v1/demo/channels/general/messages?from=alice",
		[]string{"Authorization: Bearer demo-secret"},
		func(t *testing.T, body []byte) []line {
			var out []line
			for _, m := range decodeInto[struct {
				Messages []struct {
					ID   string `json:"id"`
					From string `json:"from"`
					Body string `json:"body"`
				} `json:"messages"`
			}](t, body).Messages {
				out = append(out, line{m.ID, m.From, m.Body})
			}
			return out
		}},
	{"amity", "GET", "/api/v3/messages?channelId=general",
		[]string{"Authorization: Bearer alice-token"},
		func(t *testing.T, body []byte) []line {
			var out []line
			for _, m := range decodeInto[struct {
				Messages []struct {
					MessageID string `json:"messageId"`
					UserID    string `json:"userId"`
					Data      struct {
						Text string `json:"text"`
					} `json:"data"`
				} `json:"messages"`
			}](t, body).Messages {
				out = append(out, line{m.MessageID, m.UserID, m.Data.Text})
			}
			return out
		}},
}

// TestCrossDialect reads the same conversation through every dialect: the
// same messages, ids, senders and texts.
func TestCrossDialect(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	want := []line{{"m1", "alice", "hello"}, {"m2", "bob", "hi alice"}}
	for _, rd := range readers {
		t.Run(rd.name, func(t *testing.T) {
			resp, body := env.Do(rd.method, rd.path, "", rd.headers...)
			if resp.StatusCode != 200 {
				t.Fatalf("%s %s: %d %s", rd.method, rd.path, resp.StatusCode, body)
			}
			got := rd.decode(t, body)
			sort.Slice(got, func(i, j int) bool { return got[i].ID < got[j].ID })
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%s reads general as %+v, want %+v", rd.name, got, want)
			}
		})
	}
}

// TestCrossDialect_Files: a file uploaded and attached through Sceyt is the
// same file through Channelize: the message names it, and a member reads
// its bytes there.
func TestCrossDialect_Files(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	body := "--B\r\nContent-Disposition: form-data; name=\"file\"; filename=\"plan.txt\"\r\nContent-Type: text/plain\r\n\r\nthe plan\r\n--B--\r\n"
	resp, out := env.Do("POST", "/v1/demo/files?from=alice", body, "Authorization: Bearer demo-secret",
		"Content-Type: multipart/form-data; boundary=B")
	if resp.StatusCode != 201 {
		t.Fatalf("upload: %d %s", resp.StatusCode, out)
	}
	file := decodeInto[struct {
		ID  string `json:"id"`
		URL string `json:"url"`
	}](t, out)
	resp, out = env.Do("POST", "/v1/demo/channels/general/messages",
		`{"from": "alice", "body": "read this", "attachments": [{"type": "file", "name": "plan.txt", "url": "`+file.URL+`"}]}`,
		"Authorization: Bearer demo-secret")
	if resp.StatusCode != 201 {
		t.Fatalf("send: %d %s", resp.StatusCode, out)
	}
	sent := decodeInto[struct {
		ID string `json:"id"`
	}](t, out)
	bob := []string{"Public-Key: demo-public", "Authorization: Bearer Ym9iLXRva2Vu"}
	resp, out = env.Do("GET", "/v2/conversations/general/messages", "", bob...)
	if resp.StatusCode != 200 {
		t.Fatalf("channelize list: %d %s", resp.StatusCode, out)
	}
	found := false
	for _, m := range decodeInto[[]struct {
		ID   string `json:"id"`
		Body string `json:"body"`
	}](t, out) {
		found = found || (m.ID == sent.ID && m.Body == "read this")
	}
	if !found {
		t.Fatalf("channelize does not list message %s: %s", sent.ID, out)
	}
	resp, out = env.Do("GET", "/v2/files/"+file.ID, "", bob...)
	if resp.StatusCode != 200 || string(out) != "the plan" {
		t.Fatalf("bob reads the file through channelize: %d %q", resp.StatusCode, out)
	}
}

// sameMessage is what every dialect must agree on about one message: which
// row it is, who sent it and what it says.
type sameMessage struct {
	key    int64  // the row's integer key
	id     string // its text id
	sender string // the sender's user id
	body   string
}

// TestCrossDialect_AppNet reads general through App.net, which names rows
// by integer key, and through Channelize, after each wrote a message: both
// show the core's messages (the same rows, senders and texts, oldest
// first here), the keys mapped to text ids through the core.
func TestCrossDialect_AppNet(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	ctx := context.Background()
	alice := env.Caller("demo", "alice")
	conv, err := env.Service.GetConversation(ctx, alice, "general")
	if err != nil {
		t.Fatal(err)
	}
	// Each dialect writes one message first, so every reader sees the
	// others' writing too.
	if resp, body := env.Do("POST", "/stream/0/channels/"+strconv.FormatInt(conv.PK, 10)+"/messages", `{"text": "@bob from App.net"}`,
		"Authorization: Bearer alice-token"); resp.StatusCode != 200 {
		t.Fatalf("App.net send: %d %s", resp.StatusCode, body)
	}
	if resp, body := env.Do("POST", "/v2/messages/send", `{"conversationId": "general", "body": "from Channelize"}`,
		"Public-Key: demo-public", "Authorization: Bearer Ym9iLXRva2Vu"); resp.StatusCode != 201 {
		t.Fatalf("Channelize send: %d %s", resp.StatusCode, body)
	}
	page, err := env.Service.ListMessages(ctx, alice, "general", core.MessageQuery{Page: core.Page{Reverse: true}})
	if err != nil {
		t.Fatal(err)
	}
	var want []sameMessage
	for _, m := range page.Items {
		want = append(want, sameMessage{key: m.PK, id: m.ID, sender: m.Owner.ID, body: m.Body})
	}
	if len(want) < 4 {
		t.Fatalf("general holds %d messages; the fixtures give it more", len(want))
	}
	keyOf := map[string]int64{} // text id → key, to name rows across dialects
	idOf := map[int64]string{}  // user key → user id
	for _, m := range page.Items {
		keyOf[m.ID] = m.PK
		idOf[m.Owner.PK] = m.Owner.ID
	}

	readers := []struct {
		name string
		read func(t *testing.T) []sameMessage
	}{
		{"channelize /v2", func(t *testing.T) []sameMessage {
			_, body := env.Do("GET", "/v2/conversations/general/messages?sort=createdAt%20ASC", "",
				"Public-Key: demo-public", "Authorization: Bearer YWxpY2UtdG9rZW4=")
			msgs := decodeInto[[]struct {
				ID      string `json:"id"`
				OwnerID string `json:"ownerId"`
				Body    string `json:"body"`
			}](t, body)
			var out []sameMessage
			for _, m := range msgs {
				out = append(out, sameMessage{key: keyOf[m.ID], id: m.ID, sender: m.OwnerID, body: m.Body})
			}
			return out
		}},
		{"appnet /stream/0", func(t *testing.T) []sameMessage {
			_, body := env.Do("GET", "/stream/0/channels/"+strconv.FormatInt(conv.PK, 10)+"/messages", "",
				"Authorization: Bearer alice-token")
			resp := decodeInto[struct {
				Data []struct {
					ID   string `json:"id"`
					Text string `json:"text"`
					User struct {
						ID string `json:"id"`
					} `json:"user"`
				} `json:"data"`
			}](t, body)
			var out []sameMessage
			for i := len(resp.Data) - 1; i >= 0; i-- { // App.net streams newest first
				m := resp.Data[i]
				key, _ := strconv.ParseInt(m.ID, 10, 64)
				user, _ := strconv.ParseInt(m.User.ID, 10, 64)
				text := ""
				for id, k := range keyOf {
					if k == key {
						text = id
					}
				}
				out = append(out, sameMessage{key: key, id: text, sender: idOf[user], body: m.Text})
			}
			return out
		}},
	}
	for _, r := range readers {
		t.Run(r.name, func(t *testing.T) {
			got := r.read(t)
			if len(got) != len(want) {
				t.Fatalf("got %d messages, want %d: %+v", len(got), len(want), got)
			}
			for i := range want {
				if got[i] != want[i] {
					t.Errorf("message %d: got %+v, want %+v", i, got[i], want[i])
				}
			}
		})
	}
}
