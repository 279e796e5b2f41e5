package server_test

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"parley/server/core"
	"parley/server/testenv"
)

// TestCrossDialect_InheritedChannel: a team channel without a member list
// of its own (created through CoWork's admin API) belongs to its team's
// members in every dialect: each lists it for a team member who was never
// added to it, Channelize and CoWork read it the same, and its unread
// count moves the same for everyone. A user outside the team sees it
// nowhere; a team without members opens its channels to every user.
func TestCrossDialect_InheritedChannel(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	ctx := context.Background()
	alice := "Authorization: Bearer alice-token"
	resp, body := env.Do("POST", "/api/cowork/admin/teams/eng/channels", `{"displayName": "Town hall"}`, alice)
	mustOK(t, "create channel", resp, body)
	var ch struct {
		ChannelID        string `json:"channelId"`
		MembersInherited bool   `json:"membersInherited"`
	}
	mustJSON(t, body, &ch)
	if !ch.MembersInherited {
		t.Fatalf("a channel created without members does not inherit: %s", body)
	}
	resp, body = env.Do("POST", "/api/cowork/teams/eng/channels/"+ch.ChannelID+"/messages", `{"text": "all hands at three"}`, alice)
	mustOK(t, "send", resp, body)
	conv, err := env.Service.GetConversation(ctx, env.Caller("demo", "alice"), ch.ChannelID)
	if err != nil {
		t.Fatal(err)
	}

	// Every dialect's list of bob's conversations (bob is in team eng,
	// never added to the channel) holds it; dave's (not in eng) does not.
	lists := []struct {
		dialect, path string
		headers       func(user string) []string
		shows         string // how the list names the channel
	}{
		{"channelize", "/v2/conversations?limit=100", channelizeAuth, `"id":"` + ch.ChannelID + `"`},
		{"sceyt", "/v1/demo/channels?limit=50&from=", func(string) []string { return []string{"Authorization: Bearer demo-secret"} },
			`"id":"` + ch.ChannelID + `"`},
		{"appnet", "/stream/0/channels?count=200", func(u string) []string { return []string{"Authorization: Bearer " + u + "-token"} },
			`"id":"` + strconv.FormatInt(conv.PK, 10) + `"`},
		{"amity", "/api/v3/channels?options[limit]=100", func(u string) []string { return []string{"Authorization: Bearer " + u + "-token"} },
			`"channelId":"` + ch.ChannelID + `"`},
		{"cowork", "/api/cowork/teams/eng/channels", func(u string) []string { return []string{"Authorization: Bearer " + u + "-token"} },
			`"channelId":"` + ch.ChannelID + `"`},
	}
	for _, l := range lists {
		for user, want := range map[string]bool{"bob": true, "dave": false} {
			path := l.path
			if strings.HasSuffix(path, "from=") {
				path += user
			}
			resp, body := env.Do("GET", path, "", l.headers(user)...)
			if l.dialect == "cowork" && user == "dave" {
				if resp.StatusCode != http.StatusNotFound { // dave does not see team eng at all
					t.Errorf("cowork: dave lists eng's channels: %d %s", resp.StatusCode, body)
				}
				continue
			}
			mustOK(t, l.dialect+" list as "+user, resp, body)
			if got := strings.Contains(compact(body), l.shows); got != want {
				t.Errorf("%s lists the inherited channel for %s: %v, want %v: %.400s", l.dialect, user, got, want, body)
			}
		}
	}

	// Read the same through Channelize and CoWork.
	v2 := readChannelize(t, env, "bob", ch.ChannelID)
	cw := readCoWorkIn(t, env, "bob", "eng", ch.ChannelID)
	if !sameReading(v2, cw) || len(v2) != 1 || v2[0].Text != "all hands at three" {
		t.Errorf("channelize reads %+v, cowork reads %+v", v2, cw)
	}
	for _, user := range []string{"dave"} {
		if resp, body := env.Do("GET", "/v2/conversations/"+ch.ChannelID+"/messages", "", channelizeAuth(user)...); resp.StatusCode/100 == 2 {
			t.Errorf("%s reads the channel through /v2: %d %s", user, resp.StatusCode, body)
		}
	}

	// Unread: one for bob in the list and in the total; read through
	// Channelize, none anywhere.
	unread := func() (inList, total int) {
		t.Helper()
		resp, body := env.Do("GET", "/v2/conversations?limit=100", "", channelizeAuth("bob")...)
		mustOK(t, "list", resp, body)
		var convs []struct {
			ID     string `json:"id"`
			Unread int    `json:"unreadMessageCount"`
		}
		mustJSON(t, body, &convs)
		for _, c := range convs {
			if c.ID == ch.ChannelID {
				inList = c.Unread
			}
		}
		n, err := env.Service.UnreadCount(ctx, env.Caller("demo", "bob"), ch.ChannelID)
		if err != nil {
			t.Fatal(err)
		}
		if n != inList {
			t.Errorf("the list says %d unread, the count %d", inList, n)
		}
		total, err = env.Service.UnreadTotal(ctx, env.Caller("demo", "bob"))
		if err != nil {
			t.Fatal(err)
		}
		return inList, total
	}
	n, before := unread()
	if n != 1 {
		t.Errorf("bob has %d unread in the channel, want 1", n)
	}
	resp, body = env.Do("PUT", "/v2/conversations/"+ch.ChannelID+"/mark_as_read", "", channelizeAuth("bob")...)
	mustOK(t, "mark read", resp, body)
	if n, after := unread(); n != 0 || after != before-1 {
		t.Errorf("after reading: %d unread in the channel (want 0), %d in all (want %d)", n, after, before-1)
	}

	// A team without members: its inherited channels are every user's.
	app := env.Caller("demo", "")
	if _, err := env.Service.CreateTeam(ctx, app, core.TeamInput{ID: "all", Name: "Everyone"}); err != nil {
		t.Fatal(err)
	}
	open, err := env.Service.CreateTeamChannel(ctx, app, "all", core.TeamChannelInput{ID: "plaza", Name: "Plaza"})
	if err != nil {
		t.Fatal(err)
	}
	if !open.MembersInherited {
		t.Fatal("plaza does not inherit")
	}
	resp, body = env.Do("GET", "/v2/conversations?limit=100", "", channelizeAuth("dave")...)
	mustOK(t, "dave's list", resp, body)
	if !strings.Contains(compact(body), `"id":"plaza"`) {
		t.Errorf("dave's conversations leave out the open team's channel: %.400s", body)
	}
}

// compact drops the spaces a JSON answer may have between a name and its
// value.
func compact(body []byte) string { return strings.ReplaceAll(string(body), `": "`, `":"`) }
