package core

import (
	"strings"
	"time"
)

// KindChannel is an App.net channel: its access lists, not its membership,
// decide who reads and writes; membership is subscription.
const KindChannel ConversationKind = "channel"

// PMType is the channel type of App.net's private-message channels: direct
// conversations of any number of members.
const PMType = "net.app.core.pm"

// ACL is one access list of a channel (App.net's readers or writers).
// AnyUser, Public and a non-empty user list exclude each other; Public
// (anyone, even without a user) is for readers only. The owner is implicit
// and never listed.
type ACL struct {
	AnyUser   bool
	Public    bool
	Immutable bool
	UserPKs   []int64
}

// has reports whether the list names the user.
func (a *ACL) has(userPK int64) bool {
	for _, pk := range a.UserPKs {
		if pk == userPK {
			return true
		}
	}
	return false
}

// Access is who may read and write a conversation, and its channel
// annotations. A KindChannel conversation keeps its own; every other kind
// has one derived from its kind and members (see Service.Channel), so
// that App.net sees every conversation as a channel.
type Access struct {
	Readers     ACL
	Writers     ACL
	Annotations []Annotation // mutable, one per type
	InactiveAt  time.Time    // zero: active; a deactivated channel takes no messages
}

// Annotation is one typed annotation (App.net); Value is raw JSON, nil
// when there is none.
type Annotation struct {
	Type  string
	Value []byte
}

// ACLInput is an access list as a client gives it: users by id, key
// reference or username reference.
type ACLInput struct {
	AnyUser   bool
	Public    bool
	Immutable bool
	Users     []string
}

// MaxACLUsers is how many users one access list names (App.net's limit).
const MaxACLUsers = 200

func (s *Service) checkACL(field string, in *ACLInput, writers bool) error {
	if len(in.Users) > MaxACLUsers {
		return Invalidf(field, "%s.user_ids lists %d users; at most %d are allowed", field, len(in.Users), MaxACLUsers)
	}
	n := 0
	for _, set := range []bool{in.AnyUser, in.Public, len(in.Users) > 0} {
		if set {
			n++
		}
	}
	if n > 1 && !(in.AnyUser && in.Public) {
		return Invalidf(field, "%s: any_user, public and user_ids exclude each other", field)
	}
	if writers && in.Public {
		return Invalidf(field, "writers cannot be public")
	}
	for _, u := range in.Users {
		if strings.TrimSpace(u) == "" {
			return Invalidf(field, "%s.user_ids holds an empty id", field)
		}
	}
	return nil
}

// checkChannelType validates an App.net channel type: a reversed domain
// name, outside the reserved net.app.core namespace.
func checkChannelType(t string) error {
	if t == "" {
		return Invalidf("type", "type is required")
	}
	if len(t) > 100 || !strings.Contains(t, ".") || strings.ContainsAny(t, " /\t\n") {
		return Invalidf("type", "type must be a reversed domain name such as com.example.channel")
	}
	if strings.HasPrefix(t, "net.app.core.") || t == "net.app.core" {
		return Invalidf("type", "type %q is reserved", t)
	}
	return nil
}

// channelRead decides whether the caller reads a KindChannel conversation:
// public readers admit anyone; otherwise a user who owns it, or whom the
// readers or writers admit (writing implies reading).
func channelRead(c *Caller, conv *Conversation) error {
	a := conv.Access
	switch {
	case a == nil:
	case a.Readers.Public:
		return nil
	case c.user == nil:
	case conv.OwnerPK == c.user.PK, a.Readers.AnyUser, a.Writers.AnyUser, a.Readers.has(c.user.PK), a.Writers.has(c.user.PK):
		return nil
	}
	return Errorf(EFORBIDDEN, "you may not read this channel")
}

// channelWrite decides whether the caller writes to a KindChannel
// conversation: its owner, or a user the writers admit, while it is active.
func channelWrite(c *Caller, conv *Conversation) error {
	a := conv.Access
	if a == nil || c.user == nil {
		return Errorf(EFORBIDDEN, "you may not write to this channel")
	}
	if !a.InactiveAt.IsZero() {
		return Errorf(EFORBIDDEN, "this channel is inactive")
	}
	if conv.OwnerPK == c.user.PK || a.Writers.AnyUser || a.Writers.has(c.user.PK) {
		return nil
	}
	return Errorf(EFORBIDDEN, "you may not write to this channel")
}

// loadAccess fills a KindChannel conversation's access lists, which the
// policy needs; other kinds need none.
func loadAccess(tx Tx, conv *Conversation) error {
	if conv.Kind != KindChannel || conv.Access != nil {
		return nil
	}
	a, err := tx.ChannelAccess(conv.PK)
	if err != nil {
		return err
	}
	conv.Access = a
	return nil
}
