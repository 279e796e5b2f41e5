package core

import (
	"context"
	"strings"
	"unicode/utf8"
)

// SearchTerm is one part of a search: a word or a phrase (several words in
// that order), matched as a prefix when Prefix is set. A search matches the
// messages that hold every term.
type SearchTerm struct {
	Text   string
	Prefix bool
}

// SearchFilter is a search as the store runs it: terms, the conversations
// to look in (the caller may read them all), and the viewer whose
// recipients-only and hidden messages apply.
type SearchFilter struct {
	AppPK int64
	Terms []SearchTerm
	// ConversationPKs are the conversations searched; AllConversations
	// searches every conversation of the app (the app itself).
	ConversationPKs  []int64
	AllConversations bool
	ViewerPK         int64 // 0: the trusted app, who sees every message
	BeforePK         int64 // keyset: messages older than this one
	Limit            int
}

// SearchQuery is a search as a client asks it: words, "quoted phrases"
// and word* prefixes, all of which a message must hold; optionally within
// one conversation and older than a message (the next page).
type SearchQuery struct {
	Text           string
	ConversationID string
	BeforeID       string
	Limit          int
}

// ParseSearch splits a query into terms: "quoted text" is a phrase, other
// text splits into words, and a trailing * makes a word or phrase a prefix.
func ParseSearch(q string) []SearchTerm {
	var terms []SearchTerm
	add := func(text string, prefix bool) {
		if text = strings.TrimSpace(text); text != "" {
			terms = append(terms, SearchTerm{Text: text, Prefix: prefix})
		}
	}
	for q = strings.TrimSpace(q); q != ""; q = strings.TrimSpace(q) {
		if q[0] == '"' {
			end := strings.IndexByte(q[1:], '"')
			if end < 0 {
				add(q[1:], false)
				break
			}
			phrase, rest := q[1:1+end], q[2+end:]
			prefix := strings.HasPrefix(rest, "*")
			add(phrase, prefix)
			q = strings.TrimPrefix(rest, "*")
			continue
		}
		word, rest, _ := strings.Cut(q, " ")
		if i := strings.IndexByte(word, '"'); i > 0 {
			word, rest = word[:i], word[i:]+" "+rest
		}
		prefix := strings.HasSuffix(word, "*")
		add(strings.TrimRight(word, "*"), prefix)
		q = rest
	}
	return terms
}

// Search finds the messages the caller may see whose text holds every
// term of the query, newest first. It looks only in conversations the
// caller may read (the same policy as every list): those they are a
// member of, open ones, and team channels that take them in from their
// team; the app searches all of its conversations.
func (s *Service) Search(ctx context.Context, c *Caller, q SearchQuery) ([]SearchHit, error) {
	if err := checkText("q", q.Text, 1000); err != nil {
		return nil, err
	}
	terms := ParseSearch(q.Text)
	if len(terms) == 0 {
		return nil, Invalidf("q", "the search text is empty")
	}
	for _, t := range terms {
		if utf8.RuneCountInString(t.Text) > s.limits.NameLength {
			return nil, Invalidf("q", "a search term is at most %d characters long", s.limits.NameLength)
		}
	}
	p, err := s.page(Page{Limit: q.Limit})
	if err != nil {
		return nil, err
	}
	if c.user == nil && !appWide(c) {
		return nil, Errorf(EFORBIDDEN, "no user to search for")
	}
	var out []SearchHit
	err = s.read(ctx, func(tx Tx) error {
		f := SearchFilter{AppPK: c.app.PK, Terms: terms, Limit: p.Limit}
		if c.user != nil {
			f.ViewerPK = c.user.PK
		}
		if q.ConversationID != "" {
			conv, _, err := s.conversation(tx, c, q.ConversationID)
			if err != nil {
				return err
			}
			f.ConversationPKs = []int64{conv.PK}
		} else if c.user == nil {
			f.AllConversations = true
		} else {
			pks, err := s.readableConversations(tx, c)
			if err != nil {
				return err
			}
			f.ConversationPKs = pks
		}
		if q.BeforeID != "" {
			m, err := tx.MessageByID(c.app.PK, q.BeforeID)
			if err != nil {
				return notFoundAs(err, Invalidf("before", "unknown message %q", q.BeforeID))
			}
			f.BeforePK = m.PK
		}
		if !f.AllConversations && len(f.ConversationPKs) == 0 {
			return nil
		}
		msgs, err := tx.FullTextSearch(f)
		if err != nil {
			return err
		}
		convs := map[int64]*Conversation{}
		for _, m := range msgs {
			conv := convs[m.ConversationPK]
			if conv == nil {
				if conv, err = tx.ConversationByPK(c.app.PK, m.ConversationPK); err != nil {
					return err
				}
				convs[m.ConversationPK] = conv
			}
			out = append(out, SearchHit{Message: m, Conversation: conv})
		}
		return nil
	})
	return out, err
}

// SearchHit is a message found, with its conversation (for its team).
type SearchHit struct {
	Message      *Message
	Conversation *Conversation
}

// readableConversations lists the keys of every conversation the calling
// user may read, each passed through canRead.
func (s *Service) readableConversations(tx Tx, c *Caller) ([]int64, error) {
	cands, err := tx.SearchScope(c.app.PK, c.user.PK)
	if err != nil {
		return nil, err
	}
	var pks []int64
	seen := map[int64]bool{}
	for _, sc := range cands {
		if seen[sc.Conversation.PK] {
			continue
		}
		var me *Member
		switch {
		case sc.Role != "":
			me = &Member{ConversationPK: sc.Conversation.PK, UserPK: c.user.PK, Role: sc.Role}
		case sc.Inherited && inheritedMember(sc.TeamRole, sc.TeamMembers):
			me = &Member{ConversationPK: sc.Conversation.PK, UserPK: c.user.PK, Role: RoleMember, TeamRole: sc.TeamRole, Inherited: true}
		}
		if allow(c, actRead, &standing{conv: sc.Conversation, me: me}) == nil {
			seen[sc.Conversation.PK] = true
			pks = append(pks, sc.Conversation.PK)
		}
	}
	return pks, nil
}

// ScopeEntry is a conversation that a user might read, with what the
// policy needs to decide: the user's member role ("" when none), and for
// a team channel that inherits its team's members, the user's team role
// and the team's member count.
type ScopeEntry struct {
	Conversation *Conversation // PK, AppPK and Kind are filled
	Role         Role
	Inherited    bool
	TeamRole     Role
	TeamMembers  int
}
