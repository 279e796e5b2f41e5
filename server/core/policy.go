package core

// The policy: the only place that decides who may read, post, edit, delete,
// pin and manage. Every function takes the caller, the conversation and the
// caller's membership (nil when not a member) and answers nil or an *Error.
//
// A trusted caller without a user (the app's own secret) may do anything in
// its app. Every other caller acts as a user and has that user's rights.

// appWide reports whether the caller acts as the app itself.
func appWide(c *Caller) bool { return c.Trusted && c.User == nil }

// requireUser refuses callers that act as no user where a user is needed.
func requireUser(c *Caller, action string) error {
	if c.User == nil {
		return Invalidf("userId", "%s needs an acting user", action)
	}
	return nil
}

// ErrNotMember refuses a caller who is not a member where membership is
// needed (dialects with a code of their own for it test for it).
var ErrNotMember = Errorf(EFORBIDDEN, "not a member of this conversation")

// canRead decides whether the caller sees the conversation and its messages.
func canRead(c *Caller, conv *Conversation, me *Member) error {
	switch {
	case appWide(c), me != nil, conv.Kind == KindOpen:
		return nil
	}
	return ErrNotMember
}

// canPost decides whether the caller may send messages to the conversation.
func canPost(c *Caller, conv *Conversation, me *Member) error {
	if err := canRead(c, conv, me); err != nil {
		return err
	}
	if conv.Kind == KindBroadcast && !appWide(c) && (me == nil || !me.Role.CanManage()) {
		return Errorf(EFORBIDDEN, "only admins post in a broadcast conversation")
	}
	return nil
}

// canManage decides whether the caller administers the conversation: adds
// and removes others, pins, recalls others' messages.
func canManage(c *Caller, me *Member) error {
	if appWide(c) || (me != nil && me.Role.CanManage()) {
		return nil
	}
	return Errorf(EFORBIDDEN, "only conversation admins may do this")
}

// canJoin decides whether the caller may add themselves.
func canJoin(c *Caller, conv *Conversation, me *Member) error {
	if conv.Kind == KindPublic || conv.Kind == KindOpen {
		return nil
	}
	return canManage(c, me)
}

// canGrant decides whether the caller may give a member the role.
func canGrant(c *Caller, me *Member, role Role) error {
	if err := canManage(c, me); err != nil {
		return err
	}
	if role == RoleOwner && !appWide(c) && me.Role != RoleOwner {
		return Errorf(EFORBIDDEN, "only the owner may hand over ownership")
	}
	return nil
}

// canRemove decides whether the caller may remove the target member.
func canRemove(c *Caller, conv *Conversation, me *Member, target *Member) error {
	if c.User != nil && target.UserPK == c.User.PK {
		return nil // leaving is always allowed
	}
	if err := canManage(c, me); err != nil {
		return err
	}
	if conv.Kind == KindDirect && !appWide(c) {
		return Errorf(EFORBIDDEN, "members of a direct conversation leave by themselves")
	}
	if target.Role == RoleOwner && !appWide(c) {
		return Errorf(EFORBIDDEN, "the owner cannot be removed")
	}
	return nil
}

// canSee decides whether the caller sees one message: recipients-only
// messages are seen by their sender and recipients; hidden copies stay hidden.
func canSee(c *Caller, m *Message, hidden bool) error {
	if appWide(c) {
		return nil
	}
	if hidden {
		return Errorf(ENOTFOUND, "message not found")
	}
	if len(m.Recipients) == 0 || m.OwnerPK == c.User.PK {
		return nil
	}
	for _, id := range m.Recipients {
		if id == c.User.ID {
			return nil
		}
	}
	return Errorf(ENOTFOUND, "message not found")
}

// canEdit decides whether the caller may change a message: its owner only.
func canEdit(c *Caller, m *Message) error {
	if c.User == nil || m.OwnerPK != c.User.PK {
		return Errorf(EFORBIDDEN, "only the sender may edit a message")
	}
	if m.Deleted() {
		return Errorf(ECONFLICT, "the message was deleted")
	}
	return nil
}

// canRecall decides whether the caller may delete a message for everyone:
// its owner or a conversation admin.
func canRecall(c *Caller, me *Member, m *Message) error {
	if c.User != nil && m.OwnerPK == c.User.PK {
		return nil
	}
	if err := canManage(c, me); err != nil {
		return Errorf(EFORBIDDEN, "only the sender or a conversation admin may delete a message for everyone")
	}
	return nil
}

// canHide decides whether the caller may delete a copy for themselves: not
// in public or open conversations, where there are no private copies.
func canHide(c *Caller, conv *Conversation) error {
	if err := requireUser(c, "deleting a message for yourself"); err != nil {
		return err
	}
	if conv.Kind == KindPublic || conv.Kind == KindOpen {
		return Errorf(EFORBIDDEN, "messages of a public conversation cannot be deleted for one user")
	}
	return nil
}

// CanSeeEmail decides whether the caller sees a user's email address: the
// user themself and the app's own servers (proven by its secret) do; other
// users do not.
func CanSeeEmail(c *Caller, u *User) bool {
	return c.Trusted || (c.User != nil && c.User.PK == u.PK)
}
