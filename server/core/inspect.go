package core

import (
	"context"
	"time"
)

// MessageSearch selects messages across an app for Parley's own inspection
// API: everything the app holds, whoever may see it. Zero fields do not
// filter.
type MessageSearch struct {
	AppPK          int64
	ConversationPK int64
	OwnerPK        int64
	Text           string // the body contains it, ignoring case
	AfterPK        int64  // messages newer than this one
	IncludeDeleted bool
	Limit          int
}

// InspectQuery is an inspection search by text ids.
type InspectQuery struct {
	ConversationID string
	FromUserID     string
	Text           string
	AfterID        string
	IncludeDeleted bool
	Limit          int
}

// SearchMessages returns the app's messages that q selects, oldest first:
// the first Limit after AfterID, or the newest Limit when AfterID is empty.
// Only the app itself (Parley's admin API) may search.
func (s *Service) SearchMessages(ctx context.Context, c *Caller, q InspectQuery) ([]*Message, error) {
	if err := c.inApp(); err != nil {
		return nil, err
	}
	if err := allow(c, actInspect, nil); err != nil {
		return nil, err
	}
	p, err := s.page(Page{Limit: q.Limit})
	if err != nil {
		return nil, err
	}
	var msgs []*Message
	err = s.read(ctx, func(tx Tx) error {
		f := MessageSearch{AppPK: c.app.PK, Text: q.Text, IncludeDeleted: q.IncludeDeleted, Limit: p.Limit}
		if q.ConversationID != "" {
			conv, err := tx.ConversationByID(c.app.PK, q.ConversationID)
			if err != nil {
				return notFoundAs(err, Errorf(ENOTFOUND, "conversation %q not found", q.ConversationID))
			}
			f.ConversationPK = conv.PK
		}
		if q.FromUserID != "" {
			u, err := tx.UserByID(c.app.PK, q.FromUserID)
			if err != nil {
				return notFoundAs(err, Invalidf("from", "unknown user %q", q.FromUserID))
			}
			f.OwnerPK = u.PK
		}
		if q.AfterID != "" {
			m, err := tx.MessageByID(c.app.PK, q.AfterID)
			if err != nil {
				return notFoundAs(err, Invalidf("after", "unknown message %q", q.AfterID))
			}
			f.AfterPK = m.PK
		}
		var err error
		msgs, err = tx.SearchMessages(f)
		return err
	})
	return msgs, err
}

// WaitMessages searches like SearchMessages until at least count messages
// match or wait has passed, whichever comes first; ok says whether count
// was reached. It wakes on the app's published events, never polls, and
// never returns later than wait (or ctx's end).
func (s *Service) WaitMessages(ctx context.Context, c *Caller, q InspectQuery, count int, wait time.Duration) (msgs []*Message, ok bool, err error) {
	if count < 1 {
		count = 1
	}
	if q.Limit < count {
		q.Limit = count
	}
	timer := time.NewTimer(wait)
	defer timer.Stop()
	for {
		// Take the channel before looking, so that a message committed
		// between the look and the wait still wakes us.
		changed := s.watch.changed(c.app.PK)
		if msgs, err = s.SearchMessages(ctx, c, q); err != nil || len(msgs) >= count {
			return msgs, err == nil, err
		}
		select {
		case <-changed:
		case <-timer.C:
			return msgs, false, nil
		case <-ctx.Done():
			return msgs, false, ctx.Err()
		}
	}
}
