package core

import "context"

// OpenDirect finds or creates the direct conversation of a set of users:
// the calling user (when there is one) and the users named by userIDs (text
// ids or key references, in any order; repeats count once). One set has
// one direct conversation, found by DirectKey, so the same call serves a
// two-person DM, an App.net pm channel of several users and an Amity
// distinct conversation. Nobody joins or leaves it later (it would become
// another set). created is false when it was found.
func (s *Service) OpenDirect(ctx context.Context, c *Caller, userIDs []string) (conv *Conversation, created bool, err error) {
	if err := c.inApp(); err != nil {
		return nil, false, err
	}
	if err := allow(c, actCreateConversation, nil); err != nil {
		return nil, false, err
	}
	// A user may open a conversation with themselves alone (App.net's pm
	// to self); the app names at least one user.
	if err := s.checkIDs("userIds", userIDs, c.user != nil); err != nil {
		return nil, false, err
	}
	err = s.write(ctx, func(tx Tx) (err error) {
		conv, created, err = s.openDirectSet(tx, c, userIDs)
		return err
	})
	if err != nil {
		return nil, false, err
	}
	if created {
		s.publishToMembers(ctx, conv, s.newEvent(EventConversationCreated, c, conv))
	}
	return conv, created, nil
}

// openDirectSet runs OpenDirect inside a write; the ids have been checked.
func (s *Service) openDirectSet(tx Tx, c *Caller, userIDs []string) (*Conversation, bool, error) {
	users, err := tx.UsersByIDs(c.app.PK, userIDs)
	if err != nil {
		return nil, false, err
	}
	for _, id := range userIDs {
		known := false
		for _, u := range users {
			if u.Named(id) {
				known = true
				break
			}
		}
		if !known {
			return nil, false, Invalidf("userIds", "unknown user %q", id)
		}
	}
	members := users
	if c.user != nil {
		members = []*User{c.user}
		for _, u := range users {
			if u.PK != c.user.PK {
				members = append(members, u)
			}
		}
	}
	pks := make([]int64, len(members))
	for i, u := range members {
		pks[i] = u.PK
	}
	key := DirectKey(pks...)
	found, err := tx.DirectConversation(c.app.PK, key)
	if err == nil {
		if c.user != nil {
			if found.Me, err = tx.Member(found.PK, c.user.PK); err != nil {
				return nil, false, err
			}
		}
		return found, false, nil
	}
	if ErrorCode(err) != ENOTFOUND {
		return nil, false, err
	}
	now := s.Now()
	conv := &Conversation{AppPK: c.app.PK, Kind: KindDirect, DirectKey: key, CreatedAt: now, UpdatedAt: now, LastActivityAt: now}
	if c.user != nil {
		conv.OwnerPK, conv.OwnerID = c.user.PK, c.user.ID
	}
	if err := tx.InsertConversation(conv); err != nil {
		return nil, false, err
	}
	for _, u := range members {
		m := &Member{ConversationPK: conv.PK, UserPK: u.PK, User: u, Role: RoleMember, JoinedAt: now}
		if err := tx.UpsertMember(m); err != nil {
			return nil, false, err
		}
		if c.user != nil && u.PK == c.user.PK {
			conv.Me = m
		}
	}
	conv.MemberCount = len(members)
	return conv, true, nil
}
