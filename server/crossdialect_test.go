package server_test

import (
	"context"
	"encoding/json"
	"strconv"
	"testing"

	"parley/server/core"
	"parley/server/testenv"
)

// sameMessage is what every dialect must agree on about one message: which
// row it is, who sent it and what it says.
type sameMessage struct {
	key    int64  // the row's integer key
	id     string // its text id
	sender string // the sender's user id
	body   string
}

// TestCrossDialectGeneral reads the fixture conversation general through
// every dialect and checks that each shows the core's messages: the same
// rows, senders and texts, in the same order (oldest first here).
func TestCrossDialectGeneral(t *testing.T) {
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
			var msgs []struct {
				ID      string `json:"id"`
				OwnerID string `json:"ownerId"`
				Body    string `json:"body"`
			}
			decode(t, body, &msgs)
			var out []sameMessage
			for _, m := range msgs {
				out = append(out, sameMessage{key: keyOf[m.ID], id: m.ID, sender: m.OwnerID, body: m.Body})
			}
			return out
		}},
		{"appnet /stream/0", func(t *testing.T) []sameMessage {
			_, body := env.Do("GET", "/stream/0/channels/"+strconv.FormatInt(conv.PK, 10)+"/messages", "",
				"Authorization: Bearer alice-token")
			var resp struct {
				Data []struct {
					ID   string `json:"id"`
					Text string `json:"text"`
					User struct {
						ID string `json:"id"`
					} `json:"user"`
				} `json:"data"`
			}
			decode(t, body, &resp)
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

func decode(t *testing.T, body []byte, v any) {
	t.Helper()
	if err := json.Unmarshal(body, v); err != nil {
		t.Fatalf("decode %s: %v", body, err)
	}
}
