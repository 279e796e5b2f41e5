package appnet

import (
	"bytes"
	"encoding/json"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"parley/server/core"
)

// App.net's documented sizes (its config endpoint): message text in code
// points, and one annotation's JSON in bytes.
const (
	maxTextLength      = 2048
	maxAnnotationBytes = 8192
)

// flexID is an id sent as a string of digits or as a number.
type flexID string

func (f *flexID) UnmarshalJSON(b []byte) error {
	s := strings.TrimSpace(string(b))
	if s == "null" {
		return nil
	}
	if u, err := strconv.Unquote(s); err == nil {
		*f = flexID(u)
		return nil
	}
	if _, err := strconv.ParseInt(s, 10, 64); err != nil {
		return core.Invalidf("id", "an id must be a string or an integer, not %s", s)
	}
	*f = flexID(s)
	return nil
}

// messageInput is the body of a message create: App.net reads text,
// reply_to, annotations, entities and machine_only, and destinations for
// a private message.
type messageInput struct {
	Text         *string           `json:"text"`
	ReplyTo      flexID            `json:"reply_to"`
	Annotations  []json.RawMessage `json:"annotations"`
	Entities     *entitiesInput    `json:"entities"`
	MachineOnly  bool              `json:"machine_only"`
	Destinations []flexID          `json:"destinations"`
}

// entitiesInput is the entities a client may supply: links with custom
// anchor text (and whether to still find links in the text).
type entitiesInput struct {
	Links      []linkInput `json:"links"`
	ParseLinks bool        `json:"parse_links"`
}

type linkInput struct {
	Pos int    `json:"pos"`
	Len int    `json:"len"`
	URL string `json:"url"`
}

// annotation is one annotation as a client sends it.
type annotation struct {
	Type  string          `json:"type"`
	Value json.RawMessage `json:"value"`
}

// checkAnnotationList validates annotations: each an object with a
// reversed-domain type and an object value (absent only where
// valueOptional: a channel update that removes the type), at most 8192
// bytes of JSON.
func checkAnnotationList(list []json.RawMessage, valueOptional bool) ([]annotation, error) {
	out := make([]annotation, len(list))
	for i, raw := range list {
		var buf bytes.Buffer
		if err := json.Compact(&buf, raw); err != nil {
			return nil, core.Invalidf("annotations", "annotation %d is not valid JSON", i)
		}
		if buf.Len() > maxAnnotationBytes {
			return nil, core.Invalidf("annotations", "annotation %d is %d bytes; at most %d are allowed", i, buf.Len(), maxAnnotationBytes)
		}
		var a annotation
		if json.Unmarshal(buf.Bytes(), &a) != nil || strings.TrimSpace(a.Type) == "" {
			return nil, core.Invalidf("annotations", "annotation %d must be an object with a type", i)
		}
		switch v := strings.TrimSpace(string(a.Value)); {
		case (v == "" || v == "null") && valueOptional:
			a.Value = nil
		case !strings.HasPrefix(v, "{"):
			return nil, core.Invalidf("annotations", "annotation %d must have an object value", i)
		}
		out[i] = a
	}
	return out, nil
}

// checkAnnotations validates message annotations and returns them as one
// compact JSON array (nil for none).
// The files the annotations name become attachments.
func checkAnnotations(list []json.RawMessage) ([]byte, []core.Attachment, error) {
	if len(list) == 0 {
		return nil, nil, nil
	}
	out, err := checkAnnotationList(list, false)
	if err != nil {
		return nil, nil, err
	}
	files, err := fileAttachments(out)
	if err != nil {
		return nil, nil, err
	}
	b, err := json.Marshal(out)
	return b, files, err
}

// sendInput checks the body and turns it into the core's input: the text
// (amended after links whose anchor text hides their domain), the links
// the client gave, the usernames the text mentions, the reply and the
// annotations.
func (b *messageInput) sendInput() (core.SendInput, error) {
	var in core.SendInput
	text := ""
	if b.Text != nil {
		text = *b.Text
	}
	if !utf8.ValidString(text) {
		return in, core.Invalidf("text", "text is not valid UTF-8")
	}
	if n := utf8.RuneCountInString(text); n > maxTextLength {
		return in, core.Invalidf("text", "text is %d characters long; at most %d are allowed", n, maxTextLength)
	}
	annotations, files, err := checkAnnotations(b.Annotations)
	if err != nil {
		return in, err
	}
	in.Attachments = files
	if b.MachineOnly {
		if text != "" {
			return in, core.Invalidf("text", "a machine-only message has no text")
		}
		if annotations == nil {
			return in, core.Invalidf("annotations", "a machine-only message needs annotations")
		}
		in.Type = core.TypeMachine
	} else if strings.TrimSpace(text) == "" {
		return in, core.Invalidf("text", "text is required")
	}
	in.MachineOnly, in.Annotations = b.MachineOnly, annotations
	if b.ReplyTo != "" {
		if in.ParentID, err = parseKey("reply_to", string(b.ReplyTo)); err != nil {
			return in, err
		}
		in.Type = core.TypeReply
	}
	if b.Entities != nil && b.Entities.Links != nil {
		links, amended, err := customLinks(text, b.Entities.Links)
		if err != nil {
			return in, err
		}
		text = amended
		in.Entities, _ = json.Marshal(storedEntities{Links: links, ParseLinks: b.Entities.ParseLinks})
	}
	in.Body = text
	for _, sp := range scanText(text, false) {
		if sp.kind == 'm' {
			in.MentionNames = append(in.MentionNames, sp.name)
		}
	}
	return in, nil
}

// customLinks checks the client's links (inside the text, http or https,
// not overlapping) and amends the text as App.net did: a link whose anchor
// text is not its domain is followed by " [domain]", counted in its
// amended_len.
func customLinks(text string, in []linkInput) ([]wireLinkEntity, string, error) {
	rs := []rune(text)
	links := make([]wireLinkEntity, len(in))
	for i, l := range in {
		u, err := url.Parse(l.URL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nil, "", core.Invalidf("entities", "link %d must have an http or https url", i)
		}
		if l.Pos < 0 || l.Len <= 0 || l.Pos+l.Len > len(rs) {
			return nil, "", core.Invalidf("entities", "link %d lies outside the text", i)
		}
		links[i] = wireLinkEntity{URL: l.URL, Pos: l.Pos, Len: l.Len}
	}
	sortLinks(links)
	for i := 1; i < len(links); i++ {
		if links[i].Pos < links[i-1].Pos+links[i-1].Len {
			return nil, "", core.Invalidf("entities", "links must not overlap")
		}
	}
	var b strings.Builder
	at, shift := 0, 0
	for i := range links {
		l := &links[i]
		anchor := string(rs[l.Pos : l.Pos+l.Len])
		b.WriteString(string(rs[at : l.Pos+l.Len]))
		at = l.Pos + l.Len
		l.Text, l.Pos = anchor, l.Pos+shift
		host := strings.TrimPrefix(strings.ToLower(mustHost(l.URL)), "www.")
		shown := strings.ToLower(anchor)
		for _, p := range []string{"https://", "http://", "www."} {
			shown = strings.TrimPrefix(shown, p)
		}
		if !strings.HasPrefix(shown, host) {
			extra := " [" + host + "]"
			b.WriteString(extra)
			n := utf8.RuneCountInString(extra)
			l.AmendedLen = l.Len + n
			shift += n
		}
	}
	b.WriteString(string(rs[at:]))
	return links, b.String(), nil
}

func mustHost(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	return u.Hostname()
}
