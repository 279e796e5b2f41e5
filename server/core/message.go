package core

import "time"

// MessageType is the kind of a message (Channelize's types; App.net machine
// messages are "machine").
type MessageType string

// The message types.
const (
	TypeNormal  MessageType = "normal"
	TypeReply   MessageType = "reply"
	TypeForward MessageType = "forward"
	TypeAdmin   MessageType = "admin"
	TypeMachine MessageType = "machine"
)

// Valid reports whether t is a known type.
func (t MessageType) Valid() bool {
	switch t {
	case TypeNormal, TypeReply, TypeForward, TypeAdmin, TypeMachine:
		return true
	}
	return false
}

// Message is one message of a conversation. Its owner edits it; its owner or
// a conversation admin recalls it; any member who sees it may react to it or
// hide it for themselves (outside public conversations).
type Message struct {
	PK             int64
	AppPK          int64
	ID             string // client-supplied, or the PK in decimal
	ConversationPK int64
	ConversationID string
	Seq            int64 // place in the conversation: 1, 2, 3, ... in key order, no gap (Amity's channelSegment)
	OwnerPK        int64
	Owner          *User
	Type           MessageType
	CustomType     string
	Body           string
	HTML           string
	// Dialect names the API the message came through ("channelize",
	// "admin", "fixtures", ...), for Parley's own inspection API.
	Dialect      string
	Metadata     []byte // raw JSON object, or nil
	Entities     []byte // raw JSON (App.net entities), or nil
	Annotations  []byte // raw JSON array (App.net annotations), or nil
	Tags         []string
	Attachments  []Attachment
	Mentions     []Mention
	Recipients   []string // user IDs; empty: every member sees it
	ParentPK     int64
	ParentID     string
	ThreadRootPK int64
	ReplyCount   int
	// ForwardedFromPK points at the original of a forwarded message.
	ForwardedFromPK    int64
	ForwardedFromID    string
	ShowInConversation bool
	Pinned             bool
	Encrypted          bool
	MachineOnly        bool
	Reactions          []ReactionGroup // per reaction name, in first-reacted order
	LatestReaction     *LatestReaction // the newest of Reactions; nil when none
	CreatedAt          time.Time       // may be the sender's claim: kept as data, orders nothing
	ReceivedAt         time.Time       // the server's clock when stored (zero: CreatedAt); read positions by time follow it
	UpdatedAt          time.Time
	EditedAt           time.Time // zero: never edited
	DeletedAt          time.Time // zero: not recalled; else a tombstone
	FlagCount          int       // users who flagged it for the moderators
}

// Deleted reports whether the message was recalled for everyone.
func (m *Message) Deleted() bool { return !m.DeletedAt.IsZero() }

// Attachment is one typed attachment of a message. Data keeps the whole
// object as the client sent it (extra keys included); the other fields are
// the ones the core reads.
type Attachment struct {
	ID       string
	Type     string
	Name     string
	MimeType string
	URL      string
	Size     int64
	FileID   string // a stored File, when the attachment is one
	Data     []byte // raw JSON object
}

// Mention names a user in a message.
type Mention struct {
	UserPK    int64
	UserID    string
	User      *User
	Order     int
	WordCount int
}

// ReactionGroup is every reaction of one name on a message.
type ReactionGroup struct {
	Name    string
	Count   int
	UserIDs []string    // in reaction order
	Times   []time.Time // when each of UserIDs reacted
}

// Reaction is one user's reaction of one name to a message.
type Reaction struct {
	MessagePK int64
	UserPK    int64
	Name      string
	CreatedAt time.Time
}

// MessageFilter selects messages of one conversation as seen by one viewer.
// Empty slices and nil pointers do not filter.
type MessageFilter struct {
	AppPK           int64
	ConversationPK  int64
	ViewerPK        int64 // recipients-only and hidden messages follow this user; 0 = see all (trusted app); NoViewer = anonymous
	IDs             []string
	Types           []MessageType
	CustomTypes     []string
	AttachmentTypes []string
	OwnerIDs        []string
	ParentPK        int64 // replies of this message only
	TopLevelOnly    bool  // messages without a parent only
	ShowInConv      *bool
	Pinned          *bool
	IncludeDeleted  bool  // include recall tombstones
	BeforePK        int64 // keyset: PK < BeforePK (0: no bound)
	AfterPK         int64 // keyset: PK > AfterPK (0: no bound)
	Ascending       bool
	Skip            int
	Limit           int
	CountCap        int // CountMessages stops counting here (0: no cap)
	TagFilter
}

// NoViewer is MessageFilter.ViewerPK for a reader who is no user (an
// anonymous or app-token read): no row has this key, so only messages meant
// for everyone match.
const NoViewer int64 = -1
