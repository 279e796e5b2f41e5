package server_test

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"slices"
	"testing"

	"parley/server/testenv"
)

// reading is a conversation as one dialect shows it: its messages in
// order, each with its text, author and reactions (name → users).
type reading []readMessage

type readMessage struct {
	ID, Text, Author string
	Reactions        map[string][]string
}

// The dialects' own ways to read a conversation whole (messages with
// reactions) and to react.
type dialect struct {
	name  string
	read  func(t *testing.T, env *testenv.Env, user, conv string) reading
	react func(t *testing.T, env *testenv.Env, user, msg, emoji string)
}

var dialects = []dialect{
	{"channelize", readChannelize, reactChannelize},
	{"cowork", readCoWork, reactCoWork},
}

// TestCrossDialect_CoWork shows one conversation read the same through
// Channelize and CoWork: the fixture conversation general, with reactions
// given through each dialect in its own spelling (counted as one emoji), and
// a direct conversation opened through CoWork and read through both.
func TestCrossDialect_CoWork(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	// The same emoji, three spellings, through two dialects.
	reactChannelize(t, env, "bob", "m1", "grinning")
	reactCoWork(t, env, "carol", "m1", "😀")
	reactCoWork(t, env, "alice", "m2", ":-D")
	reactChannelize(t, env, "alice", "m2", "like")

	var first reading
	for i, d := range dialects {
		got := d.read(t, env, "bob", "general")
		if i == 0 {
			first = got
			continue
		}
		if !sameReading(got, first) {
			t.Errorf("%s reads general as\n%+v\n%s reads it as\n%+v", d.name, got, dialects[0].name, first)
		}
	}
	if len(first) != 2 || !slices.Equal(first[0].Reactions["grinning"], []string{"bob", "carol"}) ||
		!slices.Equal(first[1].Reactions["grinning"], []string{"alice"}) {
		t.Fatalf("general = %+v, want m1 and m2 with their grinning reactions counted together", first)
	}

	// A direct conversation opened through CoWork is the one the others see.
	resp, body := env.Do("GET", "/api/cowork/teams/directmessages/bob", "", "Authorization: Bearer alice-token")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("open direct: %d %s", resp.StatusCode, body)
	}
	var dm struct {
		ChannelID string `json:"channelId"`
	}
	mustJSON(t, body, &dm)
	resp, body = env.Do("POST", "/api/cowork/teams/directmessages/channels/"+dm.ChannelID+"/messages", `{"text": "psst"}`,
		"Authorization: Bearer alice-token")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("send direct: %d %s", resp.StatusCode, body)
	}
	for _, d := range dialects {
		got := d.read(t, env, "bob", dm.ChannelID)
		if len(got) != 1 || got[0].Text != "psst" || got[0].Author != "alice" {
			t.Errorf("%s reads the direct conversation as %+v", d.name, got)
		}
	}
}

func sameReading(a, b reading) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].ID != b[i].ID || a[i].Text != b[i].Text || a[i].Author != b[i].Author || len(a[i].Reactions) != len(b[i].Reactions) {
			return false
		}
		for name, users := range a[i].Reactions {
			if !slices.Equal(users, b[i].Reactions[name]) {
				return false
			}
		}
	}
	return true
}

func mustJSON(t *testing.T, body []byte, v any) {
	t.Helper()
	if err := json.Unmarshal(body, v); err != nil {
		t.Fatalf("decode %s: %v", body, err)
	}
}

func mustOK(t *testing.T, what string, resp *http.Response, body []byte) {
	t.Helper()
	if resp.StatusCode/100 != 2 {
		t.Fatalf("%s: %d %s", what, resp.StatusCode, body)
	}
}

func channelizeAuth(user string) []string {
	return []string{"Public-Key: demo-public", "Authorization: Bearer " + base64.StdEncoding.EncodeToString([]byte(user+"-token"))}
}

func readChannelize(t *testing.T, env *testenv.Env, user, conv string) reading {
	resp, body := env.Do("GET", "/v2/conversations/"+conv+"/messages?sort=createdAt%20ASC&limit=100", "", channelizeAuth(user)...)
	mustOK(t, "channelize read", resp, body)
	var msgs []struct {
		ID        string              `json:"id"`
		Body      string              `json:"body"`
		OwnerID   string              `json:"ownerId"`
		Reactions map[string][]string `json:"reactions"`
	}
	mustJSON(t, body, &msgs)
	out := make(reading, len(msgs))
	for i, m := range msgs {
		out[i] = readMessage{ID: m.ID, Text: m.Body, Author: m.OwnerID, Reactions: m.Reactions}
	}
	return out
}

func reactChannelize(t *testing.T, env *testenv.Env, user, msg, emoji string) {
	resp, body := env.Do("POST", "/v2/messages/"+msg+"/add_reaction", `{"type": "`+emoji+`"}`, channelizeAuth(user)...)
	mustOK(t, "channelize react", resp, body)
}

// coworkTeam is the team path of a conversation the test reads: the
// fixture's general is in team eng; anything else here is direct.
func coworkTeam(conv string) string {
	if conv == "general" {
		return "eng"
	}
	return "directmessages"
}

func readCoWork(t *testing.T, env *testenv.Env, user, conv string) reading {
	return readCoWorkIn(t, env, user, coworkTeam(conv), conv)
}

func readCoWorkIn(t *testing.T, env *testenv.Env, user, team, conv string) reading {
	auth := "Authorization: Bearer " + user + "-token"
	base := "/api/cowork/teams/" + team + "/channels/" + conv + "/messages"
	resp, body := env.Do("GET", base, "", auth)
	mustOK(t, "cowork list", resp, body)
	var ids []string
	mustJSON(t, body, &ids)
	out := make(reading, len(ids))
	for i, id := range ids {
		resp, body := env.Do("GET", base+"/"+id, "", auth)
		mustOK(t, "cowork get", resp, body)
		var m struct {
			ID        string `json:"id"`
			Text      string `json:"text"`
			UserID    string `json:"userId"`
			Reactions map[string][]struct {
				UserID string `json:"userId"`
			} `json:"reactions"`
		}
		mustJSON(t, body, &m)
		out[i] = readMessage{ID: m.ID, Text: m.Text, Author: m.UserID, Reactions: map[string][]string{}}
		for name, rs := range m.Reactions {
			for _, r := range rs {
				out[i].Reactions[name] = append(out[i].Reactions[name], r.UserID)
			}
		}
	}
	return out
}

func reactCoWork(t *testing.T, env *testenv.Env, user, msg, emoji string) {
	resp, body := env.Do("POST", "/api/cowork/teams/eng/channels/general/messages/"+msg+"/reactions",
		`{"toggleEmoji": "`+emoji+`"}`, "Authorization: Bearer "+user+"-token")
	mustOK(t, "cowork react", resp, body)
}
