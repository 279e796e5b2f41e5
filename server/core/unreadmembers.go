package core

import "context"

// UnreadMembers counts, for each of the conversations (a page the caller
// listed), how many of its members have unread messages: what a developer
// watching their app wants to see at a glance ("3 members have not read
// the latest"). One query for the whole page, each count stopping at
// UnreadCap; conversations of another app are left out. Only the app
// itself sees every member's read state.
func (s *Service) UnreadMembers(ctx context.Context, c *Caller, convs []*Conversation) (map[string]int, error) {
	if err := c.inApp(); err != nil {
		return nil, err
	}
	if err := allow(c, actSeeReadStates, nil); err != nil {
		return nil, err
	}
	pks := make([]int64, 0, len(convs))
	for _, conv := range convs {
		if conv.AppPK == c.app.PK {
			pks = append(pks, conv.PK)
		}
	}
	out := make(map[string]int, len(convs))
	if len(pks) == 0 {
		return out, nil
	}
	var counts map[int64]int
	err := s.read(ctx, func(tx Tx) (err error) {
		counts, err = tx.UnreadMembers(pks)
		return err
	})
	if err != nil {
		return nil, err
	}
	for _, conv := range convs {
		if n := counts[conv.PK]; n > 0 && conv.AppPK == c.app.PK {
			out[conv.ID] = n
		}
	}
	return out, nil
}
