package core

import (
	"bytes"
	"context"
	"time"
)

// SendInput is a new message. Exactly one of ConversationID and ToUserID
// names where it goes; ToUserID finds or creates the direct conversation.
type SendInput struct {
	ID                 string
	ConversationID     string
	ToUserID           string
	Type               MessageType // normal when empty; reply when ParentID is set
	CustomType         string
	Body               string
	HTML               string
	Metadata           []byte
	Entities           []byte
	Annotations        []byte
	Tags               []string
	Attachments        []Attachment
	Mentions           []Mention // UserID, Order, WordCount
	Recipients         []string
	ParentID           string
	ShowInConversation *bool // true when nil
	Encrypted          bool
	MachineOnly        bool
	CreatedAt          time.Time // zero: now
}

func (s *Service) checkSend(in *SendInput) error {
	if (in.ConversationID == "") == (in.ToUserID == "") {
		return Invalidf("conversationId", "give either a conversation id or a user id")
	}
	if err := s.checkOptionalID("id", in.ID); err != nil {
		return err
	}
	if in.Type == "" {
		in.Type = TypeNormal
		if in.ParentID != "" {
			in.Type = TypeReply
		}
	}
	if !in.Type.Valid() {
		return Invalidf("type", "unknown message type %q", in.Type)
	}
	if err := checkText("body", in.Body, s.limits.BodyLength); err != nil {
		return err
	}
	if err := checkText("customType", in.CustomType, s.limits.NameLength); err != nil {
		return err
	}
	for _, doc := range []struct {
		name string
		v    []byte
	}{{"metadata", in.Metadata}, {"entities", in.Entities}, {"annotations", in.Annotations}} {
		if err := s.checkJSON(doc.name, doc.v); err != nil {
			return err
		}
	}
	if len(in.Tags) > s.limits.Tags {
		return Invalidf("tags", "at most %d tags are allowed", s.limits.Tags)
	}
	if len(in.Attachments) > s.limits.Attachments {
		return Invalidf("attachments", "at most %d attachments are allowed", s.limits.Attachments)
	}
	for _, a := range in.Attachments {
		if err := checkText("attachments.type", a.Type, s.limits.NameLength); err != nil {
			return err
		}
		if err := s.checkJSON("attachments", a.Data); err != nil {
			return err
		}
	}
	if len(in.Mentions) > s.limits.Mentions {
		return Invalidf("mentionedUsers", "at most %d mentions are allowed", s.limits.Mentions)
	}
	for _, m := range in.Mentions {
		if err := s.checkID("mentionedUsers.userId", m.UserID); err != nil {
			return err
		}
	}
	if len(in.Recipients) > s.limits.Recipients {
		return Invalidf("recipients", "at most %d recipients are allowed", s.limits.Recipients)
	}
	for _, id := range in.Recipients {
		if err := s.checkID("recipients", id); err != nil {
			return err
		}
	}
	return s.checkOptionalID("parentId", in.ParentID)
}

// SendMessage sends a message. A client-supplied id makes retries
// idempotent: sending the same id again returns the stored message (created
// is false); the same id with other content is a conflict.
func (s *Service) SendMessage(ctx context.Context, c *Caller, in SendInput) (m *Message, created bool, err error) {
	if err := requireUser(c, "sending a message"); err != nil {
		return nil, false, err
	}
	if err := s.checkSend(&in); err != nil {
		return nil, false, err
	}
	var conv *Conversation
	err = s.write(ctx, func(tx Tx) (err error) {
		conv, m, created, err = s.send(tx, c, in)
		return err
	})
	if err != nil {
		return nil, false, err
	}
	if created {
		s.publish(s.messageEvent(ctx, EventMessageCreated, c, conv, m))
	}
	return m, created, nil
}

// send runs inside a write transaction; checkSend has passed.
func (s *Service) send(tx Tx, c *Caller, in SendInput) (*Conversation, *Message, bool, error) {
	var conv *Conversation
	var me *Member
	var err error
	if in.ToUserID != "" {
		conv, me, err = s.openDirect(tx, c, in.ToUserID)
	} else {
		conv, me, err = s.conversation(tx, c, in.ConversationID)
	}
	if err != nil {
		return nil, nil, false, err
	}
	if err := canPost(c, conv, me); err != nil {
		return nil, nil, false, err
	}
	if in.ID != "" {
		old, err := tx.MessageByID(c.App.PK, in.ID)
		if err == nil {
			if old.ConversationPK == conv.PK && old.OwnerPK == c.User.PK && old.Body == in.Body &&
				old.CustomType == in.CustomType && bytes.Equal(old.Metadata, in.Metadata) {
				return conv, old, false, nil
			}
			return nil, nil, false, Errorf(ECONFLICT, "message id %q is already taken by another message", in.ID)
		}
		if ErrorCode(err) != ENOTFOUND {
			return nil, nil, false, err
		}
	}
	now := s.Now()
	m := &Message{AppPK: c.App.PK, ID: in.ID, ConversationPK: conv.PK, ConversationID: conv.ID, OwnerPK: c.User.PK, Owner: c.User,
		Type: in.Type, CustomType: in.CustomType, Body: in.Body, HTML: in.HTML, Metadata: in.Metadata, Entities: in.Entities,
		Annotations: in.Annotations, Tags: in.Tags, Attachments: in.Attachments, Recipients: dedupe(in.Recipients),
		ShowInConversation: in.ShowInConversation == nil || *in.ShowInConversation, Encrypted: in.Encrypted,
		MachineOnly: in.MachineOnly, CreatedAt: now, UpdatedAt: now}
	if !in.CreatedAt.IsZero() {
		m.CreatedAt = in.CreatedAt.UTC().Truncate(time.Millisecond)
		m.UpdatedAt = m.CreatedAt
	}
	if err := s.resolveMentions(tx, c.App, m, in.Mentions); err != nil {
		return nil, nil, false, err
	}
	if in.ParentID != "" {
		parent, err := s.visibleMessage(tx, c, in.ParentID)
		if err != nil {
			return nil, nil, false, notFoundAs(err, Errorf(ENOTFOUND, "parent message %q not found", in.ParentID))
		}
		if parent.ConversationPK != conv.PK {
			return nil, nil, false, Invalidf("parentId", "the parent message is in another conversation")
		}
		m.ParentPK, m.ParentID = parent.PK, parent.ID
		m.ThreadRootPK = parent.ThreadRootPK
		if m.ThreadRootPK == 0 {
			m.ThreadRootPK = parent.PK
		}
		if err := tx.AddReplyCount(parent.PK, 1); err != nil {
			return nil, nil, false, err
		}
	}
	if err := tx.InsertMessage(m); err != nil {
		return nil, nil, false, err
	}
	if err := tx.TouchConversation(conv.PK, now, m.PK); err != nil {
		return nil, nil, false, err
	}
	return conv, m, true, nil
}

// resolveMentions fills the mentioned users, refusing unknown ones.
func (s *Service) resolveMentions(tx Tx, app *App, m *Message, in []Mention) error {
	if len(in) == 0 {
		return nil
	}
	ids := make([]string, len(in))
	for i, x := range in {
		ids[i] = x.UserID
	}
	users, err := tx.UsersByIDs(app.PK, dedupe(ids))
	if err != nil {
		return err
	}
	byID := make(map[string]*User, len(users))
	for _, u := range users {
		byID[u.ID] = u
	}
	m.Mentions = make([]Mention, len(in))
	for i, x := range in {
		u := byID[x.UserID]
		if u == nil {
			return Invalidf("mentionedUsers", "unknown user %q", x.UserID)
		}
		m.Mentions[i] = Mention{UserPK: u.PK, UserID: u.ID, User: u, Order: x.Order, WordCount: x.WordCount}
	}
	return nil
}

// visibleMessage loads a message the caller may see (conversation read
// rights, recipients, hidden copies); ENOTFOUND otherwise.
func (s *Service) visibleMessage(tx Tx, c *Caller, id string) (*Message, error) {
	if err := s.checkID("messageId", id); err != nil {
		return nil, err
	}
	m, err := tx.MessageByID(c.App.PK, id)
	if err != nil {
		return nil, err
	}
	if err := s.canSeeMessage(tx, c, m); err != nil {
		return nil, err
	}
	return m, nil
}

func (s *Service) canSeeMessage(tx Tx, c *Caller, m *Message) error {
	if appWide(c) {
		return nil
	}
	conv, err := tx.ConversationByPK(m.ConversationPK)
	if err != nil {
		return err
	}
	me, err := s.membership(tx, c, conv)
	if err != nil {
		return err
	}
	if err := canRead(c, conv, me); err != nil {
		return err
	}
	hidden, err := tx.IsHidden(m.PK, c.User.PK)
	if err != nil {
		return err
	}
	return canSee(c, m, hidden)
}

// GetMessage returns one message the caller may see.
func (s *Service) GetMessage(ctx context.Context, c *Caller, id string) (*Message, error) {
	var m *Message
	err := s.read(ctx, func(tx Tx) (err error) {
		m, err = s.visibleMessage(tx, c, id)
		return err
	})
	return m, err
}

// MessageQuery filters and pages a conversation's messages (seed 001's
// filters, plus keyset cursors in both directions).
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
	BeforeID        string // messages older than this one
	AfterID         string // messages newer than this one
	Ascending       bool
	Skip            int
	Limit           int
}

// MessagePage is one page of messages; More says whether the list goes on
// past it in its direction.
type MessagePage struct {
	Messages []*Message
	More     bool
}

func (s *Service) messageFilter(tx Tx, c *Caller, convID string, q MessageQuery, paged bool) (MessageFilter, error) {
	f := MessageFilter{AppPK: c.App.PK, IDs: q.IDs, Types: q.Types, CustomTypes: q.CustomTypes, AttachmentTypes: q.AttachmentTypes,
		OwnerIDs: q.OwnerIDs, TopLevelOnly: q.TopLevelOnly, ShowInConv: q.ShowInConv, Pinned: q.Pinned, IncludeDeleted: q.IncludeDeleted,
		Ascending: q.Ascending}
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
		p, err := s.page(Page{Skip: q.Skip, Limit: q.Limit})
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
	if c.User != nil {
		f.ViewerPK = c.User.PK
	}
	cursor := func(field, id string) (int64, error) {
		m, err := tx.MessageByID(c.App.PK, id)
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
	if q.BeforeID != "" {
		if f.BeforePK, err = cursor("before", q.BeforeID); err != nil {
			return f, err
		}
	}
	if q.AfterID != "" {
		if f.AfterPK, err = cursor("after", q.AfterID); err != nil {
			return f, err
		}
	}
	return f, nil
}

// ListMessages returns a page of a conversation's messages as the caller
// sees them.
func (s *Service) ListMessages(ctx context.Context, c *Caller, convID string, q MessageQuery) (*MessagePage, error) {
	page := &MessagePage{}
	err := s.read(ctx, func(tx Tx) error {
		f, err := s.messageFilter(tx, c, convID, q, true)
		if err != nil {
			return err
		}
		limit := f.Limit
		f.Limit++ // one more tells whether there are more
		msgs, err := tx.ListMessages(f)
		if err != nil {
			return err
		}
		if len(msgs) > limit {
			msgs, page.More = msgs[:limit], true
		}
		page.Messages = msgs
		return nil
	})
	if err != nil {
		return nil, err
	}
	return page, nil
}

// CountMessages counts the messages ListMessages would return, all pages.
func (s *Service) CountMessages(ctx context.Context, c *Caller, convID string, q MessageQuery) (int, error) {
	var n int
	err := s.read(ctx, func(tx Tx) error {
		f, err := s.messageFilter(tx, c, convID, q, false)
		if err != nil {
			return err
		}
		n, err = tx.CountMessages(f)
		return err
	})
	return n, err
}

// EditInput changes a message; nil fields are left alone.
type EditInput struct {
	Body        *string
	HTML        *string
	CustomType  *string
	Metadata    []byte
	Entities    []byte
	Tags        []string
	Attachments *[]Attachment
	Mentions    *[]Mention
}

// EditMessage changes a message: its sender only.
func (s *Service) EditMessage(ctx context.Context, c *Caller, id string, in EditInput) (*Message, error) {
	if in.Body != nil {
		if err := checkText("body", *in.Body, s.limits.BodyLength); err != nil {
			return nil, err
		}
	}
	if err := s.checkJSON("metadata", in.Metadata); err != nil {
		return nil, err
	}
	if len(in.Tags) > s.limits.Tags {
		return nil, Invalidf("tags", "at most %d tags are allowed", s.limits.Tags)
	}
	if in.Attachments != nil && len(*in.Attachments) > s.limits.Attachments {
		return nil, Invalidf("attachments", "at most %d attachments are allowed", s.limits.Attachments)
	}
	var m *Message
	var conv *Conversation
	err := s.write(ctx, func(tx Tx) (err error) {
		if m, err = s.visibleMessage(tx, c, id); err != nil {
			return err
		}
		if err := canEdit(c, m); err != nil {
			return err
		}
		if in.Body != nil {
			m.Body = *in.Body
		}
		if in.HTML != nil {
			m.HTML = *in.HTML
		}
		if in.CustomType != nil {
			m.CustomType = *in.CustomType
		}
		if in.Metadata != nil {
			m.Metadata = in.Metadata
		}
		if in.Entities != nil {
			m.Entities = in.Entities
		}
		if in.Tags != nil {
			m.Tags = in.Tags
		}
		if in.Attachments != nil {
			m.Attachments = *in.Attachments
		}
		if in.Mentions != nil {
			if err := s.resolveMentions(tx, c.App, m, *in.Mentions); err != nil {
				return err
			}
		}
		now := s.Now()
		m.EditedAt, m.UpdatedAt = now, now
		if conv, err = tx.ConversationByPK(m.ConversationPK); err != nil {
			return err
		}
		return tx.UpdateMessage(m)
	})
	if err != nil {
		return nil, err
	}
	s.publish(s.messageEvent(ctx, EventMessageUpdated, c, conv, m))
	return m, nil
}

// DeleteForMe hides messages for the caller only. It is refused in public
// conversations. All or none are hidden.
func (s *Service) DeleteForMe(ctx context.Context, c *Caller, ids []string) error {
	if err := s.checkIDs("messageIds", ids, false); err != nil {
		return err
	}
	return s.write(ctx, func(tx Tx) error {
		now := s.Now()
		for _, id := range dedupe(ids) {
			m, err := s.visibleMessage(tx, c, id)
			if err != nil {
				return err
			}
			conv, err := tx.ConversationByPK(m.ConversationPK)
			if err != nil {
				return err
			}
			if err := canHide(c, conv); err != nil {
				return err
			}
			if err := tx.HideMessage(m.PK, c.User.PK, now); err != nil {
				return err
			}
		}
		return nil
	})
}

// Recall deletes messages for everyone: their sender or a conversation
// admin. A tombstone stays (lists leave it out unless asked). All or none.
func (s *Service) Recall(ctx context.Context, c *Caller, ids []string) ([]*Message, error) {
	if err := s.checkIDs("messageIds", ids, false); err != nil {
		return nil, err
	}
	var recalled []*Message
	var convs []*Conversation
	err := s.write(ctx, func(tx Tx) error {
		now := s.Now()
		for _, id := range dedupe(ids) {
			m, err := s.visibleMessage(tx, c, id)
			if err != nil {
				return err
			}
			conv, err := tx.ConversationByPK(m.ConversationPK)
			if err != nil {
				return err
			}
			me, err := s.membership(tx, c, conv)
			if err != nil {
				return err
			}
			if err := canRecall(c, me, m); err != nil {
				return err
			}
			if m.Deleted() {
				continue
			}
			m.DeletedAt, m.UpdatedAt = now, now
			m.Body, m.HTML, m.Metadata, m.Entities, m.Annotations = "", "", nil, nil, nil
			m.Attachments, m.Mentions, m.Pinned = nil, nil, false
			if err := tx.UpdateMessage(m); err != nil {
				return err
			}
			recalled, convs = append(recalled, m), append(convs, conv)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for i, m := range recalled {
		s.publish(s.messageEvent(ctx, EventMessageDeleted, c, convs[i], m))
	}
	return recalled, nil
}

// SetPinned pins or unpins a message: conversation admins only.
func (s *Service) SetPinned(ctx context.Context, c *Caller, id string, pinned bool) (*Message, error) {
	var m *Message
	var conv *Conversation
	err := s.write(ctx, func(tx Tx) (err error) {
		if m, err = s.visibleMessage(tx, c, id); err != nil {
			return err
		}
		if conv, err = tx.ConversationByPK(m.ConversationPK); err != nil {
			return err
		}
		me, err := s.membership(tx, c, conv)
		if err != nil {
			return err
		}
		if err := canManage(c, me); err != nil {
			return Errorf(EFORBIDDEN, "only conversation admins may pin messages")
		}
		if m.Deleted() {
			return Errorf(ECONFLICT, "the message was deleted")
		}
		if m.Pinned == pinned {
			return nil
		}
		m.Pinned, m.UpdatedAt = pinned, s.Now()
		return tx.UpdateMessage(m)
	})
	if err != nil {
		return nil, err
	}
	kind := EventMessageUnpinned
	if pinned {
		kind = EventMessagePinned
	}
	s.publish(s.messageEvent(ctx, kind, c, conv, m))
	return m, nil
}

// Forward copies messages into other conversations (named by id, or by the
// user of a direct conversation) as new messages that point back to the
// original.
func (s *Service) Forward(ctx context.Context, c *Caller, messageIDs, convIDs, userIDs []string) ([]*Message, error) {
	if err := requireUser(c, "forwarding"); err != nil {
		return nil, err
	}
	if err := s.checkIDs("messageIds", messageIDs, false); err != nil {
		return nil, err
	}
	if len(convIDs) == 0 && len(userIDs) == 0 {
		return nil, Invalidf("conversationIds", "give conversationIds or userIds")
	}
	if err := s.checkIDs("conversationIds", convIDs, true); err != nil {
		return nil, err
	}
	if err := s.checkIDs("userIds", userIDs, true); err != nil {
		return nil, err
	}
	var sent []*Message
	var convs []*Conversation
	err := s.write(ctx, func(tx Tx) error {
		var originals []*Message
		for _, id := range dedupe(messageIDs) {
			m, err := s.visibleMessage(tx, c, id)
			if err != nil {
				return err
			}
			if m.Deleted() {
				return Errorf(ECONFLICT, "message %q was deleted", id)
			}
			originals = append(originals, m)
		}
		var targets []*Conversation
		for _, id := range dedupe(convIDs) {
			conv, me, err := s.conversation(tx, c, id)
			if err != nil {
				return err
			}
			if err := canPost(c, conv, me); err != nil {
				return err
			}
			targets = append(targets, conv)
		}
		for _, id := range dedupe(userIDs) {
			conv, _, err := s.openDirect(tx, c, id)
			if err != nil {
				return err
			}
			targets = append(targets, conv)
		}
		now := s.Now()
		for _, conv := range targets {
			for _, o := range originals {
				m := &Message{AppPK: c.App.PK, ConversationPK: conv.PK, ConversationID: conv.ID, OwnerPK: c.User.PK, Owner: c.User,
					Type: TypeForward, CustomType: o.CustomType, Body: o.Body, HTML: o.HTML, Metadata: o.Metadata,
					Entities: o.Entities, Tags: o.Tags, Attachments: copyAttachments(o.Attachments), ShowInConversation: true,
					Encrypted: o.Encrypted, ForwardedFromPK: o.PK, ForwardedFromID: o.ID, CreatedAt: now, UpdatedAt: now}
				if o.ForwardedFromPK != 0 {
					m.ForwardedFromPK, m.ForwardedFromID = o.ForwardedFromPK, o.ForwardedFromID
				}
				if err := tx.InsertMessage(m); err != nil {
					return err
				}
				if err := tx.TouchConversation(conv.PK, now, m.PK); err != nil {
					return err
				}
				sent, convs = append(sent, m), append(convs, conv)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for i, m := range sent {
		s.publish(s.messageEvent(ctx, EventMessageCreated, c, convs[i], m))
	}
	return sent, nil
}

// copyAttachments copies attachments for a new message (their ids are the
// new message's).
func copyAttachments(in []Attachment) []Attachment {
	out := make([]Attachment, len(in))
	for i, a := range in {
		a.ID = ""
		out[i] = a
	}
	return out
}

// Broadcast sends one message to each user's direct conversation with the
// caller and to each named conversation, all in one transaction.
func (s *Service) Broadcast(ctx context.Context, c *Caller, in SendInput, userIDs, convIDs []string) ([]*Message, error) {
	if err := requireUser(c, "broadcasting"); err != nil {
		return nil, err
	}
	if len(userIDs) == 0 && len(convIDs) == 0 {
		return nil, Invalidf("userIds", "give userIds or conversationIds")
	}
	if err := s.checkIDs("userIds", userIDs, true); err != nil {
		return nil, err
	}
	if err := s.checkIDs("conversationIds", convIDs, true); err != nil {
		return nil, err
	}
	in.ConversationID, in.ToUserID, in.ID = "", "-", ""
	if err := s.checkSend(&in); err != nil {
		return nil, err
	}
	var targets []SendInput
	for _, id := range dedupe(userIDs) {
		one := in
		one.ToUserID = id
		targets = append(targets, one)
	}
	for _, id := range dedupe(convIDs) {
		one := in
		one.ToUserID, one.ConversationID = "", id
		targets = append(targets, one)
	}
	var sent []*Message
	var convs []*Conversation
	err := s.write(ctx, func(tx Tx) error {
		for _, one := range targets {
			conv, m, _, err := s.send(tx, c, one)
			if err != nil {
				return err
			}
			sent, convs = append(sent, m), append(convs, conv)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for i, m := range sent {
		s.publish(s.messageEvent(ctx, EventMessageCreated, c, convs[i], m))
	}
	return sent, nil
}

// messageEvent describes a change to a message for the members who see it:
// a recipients-only message reaches its sender and recipients alone.
func (s *Service) messageEvent(ctx context.Context, kind string, c *Caller, conv *Conversation, m *Message) Event {
	e := Event{Type: kind, AppPK: conv.AppPK, ConversationPK: conv.PK, ConversationID: conv.ID, ActorID: actorID(c), Message: m}
	if len(m.Recipients) == 0 {
		return e
	}
	e.Audience = []int64{m.OwnerPK}
	err := s.read(ctx, func(tx Tx) error {
		users, err := tx.UsersByIDs(conv.AppPK, m.Recipients)
		for _, u := range users {
			e.Audience = append(e.Audience, u.PK)
		}
		return err
	})
	if err != nil {
		s.log.WarnContext(ctx, "event audience", "err", err)
	}
	return e
}
