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
	MentionNames       []string  // usernames found in the text: mentions of those that exist
	Recipients         []string
	ParentID           string
	ShowInConversation *bool // true when nil
	Encrypted          bool
	MachineOnly        bool
	CreatedAt          time.Time // zero: now
	Dialect            string    // the API it came through; "": the request's
}

func (s *Service) checkSend(in *SendInput) error {
	if (in.ConversationID == "") == (in.ToUserID == "") {
		return Invalidf("conversationId", "give either a conversation id or a user id")
	}
	if err := s.checkNewID("id", in.ID); err != nil {
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
	if err := c.inApp(); err != nil {
		return nil, false, err
	}
	if c.user == nil {
		return nil, false, needUser("sending a message")
	}
	if err := s.checkSend(&in); err != nil {
		return nil, false, err
	}
	if in.Dialect == "" {
		in.Dialect = dialectOf(ctx)
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
		s.publishMessage(ctx, EventMessageCreated, c, conv, m)
		s.stopTyping(conv.PK, c.user.PK)
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
		conv, me, err = s.postTarget(tx, c, in.ConversationID)
	}
	if err != nil {
		return nil, nil, false, err
	}
	if err := allow(c, actPost, &standing{conv: conv, me: me, machine: in.MachineOnly}); err != nil {
		return nil, nil, false, err
	}
	return s.sendTo(tx, c, conv, in)
}

// sendTo stores a message in a conversation the caller may post to.
func (s *Service) sendTo(tx Tx, c *Caller, conv *Conversation, in SendInput) (*Conversation, *Message, bool, error) {
	if in.ID != "" {
		old, err := tx.MessageByID(c.app.PK, in.ID)
		if err == nil {
			if old.ConversationPK == conv.PK && old.OwnerPK == c.user.PK && old.Body == in.Body &&
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
	m := &Message{AppPK: c.app.PK, ID: in.ID, ConversationPK: conv.PK, ConversationID: conv.ID, OwnerPK: c.user.PK, Owner: c.user,
		Type: in.Type, CustomType: in.CustomType, Body: in.Body, HTML: in.HTML, Dialect: in.Dialect, Metadata: in.Metadata, Entities: in.Entities,
		Annotations: in.Annotations, Tags: in.Tags, Attachments: in.Attachments, Recipients: dedupe(in.Recipients),
		ShowInConversation: in.ShowInConversation == nil || *in.ShowInConversation, Encrypted: in.Encrypted,
		MachineOnly: in.MachineOnly, CreatedAt: now, ReceivedAt: now, UpdatedAt: now}
	if !in.CreatedAt.IsZero() {
		m.CreatedAt = in.CreatedAt.UTC().Truncate(time.Millisecond)
		m.UpdatedAt = m.CreatedAt
	}
	if err := s.resolveMentions(tx, c.app, m, in.Mentions); err != nil {
		return nil, nil, false, err
	}
	if err := s.resolveMentionNames(tx, c.app, m, in.MentionNames); err != nil {
		return nil, nil, false, err
	}
	if err := s.resolveAttachments(tx, c, m.Attachments); err != nil {
		return nil, nil, false, err
	}
	if in.ParentID != "" {
		parent, _, _, err := s.visibleMessage(tx, c, in.ParentID)
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

// postTarget resolves, inside a write, the conversation a message goes to
// and the caller's membership, with the least the rules need: the key and
// kind, which never change (the store may remember them), and the
// caller's role now. Sending is the writer's hottest path.
func (s *Service) postTarget(tx Tx, c *Caller, id string) (*Conversation, *Member, error) {
	if id == "" {
		return nil, nil, Invalidf("conversationId", "conversation id is required")
	}
	pk, kind, err := tx.ConversationKey(c.app.PK, id)
	if err != nil {
		return nil, nil, err
	}
	if kind == KindChannel {
		return s.conversation(tx, c, id) // its access lists decide, and they change
	}
	if _, ref := ParseKeyRef(id); ref {
		// The message and its event carry the conversation's text id.
		full, err := tx.ConversationByPK(c.app.PK, pk)
		if err != nil {
			return nil, nil, err
		}
		id = full.ID
	}
	conv := &Conversation{PK: pk, AppPK: c.app.PK, ID: id, Kind: kind}
	var me *Member
	if c.user != nil {
		role, err := tx.MemberRole(pk, c.user.PK)
		if err != nil {
			return nil, nil, err
		}
		if role != "" {
			me = &Member{ConversationPK: pk, UserPK: c.user.PK, User: c.user, Role: role}
			conv.Me = me
		} else if kind != KindDirect {
			// Not on the member list: a team channel may still take the
			// caller in from its team (the rare path; load it whole).
			if conv, err = tx.ConversationByPK(c.app.PK, pk); err != nil {
				return nil, nil, err
			}
			if me, err = s.teamMembership(tx, c, conv, nil); err != nil {
				return nil, nil, err
			}
		}
	}
	if err := allow(c, actRead, &standing{conv: conv, me: me}); err != nil {
		return nil, nil, err
	}
	return conv, me, nil
}

// resolveMentions fills the mentioned users, refusing unknown ones.
func (s *Service) resolveMentions(tx Tx, app *App, m *Message, in []Mention) error {
	if len(in) == 0 {
		m.Mentions = nil // an edit may take every mention away
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
	byID := make(map[string]*User, 2*len(users))
	for _, u := range users {
		byID[u.ID], byID[KeyRef(u.PK)] = u, u
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
