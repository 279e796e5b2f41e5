package core

import (
	"context"
	"time"
)

// Store runs units of work against the database. Every write the service
// makes is one Write call: all of fn or none of it is kept. Implementations
// may commit several concurrent Write calls together (group commit), but each
// fn stays atomic on its own.
//
// Whatever a store remembers in its process (key counters, conversations'
// keys, loaded messages, the core's CredentialCache) is the store's to keep
// right: the core keeps no state that assumes it is the only process on the
// database, so a store shared by several processes can keep none of it.
// storetest checks the contract.
type Store interface {
	// Read runs fn in a read-only transaction (a consistent snapshot).
	Read(ctx context.Context, fn func(Tx) error) error
	// Write runs fn in a write transaction; an error from fn rolls back fn's
	// work only, and is returned as is.
	Write(ctx context.Context, fn func(Tx) error) error
}

// Tx is one unit of work. Lookups of a single row return an ENOTFOUND *Error
// when there is none; unique-constraint clashes return ECONFLICT. Methods that
// load messages fill Owner, Attachments, Mentions (with User), Recipients and
// Reactions (with LatestReaction) in a fixed number of queries, whatever the
// number of messages.
//
// Every parameter or filter field that takes the text id of a user,
// conversation, message, file or team within an app (UserByID, UsersByIDs, TeamByID,
// ConversationByID, ConversationKey, ConversationAs, MessageByID,
// MessagesByIDs, MessageFilter.IDs and OwnerIDs, FileByID, a message's
// Recipients and Mentions) also takes a key reference (KeyRef), which
// names the row with that key in that app only. Look-ups by key take the
// app too: a key never reaches a row of another app. Keys of users,
// conversations, messages and files are never reused (storetest checks the
// whole contract).
type Tx interface {
	// Apps and Parley's admin tokens.
	InsertApp(a *App, secretHash string) error // sets PK
	AppByID(id string) (*App, error)
	AppByPK(pk int64) (*App, error)
	AppByPublicKey(key string) (*App, error)
	AppBySecretHash(hash string) (*App, error)
	ListApps() ([]*App, error)
	DeleteApp(pk int64) error // with everything that belongs to it
	InsertAdminToken(hash string, at time.Time) error
	AdminTokenExists(hash string) (bool, error)
	CountAdminTokens() (int, error)

	// Admin tokens by origin, and key rotation (ops).
	InsertAdminTokenFrom(t *AdminToken, hash string) error
	ListAdminTokens() ([]*AdminToken, error)
	// DeleteAdminToken removes the token whose hash starts with id.
	DeleteAdminToken(id string) error
	// DeleteAdminTokensFrom removes the origin's tokens except keepHash's.
	DeleteAdminTokensFrom(origin, keepHash string) error
	UpdateAppSecret(appPK int64, secretHash string) error

	// Users and their credentials.
	InsertUser(u *User, passwordHash string) error // sets PK; ID defaults to PK in decimal
	UpdateUser(u *User) error
	UserByID(appPK int64, id string) (*User, error)
	UserByPK(appPK, pk int64) (*User, error)
	UsersByIDs(appPK int64, ids []string) ([]*User, error) // unknown ids are left out
	// UserByLogin finds a user by id, username or email.
	UserByLogin(appPK int64, login string) (*User, error)
	UserPasswordHash(userPK int64) (string, error) // "" when the user has none
	SetUserPassword(userPK int64, hash string) error
	ListUsers(appPK int64, p Page) ([]*User, error)
	DeleteUser(pk int64) error
	InsertToken(t *Token) error
	TokenByHash(hash string) (*Token, error)

	// Teams.
	InsertTeam(t *Team) error // sets PK; ID defaults to PK in decimal
	TeamByID(appPK int64, id string) (*Team, error)
	ListTeams(appPK int64, p Page) ([]*Team, error)
	AddTeamMember(teamPK, userPK int64, role Role) error // idempotent
	ListTeamMembers(teamPK int64) ([]*User, error)

	// Conversations and members.
	InsertConversation(c *Conversation) error // sets PK; ID defaults to PK in decimal
	UpdateConversation(c *Conversation) error // title, avatar, custom type, metadata, type, owner, updated time
	ConversationByID(appPK int64, id string) (*Conversation, error)
	ConversationByPK(appPK, pk int64) (*Conversation, error)
	// ConversationKey returns what never changes about the app's
	// conversation: its key and kind (a write may answer from memory).
	ConversationKey(appPK int64, id string) (int64, ConversationKind, error)
	// ConversationAs returns the conversation and the user's membership of
	// it (nil when not a member) in one look-up.
	ConversationAs(appPK int64, id string, userPK int64) (*Conversation, *Member, error)
	// DirectConversation finds the app's direct conversation with this
	// DirectKey (its members' keys).
	DirectConversation(appPK int64, key string) (*Conversation, error)
	ListConversations(f ConversationFilter) ([]*Conversation, error) // most recent activity first
	CountConversations(f ConversationFilter) (int, error)            // all pages of the list
	// TouchConversation records a new message: last activity and last message.
	TouchConversation(pk int64, at time.Time, messagePK int64) error
	DeleteConversation(pk int64) error
	// UpsertMember adds the member, or changes the role of an existing one.
	// It keeps Conversation.MemberCount right.
	UpsertMember(m *Member) error
	Member(convPK, userPK int64) (*Member, error)
	MemberRole(convPK, userPK int64) (Role, error)       // "" when not a member
	ListMembers(convPK int64, p Page) ([]*Member, error) // with User, in join order
	RemoveMember(convPK, userPK int64) error
	SetReadPosition(convPK, userPK, messagePK int64, at time.Time) error
	// LatestMessagePK returns the PK of the newest message of the
	// conversation received (Message.ReceivedAt) at or before at (0 if
	// none); the sender's CreatedAt plays no part.
	LatestMessagePK(convPK int64, at time.Time) (int64, error)

	// Messages.
	// InsertMessage stores the message with its attachments, mentions and
	// recipients, and sets PK, ID and Seq (the conversation's next sequence
	// number: 1, 2, 3, ... with no gap, in key order).
	InsertMessage(m *Message) error
	// UpdateMessage writes the message's changeable fields back: type, custom
	// type, body, html, metadata, entities, tags, pinned, edited, updated and
	// deleted times, and replaces its attachments and mentions.
	UpdateMessage(m *Message) error
	AddReplyCount(pk int64, delta int) error
	MessageByID(appPK int64, id string) (*Message, error)
	MessageByPK(appPK, pk int64) (*Message, error)
	MessagesByIDs(appPK int64, ids []string) ([]*Message, error) // unknown ids are left out
	MessagesByPKs(appPK int64, pks []int64) ([]*Message, error)  // unknown keys are left out
	HiddenMessages(userPK int64, messagePKs []int64) (map[int64]bool, error)
	// ListMessages may return messages shared with other readers (a cache):
	// callers must not change them.
	ListMessages(f MessageFilter) ([]*Message, error)
	CountMessages(f MessageFilter) (int, error)
	HideMessage(messagePK, userPK int64, at time.Time) error // idempotent
	IsHidden(messagePK, userPK int64) (bool, error)

	// Inspection (Parley's own API): messages of a whole app, oldest first.
	SearchMessages(f MessageSearch) ([]*Message, error)

	// Retention: the app's oldest messages by key (with their creation
	// times), their count, and deleting them with the files only they used;
	// DeleteMessages returns the blob keys of the files it deleted.
	OldestMessages(appPK int64, limit int) (pks []int64, created []time.Time, err error)
	CountAppMessages(appPK int64) (int, error)
	DeleteMessages(pks []int64) (blobKeys []string, err error)

	// Retention: an app's own bounds, kept across restarts (deleting the
	// app deletes them). AppRetentions returns every app's own, by app key.
	AppRetention(appPK int64) (r Retention, own bool, err error)
	AppRetentions() (map[int64]Retention, error)
	SetAppRetention(appPK int64, r Retention) error
	DeleteAppRetention(appPK int64) error // idempotent

	// Reactions.
	AddReaction(r *Reaction) (bool, error)                             // false if it was there already
	RemoveReaction(messagePK, userPK int64, name string) (bool, error) // false if it was not there
	ListReactionUsers(messagePK int64, name string, p Page) ([]*User, error)
	// ReactionCounts returns the message's reactions in all and the user's.
	ReactionCounts(messagePK, userPK int64) (total, byUser int, err error)

	// Unread counts: messages after the member's read position that the user
	// sees, not sent by the user, not recalled, shown in the conversation;
	// each count stops at UnreadCap.
	UnreadCount(convPK, userPK int64) (int, error)
	UnreadTotal(userPK int64) (int, error)
	UnreadCounts(userPK int64, convPKs []int64) (map[int64]int, error) // one query for many conversations

	// UsersByUsernames finds the app's users by exact username (the
	// oldest one when several share it); unknown names are left out.
	UsersByUsernames(appPK int64, names []string) ([]*User, error)

	// Streams (App.net): a user's own messages in every conversation,
	// with f's bounds, types, deletions, order and limit.
	ListOwnMessages(ownerPK int64, f MessageFilter) ([]*Message, error)

	// App.net channels: access lists and annotations, mutes, and the
	// batch look-ups that show conversations as channels.
	PutChannelAccess(convPK int64, a *Access) error
	ChannelAccess(convPK int64) (*Access, error) // ENOTFOUND when it has none
	ChannelAccesses(convPKs []int64) (map[int64]*Access, error)
	MemberRoles(convPKs []int64) (map[int64][]Member, error) // key and role, join order
	UsersByPKs(appPK int64, pks []int64) ([]*User, error)    // unknown keys are left out
	SetMuted(convPK, userPK int64, muted bool, at time.Time) (bool, error)
	MutedAmong(userPK int64, convPKs []int64) (map[int64]bool, error)
	ResetReadPosition(convPK, userPK, messagePK int64, at time.Time) error

	// Event audiences (realtime): who may see a change.
	MemberKeys(convPK int64) ([]int64, error) // the members' user keys
	// MessageAudience returns the members' user keys but those who hid the
	// message for themselves.
	MessageAudience(convPK, messagePK int64) ([]int64, error)

	// Webhooks (realtime).
	InsertWebhook(w *Webhook) error // sets PK; ID defaults to PK in decimal
	WebhookByID(appPK int64, id string) (*Webhook, error)
	ListWebhooks(appPK int64) ([]*Webhook, error) // oldest first
	AllWebhooks() ([]*Webhook, error)             // of every app
	DeleteWebhook(appPK int64, id string) error

	// Files.
	InsertFile(f *File) error // sets PK; ID defaults to PK in decimal
	FileByID(appPK int64, id string) (*File, error)
	DeleteFile(pk int64) error
	// BlobKeysInUse reports which keys a file or thumbnail still names.
	BlobKeysInUse(keys []string) (map[string]bool, error)
	// FileVisibleTo reports whether the user sees a message attaching the file.
	FileVisibleTo(filePK, userPK int64) (bool, error)
	FileAttachmentCount(filePK int64) (int, error)

	// Team roles, team channels and member inheritance (cowork).
	TeamByPK(pk int64) (*Team, error)
	UpdateTeam(t *Team) error // name
	// TeamRole returns the user's role in the team ("" when not a member)
	// and how many members the team has (0: open to every user of the app).
	TeamRole(teamPK, userPK int64) (Role, int, error)
	// TeamsOf lists the app's teams the user belongs to or that have no
	// members, oldest first; userPK 0 lists every team.
	TeamsOf(appPK, userPK int64) ([]*Team, error)
	// TeamsAdministeredBy lists the teams where the user is owner or admin.
	TeamsAdministeredBy(userPK int64) ([]*Team, error)
	ListTeamMemberRoles(teamPK int64) ([]TeamMember, error) // with User, oldest user first
	RemoveTeamMember(teamPK, userPK int64) error
	// TeamChannel returns what a team channel adds to its conversation
	// (the zero ChannelInfo when nothing was stored).
	TeamChannel(convPK int64) (ChannelInfo, error)
	SetTeamChannel(convPK int64, info ChannelInfo) error
	// ListTeamChannels lists the team's conversations, oldest first: with
	// userPK, only those the user is a member of or that inherit the
	// team's members; with 0, all of them.
	ListTeamChannels(teamPK, userPK int64) ([]*TeamChannel, error)

	// Inherited team channels: ListConversations (with UserPK),
	// CountConversations, UnreadTotal and UnreadCounts count the channels
	// a user inherits from their teams as theirs (inheritedMember's rule).
	// Their read positions are kept apart from member rows.
	// InheritedRead returns the position (0 and the zero time: none).
	InheritedRead(convPK, userPK int64) (int64, time.Time, error)
	// SetInheritedRead moves it to the message, forward only unless reset.
	SetInheritedRead(convPK, userPK, messagePK int64, at time.Time, reset bool) error
	// UnreadAfter counts the user's unread messages after lastReadPK, up
	// to UnreadCap.
	UnreadAfter(convPK, userPK, lastReadPK int64) (int, error)

	// Edit history.
	InsertRevision(r *Revision) error                   // sets PK
	ListRevisions(messagePK int64) ([]*Revision, error) // oldest first

	// Search: visible messages whose text matches, newest first.
	FullTextSearch(f SearchFilter) ([]*Message, error)
	// SearchScope lists the conversations of the app the user might read:
	// the user's, the open ones, and the team channels that inherit their
	// team's members; the policy decides on each.
	SearchScope(appPK, userPK int64) ([]ScopeEntry, error)
	// Sessions (Amity): a revoked token is gone; ENOTFOUND when unknown.
	DeleteToken(hash string) error
	// Reactors (Amity): a message's reactions with users and times, in
	// reaction order; name "" lists every name.
	ListReactors(messagePK int64, name string, p Page) ([]Reactor, error)
	// Segments (Amity): the Seq of each of the app's messages among pks
	// (unknown keys are left out), and the key of a conversation's message
	// with a Seq (ENOTFOUND when none).
	MessageSeqs(appPK int64, pks []int64) (map[int64]int64, error)
	MessagePKBySeq(convPK, seq int64) (int64, error)
	// Flags (Amity moderation): one per user and message; Message.FlagCount
	// counts them. Adding twice or removing what is not there is no error.
	AddFlag(messagePK, userPK int64, at time.Time) error
	RemoveFlag(messagePK, userPK int64) error
	ClearFlags(messagePK int64) error
	IsFlagged(messagePK, userPK int64) (bool, error)

	// Unread members (the inspector): how many members of each conversation
	// have unread messages, in one query for the page (each count stops at
	// UnreadCap); conversations with none are left out.
	UnreadMembers(convPKs []int64) (map[int64]int, error)
}
