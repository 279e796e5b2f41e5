package core

import (
	"context"
)

// ChannelQuery lists the caller's subscribed channels, most recent
// activity first.
type ChannelQuery struct {
	Count int
	// After continues a list after this channel (an id or key reference:
	// the last channel of the page before); "": from the most recent.
	After    string
	Kinds    []ConversationKind
	Owned    bool // only the channels the caller owns
	Muted    bool // only the muted ones (else the muted ones are left out)
	AllMuted bool // muted ones too (Owned lists show them)
}

// ListChannels returns a page of the caller's subscribed channels and
// whether there are more.
func (s *Service) ListChannels(ctx context.Context, c *Caller, q ChannelQuery) ([]*Channel, bool, error) {
	if err := actingUser(c, "listing channels"); err != nil {
		return nil, false, err
	}
	if q.Count <= 0 || q.Count > s.limits.MaxPageSize {
		return nil, false, Invalidf("count", "count must be between 1 and %d", s.limits.MaxPageSize)
	}
	var out []*Channel
	more := false
	err := s.read(ctx, func(tx Tx) error {
		f := ConversationFilter{AppPK: c.app.PK, UserPK: c.user.PK, Kinds: q.Kinds,
			Page: Page{After: q.After, Limit: s.limits.MaxPageSize}}
		for len(out) <= q.Count {
			convs, err := tx.ListConversations(f)
			if err != nil {
				return err
			}
			chs, err := s.channels(tx, c, convs)
			if err != nil {
				return err
			}
			for _, ch := range chs {
				if (q.Owned && ch.OwnerPK != c.user.PK) || (q.Muted && !ch.Muted) || (!q.Muted && !q.AllMuted && ch.Muted) {
					continue
				}
				out = append(out, ch)
			}
			if len(convs) < f.Page.Limit {
				break
			}
			f.Page.After = KeyRef(convs[len(convs)-1].PK)
		}
		if len(out) > q.Count {
			out, more = out[:q.Count], true
		}
		return nil
	})
	return out, more, err
}

// UnreadDirectCount counts the caller's direct (private-message)
// conversations that hold unread messages.
func (s *Service) UnreadDirectCount(ctx context.Context, c *Caller) (int, error) {
	if err := c.inApp(); err != nil {
		return 0, err
	}
	chs, _, err := s.ListChannels(ctx, c, ChannelQuery{Count: s.limits.MaxPageSize, Kinds: []ConversationKind{KindDirect}, AllMuted: true})
	n := 0
	for _, ch := range chs {
		if ch.Unread > 0 {
			n++
		}
	}
	return n, err
}
