package amity

import (
	"encoding/json"
	"strings"

	"parley/server/core"
)

// typeConversation marks, in a conversation's type string, a group that
// Amity created as a non-distinct "conversation" channel.
const typeConversation = "conversation"

// channelType is Amity's type of a conversation: direct conversations are
// distinct "conversation" channels; public ones are communities anyone
// joins; private groups are communities with isPublic false (or
// conversations when Amity made them so); open ones are "live"; broadcast
// is broadcast.
func channelType(conv *core.Conversation) string {
	switch conv.Kind {
	case core.KindDirect:
		return "conversation"
	case core.KindOpen:
		return "live"
	case core.KindBroadcast:
		return "broadcast"
	case core.KindGroup:
		if conv.Type == typeConversation {
			return "conversation"
		}
	}
	return "community"
}

// wireChannel is Amity's ChannelV3.
type wireChannel struct {
	ID                           string          `json:"_id"`
	Path                         string          `json:"path"`
	ChannelID                    string          `json:"channelId"`
	ChannelInternalID            string          `json:"channelInternalId"`
	ChannelPublicID              string          `json:"channelPublicId"`
	IsDistinct                   bool            `json:"isDistinct"`
	Metadata                     json.RawMessage `json:"metadata"`
	Type                         string          `json:"type"`
	Tags                         []string        `json:"tags"`
	IsMuted                      bool            `json:"isMuted"`
	IsRateLimited                bool            `json:"isRateLimited"`
	MuteTimeout                  *string         `json:"muteTimeout"`
	RateLimit                    *int            `json:"rateLimit"`
	RateLimitWindow              *int            `json:"rateLimitWindow"`
	RateLimitTimeout             *string         `json:"rateLimitTimeout"`
	DisplayName                  string          `json:"displayName"`
	MessageAutoDeleteEnabled     bool            `json:"messageAutoDeleteEnabled"`
	AutoDeleteMessageByFlagLimit *int            `json:"autoDeleteMessageByFlagLimit"`
	MemberCount                  int             `json:"memberCount"`
	MessageCount                 int64           `json:"messageCount"`
	LastActivity                 string          `json:"lastActivity"`
	CreatedAt                    string          `json:"createdAt"`
	UpdatedAt                    string          `json:"updatedAt"`
	AvatarFileID                 *string         `json:"avatarFileId"`
	IsDeleted                    bool            `json:"isDeleted"`
	MessagePreviewID             *string         `json:"messagePreviewId"`
	IsPublic                     bool            `json:"isPublic"`
	NotificationMode             string          `json:"notificationMode"`
}

func toWireChannel(app *core.App, conv *core.Conversation) wireChannel {
	return wireChannel{ID: conv.ID, Path: app.ID + "/channel/" + conv.ID, ChannelID: conv.ID, ChannelInternalID: conv.ID,
		ChannelPublicID: conv.ID, IsDistinct: conv.Kind == core.KindDirect, Metadata: rawOrNull(conv.Metadata),
		Type: channelType(conv), Tags: []string{}, DisplayName: conv.Title, MemberCount: conv.MemberCount,
		MessageCount: messageCount(conv), LastActivity: isoTime(conv.LastActivityAt), CreatedAt: isoTime(conv.CreatedAt),
		UpdatedAt: isoTime(conv.UpdatedAt), AvatarFileID: avatarFileID(conv.AvatarURL),
		IsPublic: conv.Kind == core.KindPublic || conv.Kind == core.KindOpen, NotificationMode: "default"}
}

// roles is Amity's view of a member's role: owners and admins moderate.
func roles(r core.Role) []string {
	if r.CanManage() {
		return []string{"channel-moderator"}
	}
	return []string{}
}

// wireChannelUser is Amity's ChannelUserV3.
type wireChannelUser struct {
	UserID               string   `json:"userId"`
	UserInternalID       string   `json:"userInternalId"`
	UserPublicID         string   `json:"userPublicId"`
	ChannelID            string   `json:"channelId"`
	ChannelInternalID    string   `json:"channelInternalId"`
	ChannelPublicID      string   `json:"channelPublicId"`
	Membership           string   `json:"membership"`
	IsBanned             bool     `json:"isBanned"`
	LastActivity         string   `json:"lastActivity"`
	Roles                []string `json:"roles"`
	Permissions          []string `json:"permissions"`
	ReadToSegment        int64    `json:"readToSegment"`
	LastMentionedSegment *int64   `json:"lastMentionedSegment"`
	IsMuted              bool     `json:"isMuted"`
	MuteTimeout          *string  `json:"muteTimeout"`
	CreatedAt            string   `json:"createdAt"`
	UpdatedAt            string   `json:"updatedAt"`
}

func toWireChannelUser(channelID string, m *core.Member) wireChannelUser {
	last := m.JoinedAt
	if m.LastReadAt.After(last) {
		last = m.LastReadAt
	}
	return wireChannelUser{UserID: m.User.ID, UserInternalID: m.User.ID, UserPublicID: m.User.ID, ChannelID: channelID,
		ChannelInternalID: channelID, ChannelPublicID: channelID, Membership: "member", LastActivity: isoTime(last),
		Roles: roles(m.Role), Permissions: []string{}, ReadToSegment: readToSegment(m), CreatedAt: isoTime(m.JoinedAt),
		UpdatedAt: isoTime(last)}
}

// wireChannels is Amity's ChannelsApiResponse.
type wireChannels struct {
	Channels         []wireChannel     `json:"channels"`
	ChannelUsers     []wireChannelUser `json:"channelUsers"`
	MessagePreviews  []struct{}        `json:"messagePreviews"`
	MessageFeedsInfo []struct{}        `json:"messageFeedsInfo"`
	Users            []wireUser        `json:"users"`
	Files            []wireFile        `json:"files"`
	Paging           *wirePaging       `json:"paging,omitempty"`
}

// channelPayload answers conversations with the caller's own memberships.
func channelPayload(c *core.Caller, convs ...*core.Conversation) wireChannels {
	out := wireChannels{Channels: []wireChannel{}, ChannelUsers: []wireChannelUser{}, MessagePreviews: []struct{}{},
		MessageFeedsInfo: []struct{}{}, Files: []wireFile{}}
	users := newUserSet(c.App())
	for _, conv := range convs {
		out.Channels = append(out.Channels, toWireChannel(c.App(), conv))
		if conv.Me != nil {
			if conv.Me.User == nil {
				conv.Me.User = c.User()
			}
			out.ChannelUsers = append(out.ChannelUsers, toWireChannelUser(conv.ID, conv.Me))
			users.add(conv.Me.User)
		}
	}
	out.Users = users.list
	return out
}

// memberPayload answers members of one channel.
func memberPayload(c *core.Caller, channelID string, members []*core.Member) wireChannels {
	out := channelPayload(c)
	users := newUserSet(c.App())
	for _, m := range members {
		out.ChannelUsers = append(out.ChannelUsers, toWireChannelUser(channelID, m))
		users.add(m.User)
	}
	out.Users = users.list
	return out
}

// fileURL is where a stored file is downloaded; a conversation's avatar
// URL keeps an Amity avatarFileId this way.
func fileURL(fileID string) string { return "/api/v3/files/" + fileID + "/download" }

// avatarFileID reads an avatar URL back as a file id, null when the avatar
// is not a stored file.
func avatarFileID(u string) *string {
	if id, ok := strings.CutPrefix(u, "/api/v3/files/"); ok {
		if id, ok = strings.CutSuffix(id, "/download"); ok && id != "" {
			return &id
		}
	}
	return nil
}

// messageCount is the channel's last segment: its messages so far.
func messageCount(conv *core.Conversation) int64 { return conv.LastSeq }

// readToSegment is the segment up to which the member has read.
func readToSegment(m *core.Member) int64 { return m.ReadSeq }
