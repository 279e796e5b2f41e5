package core

import (
	"context"
)

// visibleMessage loads a message the caller may see (conversation read
// rights, recipients, hidden copies), with its conversation and the
// caller's membership (nil when not a member), so that the rule that
// follows needs no second look-up; ENOTFOUND when the caller does not see it.
func (s *Service) visibleMessage(tx Tx, c *Caller, id string) (*Message, *Conversation, *Member, error) {
	if err := s.checkID("messageId", id); err != nil {
		return nil, nil, nil, err
	}
	m, err := tx.MessageByID(c.app.PK, id)
	if err != nil {
		return nil, nil, nil, err
	}
	conv, err := tx.ConversationByPK(c.app.PK, m.ConversationPK)
	if err != nil {
		return nil, nil, nil, err
	}
	if err := loadAccess(tx, conv); err != nil {
		return nil, nil, nil, err
	}
	me, err := s.membership(tx, c, conv)
	if err != nil {
		return nil, nil, nil, err
	}
	st := &standing{conv: conv, me: me, msg: m}
	if err := allow(c, actRead, st); err != nil {
		return nil, nil, nil, err
	}
	if c.user != nil {
		if st.hidden, err = tx.IsHidden(m.PK, c.user.PK); err != nil {
			return nil, nil, nil, err
		}
	}
	if err := allow(c, actSeeMessage, st); err != nil {
		return nil, nil, nil, err
	}
	return m, conv, me, nil
}

// GetMessage returns one message the caller may see.
func (s *Service) GetMessage(ctx context.Context, c *Caller, id string) (*Message, error) {
	var m *Message
	err := s.read(ctx, func(tx Tx) (err error) {
		m, _, _, err = s.visibleMessage(tx, c, id)
		return err
	})
	return m, err
}

// MessageQuery filters and pages a conversation's messages, newest first
// (Page.Reverse: oldest first); cursors are messages' ids, so Page.After
// reads older messages and Page.Before newer ones.
type MessageQuery struct {
	IDs             []string
	Types           []MessageType
	CustomTypes     []string
	AttachmentTypes []string
	OwnerIDs        []string
	ParentID        string
	TopLevelOnly    bool
	ShowInConv      *bool
	Pinned          *bool
	IncludeDeleted  bool
	Page            Page
	TagFilter
}

func (s *Service) messageFilter(tx Tx, c *Caller, convID string, q MessageQuery, paged bool) (MessageFilter, error) {
	f := MessageFilter{AppPK: c.app.PK, IDs: q.IDs, Types: q.Types, CustomTypes: q.CustomTypes, AttachmentTypes: q.AttachmentTypes,
		OwnerIDs: q.OwnerIDs, TopLevelOnly: q.TopLevelOnly, ShowInConv: q.ShowInConv, Pinned: q.Pinned, IncludeDeleted: q.IncludeDeleted,
		Ascending: q.Page.Reverse, TagFilter: q.TagFilter}
	for _, t := range q.Types {
		if !t.Valid() {
			return f, Invalidf("types", "unknown message type %q", t)
		}
	}
	for _, list := range []struct {
		name string
		ids  []string
	}{{"ids", q.IDs}, {"ownerIds", q.OwnerIDs}} {
		if err := s.checkIDs(list.name, list.ids, true); err != nil {
			return f, err
		}
	}
	if paged {
		p, err := s.page(q.Page)
		if err != nil {
			return f, err
		}
		f.Skip, f.Limit = p.Skip, p.Limit
	}
	conv, _, err := s.conversation(tx, c, convID)
	if err != nil {
		return f, err
	}
	f.ConversationPK = conv.PK
	if err := s.seqBounds(tx, &f); err != nil {
		return f, err
	}
	switch {
	case c.user != nil:
		f.ViewerPK = c.user.PK
	case !appWide(c):
		f.ViewerPK = NoViewer // an anonymous read sees only messages meant for everyone
	}
	cursor := func(field, id string) (int64, error) {
		m, err := tx.MessageByID(c.app.PK, id)
		if err != nil || m.ConversationPK != conv.PK {
			return 0, Invalidf(field, "unknown message %q in this conversation", id)
		}
		return m.PK, nil
	}
	if q.ParentID != "" {
		if f.ParentPK, err = cursor("parentId", q.ParentID); err != nil {
			return f, err
		}
	}
	// Newest first: after a message in the list is older than it.
	if q.Page.After != "" {
		if f.BeforePK, err = cursor("after", q.Page.After); err != nil {
			return f, err
		}
	}
	if q.Page.Before != "" {
		if f.AfterPK, err = cursor("before", q.Page.Before); err != nil {
			return f, err
		}
	}
	return f, nil
}

// ListMessages returns a page of a conversation's messages as the caller
// sees them.
func (s *Service) ListMessages(ctx context.Context, c *Caller, convID string, q MessageQuery) (List[*Message], error) {
	var list List[*Message]
	err := s.read(ctx, func(tx Tx) error {
		f, err := s.messageFilter(tx, c, convID, q, true)
		if err != nil {
			return err
		}
		p := Page{Limit: f.Limit}
		f.Limit = more(p).Limit
		msgs, err := tx.ListMessages(f)
		list = listOf(msgs, p)
		return err
	})
	return list, err
}

// CountMessages counts the messages ListMessages would return, all pages,
// up to CountCap.
func (s *Service) CountMessages(ctx context.Context, c *Caller, convID string, q MessageQuery) (int, error) {
	var n int
	err := s.read(ctx, func(tx Tx) error {
		f, err := s.messageFilter(tx, c, convID, q, false)
		if err != nil {
			return err
		}
		f.CountCap = CountCap
		n, err = tx.CountMessages(f)
		return err
	})
	return n, err
}
