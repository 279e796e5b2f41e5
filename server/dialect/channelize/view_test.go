package channelize_test

import (
	"reflect"
	"testing"
	"time"

	"parley/server/core"
	"parley/server/dialect/channelize"
	"parley/server/testenv"
)

// The conversation and user views depend on who asks; callers come from a
// real instance, since only the core builds them.

var t0 = time.Date(2020, 1, 29, 5, 29, 43, 233_000_000, time.UTC)

// callers returns real callers of the fixture app (only the core makes
// them): alice, bob, alice acting through the app's secret, and the app.
func callers(t *testing.T) (asAlice, asBob, appAsAlice, asApp *core.Caller) {
	ctx := t.Context()
	svc := testenv.New(t).Service
	get := func(cr core.Credential) *core.Caller {
		cr.PublicKey = "demo-public"
		c, err := svc.Authenticate(ctx, cr)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	return get(core.Credential{Kind: core.CredToken, Secret: "alice-token"}),
		get(core.Credential{Kind: core.CredToken, Secret: "bob-token"}),
		get(core.Credential{Kind: core.CredSecret, Secret: "demo-secret", ActAs: "alice"}),
		get(core.Credential{Kind: core.CredSecret, Secret: "demo-secret"})
}

func TestToWireConversation(t *testing.T) {
	asAlice, asBob, _, asApp := callers(t)
	alice := asAlice.User()
	me := &core.Member{UserPK: alice.PK, User: alice, Role: core.RoleOwner, LastReadAt: t0}
	for _, tc := range []struct {
		name    string
		conv    *core.Conversation
		members []*core.Member
		caller  *core.Caller
		want    map[string]any // the keys checked
	}{
		{"DirectNoRead", &core.Conversation{ID: "d", Kind: core.KindDirect, MemberCount: 2}, nil, asBob,
			map[string]any{"type": "private", "isGroup": false, "lastReadAt": map[string]any{}, "isAdmin": false, "lastMessage": map[string]any{}}},
		{"GroupOwner", &core.Conversation{ID: "g", Kind: core.KindGroup, Title: "G", OwnerID: "alice", Me: me, CreatedAt: t0, UpdatedAt: t0},
			nil, asAlice,
			map[string]any{"type": "private", "isGroup": true, "isAdmin": true, "ownerId": "alice", "title": "G",
				"lastReadAt": map[string]any{"alice": "2020-01-29T05:29:43.233Z"}}},
		{"PublicApp", &core.Conversation{ID: "p", Kind: core.KindPublic}, nil, asApp,
			map[string]any{"type": "public", "isGroup": true, "ownerId": nil, "metaData": map[string]any{}, "customType": nil}},
		{"OpenWithMembers", &core.Conversation{ID: "o", Kind: core.KindOpen}, []*core.Member{me, {User: asBob.User(), Role: core.RoleMember, JoinedAt: t0}},
			asBob,
			map[string]any{"type": "open", "lastReadAt": map[string]any{"alice": "2020-01-29T05:29:43.233Z"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := channelize.AsJSON(t, channelize.ToWireConversation(tc.conv, tc.members, tc.caller)).(map[string]any)
			for k, want := range tc.want {
				if !reflect.DeepEqual(got[k], want) {
					t.Errorf("%s: got %#v, want %#v", k, got[k], want)
				}
			}
			if _, ok := got["members"]; ok != (tc.members != nil) {
				t.Errorf("members present: %v, want %v", ok, tc.members != nil)
			}
			if cfg := got["config"].(map[string]any); cfg["typing_events"] != true || cfg["read_events"] != true {
				t.Errorf("config: %v", cfg)
			}
		})
	}
}

func TestToWireUserEmail(t *testing.T) {
	asAlice, asBob, appAsAlice, asApp := callers(t)
	alice, bob := asAlice.User(), asBob.User()
	for _, tc := range []struct {
		name   string
		caller *core.Caller
		u      *core.User
		want   any // nil: no email key
	}{
		{"Self", asAlice, alice, "alice@example.test"},
		{"App", asApp, alice, "alice@example.test"},
		{"AppNoEmail", appAsAlice, bob, "null"},
		{"Other", asBob, alice, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := channelize.AsJSON(t, channelize.ToWireUser(tc.u, channelize.SeesEmail(tc.caller, tc.u))).(map[string]any)
			email, ok := got["email"]
			switch {
			case tc.want == nil && ok:
				t.Errorf("email shown: %v", email)
			case tc.want == "null" && (!ok || email != nil):
				t.Errorf("email: got %v (present %v), want null", email, ok)
			case tc.want != nil && tc.want != "null" && email != tc.want:
				t.Errorf("email: got %v, want %v", email, tc.want)
			}
		})
	}
}
