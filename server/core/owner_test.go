package core_test

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"testing"

	"parley/server/core"
	"parley/server/testenv"
)

// TestOneOwner: a conversation has one owner, held by the policy whatever
// the call path: an admin cannot demote the owner, the app cannot add a
// second owner, and handing ownership over demotes the previous owner.
func TestOneOwner(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	svc := env.Service
	alice, bob, app := env.Caller("demo", "alice"), env.Caller("demo", "bob"), env.Caller("demo", "")
	_, _, err := svc.CreateConversation(ctx, alice, core.ConversationInput{ID: "crew", Members: []core.MemberInput{{UserID: "bob", Role: core.RoleAdmin}, {UserID: "carol"}}})
	wantCode(t, err, "")
	tests := []struct {
		name string
		do   func() error
		code string
	}{
		{"ErrAdminDemotesOwner", func() error { return svc.SetRole(ctx, bob, "crew", "alice", core.RoleMember) }, core.EFORBIDDEN},
		{"ErrAdminTakesOwnership", func() error { return svc.SetRole(ctx, bob, "crew", "bob", core.RoleOwner) }, core.EFORBIDDEN},
		{"ErrOwnerDemotesSelf", func() error { return svc.SetRole(ctx, alice, "crew", "alice", core.RoleAdmin) }, core.EFORBIDDEN},
		{"ErrAppAddsSecondOwner", func() error {
			_, err := svc.AddMembers(ctx, app, "crew", []core.MemberInput{{UserID: "dave", Role: core.RoleOwner}})
			return err
		}, core.EFORBIDDEN},
		{"ErrAdminAddsOwner", func() error {
			_, err := svc.AddMembers(ctx, bob, "crew", []core.MemberInput{{UserID: "dave", Role: core.RoleOwner}})
			return err
		}, core.EFORBIDDEN},
		{"OKOwnerHandsOver", func() error { return svc.SetRole(ctx, alice, "crew", "carol", core.RoleOwner) }, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { wantCode(t, tt.do(), tt.code) })
	}
	members, err := svc.ListMembers(ctx, app, "crew", core.Page{})
	wantCode(t, err, "")
	roles := map[string]core.Role{}
	owners := 0
	for _, m := range members.Items {
		roles[m.User.ID] = m.Role
		if m.Role == core.RoleOwner {
			owners++
		}
	}
	if owners != 1 || roles["carol"] != core.RoleOwner || roles["alice"] != core.RoleAdmin {
		t.Fatalf("after the hand-over: %v, want carol the one owner and alice an admin", roles)
	}
	conv, err := svc.GetConversation(ctx, app, "crew")
	wantCode(t, err, "")
	if conv.OwnerID != "carol" {
		t.Fatalf("conversation owner = %q, want carol", conv.OwnerID)
	}
}

// TestAnonymousReadNoPanic: an untrusted caller without a user (an anonymous
// or app-token read) reading a recipients-only message of an open
// conversation neither panics nor sees it.
func TestAnonymousReadNoPanic(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	svc := env.Service
	_, _, err := svc.CreateConversation(ctx, env.Caller("demo", "alice"), core.ConversationInput{ID: "square", Kind: core.KindOpen})
	wantCode(t, err, "")
	secret := send(t, env, "alice", core.SendInput{ConversationID: "square", Body: "for bob", Recipients: []string{"bob"}})
	open := send(t, env, "alice", core.SendInput{ConversationID: "square", Body: "for all"})
	anon, err := svc.Authenticate(ctx, core.Credential{Kind: core.CredNone, PublicKey: "demo-public"})
	wantCode(t, err, "")
	_, err = svc.GetMessage(ctx, anon, secret.ID)
	wantCode(t, err, core.ENOTFOUND)
	_, err = svc.GetMessage(ctx, anon, open.ID)
	wantCode(t, err, "")
	page, err := svc.ListMessages(ctx, anon, "square", core.MessageQuery{})
	wantCode(t, err, "")
	if got := ids(page.Items); !slices.Equal(got, []string{open.ID}) {
		t.Fatalf("anonymous list: %v, want only %s", got, open.ID)
	}
}

// TestVisibilityProperty: over generated conversations, memberships,
// recipients-only messages and hidden copies, "the policy says visible"
// (GetMessage) equals "the list returns it" (ListMessages) equals "the
// unread count counts it", for every kind of caller.
func TestVisibilityProperty(t *testing.T) {
	t.Parallel()
	users := []string{"alice", "bob", "carol", "dave"}
	for seed := uint64(1); seed <= 6; seed++ {
		rng := rand.New(rand.NewPCG(seed, 42))
		env := testenv.New(t)
		svc := env.Service
		app := env.Caller("demo", "")
		kinds := []core.ConversationKind{core.KindGroup, core.KindPublic, core.KindOpen}
		convID := "c"
		var members []core.MemberInput
		for _, u := range users[1:] {
			if rng.IntN(2) == 0 {
				members = append(members, core.MemberInput{UserID: u})
			}
		}
		_, _, err := svc.CreateConversation(ctx, app, core.ConversationInput{ID: convID, Kind: kinds[rng.IntN(len(kinds))], OwnerID: "alice", Members: members})
		wantCode(t, err, "")
		inConv := map[string]bool{"alice": true}
		for _, m := range members {
			inConv[m.UserID] = true
		}
		var sent []*core.Message
		for i := 0; i < 12; i++ {
			from := "alice"
			if cands := keys(inConv); len(cands) > 0 {
				from = cands[rng.IntN(len(cands))]
			}
			in := core.SendInput{ConversationID: convID, Body: "m"}
			if rng.IntN(3) == 0 {
				in.Recipients = []string{users[rng.IntN(len(users))]}
			}
			sent = append(sent, send(t, env, from, in))
			if rng.IntN(4) == 0 { // someone hides it for themselves, where allowed
				_ = svc.DeleteForMe(ctx, env.Caller("demo", from), []string{sent[len(sent)-1].ID})
			}
		}
		anon, err := svc.Authenticate(ctx, core.Credential{Kind: core.CredNone, PublicKey: "demo-public"})
		wantCode(t, err, "")
		callers := map[string]*core.Caller{"app": app, "anonymous": anon}
		for _, u := range users {
			callers[u] = env.Caller("demo", u)
		}
		for name, c := range callers {
			page, listErr := svc.ListMessages(ctx, c, convID, core.MessageQuery{Page: core.Page{Limit: 200}})
			listed := map[string]bool{}
			if listErr == nil {
				for _, m := range page.Items {
					listed[m.ID] = true
				}
			}
			visible := 0
			for _, m := range sent {
				_, err := svc.GetMessage(ctx, c, m.ID)
				seen := err == nil
				if seen != listed[m.ID] {
					t.Errorf("seed %d, %s, message %s (recipients %v, from %s): policy says %v, list says %v",
						seed, name, m.ID, m.Recipients, m.Owner.ID, seen, listed[m.ID])
				}
				if seen && (c.User() == nil || m.Owner.ID != c.UserID()) {
					visible++
				}
			}
			if c.User() != nil && inConv[c.UserID()] {
				n, err := svc.UnreadCount(ctx, c, convID)
				wantCode(t, err, "")
				if n != visible {
					t.Errorf("seed %d, %s: unread %d, want %d (the messages of others the policy shows)", seed, name, n, visible)
				}
			}
		}
	}
}

func keys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// TestReactionCaps: one user cannot pile reactions on a message past the
// per-user cap, and nobody past the per-message cap; a clear EINVALID says so.
func TestReactionCaps(t *testing.T) {
	t.Parallel()
	limits := core.DefaultLimits
	limits.ReactionsPerUser, limits.ReactionsPerMessage = 3, 5
	env := testenv.New(t, testenv.WithLimits(limits))
	svc := env.Service
	alice, bob := env.Caller("demo", "alice"), env.Caller("demo", "bob")
	for _, name := range []string{"a", "b", "c"} {
		wantCode(t, svc.AddReaction(ctx, alice, "m1", name), "")
	}
	wantCode(t, svc.AddReaction(ctx, alice, "m1", "d"), core.EINVALID)
	wantCode(t, svc.AddReaction(ctx, bob, "m1", "a"), "")
	wantCode(t, svc.AddReaction(ctx, bob, "m1", "b"), "")
	wantCode(t, svc.AddReaction(ctx, bob, "m1", "c"), core.EINVALID) // the message is full
	wantCode(t, svc.RemoveReaction(ctx, alice, "m1", "a"), "")
	wantCode(t, svc.AddReaction(ctx, bob, "m1", "c"), "")
}

// TestIDsCannotBeSquatted: a client that claims the next keys' decimal ids
// and every guessable fallback cannot make another user's send fail.
func TestIDsCannotBeSquatted(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	probe := send(t, env, "alice", core.SendInput{ConversationID: "general", Body: "probe"})
	var key int64
	if k, err := strconv.ParseInt(probe.ID, 10, 64); err == nil {
		key = k
	} else {
		t.Fatalf("probe id %q is not a key", probe.ID)
	}
	// Bob's nine claims take keys key+1..key+9 themselves, so alice's next
	// message gets key+10: bob claims its decimal id and every guessable
	// fallback of it.
	target := key + 10
	for j := 0; j <= 8; j++ {
		id := strconv.FormatInt(target, 10)
		if j > 0 {
			id = fmt.Sprintf("%d-%d", target, j)
		}
		send(t, env, "bob", core.SendInput{ID: id, ConversationID: "general", Body: "mine"})
	}
	for i := 0; i < 5; i++ {
		m := send(t, env, "alice", core.SendInput{ConversationID: "general", Body: "still works"})
		if m.Owner.ID != "alice" {
			t.Fatalf("send %d: %+v", i, m)
		}
	}
}
