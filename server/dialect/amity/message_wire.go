package amity

import (
	"encoding/json"

	"parley/server/core"
)

// Amity's message types. A message keeps its Amity type in the core's
// custom type; a message of another dialect with no custom type is text,
// and one with a custom type Amity does not know is custom.
var messageTypes = map[string]bool{"text": true, "image": true, "file": true, "custom": true, "video": true, "audio": true, "imagemap": true}

func messageType(m *core.Message) string {
	switch {
	case m.CustomType == "":
		return "text"
	case messageTypes[m.CustomType]:
		return m.CustomType
	}
	return "custom"
}

// dataAttachment is the attachment an Amity message keeps its data (other
// than the text, which is the body) and file in: the first attachment,
// when its type is the message's type. An attachment of another kind (a
// Channelize image on a text message) is not Amity data.
func dataAttachment(m *core.Message) *core.Attachment {
	if len(m.Attachments) == 0 || m.Attachments[0].Type != messageType(m) {
		return nil
	}
	return &m.Attachments[0]
}

// messageData is the message's data object: its data attachment's object
// with the body as "text".
func messageData(m *core.Message) json.RawMessage {
	data := map[string]json.RawMessage{}
	if a := dataAttachment(m); a != nil && len(a.Data) > 0 {
		_ = json.Unmarshal(a.Data, &data) // stored as an object; anything else reads as {}
	}
	if m.Body != "" {
		b, _ := json.Marshal(m.Body)
		data["text"] = b
	}
	out, _ := json.Marshal(data)
	return out
}

// fileID is the file an Amity message carries, or null.
func fileID(m *core.Message) *string {
	if a := dataAttachment(m); a != nil {
		return optString(a.FileID)
	}
	return nil
}

// reactionsOf returns the reaction counts, their total and the viewer's own.
func reactionsOf(m *core.Message, viewer *core.User) (counts map[string]int, total int, mine []string) {
	counts, mine = map[string]int{}, []string{}
	for _, g := range m.Reactions {
		counts[g.Name] = g.Count
		total += g.Count
		if viewer == nil {
			continue
		}
		for _, id := range g.UserIDs {
			if id == viewer.ID {
				mine = append(mine, g.Name)
				break
			}
		}
	}
	return counts, total, mine
}

// wireMentionee is one entry of mentionees: all mentioned users.
type wireMentionee struct {
	Type            string   `json:"type"`
	UserIDs         []string `json:"userIds"`
	UserPublicIDs   []string `json:"userPublicIds"`
	UserInternalIDs []string `json:"userInternalIds"`
}

func mentionees(m *core.Message) []wireMentionee {
	if len(m.Mentions) == 0 {
		return []wireMentionee{}
	}
	ids := make([]string, len(m.Mentions))
	for i, x := range m.Mentions {
		ids[i] = x.UserID
	}
	return []wireMentionee{{Type: "user", UserIDs: ids, UserPublicIDs: ids, UserInternalIDs: ids}}
}

// wireMessage is Amity's MessageV3.
type wireMessage struct {
	ID             string          `json:"_id"`
	Path           string          `json:"path"`
	MessageID      string          `json:"messageId"`
	ChannelID      string          `json:"channelId"`
	UserID         *string         `json:"userId"`
	Type           string          `json:"type"`
	Data           json.RawMessage `json:"data"`
	ChannelSegment int64           `json:"channelSegment"`
	ParentID       *string         `json:"parentId"`
	FileID         *string         `json:"fileId"`
	Tags           []string        `json:"tags"`
	Metadata       json.RawMessage `json:"metadata"`
	FlagCount      int             `json:"flagCount"`
	HashFlag       *struct{}       `json:"hashFlag"`
	ChildrenNumber int             `json:"childrenNumber"`
	ReactionsCount int             `json:"reactionsCount"`
	Reactions      map[string]int  `json:"reactions"`
	MyReactions    []string        `json:"myReactions"`
	LatestReaction *wireLatest     `json:"latestReaction"`
	IsDeleted      bool            `json:"isDeleted"`
	CreatedAt      string          `json:"createdAt"`
	UpdatedAt      string          `json:"updatedAt"`
	EditedAt       *string         `json:"editedAt"`
	Mentionees     []wireMentionee `json:"mentionees"`
}

// wireLatest is a message's latestReaction: its newest reaction.
type wireLatest struct {
	ReferenceID     string `json:"referenceId"`
	ReferenceType   string `json:"referenceType"`
	ReactionName    string `json:"reactionName"`
	UserID          string `json:"userId"`
	UserDisplayName string `json:"userDisplayName"`
	ReactionID      string `json:"reactionId"`
	EventName       string `json:"eventName"`
	CreatedAt       string `json:"createdAt"`
}

// latestReaction is the message's newest reaction (of those its
// reactions count), or null when it has none.
func latestReaction(m *core.Message) *wireLatest {
	l := m.LatestReaction
	if l == nil {
		return nil
	}
	return &wireLatest{ReferenceID: m.ID, ReferenceType: "message", ReactionName: l.Name, UserID: l.UserID,
		UserDisplayName: l.UserName, ReactionID: reactionID(m.ID, l.UserID, l.Name), EventName: "add", CreatedAt: isoTime(l.CreatedAt)}
}

func ownerID(m *core.Message) *string {
	if m.Owner == nil {
		return nil
	}
	return &m.Owner.ID
}

func tagsOf(m *core.Message) []string {
	if m.Tags == nil {
		return []string{}
	}
	return m.Tags
}

func toWireMessage(c *core.Caller, m *core.Message) wireMessage {
	counts, total, mine := reactionsOf(m, c.User())
	return wireMessage{ID: m.ID, Path: messagePath(c.App(), m), MessageID: m.ID, ChannelID: m.ConversationID, UserID: ownerID(m),
		Type: messageType(m), Data: messageData(m), ChannelSegment: segment(m), ParentID: optString(m.ParentID), FileID: fileID(m),
		Tags: tagsOf(m), Metadata: rawOrNull(m.Metadata), FlagCount: flagCount(m), ChildrenNumber: m.ReplyCount,
		ReactionsCount: total, Reactions: counts, MyReactions: mine, LatestReaction: latestReaction(m), IsDeleted: m.Deleted(), CreatedAt: isoTime(m.CreatedAt),
		UpdatedAt: isoTime(m.UpdatedAt), EditedAt: optTime(m.EditedAt), Mentionees: mentionees(m)}
}

func messagePath(app *core.App, m *core.Message) string {
	return app.ID + "/chat/" + m.ConversationID + "/" + m.ID
}

// wireMessages is v3's MessagesApiResponse.
type wireMessages struct {
	Messages []wireMessage `json:"messages"`
	Users    []wireUser    `json:"users"`
	Files    []wireFile    `json:"files"`
	Paging   *wirePaging   `json:"paging,omitempty"`
}

// sideload collects the users a page of messages names: senders and
// mentioned users.
func sideload(app *core.App, msgs []*core.Message) *userSet {
	users := newUserSet(app)
	for _, m := range msgs {
		users.add(m.Owner)
		for _, x := range m.Mentions {
			users.add(x.User)
		}
	}
	return users
}

func messagesV3(c *core.Caller, msgs ...*core.Message) wireMessages {
	out := wireMessages{Messages: make([]wireMessage, len(msgs)), Files: sideloadFiles(msgs)}
	for i, m := range msgs {
		out.Messages[i] = toWireMessage(c, m)
	}
	out.Users = sideload(c.App(), msgs).list
	return out
}

// wireMessageV5 is Amity's MessageV5, with the public ids the SDK reads.
type wireMessageV5 struct {
	MessageID       string          `json:"messageId"`
	ReferenceID     *string         `json:"referenceId,omitempty"` // the create reply only
	ChannelID       string          `json:"channelId"`
	ChannelPublicID string          `json:"channelPublicId"`
	MessageFeedID   string          `json:"messageFeedId"`
	Segment         int64           `json:"segment"`
	DataType        string          `json:"dataType"`
	Data            json.RawMessage `json:"data"`
	FileID          *string         `json:"fileId"`
	ThumbnailFileID *string         `json:"thumbnailFileId"`
	Metadata        json.RawMessage `json:"metadata"`
	Tags            []string        `json:"tags"`
	CreatorID       *string         `json:"creatorId"`
	CreatorPublicID *string         `json:"creatorPublicId"`
	MentionedUsers  []wireMentioned `json:"mentionedUsers"`
	Reactions       map[string]int  `json:"reactions"`
	ReactionCount   int             `json:"reactionCount"`
	MyReactions     []string        `json:"myReactions"`
	ParentID        *string         `json:"parentId"`
	Path            string          `json:"path"`
	FlagCount       int             `json:"flagCount"`
	ChildCount      int             `json:"childCount"`
	IsDeleted       bool            `json:"isDeleted"`
	EditedAt        *string         `json:"editedAt"`
	CreatedAt       string          `json:"createdAt"`
	UpdatedAt       string          `json:"updatedAt"`
}

// wireMentioned is v5's mentionedUsers entry.
type wireMentioned struct {
	Type    string   `json:"type"`
	UserIDs []string `json:"userIds"`
}

// toWireMessageV5 converts a message as viewer (nil: the app) sees it.
func toWireMessageV5(app *core.App, viewer *core.User, m *core.Message) wireMessageV5 {
	counts, total, mine := reactionsOf(m, viewer)
	mentioned := []wireMentioned{}
	for _, x := range mentionees(m) {
		mentioned = append(mentioned, wireMentioned{Type: x.Type, UserIDs: x.UserIDs})
	}
	return wireMessageV5{MessageID: m.ID, ChannelID: m.ConversationID, ChannelPublicID: m.ConversationID, MessageFeedID: m.ConversationID,
		Segment: segment(m), DataType: messageType(m), Data: messageData(m), FileID: fileID(m), Metadata: rawOrNull(m.Metadata),
		Tags: tagsOf(m), CreatorID: ownerID(m), CreatorPublicID: ownerID(m), MentionedUsers: mentioned, Reactions: counts,
		ReactionCount: total, MyReactions: mine, ParentID: optString(m.ParentID), Path: messagePath(app, m),
		FlagCount: flagCount(m), ChildCount: m.ReplyCount, IsDeleted: m.Deleted(), EditedAt: optTime(m.EditedAt),
		CreatedAt: isoTime(m.CreatedAt), UpdatedAt: isoTime(m.UpdatedAt)}
}

// wirePagingV5 is v5's paging: next goes on in the query's order.
type wirePagingV5 struct {
	Next     string `json:"next,omitempty"`
	Previous string `json:"previous,omitempty"`
}

// wireMessagesV5 is v5's message payload.
type wireMessagesV5 struct {
	Messages     []wireMessageV5 `json:"messages"`
	MessageFeeds []struct{}      `json:"messageFeeds"`
	Users        []wireUser      `json:"users"`
	Files        []wireFile      `json:"files"`
	Paging       *wirePagingV5   `json:"paging,omitempty"`
}

func messagesV5(c *core.Caller, msgs ...*core.Message) wireMessagesV5 {
	return messagesV5Of(c.App(), c.User(), msgs...)
}

// messagesV5Of is the v5 payload of msgs as viewer (nil: the app) sees
// them: the answer of GET /api/v5/messages/{id} and the event stream's.
func messagesV5Of(app *core.App, viewer *core.User, msgs ...*core.Message) wireMessagesV5 {
	out := wireMessagesV5{Messages: make([]wireMessageV5, len(msgs)), MessageFeeds: []struct{}{}, Files: sideloadFiles(msgs)}
	for i, m := range msgs {
		out.Messages[i] = toWireMessageV5(app, viewer, m)
	}
	out.Users = sideload(app, msgs).list
	return out
}

// segment is the message's sequence number in its channel.
func segment(m *core.Message) int64 { return m.Seq }

// flagCount is how many users flagged the message.
func flagCount(m *core.Message) int { return m.FlagCount }
