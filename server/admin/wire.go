package admin

import (
	"bytes"
	"encoding/json"
	"time"

	"parley/server/core"
	"parley/server/httpx"
)

const timeFormat = "2006-01-02T15:04:05.000Z07:00"

func wireTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(timeFormat)
}

type wireApp struct {
	ID        string `json:"id"`
	Name      string `json:"name"`
	PublicKey string `json:"publicKey"`
	SecretKey string `json:"secretKey,omitempty"` // only when just created
	CreatedAt string `json:"createdAt"`
}

func toWireApp(a *core.App) wireApp {
	return wireApp{ID: a.ID, Name: a.Name, PublicKey: a.PublicKey, CreatedAt: wireTime(a.CreatedAt)}
}

type wireUser struct {
	ID          string          `json:"id"`
	Username    string          `json:"username,omitempty"`
	DisplayName string          `json:"displayName,omitempty"`
	AvatarURL   string          `json:"avatarUrl,omitempty"`
	Email       string          `json:"email,omitempty"`
	Metadata    json.RawMessage `json:"metadata,omitempty"`
	CreatedAt   string          `json:"createdAt"`
	UpdatedAt   string          `json:"updatedAt"`
}

func toWireUser(u *core.User) wireUser {
	return wireUser{ID: u.ID, Username: u.Username, DisplayName: u.DisplayName, AvatarURL: u.AvatarURL, Email: u.Email,
		Metadata: u.Metadata, CreatedAt: wireTime(u.CreatedAt), UpdatedAt: wireTime(u.UpdatedAt)}
}

// userIn is the body of user creation and change, and a fixture user.
type userIn struct {
	ID          string          `json:"id"`
	Username    string          `json:"username"`
	DisplayName string          `json:"displayName"`
	AvatarURL   string          `json:"avatarUrl"`
	Email       string          `json:"email"`
	Metadata    json.RawMessage `json:"metadata"`
	Password    string          `json:"password"`
	Token       string          `json:"token"`
}

func (in userIn) core() (core.UserInput, error) {
	meta, err := httpx.RawObject("metadata", in.Metadata)
	return core.UserInput{ID: in.ID, Username: in.Username, DisplayName: in.DisplayName, AvatarURL: in.AvatarURL,
		Email: in.Email, Metadata: meta, Password: in.Password}, err
}

type wireTeam struct {
	ID        string `json:"id"`
	Name      string `json:"name"`
	CreatedAt string `json:"createdAt"`
}

type teamIn struct {
	ID      string   `json:"id"`
	Name    string   `json:"name"`
	Members []string `json:"members"`
	Admins  []string `json:"admins"` // members who administer the team
}

type wireMember struct {
	User     wireUser `json:"user"`
	Role     string   `json:"role"`
	JoinedAt string   `json:"joinedAt"`
	// The read position: the seq of the last message read (0: none), and
	// when it last moved.
	ReadSeq    int64  `json:"readSeq"`
	LastReadAt string `json:"lastReadAt,omitempty"`
}

func toWireMember(m *core.Member) wireMember {
	return wireMember{User: toWireUser(m.User), Role: string(m.Role), JoinedAt: wireTime(m.JoinedAt), ReadSeq: m.ReadSeq,
		LastReadAt: wireTime(m.LastReadAt)}
}

type memberIn struct {
	User string `json:"user"`
	Role string `json:"role"`
}

type wireConversation struct {
	ID             string          `json:"id"`
	Kind           string          `json:"kind"`
	Title          string          `json:"title,omitempty"`
	Owner          string          `json:"owner,omitempty"`
	Team           string          `json:"team,omitempty"`
	Metadata       json.RawMessage `json:"metadata,omitempty"`
	MemberCount    int             `json:"memberCount"`
	CreatedAt      string          `json:"createdAt"`
	LastActivityAt string          `json:"lastActivityAt"`
	// In lists only: how many members have unread messages, and (with
	// as=USER) that user's unread messages; both stop at core.UnreadCap.
	UnreadMembers *int `json:"unreadMembers,omitempty"`
	Unread        *int `json:"unread,omitempty"`
}

func toWireConversation(c *core.Conversation) wireConversation {
	return wireConversation{ID: c.ID, Kind: string(c.Kind), Title: c.Title, Owner: c.OwnerID, Team: c.TeamID, Metadata: c.Metadata,
		MemberCount: c.MemberCount, CreatedAt: wireTime(c.CreatedAt), LastActivityAt: wireTime(c.LastActivityAt)}
}

type conversationIn struct {
	ID         string          `json:"id"`
	Kind       string          `json:"kind"`
	Type       string          `json:"type"`
	Title      string          `json:"title"`
	AvatarURL  string          `json:"avatarUrl"`
	CustomType string          `json:"customType"`
	Metadata   json.RawMessage `json:"metadata"`
	Team       string          `json:"team"`
	Owner      string          `json:"owner"`
	Members    []memberIn      `json:"members"`
}

func (in conversationIn) core() (core.ConversationInput, error) {
	meta, err := httpx.RawObject("metadata", in.Metadata)
	out := core.ConversationInput{ID: in.ID, Kind: core.ConversationKind(in.Kind), Type: in.Type, Title: in.Title,
		AvatarURL: in.AvatarURL, CustomType: in.CustomType, Metadata: meta, TeamID: in.Team, OwnerID: in.Owner}
	for _, m := range in.Members {
		out.Members = append(out.Members, core.MemberInput{UserID: m.User, Role: core.Role(m.Role)})
	}
	return out, err
}

// messageIn is a fixture message, or one sent through the admin API.
type messageIn struct {
	ID           string            `json:"id"`
	Conversation string            `json:"conversation"`
	From         string            `json:"from"`
	Type         string            `json:"type"`
	CustomType   string            `json:"customType"`
	Body         string            `json:"body"`
	Metadata     json.RawMessage   `json:"metadata"`
	Parent       string            `json:"parent"`
	Recipients   []string          `json:"recipients"`
	Attachments  []json.RawMessage `json:"attachments"`
	CreatedAt    *time.Time        `json:"createdAt"`
}

func (m messageIn) core() (core.SendInput, error) {
	meta, err := httpx.RawObject("metadata", m.Metadata)
	if err != nil {
		return core.SendInput{}, err
	}
	si := core.SendInput{ID: m.ID, ConversationID: m.Conversation, Type: core.MessageType(m.Type), CustomType: m.CustomType,
		Body: m.Body, Metadata: meta, ParentID: m.Parent, Recipients: m.Recipients}
	if m.CreatedAt != nil {
		si.CreatedAt = *m.CreatedAt
	}
	for _, raw := range m.Attachments {
		att, err := Attachment(raw)
		if err != nil {
			return si, err
		}
		si.Attachments = append(si.Attachments, att)
	}
	return si, nil
}

// fixturesIn is the fixture document (docs/domain.md).
type fixturesIn struct {
	Apps []struct {
		ID            string           `json:"id"`
		Name          string           `json:"name"`
		PublicKey     string           `json:"publicKey"`
		SecretKey     string           `json:"secretKey"`
		Users         []userIn         `json:"users"`
		Teams         []teamIn         `json:"teams"`
		Conversations []conversationIn `json:"conversations"`
		Messages      []messageIn      `json:"messages"`
	} `json:"apps"`
}

func (in fixturesIn) core() (core.Fixtures, error) {
	var out core.Fixtures
	for _, a := range in.Apps {
		fa := core.FixtureApp{AppInput: core.AppInput{ID: a.ID, Name: a.Name, PublicKey: a.PublicKey, SecretKey: a.SecretKey}}
		for _, u := range a.Users {
			ui, err := u.core()
			if err != nil {
				return out, err
			}
			fa.Users = append(fa.Users, core.FixtureUser{UserInput: ui, Token: u.Token})
		}
		for _, t := range a.Teams {
			fa.Teams = append(fa.Teams, core.TeamInput{ID: t.ID, Name: t.Name, Members: t.Members, Admins: t.Admins})
		}
		for _, c := range a.Conversations {
			ci, err := c.core()
			if err != nil {
				return out, err
			}
			fa.Conversations = append(fa.Conversations, ci)
		}
		for _, m := range a.Messages {
			si, err := m.core()
			if err != nil {
				return out, err
			}
			fa.Messages = append(fa.Messages, core.FixtureMessage{SendInput: si, From: m.From})
		}
		out.Apps = append(out.Apps, fa)
	}
	return out, nil
}

// Attachment reads one attachment object: its type and well-known keys, and
// the whole object verbatim.
func Attachment(raw json.RawMessage) (core.Attachment, error) {
	var a struct {
		ID       string `json:"id"`
		Type     string `json:"type"`
		Name     string `json:"name"`
		MimeType string `json:"mimeType"`
		URL      string `json:"fileUrl"`
		Size     int64  `json:"size"`
		FileID   string `json:"fileId"` // a file uploaded through POST /apps/{app}/files
	}
	data, err := httpx.RawObject("attachments", raw)
	if err != nil {
		return core.Attachment{}, err
	}
	if data == nil {
		return core.Attachment{}, core.Invalidf("attachments", "an attachment must be a JSON object")
	}
	if err := json.Unmarshal(data, &a); err != nil {
		return core.Attachment{}, core.Invalidf("attachments", "attachment: %v", httpx.JSONError(err))
	}
	return core.Attachment{ID: a.ID, Type: a.Type, Name: a.Name, MimeType: a.MimeType, URL: a.URL, Size: a.Size, FileID: a.FileID,
		Data: data}, nil
}

// DecodeFixtures reads a fixture document (docs/domain.md). Unknown fields are
// refused so that typos in fixtures surface at once.
func DecodeFixtures(data []byte) (core.Fixtures, error) {
	var in fixturesIn
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil {
		return core.Fixtures{}, httpx.JSONError(err)
	}
	return in.core()
}
