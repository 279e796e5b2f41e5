package core

import "time"

// Event types, one per committed change (and per typing transition).
const (
	EventMessageCreated      = "message.created"
	EventMessageUpdated      = "message.updated"
	EventMessageDeleted      = "message.deleted"
	EventMessageHidden       = "message.hidden" // to the one user who hid it
	EventReactionAdded       = "reaction.added"
	EventReactionRemoved     = "reaction.removed"
	EventMessagePinned       = "message.pinned"
	EventMessageUnpinned     = "message.unpinned"
	EventConversationCreated = "conversation.created"
	EventConversationUpdated = "conversation.updated"
	EventConversationDeleted = "conversation.deleted"
	EventConversationRead    = "conversation.read"
	EventMemberAdded         = "member.added"
	EventMemberRemoved       = "member.removed"
	EventTypingStarted       = "typing.started"
	EventTypingStopped       = "typing.stopped"
)

// EventTypes lists every event type, in documentation order.
var EventTypes = []string{
	EventMessageCreated, EventMessageUpdated, EventMessageDeleted, EventMessageHidden,
	EventReactionAdded, EventReactionRemoved, EventMessagePinned, EventMessageUnpinned,
	EventConversationCreated, EventConversationUpdated, EventConversationDeleted, EventConversationRead,
	EventMemberAdded, EventMemberRemoved, EventTypingStarted, EventTypingStopped,
}

// Event is a committed change, handed to the Publisher after commit. The
// core fills every field a subscriber needs, the audience first of all.
type Event struct {
	Type  string
	AppPK int64
	AppID string
	// App is the event's app, as the acting caller holds it (set on every
	// message event): renderers read its id and name without a lookup.
	App            *App
	ConversationPK int64
	ConversationID string
	At             time.Time
	// Audience lists the keys of the users who may see the event: the
	// conversation's members, the sender and recipients of a
	// recipients-only message, the one user of a hidden copy. An empty
	// audience reaches no user; only the app's own streams (its secret, or
	// Parley's admin) see every event of the app.
	Audience []int64
	ActorID  string
	Message  *Message
	Reaction string
	UserID   string // the member, reader or typist concerned
}

// Publisher receives events after commit. Publish must never block.
type Publisher interface {
	Publish(e Event)
}

// NopPublisher drops every event.
type NopPublisher struct{}

// Publish does nothing.
func (NopPublisher) Publish(Event) {}
