package storetest

import (
	"testing"
	"time"

	"parley/server/core"
)

// testDirect: direct conversations are found by their members' key.
func testDirect(t *testing.T, f *fixture) {
	key := core.DirectKey(f.carol.PK, f.alice.PK, f.bob.PK)
	dm := &core.Conversation{AppPK: f.app.PK, Kind: core.KindDirect, DirectKey: key, CreatedAt: t0, UpdatedAt: t0}
	f.write(t, func(tx core.Tx) error { return tx.InsertConversation(dm) })
	f.read(t, func(tx core.Tx) error {
		got, err := tx.DirectConversation(f.app.PK, core.DirectKey(f.bob.PK, f.alice.PK, f.carol.PK))
		if err != nil || got.PK != dm.PK {
			t.Errorf("DirectConversation = %v, %v", got, err)
		}
		_, err = tx.DirectConversation(f.app.PK, core.DirectKey(f.bob.PK, f.alice.PK))
		wantCode(t, "a subset", err, core.ENOTFOUND)
		_, err = tx.DirectConversation(f.other.PK, key)
		wantCode(t, "another app", err, core.ENOTFOUND)
		return nil
	})
	err := f.s.Write(f.ctx, func(tx core.Tx) error {
		return tx.InsertConversation(&core.Conversation{AppPK: f.app.PK, Kind: core.KindDirect, DirectKey: key, CreatedAt: t0, UpdatedAt: t0})
	})
	wantCode(t, "a second conversation of the set", err, core.ECONFLICT)
}

// testMembers: member counts follow the members; roles change in place.
func testMembers(t *testing.T, f *fixture) {
	f.write(t, func(tx core.Tx) error {
		m := &core.Member{ConversationPK: f.general.PK, UserPK: f.bob.PK, Role: core.RoleAdmin, JoinedAt: t0.Add(time.Hour)}
		if err := tx.UpsertMember(m); err != nil {
			return err
		}
		if !m.JoinedAt.Equal(t0.Add(time.Second)) || m.Role != core.RoleAdmin {
			t.Errorf("upsert of a member: joined %v role %q; want the first join time and the new role", m.JoinedAt, m.Role)
		}
		return tx.RemoveMember(f.general.PK, f.carol.PK)
	})
	f.read(t, func(tx core.Tx) error {
		c, err := tx.ConversationByID(f.app.PK, "general")
		if err != nil {
			return err
		}
		role, err := tx.MemberRole(f.general.PK, f.carol.PK)
		if c.MemberCount != 2 || role != "" || err != nil {
			t.Errorf("after a removal: %d members, carol %q, %v", c.MemberCount, role, err)
		}
		_, err = tx.Member(f.general.PK, f.carol.PK)
		wantCode(t, "Member of a non-member", err, core.ENOTFOUND)
		return nil
	})
}
