package core

import (
	"context"
	"time"
)

// Revision is an earlier text of an edited message: the text, when it was
// written, and who replaced it when. The core keeps one for every edit
// that changes the text; nobody changes or deletes them (they go with
// their message).
type Revision struct {
	PK         int64
	MessagePK  int64
	Body       string
	WrittenAt  time.Time
	EditorPK   int64
	EditorID   string
	ReplacedAt time.Time
}

// keepRevision stores m's current text as a revision, inside the edit's
// transaction, before the edit replaces it.
func (s *Service) keepRevision(tx Tx, c *Caller, m *Message) error {
	written := m.EditedAt
	if written.IsZero() {
		written = m.CreatedAt
	}
	r := &Revision{MessagePK: m.PK, Body: m.Body, WrittenAt: written, ReplacedAt: s.Now()}
	if c.user != nil {
		r.EditorPK, r.EditorID = c.user.PK, c.user.ID
	}
	return tx.InsertRevision(r)
}

// ListRevisions lists the earlier texts of a message the caller sees,
// oldest first.
func (s *Service) ListRevisions(ctx context.Context, c *Caller, messageID string) ([]*Revision, error) {
	var revs []*Revision
	err := s.read(ctx, func(tx Tx) error {
		m, _, _, err := s.visibleMessage(tx, c, messageID)
		if err != nil {
			return err
		}
		revs, err = tx.ListRevisions(m.PK)
		return err
	})
	return revs, err
}
