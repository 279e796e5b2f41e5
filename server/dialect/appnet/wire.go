package appnet

import (
	"encoding/json"
	"strings"
	"time"

	"parley/server/core"
)

// timeFormat is App.net's date: ISO-8601 in UTC, whole seconds.
const timeFormat = "2006-01-02T15:04:05Z"

func wireTime(t time.Time) string { return t.UTC().Format(timeFormat) }

// App.net clients read objects without checking for null (a "user": null
// crashes them), so a key with no value is left out, never sent as null.

// wireImage is an avatar or cover image.
type wireImage struct {
	URL       string `json:"url"`
	Width     int    `json:"width"`
	Height    int    `json:"height"`
	IsDefault bool   `json:"is_default"`
}

// wireText is a description: text with its html and entities.
type wireText struct {
	Text     string       `json:"text"`
	HTML     string       `json:"html"`
	Entities wireEntities `json:"entities"`
}

type wireUserCounts struct {
	Following int `json:"following"`
	Followers int `json:"followers"`
	Posts     int `json:"posts"`
	Stars     int `json:"stars"`
}

// wireUser is App.net's User object, with every field a client parses.
type wireUser struct {
	ID          string         `json:"id"`
	Username    string         `json:"username"`
	Name        string         `json:"name"`
	CreatedAt   string         `json:"created_at"`
	AvatarImage wireImage      `json:"avatar_image"`
	CoverImage  wireImage      `json:"cover_image"`
	Description wireText       `json:"description"`
	Type        string         `json:"type"`
	Counts      wireUserCounts `json:"counts"`
	Locale      string         `json:"locale"`
	Timezone    string         `json:"timezone"`
	FollowsYou  bool           `json:"follows_you"`
	YouFollow   bool           `json:"you_follow"`
	YouMuted    bool           `json:"you_muted"`
	YouBlocked  bool           `json:"you_blocked"`
	// YouCanSubscribe: any user may be added to a channel.
	YouCanSubscribe bool   `json:"you_can_subscribe"`
	YouCanFollow    bool   `json:"you_can_follow"`
	PaginationID    string `json:"pagination_id,omitempty"`
}

func toWireUser(u *core.User) *wireUser {
	if u == nil {
		return nil
	}
	username := u.Username
	if username == "" {
		username = u.ID
	}
	avatar := wireImage{URL: u.AvatarURL, Width: 200, Height: 200, IsDefault: u.AvatarURL == ""}
	return &wireUser{ID: id(u.PK), Username: username, Name: u.DisplayName, CreatedAt: wireTime(u.CreatedAt),
		AvatarImage: avatar, CoverImage: wireImage{Width: 960, Height: 260, IsDefault: true},
		Description: wireText{HTML: renderHTML("", emptyEntities()), Entities: emptyEntities()},
		Type:        "human", Locale: "en_US", Timezone: "UTC", YouCanSubscribe: true}
}

// wireSource is the app that created a message: Parley keeps the app, not
// the client program, so it is the app.
type wireSource struct {
	ClientID string `json:"client_id"`
	Name     string `json:"name"`
	Link     string `json:"link,omitempty"`
}

// wireAnnotation is one annotation: a reversed-domain type and a value.
type wireAnnotation struct {
	Type  string          `json:"type"`
	Value json.RawMessage `json:"value,omitempty"`
}

// wireMessage is App.net's Message object.
type wireMessage struct {
	ID           string           `json:"id"`
	ChannelID    string           `json:"channel_id"`
	User         *wireUser        `json:"user,omitempty"`
	CreatedAt    string           `json:"created_at"`
	Text         *string          `json:"text,omitempty"`
	HTML         *string          `json:"html,omitempty"`
	Source       wireSource       `json:"source"`
	ReplyTo      string           `json:"reply_to,omitempty"`
	ThreadID     string           `json:"thread_id"`
	NumReplies   int              `json:"num_replies"`
	Entities     wireEntities     `json:"entities"`
	Annotations  []wireAnnotation `json:"annotations,omitempty"`
	MachineOnly  bool             `json:"machine_only"`
	IsDeleted    bool             `json:"is_deleted,omitempty"`
	PaginationID string           `json:"pagination_id,omitempty"`
}

// messageOptions are the general parameters that shape a message.
type messageOptions struct {
	html        bool   // include_html (default 1)
	annotations bool   // include_annotations or include_message_annotations
	paginated   bool   // add pagination_id
	base        string // this server's URL, for file URLs
}

func toWireMessage(app *core.App, m *core.Message, o messageOptions) wireMessage {
	out := wireMessage{ID: id(m.PK), ChannelID: id(m.ConversationPK), User: toWireUser(m.Owner), CreatedAt: wireTime(m.CreatedAt),
		Source: wireSource{ClientID: app.ID, Name: app.Name}, ReplyTo: id(m.ParentPK),
		ThreadID: id(m.ThreadRootPK), NumReplies: m.ReplyCount, MachineOnly: m.MachineOnly, IsDeleted: m.Deleted()}
	if out.ThreadID == "" {
		out.ThreadID = out.ID
	}
	if o.paginated {
		out.PaginationID = out.ID
	}
	if out.Source.Name == "" {
		out.Source.Name = app.ID
	}
	if m.Deleted() {
		out.Entities = emptyEntities()
		return out
	}
	e := messageEntities(m)
	out.Entities = e
	if !m.MachineOnly || m.Body != "" {
		text := m.Body
		out.Text = &text
		if o.html {
			html := renderHTML(m.Body, e)
			out.HTML = &html
		}
	}
	if o.annotations {
		out.Annotations = renderAnnotations(decodeAnnotations(m.Annotations), m.Attachments, o.base)
		if out.Annotations == nil {
			out.Annotations = []wireAnnotation{}
		}
	}
	return out
}

func decodeAnnotations(raw []byte) []wireAnnotation {
	if len(raw) == 0 {
		return nil
	}
	var out []wireAnnotation
	if json.Unmarshal(raw, &out) != nil {
		return nil
	}
	return out
}

// storedEntities is what Parley keeps of a message's entities: the links
// the client supplied (with their anti-phishing amendment) and whether the
// server should still find links in the text. Mentions and hashtags are
// always found in the text, so they are not kept.
type storedEntities struct {
	Links      []wireLinkEntity `json:"links"`
	ParseLinks bool             `json:"parse_links"`
}

// messageEntities finds a message's entities: the client's links, then the
// mentions (of the users the core resolved), hashtags and links of its
// text that do not overlap them.
func messageEntities(m *core.Message) wireEntities {
	e := emptyEntities()
	parseLinks := true
	if len(m.Entities) > 0 {
		var st storedEntities
		if json.Unmarshal(m.Entities, &st) == nil && st.Links != nil {
			e.Links = append(e.Links, st.Links...)
			parseLinks = st.ParseLinks
		}
	}
	mentioned := make(map[string]*core.User, len(m.Mentions))
	for _, x := range m.Mentions {
		if x.User != nil {
			mentioned[strings.ToLower(x.User.Username)] = x.User
		}
	}
	taken := make([]wireLinkEntity, len(e.Links))
	copy(taken, e.Links)
	overlaps := func(pos, n int) bool {
		for _, l := range taken {
			end := l.Pos + max(l.Len, l.AmendedLen)
			if pos < end && l.Pos < pos+n {
				return true
			}
		}
		return false
	}
	leading := true
	for _, sp := range scanText(m.Body, parseLinks) {
		if overlaps(sp.pos, sp.len) {
			continue
		}
		switch sp.kind {
		case 'm':
			u := mentioned[strings.ToLower(sp.name)]
			if u == nil {
				leading = false
				continue
			}
			e.Mentions = append(e.Mentions, wireMentionEntity{Name: sp.name, ID: id(u.PK), Pos: sp.pos, Len: sp.len, IsLeading: sp.leading && leading})
			if !sp.leading {
				leading = false
			}
		case 'h':
			e.Hashtags = append(e.Hashtags, wireHashtagEntity{Name: sp.name, Pos: sp.pos, Len: sp.len})
		case 'l':
			e.Links = append(e.Links, wireLinkEntity{Text: sp.name, URL: sp.url, Pos: sp.pos, Len: sp.len})
		}
	}
	sortLinks(e.Links)
	return e
}

func sortLinks(ls []wireLinkEntity) {
	for i := 1; i < len(ls); i++ {
		for j := i; j > 0 && ls[j].Pos < ls[j-1].Pos; j-- {
			ls[j], ls[j-1] = ls[j-1], ls[j]
		}
	}
}

// wireMarker is a stream marker: just its name until the caller has read
// something.
type wireMarker struct {
	ID         string `json:"id,omitempty"`
	LastReadID string `json:"last_read_id,omitempty"`
	Name       string `json:"name"`
	Percentage *int   `json:"percentage,omitempty"`
	UpdatedAt  string `json:"updated_at,omitempty"`
	Version    string `json:"version,omitempty"`
}
