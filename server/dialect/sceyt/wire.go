package sceyt

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"parley/server/core"
	"parley/server/httpx"
)

// Wire structs: snake case, as everywhere in this API. Text fields are
// always present ("" rather than absent); times are RFC 3339 UTC with
// milliseconds; absent objects are null.

const timeFormat = "2006-01-02T15:04:05.000Z"

func wireTime(t time.Time) string { return t.UTC().Format(timeFormat) }

func wireOptTime(t time.Time) *string {
	if t.IsZero() {
		return nil
	}
	s := wireTime(t)
	return &s
}

func optText(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// metadataIn reads Sceyt's metadata, documented as a string, into the
// core's JSON document: a string holding a JSON object is kept as that
// object (so other dialects see an object), any other string as a JSON
// string; a JSON object sent as is is kept too.
func metadataIn(field string, raw json.RawMessage) ([]byte, error) {
	s := strings.TrimSpace(string(raw))
	switch {
	case s == "" || s == "null":
		return nil, nil
	case strings.HasPrefix(s, "{"):
		return compact([]byte(s)), nil
	case strings.HasPrefix(s, `"`):
		var text string
		if err := json.Unmarshal(raw, &text); err != nil {
			return nil, core.Invalidf(field, "%s must be a string", field)
		}
		return metadataText(text), nil
	}
	return nil, core.Invalidf(field, "%s must be a string", field)
}

// metadataText is metadataIn for a value that is already a string.
func metadataText(text string) []byte {
	if text == "" {
		return nil
	}
	if t := strings.TrimSpace(text); strings.HasPrefix(t, "{") && json.Valid([]byte(t)) {
		return compact([]byte(t))
	}
	b, _ := json.Marshal(text)
	return b
}

// metadataOut is the string Sceyt shows for stored metadata.
func metadataOut(doc []byte) string {
	if len(doc) == 0 {
		return ""
	}
	var s string
	if json.Unmarshal(doc, &s) == nil {
		return s
	}
	return string(doc)
}

// compact strips insignificant space from a JSON document.
func compact(b []byte) []byte {
	var out bytes.Buffer
	if json.Compact(&out, b) != nil {
		return b
	}
	return out.Bytes()
}

// --- messages ---

type wireMessage struct {
	ID             string           `json:"id"`
	ChannelID      string           `json:"channel_id"`
	From           string           `json:"from"`
	Body           string           `json:"body"`
	Type           string           `json:"type"`
	Metadata       string           `json:"metadata"`
	Attachments    []wireAttachment `json:"attachments"`
	MentionedUsers []string         `json:"mentioned_users"`
	ParentID       *string          `json:"parent_id"`
	CreatedAt      string           `json:"created_at"`
	UpdatedAt      string           `json:"updated_at"`
	EditedAt       *string          `json:"edited_at"`
	Deleted        bool             `json:"deleted"`
}

type wireAttachment struct {
	ID       string  `json:"id"`
	Name     string  `json:"name"`
	Type     string  `json:"type"`
	URL      string  `json:"url"`
	Size     int64   `json:"size"`
	Metadata string  `json:"metadata"`
	FileID   *string `json:"file_id"`
}

// messageType is Sceyt's message type: the core's custom type, "text" when
// none was given.
func messageType(m *core.Message) string {
	if m.CustomType == "" {
		return "text"
	}
	return m.CustomType
}

func (e *encoder) message(m *core.Message) wireMessage {
	out := wireMessage{ID: m.ID, ChannelID: m.ConversationID, Body: m.Body, Type: messageType(m),
		Metadata: metadataOut(m.Metadata), Attachments: make([]wireAttachment, len(m.Attachments)),
		MentionedUsers: make([]string, len(m.Mentions)), ParentID: optText(m.ParentID),
		CreatedAt: wireTime(m.CreatedAt), UpdatedAt: wireTime(m.UpdatedAt), EditedAt: wireOptTime(m.EditedAt),
		Deleted: m.Deleted()}
	if m.Owner != nil {
		out.From = m.Owner.ID
	}
	for i, a := range m.Attachments {
		out.Attachments[i] = e.attachment(a)
	}
	for i, x := range m.Mentions {
		out.MentionedUsers[i] = x.UserID
	}
	return out
}

func (e *encoder) attachment(a core.Attachment) wireAttachment {
	out := wireAttachment{ID: a.ID, Name: a.Name, Type: a.Type, URL: a.URL, Size: a.Size, FileID: optText(a.FileID)}
	if a.FileID != "" {
		out.URL = e.fileURL(a.FileID)
	}
	var keys map[string]json.RawMessage
	if json.Unmarshal(a.Data, &keys) == nil {
		for _, k := range []string{"metadata", "meta"} {
			if raw, ok := keys[k]; ok {
				if doc, err := metadataIn(k, raw); err == nil {
					out.Metadata = metadataOut(doc)
					break
				}
			}
		}
		if out.URL == "" {
			_ = json.Unmarshal(keys["fileUrl"], &out.URL) // an attachment sent through Channelize
		}
	}
	return out
}

// --- channels ---

type wireChannel struct {
	ID           string           `json:"id"`
	URI          string           `json:"uri"`
	Type         string           `json:"type"`
	Subject      string           `json:"subject"`
	Label        string           `json:"label"`
	Metadata     string           `json:"metadata"`
	Avatar       string           `json:"avatar"`
	Owner        *string          `json:"owner"`
	MembersCount int              `json:"members_count"`
	CreatedAt    string           `json:"created_at"`
	UpdatedAt    string           `json:"updated_at"`
	LastMessage  *wireLastMessage `json:"last_message"`
}

type wireLastMessage struct {
	ID   string `json:"id"`
	From string `json:"from"`
	Body string `json:"body"`
}

// channelTypes maps Sceyt's channel types to the core's kinds.
var channelTypes = map[string]core.ConversationKind{
	"public":    core.KindPublic,
	"private":   core.KindGroup,
	"direct":    core.KindDirect,
	"broadcast": core.KindBroadcast,
	"open":      core.KindOpen,
}

// channelType is Sceyt's name of a kind.
func channelType(k core.ConversationKind) string {
	for name, kind := range channelTypes {
		if kind == k {
			return name
		}
	}
	return string(k)
}

func toWireChannel(c *core.Conversation) wireChannel {
	out := wireChannel{ID: c.ID, URI: c.ID, Type: channelType(c.Kind), Subject: c.Title, Label: c.CustomType,
		Metadata: metadataOut(c.Metadata), Avatar: c.AvatarURL, Owner: optText(c.OwnerID), MembersCount: c.MemberCount,
		CreatedAt: wireTime(c.CreatedAt), UpdatedAt: wireTime(c.UpdatedAt)}
	if m := c.LastMessage; m != nil {
		out.LastMessage = &wireLastMessage{ID: m.ID, Body: m.Body}
		if m.Owner != nil {
			out.LastMessage.From = m.Owner.ID
		}
	}
	return out
}

// --- users and members ---

type wireUser struct {
	Username       string  `json:"username"`
	FirstName      string  `json:"first_name"`
	LastName       string  `json:"last_name"`
	Avatar         string  `json:"avatar"`
	Metadata       string  `json:"metadata"`
	PresenceStatus int     `json:"presence_status"`
	CreatedAt      string  `json:"created_at"`
	UpdatedAt      string  `json:"updated_at"`
	LastLoginAt    *string `json:"last_login_at"`
}

// splitName splits a display name into Sceyt's first and last name at the
// first space.
func splitName(display string) (first, last string) {
	first, last, _ = strings.Cut(strings.TrimSpace(display), " ")
	return first, strings.TrimSpace(last)
}

func toWireUser(u *core.User) wireUser {
	first, last := splitName(u.DisplayName)
	return wireUser{Username: u.ID, FirstName: first, LastName: last, Avatar: u.AvatarURL,
		Metadata: metadataOut(u.Metadata), CreatedAt: wireTime(u.CreatedAt), UpdatedAt: wireTime(u.UpdatedAt)}
}

type wireMember struct {
	wireUser
	Role     string `json:"role"`
	Status   int    `json:"status"`
	JoinedAt string `json:"joined_at"`
}

// roleNames are Sceyt's names of the core's roles (its default roles are
// Owner and Participant).
var roleNames = map[core.Role]string{core.RoleOwner: "owner", core.RoleAdmin: "admin", core.RoleMember: "participant"}

func roleIn(name string) (core.Role, error) {
	for r, n := range roleNames {
		if strings.EqualFold(name, n) {
			return r, nil
		}
	}
	if name == "" {
		return "", nil
	}
	return "", core.Invalidf("role", "unknown role %q (owner, admin, participant)", name)
}

func toWireMember(m *core.Member) wireMember {
	out := wireMember{Role: roleNames[m.Role], JoinedAt: wireTime(m.JoinedAt)}
	if m.User != nil {
		out.wireUser = toWireUser(m.User)
	}
	if m.Online {
		out.PresenceStatus = presenceOnline
	}
	return out
}

// presence_status values: 0 offline, 1 online (the member holds an open
// event stream).
const presenceOnline = 1

// --- files ---

type wireFile struct {
	URL          string  `json:"url"`
	ID           string  `json:"id"`
	Name         string  `json:"name"`
	Size         int64   `json:"size"`
	MimeType     string  `json:"mime_type"`
	Width        int     `json:"width,omitempty"`
	Height       int     `json:"height,omitempty"`
	ThumbnailURL *string `json:"thumbnail_url"`
}

func (e *encoder) file(f *core.File) wireFile {
	out := wireFile{URL: e.fileURL(f.ID), ID: f.ID, Name: f.Name, Size: f.Size, MimeType: f.MimeType, Width: f.Width, Height: f.Height}
	if f.Thumbnail != nil {
		t := out.URL + "/thumbnail"
		out.ThumbnailURL = &t
	}
	return out
}

// --- lists ---

// wireLinks are the absolute URLs of a list's pages; previews (sic) is the
// previous page, as the API spells it.
type wireLinks struct {
	Current  string  `json:"current"`
	Previews *string `json:"previews"`
	Next     *string `json:"next"`
	First    string  `json:"first"`
	Last     *string `json:"last"`
}

// encoder builds absolute URLs for one request.
type encoder struct {
	base  string // scheme://host
	appID string
}

func newEncoder(r *http.Request, appID string) *encoder {
	return &encoder{base: httpx.BaseURL(r), appID: appID}
}

func (e *encoder) fileURL(id string) string {
	return e.base + "/v1/" + url.PathEscape(e.appID) + "/files/" + url.PathEscape(id)
}

// paging is a list request's page (1-based) and page size.
type paging struct {
	page, limit int
}

func readPaging(r *http.Request, defLimit int) (paging, error) {
	page, err := httpx.QueryInt(r, "page", 1)
	if err != nil {
		return paging{}, err
	}
	if page < 1 {
		return paging{}, core.Invalidf("page", "page starts at 1")
	}
	limit, err := httpx.QueryInt(r, "limit", defLimit)
	if err != nil {
		return paging{}, err
	}
	if limit < 1 {
		return paging{}, core.Invalidf("limit", "limit must be at least 1")
	}
	return paging{page: page, limit: limit}, nil
}

// core is the core's page: an offset, bounded by the core (deep pages are
// refused with a clear error rather than read slowly).
func (p paging) core() core.Page { return core.Page{Skip: (p.page - 1) * p.limit, Limit: p.limit} }

// links returns the links of page p of a list of total items (total < 0:
// unknown, then more says whether a next page exists and last is null).
func (e *encoder) links(r *http.Request, p paging, total int, more bool) wireLinks {
	at := func(page int) string {
		q := r.URL.Query()
		q.Set("page", strconv.Itoa(page))
		q.Set("limit", strconv.Itoa(p.limit))
		return e.base + r.URL.EscapedPath() + "?" + q.Encode()
	}
	l := wireLinks{Current: at(p.page), First: at(1)}
	if p.page > 1 {
		s := at(p.page - 1)
		l.Previews = &s
	}
	if total >= 0 {
		last := max(1, (total+p.limit-1)/p.limit)
		s := at(last)
		l.Last = &s
		more = p.page < last
	}
	if more {
		s := at(p.page + 1)
		l.Next = &s
	}
	return l
}
