package amity

import (
	"encoding/json"
	"strings"

	"parley/server/core"
	"parley/server/httpx"
)

// messageIn is a new message, in v3's words (channelId, type, mentionees)
// or v5's (messageFeedId, dataType, mentionedUsers, referenceId).
type messageIn struct {
	ChannelID      string          `json:"channelId"`
	MessageFeedID  string          `json:"messageFeedId"`
	MessageID      string          `json:"messageId"`
	ReferenceID    string          `json:"referenceId"`
	Type           string          `json:"type"`
	DataType       string          `json:"dataType"`
	Data           json.RawMessage `json:"data"`
	FileID         string          `json:"fileId"`
	ParentID       string          `json:"parentId"`
	Metadata       json.RawMessage `json:"metadata"`
	Tags           []string        `json:"tags"`
	Mentionees     []mentioneeIn   `json:"mentionees"`
	MentionedUsers []mentioneeIn   `json:"mentionedUsers"`
}

type mentioneeIn struct {
	Type    string   `json:"type"`
	UserIDs []string `json:"userIds"`
}

// localPrefix marks the SDK's not-yet-synced local ids: a server id never
// starts with it.
const localPrefix = "LOCAL_"

// splitData reads a data object: its text, and the rest (nil when none).
func splitData(raw json.RawMessage) (text string, rest []byte, err error) {
	obj, err := httpx.RawObject("data", raw)
	if err != nil || obj == nil {
		return "", nil, err
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(obj, &fields); err != nil {
		return "", nil, core.Invalidf("data", "The 'data' field must be an object.")
	}
	if t, ok := fields["text"]; ok {
		if err := json.Unmarshal(t, &text); err != nil {
			return "", nil, core.Invalidf("data.text", "The 'data.text' field must be a string.")
		}
		if err := checkLen("data.text", text, 0, 20000); err != nil {
			return "", nil, err
		}
		delete(fields, "text")
	}
	if len(fields) > 0 {
		rest, _ = json.Marshal(fields)
	}
	return text, rest, nil
}

func checkTags(tags []string) error {
	if len(tags) > 10 {
		return core.Invalidf("tags", "The 'tags' field must contain less than or equal to 10 items.")
	}
	for _, t := range tags {
		if err := checkLen("tags", t, 0, 30); err != nil {
			return err
		}
	}
	return nil
}

// mentions reads mentionees: users only (a channel-wide mention is not
// kept by Parley, so it is refused rather than lost).
func mentions(field string, in []mentioneeIn) (*[]core.Mention, error) {
	if in == nil {
		return nil, nil
	}
	if len(in) > 2 {
		return nil, core.Invalidf(field, "The '%s' field must contain less than or equal to 2 items.", field)
	}
	out := []core.Mention{}
	for _, x := range in {
		switch x.Type {
		case "user", "":
		case "channel":
			return nil, core.Invalidf(field, "The '%s' type channel is not supported: mention users by id.", field)
		default:
			return nil, core.Invalidf(field, "The '%s.type' field must be one of user, channel.", field)
		}
		if len(x.UserIDs) > 30 {
			return nil, core.Invalidf(field, "The '%s.userIds' field must contain less than or equal to 30 items.", field)
		}
		for _, id := range x.UserIDs {
			out = append(out, core.Mention{UserID: id, Order: len(out)})
		}
	}
	return &out, nil
}

// send turns a new message into the core's input.
func (in *messageIn) send(v5 bool) (core.SendInput, error) {
	channel, typ, mentioned, field := in.ChannelID, in.Type, in.Mentionees, "mentionees"
	if v5 {
		channel, typ, mentioned, field = in.MessageFeedID, in.DataType, in.MentionedUsers, "mentionedUsers"
		if err := checkLen("referenceId", in.ReferenceID, 0, 100); err != nil {
			return core.SendInput{}, err
		}
	}
	name := map[bool]string{false: "channelId", true: "messageFeedId"}[v5]
	if err := checkLen(name, channel, 1, 150); err != nil {
		return core.SendInput{}, err
	}
	if err := checkLen("messageId", in.MessageID, 0, 150); err != nil {
		return core.SendInput{}, err
	}
	if strings.HasPrefix(in.MessageID, localPrefix) {
		return core.SendInput{}, core.Invalidf("messageId", "The 'messageId' field must not start with %s.", localPrefix)
	}
	if typ == "" {
		typ = "text"
	}
	if !messageTypes[typ] {
		return core.SendInput{}, core.Invalidf("type", "The 'type' field must be one of text, image, file, custom, video, audio, imagemap.")
	}
	if err := checkLen("fileId", in.FileID, 0, 50); err != nil {
		return core.SendInput{}, err
	}
	if err := checkLen("parentId", in.ParentID, 0, 150); err != nil {
		return core.SendInput{}, err
	}
	if err := checkTags(in.Tags); err != nil {
		return core.SendInput{}, err
	}
	text, rest, err := splitData(in.Data)
	if err != nil {
		return core.SendInput{}, err
	}
	meta, err := httpx.RawObject("metadata", in.Metadata)
	if err != nil {
		return core.SendInput{}, err
	}
	ms, err := mentions(field, mentioned)
	if err != nil {
		return core.SendInput{}, err
	}
	si := core.SendInput{ID: in.MessageID, ConversationID: channel, CustomType: typ, Body: text, Metadata: meta,
		Tags: in.Tags, ParentID: in.ParentID}
	if typ == "text" {
		si.CustomType = "" // text is every dialect's plain message
	}
	if ms != nil {
		si.Mentions = *ms
	}
	if rest != nil || in.FileID != "" {
		if rest == nil {
			rest = []byte("{}")
		}
		si.Attachments = []core.Attachment{{Type: typ, FileID: in.FileID, Data: rest}}
	}
	return si, nil
}

// editIn changes a message: its text, metadata, tags and mentions.
type editIn struct {
	Data           json.RawMessage `json:"data"`
	Metadata       json.RawMessage `json:"metadata"`
	Tags           []string        `json:"tags"`
	Mentionees     []mentioneeIn   `json:"mentionees"`
	MentionedUsers []mentioneeIn   `json:"mentionedUsers"`
}

func (in *editIn) edit() (core.EditInput, error) {
	var out core.EditInput
	if len(in.Data) > 0 {
		text, rest, err := splitData(in.Data)
		if err != nil {
			return out, err
		}
		if rest != nil {
			return out, core.Invalidf("data", "Only 'data.text' can be updated.")
		}
		out.Body = &text
	}
	meta, err := httpx.RawObject("metadata", in.Metadata)
	if err != nil {
		return out, err
	}
	out.Metadata = meta
	if err := checkTags(in.Tags); err != nil {
		return out, err
	}
	out.Tags = in.Tags
	field, list := "mentionees", in.Mentionees
	if in.MentionedUsers != nil {
		field, list = "mentionedUsers", in.MentionedUsers
	}
	out.Mentions, err = mentions(field, list)
	return out, err
}
