package core_test

import (
	"slices"
	"testing"

	"parley/server/core"
)

// TestEventAudiences runs a story of changes in order and checks each one's
// events: who is in the audience, and that a change which changes nothing
// publishes nothing.
func TestEventAudiences(t *testing.T) {
	t.Parallel()
	env, rec, _ := mustEventEnv(t)
	svc := env.Service
	as := func(id string) *core.Caller { return env.Caller("demo", id) }
	aud := func(ids ...string) string {
		keys := userKeys(env, ids...)
		slices.Sort(keys)
		return keysText(keys)
	}
	general := aud("alice", "bob", "carol")
	var secret *core.Message // alice to bob only, in general

	steps := []struct {
		name string
		do   func() error
		want []summary
	}{
		{"SendToMembersOnly", func() error {
			_, _, err := svc.SendMessage(ctx, as("alice"), core.SendInput{ConversationID: "general", Body: "hi all"})
			return err
		}, []summary{{core.EventMessageCreated, "general", "", general}}},
		{"RecipientsOnlyToSenderAndRecipients", func() (err error) {
			secret, _, err = svc.SendMessage(ctx, as("alice"), core.SendInput{ConversationID: "general", Body: "psst", Recipients: []string{"bob"}})
			return err
		}, []summary{{core.EventMessageCreated, "general", "", aud("alice", "bob")}}},
		{"RecipientsOnlyEdit", func() error {
			_, err := svc.EditMessage(ctx, as("alice"), secret.ID, core.EditInput{Body: ptr("psst!")})
			return err
		}, []summary{{core.EventMessageUpdated, "general", "", aud("alice", "bob")}}},
		{"HiddenCopyToItsUserOnly", func() error {
			return svc.DeleteForMe(ctx, as("bob"), []string{"m1"})
		}, []summary{{core.EventMessageHidden, "general", "bob", aud("bob")}}},
		{"HiddenCopyLeftOutOfLaterChanges", func() error {
			return svc.AddReaction(ctx, as("carol"), "m1", "like")
		}, []summary{{core.EventReactionAdded, "general", "carol", aud("alice", "carol")}}},
		{"ReactionTwiceNoEvent", func() error {
			return svc.AddReaction(ctx, as("carol"), "m1", "like")
		}, nil},
		{"RemoveAbsentReactionNoEvent", func() error {
			return svc.RemoveReaction(ctx, as("carol"), "m1", "heart")
		}, nil},
		{"Pin", func() error {
			_, err := svc.Pin(ctx, as("alice"), "m2")
			return err
		}, []summary{{core.EventMessagePinned, "general", "", general}}},
		{"PinPinnedNoEvent", func() error {
			_, err := svc.Pin(ctx, as("alice"), "m2")
			return err
		}, nil},
		{"UnpinUnpinnedNoEvent", func() error {
			_, err := svc.Unpin(ctx, as("alice"), "m1")
			return err
		}, nil},
		{"ReadToMembers", func() error {
			return svc.MarkRead(ctx, as("carol"), "general", core.ReadInput{})
		}, []summary{{core.EventConversationRead, "general", "carol", general}}},
		{"ReadAgainNoEvent", func() error {
			return svc.MarkRead(ctx, as("carol"), "general", core.ReadInput{})
		}, nil},
		{"MemberAddedToAllWithNewcomer", func() error {
			_, err := svc.AddMembers(ctx, as("alice"), "general", []core.MemberInput{{UserID: "dave"}})
			return err
		}, []summary{{core.EventMemberAdded, "general", "dave", aud("alice", "bob", "carol", "dave")}}},
		{"AddMemberAgainNoEvent", func() error {
			_, err := svc.AddMembers(ctx, as("alice"), "general", []core.MemberInput{{UserID: "dave"}})
			return err
		}, nil},
		{"RoleChangeUpdatesConversation", func() error {
			return svc.SetRole(ctx, as("alice"), "general", "dave", core.RoleAdmin)
		}, []summary{{core.EventConversationUpdated, "general", "dave", aud("alice", "bob", "carol", "dave")}}},
		{"SameRoleNoEvent", func() error {
			return svc.SetRole(ctx, as("alice"), "general", "dave", core.RoleAdmin)
		}, nil},
		{"MemberRemovedToAllWithLeaver", func() error {
			return svc.RemoveMembers(ctx, as("alice"), "general", []string{"dave"})
		}, []summary{{core.EventMemberRemoved, "general", "dave", aud("alice", "bob", "carol", "dave")}}},
		{"AfterRemovalNothingToLeaver", func() error {
			_, err := svc.EditMessage(ctx, as("alice"), "m1", core.EditInput{Body: ptr("hello again")})
			return err
		}, []summary{{core.EventMessageUpdated, "general", "", aud("alice", "carol")}}},
		{"RecallTwiceOneEvent", func() error {
			if _, err := svc.Recall(ctx, as("alice"), []string{"m1"}); err != nil {
				return err
			}
			_, err := svc.Recall(ctx, as("alice"), []string{"m1"})
			return err
		}, []summary{{core.EventMessageDeleted, "general", "", aud("alice", "carol")}}},
		{"ConversationCreatedToMembers", func() error {
			_, _, err := svc.CreateConversation(ctx, as("bob"), core.ConversationInput{ID: "side", Members: []core.MemberInput{{UserID: "carol"}}})
			return err
		}, []summary{{core.EventConversationCreated, "side", "", aud("bob", "carol")}}},
		{"ConversationUpdatedToMembers", func() error {
			_, err := svc.UpdateConversation(ctx, as("bob"), "side", core.ConversationUpdate{Title: ptr("Side")})
			return err
		}, []summary{{core.EventConversationUpdated, "side", "", aud("bob", "carol")}}},
		{"ConversationDeletedToFormerMembers", func() error {
			return svc.DeleteConversation(ctx, as("bob"), "side")
		}, []summary{{core.EventConversationDeleted, "side", "", aud("bob", "carol")}}},
		{"DirectFoundAgainNoEvent", func() error {
			if _, _, err := svc.SendMessage(ctx, as("bob"), core.SendInput{ToUserID: "dave", Body: "hi dave"}); err != nil {
				return err
			}
			rec.Take()
			_, _, err := svc.CreateConversation(ctx, as("bob"), core.ConversationInput{Kind: core.KindDirect, Members: []core.MemberInput{{UserID: "dave"}}})
			return err
		}, nil},
	}
	for _, st := range steps {
		wantCode(t, st.do(), "")
		events := rec.Take()
		for _, e := range events {
			if e.AppID != "demo" || e.At.IsZero() || e.ConversationPK == 0 {
				t.Errorf("%s: %s lacks its app, time or conversation: %+v", st.name, e.Type, e)
			}
		}
		if got := summarize(events); !slices.Equal(got, st.want) {
			t.Errorf("%s: got %+v, want %+v", st.name, got, st.want)
		}
	}
}
