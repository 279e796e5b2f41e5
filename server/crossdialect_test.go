package server_test

import (
	"encoding/json"
	"reflect"
	"sort"
	"testing"

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
