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
