package appnet

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"parley/server/core"
)

func users(names ...string) []core.Mention {
	var out []core.Mention
	for i, n := range names {
		u := &core.User{PK: int64(i + 2), ID: n, Username: n}
		out = append(out, core.Mention{UserPK: u.PK, UserID: n, User: u})
	}
	return out
}

func TestMessageEntities(t *testing.T) {
	tests := []struct {
		name     string
		text     string
		mentions []core.Mention
		want     wireEntities
		html     string
	}{
		{
			name:     "OKDocsExample",
			text:     "@berg FIRST post on this new site #newsocialnetwork",
			mentions: users("berg"),
			want: wireEntities{
				Mentions: []wireMentionEntity{{Name: "berg", ID: "2", Pos: 0, Len: 5, IsLeading: true}},
				Hashtags: []wireHashtagEntity{{Name: "newsocialnetwork", Pos: 34, Len: 17}},
				Links:    []wireLinkEntity{},
			},
			html: `<span itemscope="https://app.net/schemas/Post"><span data-mention-id="2" data-mention-name="berg" itemprop="mention">@berg</span> FIRST post on this new site <span data-hashtag-name="newsocialnetwork" itemprop="hashtag">#newsocialnetwork</span></span>`,
		},
		{
			name:     "OKEmojiBeforeMention", // positions count code points: the emoji is one
			text:     "👋🏽 @bob, see #go",
			mentions: users("bob"),
			want: wireEntities{
				Mentions: []wireMentionEntity{{Name: "bob", ID: "2", Pos: 3, Len: 4}},
				Hashtags: []wireHashtagEntity{{Name: "go", Pos: 13, Len: 3}},
				Links:    []wireLinkEntity{},
			},
			html: `<span itemscope="https://app.net/schemas/Post">&#128075;&#127997; <span data-mention-id="2" data-mention-name="bob" itemprop="mention">@bob</span>, see <span data-hashtag-name="go" itemprop="hashtag">#go</span></span>`,
		},
		{
			name:     "OKUnknownMentionIsText",
			text:     "@nobody @bob hi",
			mentions: users("bob"),
			want: wireEntities{
				Mentions: []wireMentionEntity{{Name: "bob", ID: "2", Pos: 8, Len: 4}},
				Hashtags: []wireHashtagEntity{}, Links: []wireLinkEntity{},
			},
			html: `<span itemscope="https://app.net/schemas/Post">@nobody <span data-mention-id="2" data-mention-name="bob" itemprop="mention">@bob</span> hi</span>`,
		},
		{
			name:     "OKLeadingMentions",
			text:     "@alice @bob: hi @alice",
			mentions: users("alice", "bob"),
			want: wireEntities{
				Mentions: []wireMentionEntity{
					{Name: "alice", ID: "2", Pos: 0, Len: 6, IsLeading: true},
					{Name: "bob", ID: "3", Pos: 7, Len: 4, IsLeading: true},
					{Name: "alice", ID: "2", Pos: 16, Len: 6},
				},
				Hashtags: []wireHashtagEntity{}, Links: []wireLinkEntity{},
			},
			html: `<span itemscope="https://app.net/schemas/Post"><span data-mention-id="2" data-mention-name="alice" itemprop="mention">@alice</span> <span data-mention-id="3" data-mention-name="bob" itemprop="mention">@bob</span>: hi <span data-mention-id="2" data-mention-name="alice" itemprop="mention">@alice</span></span>`,
		},
		{
			name: "OKLinksAndEscapes",
			text: "go to https://example.com/a?b=1&c=(2). <b>\"now\"</b>\nI’ll",
			want: wireEntities{
				Mentions: []wireMentionEntity{}, Hashtags: []wireHashtagEntity{},
				Links: []wireLinkEntity{{Text: "https://example.com/a?b=1&c=(2)", URL: "https://example.com/a?b=1&c=(2)", Pos: 6, Len: 31}},
			},
			html: `<span itemscope="https://app.net/schemas/Post">go to <a href="https://example.com/a?b=1&amp;c=(2)">https://example.com/a?b=1&amp;c=(2)</a>. &lt;b&gt;&quot;now&quot;&lt;/b&gt;<br>I&#8217;ll</span>`,
		},
		{
			name: "OKNotEntities",
			text: "mail a@b.c, issue x#1, #123, @ and # alone, ftp://x.y",
			want: wireEntities{Mentions: []wireMentionEntity{}, Hashtags: []wireHashtagEntity{}, Links: []wireLinkEntity{}},
			html: `<span itemscope="https://app.net/schemas/Post">mail a@b.c, issue x#1, #123, @ and # alone, ftp://x.y</span>`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := &core.Message{Body: tt.text, Mentions: tt.mentions}
			got := messageEntities(m)
			if !reflect.DeepEqual(got, tt.want) {
				g, _ := json.Marshal(got)
				w, _ := json.Marshal(tt.want)
				t.Errorf("entities:\n got %s\nwant %s", g, w)
			}
			if html := renderHTML(tt.text, got); html != tt.html {
				t.Errorf("html:\n got %s\nwant %s", html, tt.html)
			}
		})
	}
}

func TestCustomLinks(t *testing.T) {
	tests := []struct {
		name  string
		text  string
		links []linkInput
		want  []wireLinkEntity
		text2 string
		err   bool
	}{
		{
			name:  "OKAntiPhishingAsDocumented",
			text:  "I love this website!",
			links: []linkInput{{Pos: 7, Len: 12, URL: "https://alpha.app.net"}},
			want:  []wireLinkEntity{{Text: "this website", URL: "https://alpha.app.net", Pos: 7, Len: 12, AmendedLen: 28}},
			text2: "I love this website [alpha.app.net]!",
		},
		{
			name:  "OKDomainShownNoAmendment",
			text:  "blog.app.net and docs",
			links: []linkInput{{Pos: 17, Len: 4, URL: "http://developers.app.net"}, {Pos: 0, Len: 12, URL: "http://blog.app.net"}},
			want: []wireLinkEntity{
				{Text: "blog.app.net", URL: "http://blog.app.net", Pos: 0, Len: 12},
				{Text: "docs", URL: "http://developers.app.net", Pos: 17, Len: 4, AmendedLen: 25},
			},
			text2: "blog.app.net and docs [developers.app.net]",
		},
		{name: "ErrOutside", text: "hi", links: []linkInput{{Pos: 1, Len: 5, URL: "http://a.b"}}, err: true},
		{name: "ErrScheme", text: "hi", links: []linkInput{{Pos: 0, Len: 2, URL: "javascript:alert(1)"}}, err: true},
		{name: "ErrOverlap", text: "hello", links: []linkInput{{Pos: 0, Len: 3, URL: "http://a.b"}, {Pos: 2, Len: 2, URL: "http://a.b"}}, err: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, text, err := customLinks(tt.text, tt.links)
			if (err != nil) != tt.err {
				t.Fatalf("err = %v, want error %v", err, tt.err)
			}
			if tt.err {
				return
			}
			if !reflect.DeepEqual(got, tt.want) || text != tt.text2 {
				t.Errorf("got %+v %q, want %+v %q", got, text, tt.want, tt.text2)
			}
		})
	}
}

// BenchmarkMessageEntities is the per-message work of every App.net read:
// entities and HTML of a plain message and of one with a mention and a link.
func BenchmarkMessageEntities(b *testing.B) {
	plain := &core.Message{Body: "message 42 of c0007: the quick brown fox jumps over the lazy dog"}
	rich := &core.Message{Body: "@bob see https://example.com/a?b=c, #go", Mentions: users("bob")}
	b.ReportAllocs()
	for b.Loop() {
		for _, m := range []*core.Message{plain, rich} {
			if html := renderHTML(m.Body, messageEntities(m)); html == "" {
				b.Fatal("no html")
			}
		}
	}
}

// TestEqualFoldRune holds the link scanner's rune comparison to
// strings.EqualFold, the rule it stands for (the Kelvin sign folds to k,
// the long s to s).
func TestEqualFoldRune(t *testing.T) {
	for r := rune(0); r < 0x2200; r++ {
		for p := rune(0); p < utf8.RuneSelf; p++ {
			if got, want := equalFoldRune(r, p), strings.EqualFold(string(r), string(p)); got != want {
				t.Fatalf("equalFoldRune(%q, %q) = %v, want %v", r, p, got, want)
			}
		}
	}
}
