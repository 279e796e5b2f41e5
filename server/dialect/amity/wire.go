package amity

import (
	"encoding/json"
	"time"

	"parley/server/core"
)

// Amity's ids: a row's internal id (_id, channelInternalId, userInternalId)
// is its public id, so that every id a client sees is the one other
// dialects see (README.md). A channel's one message feed is the channel.

// timeFormat is Amity's ISO 8601 with milliseconds, in UTC.
const timeFormat = "2006-01-02T15:04:05.000Z"

func isoTime(t time.Time) string { return t.UTC().Format(timeFormat) }

// optTime is a time or null.
func optTime(t time.Time) *string {
	if t.IsZero() {
		return nil
	}
	s := isoTime(t)
	return &s
}

// optString is a string or null.
func optString(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// rawOrNull is a stored JSON document, or null.
func rawOrNull(b []byte) json.RawMessage {
	if len(b) == 0 {
		return json.RawMessage("null")
	}
	return json.RawMessage(b)
}

// wireUser is Amity's UserV3.
type wireUser struct {
	ID              string          `json:"_id"`
	Path            string          `json:"path"`
	UserID          string          `json:"userId"`
	UserInternalID  string          `json:"userInternalId"`
	UserPublicID    string          `json:"userPublicId"`
	Roles           []string        `json:"roles"`
	Permissions     []string        `json:"permissions"`
	DisplayName     string          `json:"displayName"`
	ProfileHandle   *string         `json:"profileHandle"`
	Description     *string         `json:"description"`
	AvatarFileID    *string         `json:"avatarFileId"`
	AvatarCustomURL *string         `json:"avatarCustomUrl"`
	FlagCount       int             `json:"flagCount"`
	HashFlag        *struct{}       `json:"hashFlag"`
	Metadata        json.RawMessage `json:"metadata"`
	IsGlobalBan     bool            `json:"isGlobalBan"`
	IsBrand         bool            `json:"isBrand"`
	IsDeleted       bool            `json:"isDeleted"`
	CreatedAt       string          `json:"createdAt"`
	UpdatedAt       string          `json:"updatedAt"`
}

func toWireUser(app *core.App, u *core.User) wireUser {
	return wireUser{ID: u.ID, Path: app.ID + "/user/" + u.ID, UserID: u.ID, UserInternalID: u.ID, UserPublicID: u.ID,
		Roles: []string{}, Permissions: []string{}, DisplayName: u.DisplayName, ProfileHandle: optString(u.Username), AvatarCustomURL: optString(u.AvatarURL),
		Metadata: rawOrNull(u.Metadata), CreatedAt: isoTime(u.CreatedAt), UpdatedAt: isoTime(u.UpdatedAt)}
}

// userSet side-loads users once each, in first-seen order.
type userSet struct {
	app  *core.App
	seen map[int64]bool
	list []wireUser
}

func newUserSet(app *core.App) *userSet {
	return &userSet{app: app, seen: map[int64]bool{}, list: []wireUser{}}
}

func (s *userSet) add(u *core.User) {
	if u == nil || s.seen[u.PK] {
		return
	}
	s.seen[u.PK] = true
	s.list = append(s.list, toWireUser(s.app, u))
}
