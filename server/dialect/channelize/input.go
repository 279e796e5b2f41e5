package channelize

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"

	"parley/server/core"
	"parley/server/httpx"
)

// Request bodies and their conversion to core inputs. Unknown keys are
// ignored (the SDK sends its own, such as isGroup on send); wrong types are
// refused by httpx.DecodeJSON with the field's name.

// sendIn is the body of POST /v2/messages/send (Channelize's Messages docs), and of
// broadcast with its targets.
type sendIn struct {
	ID                 string            `json:"id"`
	Type               string            `json:"type"`
	CustomType         string            `json:"customType"`
	Body               string            `json:"body"`
	UserID             string            `json:"userId"`
	ConversationID     string            `json:"conversationId"`
	ParentID           string            `json:"parentId"`
	ShowInConversation *bool             `json:"showInConversation"`
	Recipients         []string          `json:"recipients"`
	MentionedUsers     []mentionIn       `json:"mentionedUsers"`
	Attachments        []json.RawMessage `json:"attachments"`
	Events             json.RawMessage   `json:"events"` // accepted; push and unread toggles do not apply
	CreatedAt          json.RawMessage   `json:"createdAt"`
	Encrypted          bool              `json:"encrypted"`
	MetaData           json.RawMessage   `json:"metaData"`
	IsGroup            json.RawMessage   `json:"isGroup"` // sent by the SDK; ignored

	// Broadcast targets.
	UserIDs         []string `json:"userIds"`
	ConversationIDs []string `json:"conversationIds"`
}

type mentionIn struct {
	WordCount int    `json:"wordCount"`
	Order     int    `json:"order"`
	UserID    string `json:"userId"`
}

func (in *sendIn) core() (core.SendInput, error) {
	out := core.SendInput{ID: in.ID, ConversationID: in.ConversationID, ToUserID: in.UserID, Type: core.MessageType(in.Type),
		CustomType: in.CustomType, Body: in.Body, Recipients: in.Recipients, ParentID: in.ParentID,
		ShowInConversation: in.ShowInConversation, Encrypted: in.Encrypted}
	var err error
	if out.Metadata, err = httpx.RawObject("metaData", in.MetaData); err != nil {
		return out, err
	}
	if out.Metadata != nil {
		out.Metadata = compact(out.Metadata) // a retry with other spacing is the same message
	}
	if _, err := httpx.RawObject("events", in.Events); err != nil {
		return out, err
	}
	if out.CreatedAt, err = parseTime("createdAt", in.CreatedAt); err != nil {
		return out, err
	}
	for _, m := range in.MentionedUsers {
		out.Mentions = append(out.Mentions, core.Mention{UserID: m.UserID, Order: m.Order, WordCount: m.WordCount})
	}
	for i, raw := range in.Attachments {
		a, err := parseAttachment(fmt.Sprintf("attachments[%d]", i), raw)
		if err != nil {
			return out, err
		}
		out.Attachments = append(out.Attachments, a)
	}
	return out, nil
}

// parseAttachment reads one attachment: a free JSON object with a string
// type. The whole object is kept verbatim; the keys the core reads are
// taken when they have the documented types.
func parseAttachment(field string, raw json.RawMessage) (core.Attachment, error) {
	data, err := httpx.RawObject(field, raw)
	if err != nil {
		return core.Attachment{}, err
	}
	if data == nil {
		return core.Attachment{}, core.Invalidf(field, "%s must be a JSON object", field)
	}
	var keys map[string]json.RawMessage
	if err := json.Unmarshal(data, &keys); err != nil {
		return core.Attachment{}, core.Invalidf(field, "%s must be a JSON object", field)
	}
	text := func(k string) string {
		var s string
		_ = json.Unmarshal(keys[k], &s) // another type: not one the core reads
		return s
	}
	a := core.Attachment{ID: text("id"), Type: text("type"), Name: text("name"), MimeType: text("mimeType"), URL: text("fileUrl"),
		Data: compact(data)}
	if strings.TrimSpace(a.Type) == "" {
		return a, core.Invalidf(field+".type", "%s.type is required: a string such as image, audio, video, location or sticker", field)
	}
	var size float64
	if json.Unmarshal(keys["size"], &size) == nil && size > 0 {
		a.Size = int64(size)
	}
	a.FileID = uploadedFileID(text("fileId"), a.URL)
	return a, nil
}

// uploadedFileID names the uploaded file an attachment presents: its
// fileId, or the id in a fileUrl that POST /v2/files answered
// (".../v2/files/{id}"). The core checks the caller may attach it.
func uploadedFileID(fileID, fileURL string) string {
	if fileID != "" {
		return fileID
	}
	u, err := url.Parse(fileURL)
	if err != nil {
		return ""
	}
	id, ok := strings.CutPrefix(u.EscapedPath(), "/v2/files/")
	if !ok || id == "" || strings.Contains(id, "/") {
		return ""
	}
	id, err = url.PathUnescape(id)
	if err != nil {
		return ""
	}
	return id
}

// compact strips insignificant space from a JSON document.
func compact(data []byte) []byte {
	var b bytes.Buffer
	if json.Compact(&b, data) != nil {
		return data
	}
	return b.Bytes()
}

// idsIn is the body of the batch calls: delete, delete_for_everyone and
// forward.
type idsIn struct {
	MessageIDs      []string `json:"messageIds"`
	UserIDs         []string `json:"userIds"`
	ConversationIDs []string `json:"conversationIds"`
}

// reactionIn is the body of add_reaction and remove_reaction.
type reactionIn struct {
	Type string `json:"type"`
}

// readIn is the body of mark_as_read.
type readIn struct {
	Timestamp json.RawMessage `json:"timestamp"`
}

// membersIn is the body of add_members and remove_members: the SDK sends
// members; memberIds is accepted too.
type membersIn struct {
	Members   []string `json:"members"`
	MemberIDs []string `json:"memberIds"`
}

func (in membersIn) ids() []string {
	return append(append([]string(nil), in.Members...), in.MemberIDs...)
}

// conversationIn is the body of POST /v2/conversations.
type conversationIn struct {
	ID              string          `json:"id"`
	Title           string          `json:"title"`
	Members         []string        `json:"members"`
	IsGroup         *bool           `json:"isGroup"`
	Type            string          `json:"type"` // private (default), public, open
	ProfileImageURL string          `json:"profileImageUrl"`
	CustomType      string          `json:"customType"`
	MetaData        json.RawMessage `json:"metaData"`
	Config          json.RawMessage `json:"config"` // accepted; every Parley conversation has the same config
	CreatedAt       json.RawMessage `json:"createdAt"`
}

// coreKind maps Channelize's type and isGroup to a core kind: a private
// conversation that is not a group is a direct one.
func coreKind(typ string, isGroup *bool) (core.ConversationKind, error) {
	group := isGroup == nil || *isGroup
	switch typ {
	case "", "private":
		if !group {
			return core.KindDirect, nil
		}
		return core.KindGroup, nil
	case "public", "open":
		if !group {
			return "", core.Invalidf("isGroup", "a %s conversation is always a group", typ)
		}
		return core.ConversationKind(typ), nil
	}
	return "", core.Invalidf("type", "type must be private, public or open, not %q", typ)
}

func (in conversationIn) core() (core.ConversationInput, error) {
	out := core.ConversationInput{ID: in.ID, Title: in.Title, AvatarURL: in.ProfileImageURL, CustomType: in.CustomType}
	var err error
	if out.Kind, err = coreKind(in.Type, in.IsGroup); err != nil {
		return out, err
	}
	if out.Metadata, err = httpx.RawObject("metaData", in.MetaData); err != nil {
		return out, err
	}
	if _, err := httpx.RawObject("config", in.Config); err != nil {
		return out, err
	}
	if out.CreatedAt, err = parseTime("createdAt", in.CreatedAt); err != nil {
		return out, err
	}
	for _, id := range in.Members {
		out.Members = append(out.Members, core.MemberInput{UserID: id})
	}
	return out, nil
}

// userIn is the body of POST /v2/users.
type userIn struct {
	ID              string          `json:"id"`
	DisplayName     string          `json:"displayName"`
	ProfileImageURL string          `json:"profileImageUrl"`
	Email           string          `json:"email"`
	Password        string          `json:"password"`
	MetaData        json.RawMessage `json:"metaData"`
	CreatedAt       json.RawMessage `json:"createdAt"`
}

func (in userIn) core() (core.UserInput, error) {
	out := core.UserInput{ID: in.ID, DisplayName: in.DisplayName, AvatarURL: in.ProfileImageURL, Email: in.Email, Password: in.Password}
	if strings.TrimSpace(in.DisplayName) == "" {
		return out, core.Invalidf("displayName", "displayName is required")
	}
	var err error
	if out.Metadata, err = httpx.RawObject("metaData", in.MetaData); err != nil {
		return out, err
	}
	out.CreatedAt, err = parseTime("createdAt", in.CreatedAt)
	return out, err
}

// loginIn is the body of POST /v2/users/login: email (authenticationType
// 1), or userId or username, with the password.
type loginIn struct {
	Email              string          `json:"email"`
	UserID             string          `json:"userId"`
	Username           string          `json:"username"`
	Password           string          `json:"password"`
	AuthenticationType json.RawMessage `json:"authenticationType"`
}

func (in loginIn) login() string {
	for _, s := range []string{in.Email, in.UserID, in.Username} {
		if s != "" {
			return s
		}
	}
	return ""
}

// tokenIn is the body of POST /v2/users/create_access_token.
type tokenIn struct {
	UserID string `json:"userId"`
}
