package appnet

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// App.net's rich text: the server finds mentions, hashtags and links in a
// message's text (entities, positions and lengths in code points) and
// renders the text as HTML inside the Post itemscope span. Scanning is pure
// text work and lives here; whether a mentioned username exists is the
// core's answer (a mention of nobody is plain text).

// wireEntities is App.net's entities object; the three lists are always
// present, even when empty.
type wireEntities struct {
	Mentions []wireMentionEntity `json:"mentions"`
	Hashtags []wireHashtagEntity `json:"hashtags"`
	Links    []wireLinkEntity    `json:"links"`
}

type wireMentionEntity struct {
	Name      string `json:"name"`
	ID        string `json:"id"`
	Pos       int    `json:"pos"`
	Len       int    `json:"len"`
	IsLeading bool   `json:"is_leading"`
}

type wireHashtagEntity struct {
	Name string `json:"name"`
	Pos  int    `json:"pos"`
	Len  int    `json:"len"`
}

type wireLinkEntity struct {
	Text       string `json:"text"`
	URL        string `json:"url"`
	Pos        int    `json:"pos"`
	Len        int    `json:"len"`
	AmendedLen int    `json:"amended_len,omitempty"`
}

func emptyEntities() wireEntities {
	return wireEntities{Mentions: []wireMentionEntity{}, Hashtags: []wireHashtagEntity{}, Links: []wireLinkEntity{}}
}

// span is one entity found in the text, in code points.
type span struct {
	pos, len int
	kind     byte // 'm' mention, 'h' hashtag, 'l' link
	name     string
	url      string
	leading  bool
}

func isWordRune(r rune) bool {
	return r == '_' || r < 128 && (unicode.IsLetter(r) || unicode.IsDigit(r))
}

// scanText finds the candidate mentions, hashtags and (when links is true)
// http(s) links of text, in order, without overlaps. A mention or hashtag
// must start the text or follow a character that is not part of a word
// (so "a@b" and "x#1" are plain text); a hashtag needs a letter.
func scanText(text string, links bool) []span {
	// Every entity starts at an @, a # or (a link) holds "://": most texts
	// have none, and are answered without a rune slice.
	if !strings.ContainsAny(text, "@#") && (!links || !strings.Contains(text, "://")) {
		return nil
	}
	rs := []rune(text)
	var out []span
	leadingOpen := true // only whitespace and leading mentions so far
	for i := 0; i < len(rs); {
		r := rs[i]
		prevWord := i > 0 && (isWordRune(rs[i-1]) || rs[i-1] == '@' || rs[i-1] == '#')
		switch {
		case links && (hasPrefixFold(rs[i:], "http://") || hasPrefixFold(rs[i:], "https://")) && (i == 0 || !isWordRune(rs[i-1])):
			scheme := len("http://")
			if hasPrefixFold(rs[i:], "https://") {
				scheme = len("https://")
			}
			if end := linkEnd(rs, i); end-i > scheme {
				u := string(rs[i:end])
				out = append(out, span{pos: i, len: end - i, kind: 'l', url: u, name: u})
				leadingOpen = false
				i = end
				continue
			}
		case (r == '@' || r == '#') && !prevWord:
			j := i + 1
			for j < len(rs) && isWordRune(rs[j]) {
				j++
			}
			name := string(rs[i+1 : j])
			if name != "" && (r == '@' || strings.IndexFunc(name, unicode.IsLetter) >= 0) {
				sp := span{pos: i, len: j - i, name: name, kind: 'h'}
				if r == '@' {
					sp.kind, sp.leading = 'm', leadingOpen
				} else {
					leadingOpen = false
				}
				out = append(out, sp)
				i = j
				continue
			}
		}
		if !unicode.IsSpace(r) {
			leadingOpen = false
		}
		i++
	}
	return out
}

// hasPrefixFold reports whether rs starts with the ASCII prefix, ignoring
// case as strings.EqualFold does. scanText asks at every rune, so the first
// rune is compared before any string is built.
func hasPrefixFold(rs []rune, prefix string) bool {
	if len(rs) < len(prefix) || !equalFoldRune(rs[0], rune(prefix[0])) {
		return false
	}
	return strings.EqualFold(string(rs[:len(prefix)]), prefix)
}

// equalFoldRune reports whether r and the ASCII p are equal under simple
// Unicode case folding (the rule of strings.EqualFold).
func equalFoldRune(r, p rune) bool {
	if r == p {
		return true
	}
	if r < utf8.RuneSelf { // both ASCII: only letters fold, to each other
		return 'A' <= r && r <= 'Z' && r+'a'-'A' == p || 'a' <= r && r <= 'z' && r-('a'-'A') == p
	}
	for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
		if f == p {
			return true
		}
	}
	return false
}

// linkEnd returns where a link starting at i ends: at whitespace, less
// trailing punctuation that usually closes a sentence, and a closing
// bracket that the link did not open.
func linkEnd(rs []rune, i int) int {
	j := i
	for j < len(rs) && !unicode.IsSpace(rs[j]) && rs[j] != '<' && rs[j] != '>' && rs[j] != '"' {
		j++
	}
	for j > i {
		last := rs[j-1]
		if strings.ContainsRune(".,;:!?'", last) {
			j--
			continue
		}
		if last == ')' && strings.Count(string(rs[i:j]), "(") < strings.Count(string(rs[i:j]), ")") {
			j--
			continue
		}
		break
	}
	return j
}

// renderHTML renders text with its entities as App.net did: the text
// escaped (&, <, >, " and every non-ASCII character as a numeric
// reference, newlines as <br>), mentions and hashtags as itemprop spans,
// links as anchors, all inside the Post itemscope span. Entities must be
// in order and must not overlap.
func renderHTML(text string, e wireEntities) string {
	type mark struct {
		pos, len int
		open     string
	}
	var marks []mark
	for _, m := range e.Mentions {
		marks = append(marks, mark{m.Pos, m.Len, `<span data-mention-id="` + escapeHTML(m.ID) + `" data-mention-name="` + escapeHTML(m.Name) + `" itemprop="mention">`})
	}
	for _, h := range e.Hashtags {
		marks = append(marks, mark{h.Pos, h.Len, `<span data-hashtag-name="` + escapeHTML(h.Name) + `" itemprop="hashtag">`})
	}
	for _, l := range e.Links {
		n := l.Len
		if l.AmendedLen > n {
			n = l.AmendedLen
		}
		marks = append(marks, mark{l.Pos, n, `<a href="` + escapeHTML(l.URL) + `">`})
	}
	sortMarks := func() {
		for i := 1; i < len(marks); i++ {
			for j := i; j > 0 && marks[j].pos < marks[j-1].pos; j-- {
				marks[j], marks[j-1] = marks[j-1], marks[j]
			}
		}
	}
	sortMarks()
	var b strings.Builder
	b.WriteString(`<span itemscope="https://app.net/schemas/Post">`)
	if len(marks) == 0 { // most messages: no runes to count
		b.WriteString(escapeHTML(text))
		b.WriteString(`</span>`)
		return b.String()
	}
	rs := []rune(text)
	i := 0
	for _, m := range marks {
		if m.pos < i || m.pos+m.len > len(rs) {
			continue // overlapping or out of range: left as plain text
		}
		b.WriteString(escapeHTML(string(rs[i:m.pos])))
		b.WriteString(m.open)
		b.WriteString(escapeHTML(string(rs[m.pos : m.pos+m.len])))
		if strings.HasPrefix(m.open, "<a ") {
			b.WriteString("</a>")
		} else {
			b.WriteString("</span>")
		}
		i = m.pos + m.len
	}
	b.WriteString(escapeHTML(string(rs[i:])))
	b.WriteString(`</span>`)
	return b.String()
}

// escapeHTML escapes text the way App.net's html did: ASCII markup
// characters by name, every other non-ASCII character by number.
func escapeHTML(s string) string {
	plain := true // most text has nothing to escape: answer it as it is
	for i := 0; i < len(s) && plain; i++ {
		c := s[i]
		plain = c < 128 && c != '&' && c != '<' && c != '>' && c != '"' && c != '\n' && c != '\r'
	}
	if plain {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '&':
			b.WriteString("&amp;")
		case r == '<':
			b.WriteString("&lt;")
		case r == '>':
			b.WriteString("&gt;")
		case r == '"':
			b.WriteString("&quot;")
		case r == '\n':
			b.WriteString("<br>")
		case r == '\r':
		case r >= 128:
			b.WriteString("&#" + strconv.Itoa(int(r)) + ";")
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}
