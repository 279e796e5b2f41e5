package cowork

import (
	"encoding/json"
	"time"

	"parley/server/core"
)

// wireTeam is a team as /teams lists it.
type wireTeam struct {
	ID          string `json:"id"`
	DisplayName string `json:"displayName"`
}

func toWireTeam(t *core.Team) wireTeam { return wireTeam{ID: t.ID, DisplayName: t.Name} }

// wireChannel is a channel as /teams/{t}/channels lists it.
type wireChannel struct {
	ChannelID   string `json:"channelId"`
	TeamID      string `json:"teamId"`
	DisplayName string `json:"displayName"`
	Description string `json:"description"`
}

// toWireChannel converts a team channel or, for the caller me, a direct
// conversation (named after the other member).
func toWireChannel(ch *core.TeamChannel, me *core.Caller) wireChannel {
	w := wireChannel{ChannelID: ch.ID, TeamID: ch.TeamID, DisplayName: ch.Title, Description: ch.Description}
	if ch.Kind == core.KindDirect {
		w.TeamID = core.DirectTeamID
		for _, m := range ch.Members {
			if m.User != nil && (me.User() == nil || m.User.PK != me.User().PK) {
				w.DisplayName = displayName(m.User)
			}
		}
	}
	return w
}

func displayName(u *core.User) string {
	if u.DisplayName != "" {
		return u.DisplayName
	}
	if u.Username != "" {
		return u.Username
	}
	return u.ID
}

// wireMember is a channel member with the presence CoWork shows.
type wireMember struct {
	ID           string `json:"id"`
	DisplayName  string `json:"displayName"`
	CustomStatus string `json:"customStatus"`
	OnlineStatus string `json:"onlineStatus"`
	IsIdle       bool   `json:"isIdle"`
}

// toWireMember converts a member: online while the user holds an open
// event stream, else offline. Parley keeps no custom status and no idle
// time: customStatus is empty and isIdle false.
func toWireMember(m *core.Member) wireMember {
	status := "offline"
	if m.Online {
		status = "online"
	}
	return wireMember{ID: m.User.ID, DisplayName: displayName(m.User), OnlineStatus: status}
}

// wireMessage is the seed's message object; times in epoch milliseconds.
type wireMessage struct {
	ID          string                    `json:"id"`
	Text        string                    `json:"text"`
	Created     int64                     `json:"created"`
	Modified    int64                     `json:"modified"`
	UserID      string                    `json:"userId"`
	Attachments []wireAttachment          `json:"attachments"`
	Reactions   map[string][]wireReaction `json:"reactions"`
}

type wireAttachment struct {
	ID         string         `json:"id"`
	Name       string         `json:"name"`
	Properties map[string]any `json:"properties"`
}

type wireReaction struct {
	UserID    string `json:"userId"`
	Timestamp int64  `json:"timestamp"`
}

// toWireMessage converts a message; text is the Markdown, or the HTML
// when the client asked for it (render is then not nil).
func toWireMessage(m *core.Message, render func(string) string) wireMessage {
	w := wireMessage{ID: m.ID, Text: m.Body, Created: m.CreatedAt.UnixMilli(), Modified: modified(m).UnixMilli(),
		Attachments: make([]wireAttachment, 0, len(m.Attachments)), Reactions: toWireReactions(m)}
	if m.Owner != nil {
		w.UserID = m.Owner.ID
	}
	if render != nil {
		w.Text = render(m.Body)
	}
	for _, a := range m.Attachments {
		w.Attachments = append(w.Attachments, toWireAttachment(a))
	}
	return w
}

// modified is when the text last changed: the last edit, else the creation.
func modified(m *core.Message) time.Time {
	if !m.EditedAt.IsZero() {
		return m.EditedAt
	}
	return m.CreatedAt
}

func toWireReactions(m *core.Message) map[string][]wireReaction {
	out := make(map[string][]wireReaction, len(m.Reactions))
	for _, g := range m.Reactions {
		rs := make([]wireReaction, len(g.UserIDs))
		for i, id := range g.UserIDs {
			rs[i] = wireReaction{UserID: id}
			if i < len(g.Times) {
				rs[i].Timestamp = g.Times[i].UnixMilli()
			}
		}
		out[g.Name] = rs
	}
	return out
}

// toWireAttachment shows an attachment's stored object, but its id and
// name, as its properties, with its size and MIME type when known.
func toWireAttachment(a core.Attachment) wireAttachment {
	props := map[string]any{}
	_ = json.Unmarshal(a.Data, &props) // stored objects are JSON objects; anything else shows none
	delete(props, "id")
	delete(props, "name")
	if a.Size > 0 {
		props["size"] = a.Size
	}
	if a.MimeType != "" {
		props["mimeType"] = a.MimeType
	}
	return wireAttachment{ID: a.ID, Name: a.Name, Properties: props}
}

// wireAdminTeam is a team as its admins see it.
type wireAdminTeam struct {
	ID             string   `json:"id"`
	DisplayName    string   `json:"displayName"`
	AdminGroupIDs  []string `json:"adminGroupIDs"`
	AdminUserIDs   []string `json:"adminUserIDs"`
	MemberGroupIDs []string `json:"memberGroupIDs"`
	MemberUserIDs  []string `json:"memberUserIDs"`
}

func toWireAdminTeam(d *core.TeamDetail) wireAdminTeam {
	w := wireAdminTeam{ID: d.ID, DisplayName: d.Name, AdminGroupIDs: []string{}, AdminUserIDs: []string{},
		MemberGroupIDs: []string{}, MemberUserIDs: []string{}}
	for _, m := range d.Members {
		if m.Role.CanManage() {
			w.AdminUserIDs = append(w.AdminUserIDs, m.User.ID)
		} else {
			w.MemberUserIDs = append(w.MemberUserIDs, m.User.ID)
		}
	}
	return w
}

// wireAdminChannel is a channel as its team's admins see it.
type wireAdminChannel struct {
	wireChannel
	MemberGroupIDs   []string `json:"memberGroupIDs"`
	MemberUserIDs    []string `json:"memberUserIDs"`
	MembersInherited bool     `json:"membersInherited"`
}

func toWireAdminChannel(ch *core.TeamChannel, me *core.Caller) wireAdminChannel {
	w := wireAdminChannel{wireChannel: toWireChannel(ch, me), MemberGroupIDs: []string{}, MemberUserIDs: []string{},
		MembersInherited: ch.MembersInherited}
	for _, m := range ch.Members {
		w.MemberUserIDs = append(w.MemberUserIDs, m.User.ID)
	}
	return w
}

// wireHit is a search result.
type wireHit struct {
	MessageID string  `json:"messageId"`
	TeamID    string  `json:"teamId"`
	ChannelID string  `json:"channelId"`
	UserID    string  `json:"userId"`
	Text      *string `json:"text,omitempty"`
}

// toWireHit converts a search hit; text is left out unless format gives it.
func toWireHit(h core.SearchHit, text func(string) *string) wireHit {
	w := wireHit{MessageID: h.Message.ID, TeamID: h.Conversation.TeamID, ChannelID: h.Conversation.ID, Text: text(h.Message.Body)}
	if h.Conversation.Kind == core.KindDirect {
		w.TeamID = core.DirectTeamID
	}
	if h.Message.Owner != nil {
		w.UserID = h.Message.Owner.ID
	}
	return w
}
