package core

import "time"

// ConversationKind says who may join and read a conversation.
type ConversationKind string

// The kinds of conversation.
const (
	KindDirect    ConversationKind = "direct"    // a fixed set of members, found again by the set (DirectKey)
	KindGroup     ConversationKind = "group"     // private group: members only; admins add and remove
	KindPublic    ConversationKind = "public"    // anyone of the app may join; members read and post
	KindOpen      ConversationKind = "open"      // no membership needed to read or post
	KindBroadcast ConversationKind = "broadcast" // only admins post
)

// Valid reports whether k is a known kind.
func (k ConversationKind) Valid() bool {
	switch k {
	case KindDirect, KindGroup, KindPublic, KindOpen, KindBroadcast, KindChannel:
		return true
	}
	return false
}

// Role is a member's rank inside one conversation.
type Role string

// The roles, from most to least rights.
const (
	RoleOwner  Role = "owner"
	RoleAdmin  Role = "admin"
	RoleMember Role = "member"
)

// Valid reports whether r is a known role.
func (r Role) Valid() bool { return r == RoleOwner || r == RoleAdmin || r == RoleMember }

// CanManage reports whether the role may manage the conversation (members,
// pins, recalls of others' messages).
func (r Role) CanManage() bool { return r == RoleOwner || r == RoleAdmin }

// Conversation is a place where messages are sent. Its members (with roles)
// change through the core's rules only.
type Conversation struct {
	PK         int64
	AppPK      int64
	ID         string
	Kind       ConversationKind
	Type       string // dialect-specific type string (App.net channel type), kept verbatim
	Title      string
	AvatarURL  string
	CustomType string
	Metadata   []byte // raw JSON object, or nil
	OwnerPK    int64  // 0 when the app created it
	OwnerID    string
	TeamPK     int64
	TeamID     string
	DirectKey  string // for KindDirect: the members' keys, sorted (DirectKey: "3:7")
	CreatedAt  time.Time
	UpdatedAt  time.Time
	// LastActivityAt orders a user's conversation list; it moves with every message.
	LastActivityAt time.Time
	LastMessagePK  int64
	MemberCount    int

	// Filled for a caller when read through the service.
	Me          *Member  // the caller's own membership, nil if not a member
	LastMessage *Message // the newest message the caller sees, if it is the newest of all
	Unread      int      // the caller's unread messages
	// Access is the channel's access lists: always filled for a
	// KindChannel conversation read through the service (the policy needs
	// it), and for every kind by the channel calls.
	Access  *Access
	LastSeq int64 // the newest message's Seq: how many messages the conversation has had
}

// Member is one user's membership of a conversation, with its read position.
type Member struct {
	ConversationPK int64
	UserPK         int64
	User           *User
	Role           Role
	JoinedAt       time.Time
	LastReadPK     int64     // messages with PK <= LastReadPK are read
	LastReadAt     time.Time // when the read position last moved
	// TeamRole is the user's role in the conversation's team ("" outside
	// teams or when not a team member): team admins manage its channels.
	TeamRole Role
	// Inherited marks a membership that comes from the team, in a channel
	// without a member list of its own; it has no row, and its read
	// position is kept apart (Tx.InheritedRead).
	Inherited bool
	ReadSeq   int64 // the Seq of the message at the read position (filled by reads that show it)
	// Online: the user holds an open event stream (filled by member lists).
	Online bool
}

// ConversationFilter selects conversations for a list.
type ConversationFilter struct {
	AppPK int64
	// UserPK: only conversations this user is a member of, with the team
	// channels the user inherits (see Tx.InheritedRead); 0 = every
	// conversation of the app.
	UserPK int64
	Kinds  []ConversationKind
	Page   Page // cursors are conversations' ids
}
