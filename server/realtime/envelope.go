package realtime

import (
	"bytes"
	"context"
	"encoding/json"
	"time"

	"parley/server/core"
)

// RenderContext is what a dialect's renderer knows besides the message:
// what the dialect's own GET handler knows of its request.
type RenderContext struct {
	// App is the event's app (its id names it in paths and file links).
	App *core.App
	// BaseURL is the scheme and host the stream was opened at
	// (httpx.BaseURL: proxies' X-Forwarded-Proto and -Host honoured), for
	// absolute links such as file URLs.
	BaseURL string
	// Viewer is the stream's user, for per-viewer fields ("you
	// reacted"); nil for an app's or Parley's admin's stream, which then
	// sees what the app's secret key sees.
	Viewer *core.User
}

// MessageRenderer renders a message in a dialect's wire shape: a value that
// encoding/json marshals. It is pure wire translation (no core call).
// Dialects register theirs with the server, and ?dialect=NAME picks one for
// a stream.
type MessageRenderer func(ctx context.Context, rc RenderContext, m *core.Message) any

// Renderer is one dialect's message renderer on the event stream.
type Renderer struct {
	Render MessageRenderer
	// PerViewer says the rendering differs by viewer (Amity's
	// myReactions): it is then made once per event and viewer, not once
	// per event for every stream.
	PerViewer bool
}

// Control event types, besides the core's event types.
const (
	// TypeReset: events after the client's Last-Event-ID are no longer
	// known; it must reload what it shows, then follow the live events.
	TypeReset = "reset"
	// TypeClose: the server ends the stream; data.reason says why.
	TypeClose = "close"
)

// envelope is one event on every transport (documented in docs/events.md).
type envelope struct {
	ID           any       `json:"id"` // the hub's number; a webhook delivery's id string
	Type         string    `json:"type"`
	App          string    `json:"app,omitempty"`
	Conversation string    `json:"conversation,omitempty"`
	At           string    `json:"at"`
	Data         eventData `json:"data"`
}

// eventData is the envelope's data: the fields each type carries.
type eventData struct {
	Actor    string `json:"actor,omitempty"`    // who made the change
	User     string `json:"user,omitempty"`     // the member, reader, typist, reactor or hider concerned
	Reaction string `json:"reaction,omitempty"` // reaction.added / reaction.removed
	Message  any    `json:"message,omitempty"`  // message.* and reaction.*
	Reason   string `json:"reason,omitempty"`   // close
}

const timeFormat = "2006-01-02T15:04:05.000Z07:00"

// encode renders e as its envelope, with the message in render's shape
// (Parley's own when render is nil), as one line of JSON.
func encode(ctx context.Context, e *Event, render MessageRenderer, rc RenderContext) ([]byte, error) {
	var as func(*core.Message) any
	if render != nil {
		if rc.App = e.App; rc.App == nil { // an event made by hand
			rc.App = &core.App{PK: e.AppPK, ID: e.AppID}
		}
		as = func(m *core.Message) any { return render(ctx, rc, m) }
	}
	return MarshalEnvelope(e.ID, &e.Event, as)
}

// MarshalEnvelope renders a core event as the documented envelope with the
// given id (webhooks use their delivery id), with the message as render
// makes it (Parley's own shape when render is nil).
func MarshalEnvelope(id any, e *core.Event, render func(*core.Message) any) ([]byte, error) {
	env := envelope{ID: id, Type: e.Type, App: e.AppID, Conversation: e.ConversationID, At: e.At.UTC().Format(timeFormat),
		Data: eventData{Actor: e.ActorID, User: e.UserID, Reaction: e.Reaction}}
	if e.Message != nil {
		if render != nil {
			env.Data.Message = render(e.Message)
		} else {
			env.Data.Message = toWireMessage(e.Message)
		}
	}
	return json.Marshal(env)
}

// control encodes a reset or close event, which belongs to no app.
func control(typ string, id uint64, reason string, now time.Time) []byte {
	b, _ := json.Marshal(envelope{ID: id, Type: typ, At: now.UTC().Format(timeFormat), Data: eventData{Reason: reason}})
	return b
}

// wireMessage is Parley's own message shape on the event stream.
type wireMessage struct {
	ID            string            `json:"id"`
	Conversation  string            `json:"conversation"`
	Seq           int64             `json:"seq"`
	From          string            `json:"from"`
	Type          string            `json:"type"`
	CustomType    string            `json:"customType,omitempty"`
	Body          string            `json:"body"`
	HTML          string            `json:"html,omitempty"`
	Metadata      json.RawMessage   `json:"metadata,omitempty"`
	Tags          []string          `json:"tags,omitempty"`
	Attachments   []json.RawMessage `json:"attachments"`
	Mentions      []string          `json:"mentions"`
	Recipients    []string          `json:"recipients,omitempty"`
	Parent        string            `json:"parent,omitempty"`
	ForwardedFrom string            `json:"forwardedFrom,omitempty"`
	ReplyCount    int               `json:"replyCount"`
	Pinned        bool              `json:"pinned"`
	Reactions     []wireReaction    `json:"reactions"`
	CreatedAt     string            `json:"createdAt"`
	UpdatedAt     string            `json:"updatedAt"`
	EditedAt      string            `json:"editedAt,omitempty"`
	DeletedAt     string            `json:"deletedAt,omitempty"`
}

type wireReaction struct {
	Name  string   `json:"name"`
	Count int      `json:"count"`
	Users []string `json:"users"`
}

func optTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(timeFormat)
}

func toWireMessage(m *core.Message) wireMessage {
	out := wireMessage{ID: m.ID, Conversation: m.ConversationID, Seq: m.Seq, Type: string(m.Type), CustomType: m.CustomType,
		Body: m.Body, HTML: m.HTML, Tags: m.Tags, Attachments: make([]json.RawMessage, len(m.Attachments)),
		Mentions: make([]string, len(m.Mentions)), Recipients: m.Recipients, Parent: m.ParentID,
		ForwardedFrom: m.ForwardedFromID, ReplyCount: m.ReplyCount, Pinned: m.Pinned,
		Reactions: make([]wireReaction, len(m.Reactions)), CreatedAt: optTime(m.CreatedAt), UpdatedAt: optTime(m.UpdatedAt),
		EditedAt: optTime(m.EditedAt), DeletedAt: optTime(m.DeletedAt)}
	if m.Owner != nil {
		out.From = m.Owner.ID
	}
	if json.Valid(m.Metadata) {
		out.Metadata = m.Metadata
	}
	for i, a := range m.Attachments {
		out.Attachments[i] = attachment(a)
	}
	for i, x := range m.Mentions {
		out.Mentions[i] = x.UserID
	}
	for i, g := range m.Reactions {
		users := g.UserIDs
		if users == nil {
			users = []string{}
		}
		out.Reactions[i] = wireReaction{Name: g.Name, Count: g.Count, Users: users}
	}
	return out
}

// attachment is the attachment object as the client sent it, or the fields
// the core knows when there is none.
func attachment(a core.Attachment) json.RawMessage {
	if data := bytes.TrimSpace(a.Data); len(data) > 1 && data[0] == '{' && json.Valid(data) {
		return data
	}
	b, _ := json.Marshal(struct {
		ID       string `json:"id,omitempty"`
		Type     string `json:"type"`
		Name     string `json:"name,omitempty"`
		MimeType string `json:"mimeType,omitempty"`
		URL      string `json:"url,omitempty"`
		Size     int64  `json:"size,omitempty"`
		FileID   string `json:"fileId,omitempty"`
	}{a.ID, a.Type, a.Name, a.MimeType, a.URL, a.Size, a.FileID})
	return b
}
