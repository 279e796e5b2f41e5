package channelize

import (
	"bytes"
	"encoding/json"
	"strconv"
	"time"

	"parley/server/core"
)

// timeFormat is Channelize's time: ISO-8601, UTC, fixed-width milliseconds
// (the SDK compares times as strings).
const timeFormat = "2006-01-02T15:04:05.000Z"

func wireTime(t time.Time) string { return t.UTC().Format(timeFormat) }

// nullable returns nil for "", so that empty text goes out as null.
func nullable(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// object returns a stored JSON object, or {} when there is none.
func object(raw []byte) json.RawMessage {
	if len(bytes.TrimSpace(raw)) == 0 {
		return json.RawMessage(`{}`)
	}
	return raw
}

// wireOwner is the short user of messages, mentions and reaction lists.
type wireOwner struct {
	ID              string  `json:"id"`
	DisplayName     string  `json:"displayName"`
	ProfileImageURL *string `json:"profileImageUrl"`
}

func toWireOwner(u *core.User) *wireOwner {
	if u == nil {
		return nil
	}
	return &wireOwner{ID: u.ID, DisplayName: u.DisplayName, ProfileImageURL: nullable(u.AvatarURL)}
}

// wireUser is the SDK's UserModel, with the fields Parley keeps.
type wireUser struct {
	ID              string          `json:"id"`
	DisplayName     string          `json:"displayName"`
	ProfileImageURL *string         `json:"profileImageUrl"`
	Email           json.RawMessage `json:"email,omitempty"` // only for the user themself and the app
	MetaData        json.RawMessage `json:"metaData"`
	Role            string          `json:"role"`
	IsActive        bool            `json:"isActive"`
	IsDeleted       bool            `json:"isDeleted"`
	CreatedAt       string          `json:"createdAt"`
	UpdatedAt       string          `json:"updatedAt"`
}

// toWireUser converts a user; withEmail adds the email (null when none).
func toWireUser(u *core.User, withEmail bool) wireUser {
	out := wireUser{ID: u.ID, DisplayName: u.DisplayName, ProfileImageURL: nullable(u.AvatarURL), MetaData: object(u.Metadata),
		Role: "user", IsActive: true, CreatedAt: wireTime(u.CreatedAt), UpdatedAt: wireTime(u.UpdatedAt)}
	if withEmail {
		out.Email, _ = json.Marshal(nullable(u.Email))
	}
	return out
}

// seesEmail reports whether the caller is shown u's email: the app itself
// (its secret key) or the user themself.
func seesEmail(c *core.Caller, u *core.User) bool { return core.CanSeeEmail(c, u) }

// wireToken is LoopBack's access token, with the user.
type wireToken struct {
	ID      string   `json:"id"`
	TTL     int64    `json:"ttl"` // seconds; -1: never expires
	Created string   `json:"created"`
	UserID  string   `json:"userId"`
	User    wireUser `json:"user"`
}

func toWireToken(t *core.IssuedToken) wireToken {
	ttl := int64(-1)
	if !t.ExpiresAt.IsZero() {
		ttl = int64(t.ExpiresAt.Sub(t.CreatedAt) / time.Second)
	}
	return wireToken{ID: t.Token, TTL: ttl, Created: wireTime(t.CreatedAt), UserID: t.User.ID, User: toWireUser(t.User, true)}
}

// wireMessage is Channelize's documented message object. Every key is always present.
type wireMessage struct {
	ID                 string              `json:"id"`
	ConversationID     string              `json:"conversationId"`
	Type               string              `json:"type"`
	CustomType         *string             `json:"customType"`
	Body               *string             `json:"body"`
	OwnerID            string              `json:"ownerId"`
	Owner              *wireOwner          `json:"owner"`
	Attachments        []json.RawMessage   `json:"attachments"`
	MentionedUsers     []wireMention       `json:"mentionedUsers"`
	ReactionsCount     map[string]int      `json:"reactionsCount"`
	Reactions          map[string][]string `json:"reactions"`
	MetaData           json.RawMessage     `json:"metaData"`
	IsDeleted          bool                `json:"isDeleted"`
	Encrypted          bool                `json:"encrypted"`
	CreatedAt          string              `json:"createdAt"`
	UpdatedAt          string              `json:"updatedAt"`
	ReplyCount         int                 `json:"replyCount"`
	ShowInConversation bool                `json:"showInConversation"`
	Pinned             bool                `json:"pinned"`
	ParentID           *string             `json:"parentId"`
	// OriginalMessageID is the MessageModel field that names the message a
	// forwarded one copies.
	OriginalMessageID *string `json:"originalMessageId"`
}

type wireMention struct {
	WordCount int        `json:"wordCount"`
	Order     int        `json:"order"`
	UserID    string     `json:"userId"`
	User      *wireOwner `json:"user"`
}

func toWireMessage(m *core.Message) wireMessage {
	out := wireMessage{ID: m.ID, ConversationID: m.ConversationID, Type: string(m.Type), CustomType: nullable(m.CustomType),
		Body: nullable(m.Body), Owner: toWireOwner(m.Owner), Attachments: make([]json.RawMessage, len(m.Attachments)),
		MentionedUsers: make([]wireMention, len(m.Mentions)), ReactionsCount: make(map[string]int, len(m.Reactions)),
		Reactions: make(map[string][]string, len(m.Reactions)), MetaData: object(m.Metadata), IsDeleted: m.Deleted(),
		Encrypted: m.Encrypted, CreatedAt: wireTime(m.CreatedAt), UpdatedAt: wireTime(m.UpdatedAt), ReplyCount: m.ReplyCount,
		ShowInConversation: m.ShowInConversation, Pinned: m.Pinned, ParentID: nullable(m.ParentID),
		OriginalMessageID: nullable(m.ForwardedFromID)}
	if m.Owner != nil {
		out.OwnerID = m.Owner.ID
	}
	for i, a := range m.Attachments {
		out.Attachments[i] = toWireAttachment(a)
	}
	for i, x := range m.Mentions {
		out.MentionedUsers[i] = wireMention{WordCount: x.WordCount, Order: x.Order, UserID: x.UserID, User: toWireOwner(x.User)}
	}
	for _, g := range m.Reactions {
		out.ReactionsCount[g.Name] = g.Count
		users := g.UserIDs
		if users == nil {
			users = []string{}
		}
		out.Reactions[g.Name] = users
	}
	return out
}

// toWireAttachment returns the attachment object as the client sent it,
// with the server's id added when the object has none.
func toWireAttachment(a core.Attachment) json.RawMessage {
	data := bytes.TrimSpace(a.Data)
	if len(data) < 2 || data[0] != '{' {
		data = []byte(`{}`)
	}
	var keys map[string]json.RawMessage
	if err := json.Unmarshal(data, &keys); err != nil {
		return data
	}
	if _, ok := keys["type"]; !ok && a.Type != "" {
		data = addKey(data, "type", a.Type)
	}
	if _, ok := keys["id"]; !ok && a.ID != "" {
		data = addKey(data, "id", a.ID)
	}
	return data
}

// addKey puts "key": value first in a JSON object, keeping the rest
// byte for byte.
func addKey(obj []byte, key, value string) []byte {
	k, _ := json.Marshal(key)
	v, _ := json.Marshal(value)
	rest := bytes.TrimSpace(obj[1:])
	out := append([]byte{'{'}, k...)
	out = append(out, ':')
	out = append(out, v...)
	if len(rest) > 0 && rest[0] != '}' {
		out = append(out, ',')
	}
	return append(out, rest...)
}

// wireConversation is the SDK's ConversationModel, with the fields Parley
// keeps.
type wireConversation struct {
	ID              string            `json:"id"`
	Type            string            `json:"type"`
	IsGroup         bool              `json:"isGroup"`
	Title           *string           `json:"title"`
	ProfileImageURL *string           `json:"profileImageUrl"`
	CustomType      *string           `json:"customType"`
	MetaData        json.RawMessage   `json:"metaData"`
	Config          wireConfig        `json:"config"`
	MemberCount     int               `json:"memberCount"`
	OwnerID         *string           `json:"ownerId"`
	CreatedAt       string            `json:"createdAt"`
	UpdatedAt       string            `json:"updatedAt"`
	LastMessage     any               `json:"lastMessage"` // the newest message the caller sees, or {}
	UnreadCount     int               `json:"unreadMessageCount"`
	LastReadAt      map[string]string `json:"lastReadAt"` // user id → time; never null (the SDK's markAsRead needs an object)
	IsAdmin         bool              `json:"isAdmin"`
	Members         *[]wireMember     `json:"members,omitempty"` // with include=members only
}

// wireConfig is what a conversation does; Parley's are all alike. The SDK
// refuses markAsRead locally when read_events is false.
type wireConfig struct {
	TypingEvents              bool `json:"typing_events"`
	ReadEvents                bool `json:"read_events"`
	PinMessages               bool `json:"pin_messages"`
	AllowDeleteMessageByAdmin bool `json:"allow_delete_message_by_admin"`
}

var parleyConfig = wireConfig{TypingEvents: true, ReadEvents: true, PinMessages: true, AllowDeleteMessageByAdmin: true}

// wireMember is one member of a conversation.
type wireMember struct {
	ConversationID string   `json:"conversationId"`
	UserID         string   `json:"userId"`
	IsAdmin        bool     `json:"isAdmin"`
	CreatedAt      string   `json:"createdAt"` // when they joined
	User           wireUser `json:"user"`
}

func toWireMember(convID string, m *core.Member, c *core.Caller) wireMember {
	out := wireMember{ConversationID: convID, IsAdmin: m.Role.CanManage(), CreatedAt: wireTime(m.JoinedAt)}
	if m.User != nil {
		out.UserID, out.User = m.User.ID, toWireUser(m.User, seesEmail(c, m.User))
	}
	return out
}

// channelizeType maps a core kind to Channelize's type and isGroup.
func channelizeType(k core.ConversationKind) (string, bool) {
	switch k {
	case core.KindDirect:
		return "private", false
	case core.KindPublic:
		return "public", true
	case core.KindOpen:
		return "open", true
	}
	return "private", true // group, broadcast
}

// toWireConversation converts a conversation as the caller sees it; members
// (nil: not asked for) fill members and everyone's lastReadAt.
func toWireConversation(conv *core.Conversation, members []*core.Member, c *core.Caller) wireConversation {
	typ, group := channelizeType(conv.Kind)
	updated := conv.UpdatedAt
	if conv.LastActivityAt.After(updated) {
		updated = conv.LastActivityAt
	}
	out := wireConversation{ID: conv.ID, Type: typ, IsGroup: group, Title: nullable(conv.Title), ProfileImageURL: nullable(conv.AvatarURL),
		CustomType: nullable(conv.CustomType), MetaData: object(conv.Metadata), Config: parleyConfig, MemberCount: conv.MemberCount,
		OwnerID: nullable(conv.OwnerID), CreatedAt: wireTime(conv.CreatedAt), UpdatedAt: wireTime(updated),
		LastMessage: struct{}{}, UnreadCount: conv.Unread,
		LastReadAt: map[string]string{}, IsAdmin: conv.Me != nil && conv.Me.Role.CanManage()}
	if conv.LastMessage != nil {
		out.LastMessage = toWireMessage(conv.LastMessage)
	}
	if conv.Me != nil && !conv.Me.LastReadAt.IsZero() && c.User() != nil {
		out.LastReadAt[c.UserID()] = wireTime(conv.Me.LastReadAt)
	}
	if members != nil {
		list := make([]wireMember, len(members))
		for i, m := range members {
			list[i] = toWireMember(conv.ID, m, c)
			if !m.LastReadAt.IsZero() && m.User != nil {
				out.LastReadAt[m.User.ID] = wireTime(m.LastReadAt)
			}
		}
		out.Members = &list
	}
	return out
}

// count is the answer of every count endpoint.
type count struct {
	Count int `json:"count"`
}

// parseTime reads a Channelize time: an ISO-8601 string, or a number of
// milliseconds since 1970. Empty is the zero time.
func parseTime(field string, raw json.RawMessage) (time.Time, error) {
	s := string(bytes.TrimSpace(raw))
	if s == "" || s == "null" {
		return time.Time{}, nil
	}
	if s[0] != '"' {
		ms, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return time.Time{}, core.Invalidf(field, "%s must be an ISO-8601 time or milliseconds since 1970", field)
		}
		return time.UnixMilli(ms).UTC(), nil
	}
	var text string
	if err := json.Unmarshal(raw, &text); err != nil {
		return time.Time{}, core.Invalidf(field, "%s must be an ISO-8601 time", field)
	}
	t, err := time.Parse(time.RFC3339Nano, text)
	if err != nil {
		return time.Time{}, core.Invalidf(field, "%s must be an ISO-8601 time like 2020-01-29T05:29:43.233Z, not %q", field, text)
	}
	return t.UTC(), nil
}
