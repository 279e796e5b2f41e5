package core_test

import (
	"fmt"
	"testing"

	"parley/server/core"
	"parley/server/testenv"
)

// TestTeamChannels pins down team membership: a channel without its own
// member list takes its team's members, a team without members is open to
// every user, and a team admin administers channels without reading them.
func TestTeamChannels(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	svc := env.Service
	app, alice, bob, dave := env.Caller("demo", ""), env.Caller("demo", "alice"), env.Caller("demo", "bob"), env.Caller("demo", "dave")

	town, err := svc.CreateTeamChannel(ctx, alice, "eng", core.TeamChannelInput{ID: "town", Name: "Town hall"})
	wantCode(t, err, "")
	if !town.MembersInherited {
		t.Fatalf("a channel created without members should inherit them")
	}
	_, err = svc.CreateTeamChannel(ctx, bob, "eng", core.TeamChannelInput{ID: "nope", Name: "Nope"})
	wantCode(t, err, core.EFORBIDDEN) // bob is no team admin
	_, err = svc.CreateTeamChannel(ctx, alice, "eng", core.TeamChannelInput{ID: "secret", Name: "Secret", Members: []string{"bob"}})
	wantCode(t, err, "")
	_, err = svc.CreateTeam(ctx, app, core.TeamInput{ID: "all", Name: "Everyone"})
	wantCode(t, err, "")
	_, err = svc.CreateTeamChannel(ctx, app, "all", core.TeamChannelInput{ID: "plaza", Name: "Plaza"})
	wantCode(t, err, "")

	send := func(c *core.Caller, conv, body string) error {
		_, _, err := svc.SendMessage(ctx, c, core.SendInput{ConversationID: conv, Body: body})
		return err
	}
	tests := []struct {
		name, conv string
		as         *core.Caller
		code       string
	}{
		{"InheritedTeamMember", "town", bob, ""},
		{"InheritedTeamAdmin", "town", alice, ""},
		{"ErrInheritedOutsider", "town", dave, core.ENOTFOUND}, // what one may not see does not exist
		{"OwnListMember", "secret", bob, ""},
		{"ErrOwnListTeamAdmin", "secret", alice, core.ENOTFOUND}, // privacy holds against admins
		{"OpenTeamAnyone", "plaza", dave, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantCode(t, send(tt.as, tt.conv, "hello "+tt.name), tt.code)
			_, err := svc.ListMessages(ctx, tt.as, tt.conv, core.MessageQuery{})
			wantCode(t, err, tt.code)
		})
	}

	members, err := svc.ListMembers(ctx, bob, "town", core.Page{})
	wantCode(t, err, "")
	var ids []string
	for _, m := range members.Items {
		ids = append(ids, m.User.ID+":"+string(m.TeamRole))
	}
	if !equal(ids, []string{"alice:admin", "bob:member", "carol:member"}) {
		t.Fatalf("town members = %v", ids)
	}
	chans, err := svc.ListTeamChannels(ctx, alice, "eng")
	wantCode(t, err, "")
	var names []string
	for _, ch := range chans {
		names = append(names, ch.ID)
	}
	if !equal(names, []string{"general", "town"}) { // not secret: alice is not on its list
		t.Fatalf("alice's channels of eng = %v", names)
	}
	_, err = svc.ListTeamChannels(ctx, dave, "eng")
	wantCode(t, err, core.ENOTFOUND)
	teams, err := svc.ListMyTeams(ctx, dave)
	wantCode(t, err, "")
	if len(teams) != 1 || teams[0].ID != "all" {
		t.Fatalf("dave's teams = %+v", teams)
	}

	// A team admin posts a bot message into a channel they cannot read,
	// and deletes others' messages where they are a member.
	_, err = svc.BotMessage(ctx, alice, "eng", "secret", core.SendInput{Body: "maintenance tonight"}, nil)
	wantCode(t, err, "")
	_, err = svc.BotMessage(ctx, bob, "eng", "secret", core.SendInput{Body: "not an admin"}, nil)
	wantCode(t, err, core.EFORBIDDEN)
	m, _, err := svc.SendMessage(ctx, bob, core.SendInput{ConversationID: "town", Body: "delete me"})
	wantCode(t, err, "")
	_, err = svc.Recall(ctx, env.Caller("demo", "carol"), []string{m.ID})
	wantCode(t, err, core.EFORBIDDEN)
	_, err = svc.Recall(ctx, alice, []string{m.ID})
	wantCode(t, err, "")

	// Team administration replaces the lists.
	admins, members2 := []string{"alice", "carol"}, []string{"bob"}
	d, err := svc.UpdateTeam(ctx, alice, "eng", core.TeamUpdate{Admins: &admins, Members: &members2})
	wantCode(t, err, "")
	var roles []string
	for _, m := range d.Members {
		roles = append(roles, m.User.ID+":"+string(m.Role))
	}
	if !equal(roles, []string{"alice:admin", "bob:member", "carol:admin"}) {
		t.Fatalf("eng after update = %v", roles)
	}
	_, err = svc.UpdateTeam(ctx, bob, "eng", core.TeamUpdate{Admins: &members2})
	wantCode(t, err, core.EFORBIDDEN)
}

// TestDirectLeave: a direct conversation lasts until both have left it;
// opening it again brings the leaver back.
func TestDirectLeave(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	svc := env.Service
	alice, bob := env.Caller("demo", "alice"), env.Caller("demo", "bob")
	dm, err := svc.OpenDirectChannel(ctx, alice, "bob")
	wantCode(t, err, "")
	again, err := svc.OpenDirectChannel(ctx, bob, "alice")
	wantCode(t, err, "")
	if again.PK != dm.PK {
		t.Fatalf("bob's direct conversation %s is not alice's %s", again.ID, dm.ID)
	}
	_, _, err = svc.SendMessage(ctx, alice, core.SendInput{ConversationID: dm.ID, Body: "psst"})
	wantCode(t, err, "")
	wantCode(t, svc.Leave(ctx, alice, dm.ID), "")
	_, err = svc.ListMessages(ctx, alice, dm.ID, core.MessageQuery{})
	wantCode(t, err, core.ENOTFOUND)
	back, err := svc.OpenDirectChannel(ctx, alice, "bob")
	wantCode(t, err, "")
	if back.PK != dm.PK {
		t.Fatalf("reopened %s, want %s", back.ID, dm.ID)
	}
	wantCode(t, svc.Leave(ctx, alice, dm.ID), "")
	wantCode(t, svc.Leave(ctx, bob, dm.ID), "")
	_, err = svc.GetConversation(ctx, bob, dm.ID)
	wantCode(t, err, core.ENOTFOUND)
}

// TestMessageWindow: up to 100 before, the target, up to 99 after.
func TestMessageWindow(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	svc := env.Service
	bob := env.Caller("demo", "bob")
	ids := []string{"m1", "m2"}
	for i := 3; i <= 250; i++ {
		m, _, err := svc.SendMessage(ctx, bob, core.SendInput{ID: fmt.Sprintf("w%d", i), ConversationID: "general", Body: "x"})
		wantCode(t, err, "")
		ids = append(ids, m.ID)
	}
	w := func(target string) core.Window { return core.Window{Target: target, Before: 100, After: 99} }
	tests := []struct {
		name     string
		win      core.Window
		from, to int // indexes into ids, inclusive
	}{
		{"Newest", w(""), 149, 249},
		{"Last", w("w250"), 149, 249},
		{"First", w("m1"), 0, 99},
		{"Middle", w("w151"), 50, 249},
		{"NearStart", w("w10"), 0, 108},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			msgs, err := svc.MessageWindow(ctx, bob, "general", tt.win)
			wantCode(t, err, "")
			var got []string
			for _, m := range msgs {
				got = append(got, m.ID)
			}
			if want := ids[tt.from : tt.to+1]; !equal(got, want) {
				t.Fatalf("window = %d ids %v..., want %d from %s to %s", len(got), got[:min(3, len(got))], len(want), want[0], want[len(want)-1])
			}
		})
	}
	_, err := svc.MessageWindow(ctx, bob, "general", w("m3"))
	wantCode(t, err, core.ENOTFOUND) // in another conversation
	_, err = svc.MessageWindow(ctx, env.Caller("demo", "dave"), "general", w(""))
	wantCode(t, err, core.ENOTFOUND)
}

func TestNormalizeReaction(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"grinning": "grinning", ":grinning:": "grinning", "😀": "grinning", ":-D": "grinning", ":D": "grinning",
		"👍": "+1", "👍\ufe0f": "+1", ":thumbsup:": "+1", "thumbsup": "+1", "(y)": "+1", "❤️": "heart",
		"<3": "heart", " :) ": "slightly_smiling_face", "Smile": "smile", "like": "like", "Like": "Like",
		":custom_thing:": "custom_thing",
	} {
		if got := core.NormalizeReaction(in); got != want {
			t.Errorf("NormalizeReaction(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestToggleReaction: the toggle adds and takes back, whatever spelling
// of the emoji each call uses.
func TestToggleReaction(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	svc := env.Service
	bob := env.Caller("demo", "bob")
	for i, tt := range []struct {
		name  string
		added bool
	}{{":-D", true}, {"😀", false}, {"grinning", true}} {
		added, err := svc.ToggleReaction(ctx, bob, "m1", tt.name)
		wantCode(t, err, "")
		if added != tt.added {
			t.Fatalf("toggle %d (%s): added = %v, want %v", i, tt.name, added, tt.added)
		}
	}
	wantCode(t, svc.AddReaction(ctx, env.Caller("demo", "carol"), "m1", "😀"), "")
	m, err := svc.GetMessage(ctx, bob, "m1")
	wantCode(t, err, "")
	if len(m.Reactions) != 1 || m.Reactions[0].Name != "grinning" || !equal(m.Reactions[0].UserIDs, []string{"bob", "carol"}) ||
		len(m.Reactions[0].Times) != 2 {
		t.Fatalf("reactions = %+v", m.Reactions)
	}
}

// TestRevisions: every edit that changes the text keeps the earlier one.
func TestRevisions(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	svc := env.Service
	alice := env.Caller("demo", "alice")
	for _, body := range []string{"hello, world", "hello, world", "hello, everyone"} {
		env.Clock.Advance(1000)
		_, err := svc.EditMessage(ctx, alice, "m1", core.EditInput{Body: &body})
		wantCode(t, err, "")
	}
	revs, err := svc.ListRevisions(ctx, env.Caller("demo", ""), "m1")
	wantCode(t, err, "")
	if len(revs) != 2 || revs[0].Body != "hello" || revs[1].Body != "hello, world" || revs[0].EditorID != "alice" ||
		!revs[0].WrittenAt.Equal(testenv.Start) || !revs[1].WrittenAt.Equal(revs[0].ReplacedAt) {
		t.Fatalf("revisions = %+v", revs)
	}
	_, err = svc.ListRevisions(ctx, env.Caller("demo", "dave"), "m1")
	wantCode(t, err, core.ENOTFOUND)
}

// TestSearch: prefix and phrase queries; the index follows edits and
// recalls; nobody finds what they cannot read.
func TestSearch(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	svc := env.Service
	alice, bob, carol, dave := env.Caller("demo", "alice"), env.Caller("demo", "bob"), env.Caller("demo", "carol"), env.Caller("demo", "dave")
	_, err := svc.CreateTeamChannel(ctx, alice, "eng", core.TeamChannelInput{ID: "secret", Name: "Secret", Members: []string{"bob"}})
	wantCode(t, err, "")
	secret, _, err := svc.SendMessage(ctx, bob, core.SendInput{ConversationID: "secret", Body: "The launch plans are ready"})
	wantCode(t, err, "")
	public, _, err := svc.SendMessage(ctx, carol, core.SendInput{ConversationID: "general", Body: "Lunch? The launch can wait"})
	wantCode(t, err, "")
	find := func(c *core.Caller, q string) []string {
		t.Helper()
		hits, err := svc.Search(ctx, c, core.SearchQuery{Text: q})
		wantCode(t, err, "")
		var ids []string
		for _, h := range hits {
			ids = append(ids, h.Message.ID)
		}
		return ids
	}
	tests := []struct {
		name string
		as   *core.Caller
		q    string
		want []string
	}{
		{"Member", bob, "launch", []string{public.ID, secret.ID}},
		{"ErrNonMember", carol, "launch", []string{public.ID}},
		{"ErrTeamAdminNotMember", alice, "plans", nil},
		{"ErrOutsider", dave, "launch", nil},
		{"Prefix", bob, "laun*", []string{public.ID, secret.ID}},
		{"Phrase", bob, `"launch plans"`, []string{secret.ID}},
		{"PhraseOrder", bob, `"plans launch"`, nil},
		{"AllTerms", bob, "lunch launch", []string{public.ID}},
		{"Operators", bob, `launch OR NEAR(`, nil},
		{"App", env.Caller("demo", ""), "plans", []string{secret.ID}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := find(tt.as, tt.q); !equal(got, tt.want) {
				t.Fatalf("search %q = %v, want %v", tt.q, got, tt.want)
			}
		})
	}
	body := "The rollout plans are ready"
	_, err = svc.EditMessage(ctx, bob, secret.ID, core.EditInput{Body: &body})
	wantCode(t, err, "")
	if got := find(bob, "launch"); !equal(got, []string{public.ID}) {
		t.Fatalf("after edit: %v", got)
	}
	if got := find(bob, "rollout"); !equal(got, []string{secret.ID}) {
		t.Fatalf("new text after edit: %v", got)
	}
	_, err = svc.Recall(ctx, carol, []string{public.ID})
	wantCode(t, err, "")
	if got := find(bob, "lunch"); got != nil {
		t.Fatalf("after recall: %v", got)
	}
	_, err = svc.Search(ctx, bob, core.SearchQuery{Text: "  "})
	wantCode(t, err, core.EINVALID)
}
