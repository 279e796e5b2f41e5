package core

// Event types, one per committed change.
const (
	EventMessageCreated      = "message.created"
	EventMessageUpdated      = "message.updated"
	EventMessageDeleted      = "message.deleted"
	EventReactionAdded       = "reaction.added"
	EventReactionRemoved     = "reaction.removed"
	EventMessagePinned       = "message.pinned"
	EventMessageUnpinned     = "message.unpinned"
	EventConversationRead    = "conversation.read"
	EventMemberAdded         = "member.added"
	EventMemberRemoved       = "member.removed"
	EventConversationCreated = "conversation.created"
	EventTyping              = "typing"
)

// Event is a committed change, handed to the Publisher after commit.
type Event struct {
	Type           string
	AppPK          int64
	ConversationPK int64
	ConversationID string
	// Audience lists the users who may see the event; empty means every
	// member of the conversation.
	Audience []int64
	ActorID  string
	Message  *Message
	Reaction string
	UserID   string // the member or reader concerned
}

// Publisher receives events after commit. Publish must never block.
type Publisher interface {
	Publish(e Event)
}

// NopPublisher drops every event.
type NopPublisher struct{}

// Publish does nothing.
func (NopPublisher) Publish(Event) {}
