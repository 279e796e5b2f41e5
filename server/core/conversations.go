package core

import (
	"context"
	"time"
)

// MemberInput names a user to add, with a role (member when empty).
type MemberInput struct {
	UserID string
	Role   Role
}

// ConversationInput creates a conversation.
type ConversationInput struct {
	ID         string
	Kind       ConversationKind // group when empty
	Type       string
	Title      string
	AvatarURL  string
	CustomType string
	Metadata   []byte
	TeamID     string
	// OwnerID names the owner when the app creates the conversation; a user
	// caller always owns what they create.
	OwnerID   string
	Members   []MemberInput
	CreatedAt time.Time
}

// CreateConversation creates a conversation, or, for a direct one, finds the
// one the two users already have. created is false when it was found.
func (s *Service) CreateConversation(ctx context.Context, c *Caller, in ConversationInput) (conv *Conversation, created bool, err error) {
	if err := c.inApp(); err != nil {
		return nil, false, err
	}
	if err := allow(c, actCreateConversation, nil); err != nil {
		return nil, false, err
	}
	err = s.write(ctx, func(tx Tx) (err error) {
		conv, created, err = s.createConversation(tx, c, in)
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

func (s *Service) checkConversation(in *ConversationInput) error {
	if in.Kind == "" {
		in.Kind = KindGroup
	}
	if !in.Kind.Valid() {
		return Invalidf("kind", "unknown conversation kind %q", in.Kind)
	}
	if err := s.checkNewID("id", in.ID); err != nil {
		return err
	}
	if err := checkText("title", in.Title, s.limits.NameLength); err != nil {
		return err
	}
	for _, f := range []struct{ name, v string }{{"type", in.Type}, {"avatarUrl", in.AvatarURL}, {"customType", in.CustomType}} {
		if err := checkText(f.name, f.v, 2048); err != nil {
			return err
		}
	}
	if len(in.Members) > s.limits.Recipients {
		return Invalidf("members", "at most %d members may be added at once", s.limits.Recipients)
	}
	for _, m := range in.Members {
		if err := s.checkID("members", m.UserID); err != nil {
			return err
		}
		if m.Role != "" && !m.Role.Valid() {
			return Invalidf("role", "unknown role %q", m.Role)
		}
	}
	return s.checkJSON("metadata", in.Metadata)
}

func (s *Service) createConversation(tx Tx, c *Caller, in ConversationInput) (*Conversation, bool, error) {
	if err := s.checkConversation(&in); err != nil {
		return nil, false, err
	}
	now := s.Now()
	if in.CreatedAt.IsZero() {
		in.CreatedAt = now
	}
	conv := &Conversation{AppPK: c.app.PK, ID: in.ID, Kind: in.Kind, Type: in.Type, Title: in.Title, AvatarURL: in.AvatarURL,
		CustomType: in.CustomType, Metadata: in.Metadata, CreatedAt: in.CreatedAt.UTC().Truncate(time.Millisecond), UpdatedAt: now}
	conv.LastActivityAt = conv.CreatedAt

	// The owner: the calling user, or the one the app names.
	owner := c.user
	if in.OwnerID != "" && (owner == nil || in.OwnerID != owner.ID) {
		if err := allow(c, actChooseOwner, nil); err != nil {
			return nil, false, err
		}
		u, err := tx.UserByID(c.app.PK, in.OwnerID)
		if err != nil {
			return nil, false, notFoundAs(err, Invalidf("owner", "unknown user %q", in.OwnerID))
		}
		owner = u
	}
	// Resolve members; the owner is always one.
	type pending struct {
		user *User
		role Role
	}
	var members []pending
	seen := map[int64]int{}
	add := func(u *User, role Role) {
		if role == "" {
			role = RoleMember
		}
		if i, ok := seen[u.PK]; ok {
			if role == RoleOwner || (role == RoleAdmin && members[i].role == RoleMember) {
				members[i].role = role
			}
			return
		}
		seen[u.PK] = len(members)
		members = append(members, pending{u, role})
	}
	if owner != nil {
		conv.OwnerPK, conv.OwnerID = owner.PK, owner.ID
		add(owner, RoleOwner)
	}
	for _, m := range in.Members {
		u, err := tx.UserByID(c.app.PK, m.UserID)
		if err != nil {
			return nil, false, notFoundAs(err, Invalidf("members", "unknown user %q", m.UserID))
		}
		role := m.Role
		if role == RoleOwner && owner != nil && u.PK != owner.PK {
			role = RoleAdmin // one owner per conversation
		}
		add(u, role)
	}
	if in.TeamID != "" {
		t, err := tx.TeamByID(c.app.PK, in.TeamID)
		if err != nil {
			return nil, false, notFoundAs(err, Invalidf("team", "unknown team %q", in.TeamID))
		}
		conv.TeamPK, conv.TeamID = t.PK, t.ID
	}

	if conv.Kind == KindDirect {
		if len(members) != 2 {
			return nil, false, Invalidf("members", "a direct conversation has exactly two members")
		}
		conv.DirectKey = DirectKey(members[0].user.PK, members[1].user.PK)
		found, err := tx.DirectConversation(c.app.PK, conv.DirectKey)
		if err == nil {
			if c.user != nil {
				found.Me, _ = tx.Member(found.PK, c.user.PK)
			}
			return found, false, nil
		}
		if ErrorCode(err) != ENOTFOUND {
			return nil, false, err
		}
		members[0].role, members[1].role = RoleMember, RoleMember
	}
	if err := tx.InsertConversation(conv); err != nil {
		return nil, false, err
	}
	for _, p := range members {
		m := &Member{ConversationPK: conv.PK, UserPK: p.user.PK, User: p.user, Role: p.role, JoinedAt: now}
		if err := tx.UpsertMember(m); err != nil {
			return nil, false, err
		}
		if c.user != nil && p.user.PK == c.user.PK {
			conv.Me = m
		}
	}
	conv.MemberCount = len(members)
	return conv, true, nil
}

// openDirect finds or creates the direct conversation between the caller and
// another user.
func (s *Service) openDirect(tx Tx, c *Caller, otherID string) (*Conversation, *Member, error) {
	if c.user == nil {
		return nil, nil, needUser("a direct conversation")
	}
	if err := s.checkID("userId", otherID); err != nil {
		return nil, nil, err
	}
	other, err := tx.UserByID(c.app.PK, otherID)
	if err != nil {
		return nil, nil, notFoundAs(err, Errorf(ENOTFOUND, "user %q not found", otherID))
	}
	if other.PK == c.user.PK {
		return nil, nil, Invalidf("userId", "a direct conversation needs another user")
	}
	conv, _, err := s.createConversation(tx, c, ConversationInput{Kind: KindDirect, Members: []MemberInput{{UserID: other.ID}}})
	if err != nil {
		return nil, nil, err
	}
	me := conv.Me
	if me == nil {
		me, err = tx.Member(conv.PK, c.user.PK)
		if ErrorCode(err) == ENOTFOUND {
			// The caller had left: opening it again brings them back.
			me = &Member{ConversationPK: conv.PK, UserPK: c.user.PK, User: c.user, Role: RoleMember, JoinedAt: s.Now()}
			err = tx.UpsertMember(me)
		}
		if err != nil {
			return nil, nil, err
		}
		conv.Me = me
	}
	return conv, me, nil
}

// conversation loads a conversation of the caller's app with the caller's
// membership, and checks that the caller may read it.
func (s *Service) conversation(tx Tx, c *Caller, id string) (*Conversation, *Member, error) {
	if id == "" {
		return nil, nil, Invalidf("conversationId", "conversation id is required")
	}
	var conv *Conversation
	var me *Member
	var err error
	if c.user == nil {
		conv, err = tx.ConversationByID(c.app.PK, id)
	} else if conv, me, err = tx.ConversationAs(c.app.PK, id, c.user.PK); me != nil {
		me.User = c.user
		conv.Me = me
	}
	if err != nil {
		return nil, nil, err
	}
	if err := loadAccess(tx, conv); err != nil {
		return nil, nil, err
	}
	if me, err = s.teamMembership(tx, c, conv, me); err != nil {
		return nil, nil, err
	}
	if err := allow(c, actRead, &standing{conv: conv, me: me}); err != nil {
		return nil, nil, err
	}
	return conv, me, nil
}

// GetConversation returns a conversation the caller may read.
func (s *Service) GetConversation(ctx context.Context, c *Caller, id string) (*Conversation, error) {
	if err := c.inApp(); err != nil {
		return nil, err
	}
	var conv *Conversation
	err := s.read(ctx, func(tx Tx) (err error) {
		if conv, _, err = s.conversation(tx, c, id); err != nil {
			return err
		}
		return s.decorate(tx, c, []*Conversation{conv})
	})
	return conv, err
}

// GetConversationWithMembers returns a conversation the caller may read
// with the first page of its members, in one read.
func (s *Service) GetConversationWithMembers(ctx context.Context, c *Caller, id string, p Page) (*Conversation, List[*Member], error) {
	var members List[*Member]
	if err := c.inApp(); err != nil {
		return nil, members, err
	}
	p, err := s.page(p)
	if err != nil {
		return nil, members, err
	}
	var conv *Conversation
	err = s.read(ctx, func(tx Tx) (err error) {
		if conv, _, err = s.conversation(tx, c, id); err != nil {
			return err
		}
		if err = s.decorate(tx, c, []*Conversation{conv}); err != nil {
			return err
		}
		if members, err = s.listMembers(tx, conv, p); err != nil {
			return err
		}
		s.markOnline(members.Items)
		return nil
	})
	return conv, members, err
}

// decorate fills the caller's view of conversations: the newest message,
// when the caller sees it, and the caller's unread count. It costs a fixed
// number of queries however many conversations there are.
func (s *Service) decorate(tx Tx, c *Caller, convs []*Conversation) error {
	var msgPKs, memberOf []int64
	for _, conv := range convs {
		if conv.LastMessagePK != 0 {
			msgPKs = append(msgPKs, conv.LastMessagePK)
		}
		if conv.Me != nil {
			memberOf = append(memberOf, conv.PK)
		}
	}
	msgs, err := tx.MessagesByPKs(c.app.PK, msgPKs)
	if err != nil {
		return err
	}
	hidden := map[int64]bool{}
	if c.user != nil && len(msgs) > 0 {
		if hidden, err = tx.HiddenMessages(c.user.PK, msgPKs); err != nil {
			return err
		}
	}
	last := make(map[int64]*Message, len(msgs))
	for _, m := range msgs {
		if allow(c, actSeeMessage, &standing{msg: m, hidden: hidden[m.PK]}) == nil {
			last[m.PK] = m
		}
	}
	unread := map[int64]int{}
	if c.user != nil && len(memberOf) > 0 {
		if unread, err = tx.UnreadCounts(c.user.PK, memberOf); err != nil {
			return err
		}
	}
	for _, conv := range convs {
		conv.LastMessage = last[conv.LastMessagePK]
		conv.Unread = unread[conv.PK]
	}
	return s.fillSegments(tx, c, convs)
}

// ConversationQuery pages through the caller's conversations.
type ConversationQuery struct {
	Kinds []ConversationKind
	Page  Page // cursors are conversations' ids
}

// ListConversations lists the caller's conversations, most recent activity
// first; the app sees all of its conversations.
func (s *Service) ListConversations(ctx context.Context, c *Caller, q ConversationQuery) (List[*Conversation], error) {
	if err := c.inApp(); err != nil {
		return List[*Conversation]{}, err
	}
	f, err := s.conversationFilter(c, q)
	if err != nil {
		return List[*Conversation]{}, err
	}
	var list List[*Conversation]
	err = s.read(ctx, func(tx Tx) error {
		p := f.Page
		f.Page = more(p)
		convs, err := tx.ListConversations(f)
		if err != nil {
			return err
		}
		list = listOf(convs, p)
		return s.decorate(tx, c, list.Items)
	})
	return list, err
}

// CountConversations counts the conversations ListConversations lists, all
// pages together.
func (s *Service) CountConversations(ctx context.Context, c *Caller, q ConversationQuery) (int, error) {
	if err := c.inApp(); err != nil {
		return 0, err
	}
	f, err := s.conversationFilter(c, q)
	if err != nil {
		return 0, err
	}
	var n int
	err = s.read(ctx, func(tx Tx) (err error) {
		n, err = tx.CountConversations(f)
		return err
	})
	return n, err
}

// conversationFilter checks a conversation query and scopes it to the
// caller: a user's own conversations, or all of the app's for the app.
func (s *Service) conversationFilter(c *Caller, q ConversationQuery) (ConversationFilter, error) {
	p, err := s.page(q.Page)
	if err != nil {
		return ConversationFilter{}, err
	}
	for _, k := range q.Kinds {
		if !k.Valid() {
			return ConversationFilter{}, Invalidf("type", "unknown conversation kind %q", k)
		}
	}
	f := ConversationFilter{AppPK: c.app.PK, Kinds: q.Kinds, Page: p}
	if err := allow(c, actListConversations, nil); err != nil {
		return f, err
	}
	if c.user != nil {
		f.UserPK = c.user.PK
	}
	return f, nil
}
