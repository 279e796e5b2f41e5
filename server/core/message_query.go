package core

import "context"

// TagFilter narrows a message list by tags, deletion and flags (Amity's
// query filters). Empty fields do not filter.
type TagFilter struct {
	Tags        []string // every one of these tags
	ExcludeTags []string // none of these tags
	DeletedOnly bool     // recall tombstones only (implies IncludeDeleted)
	Flagged     *bool    // flagged by someone (true) or by nobody (false)
	SeqAfter    int64    // messages whose Seq is greater (0: no bound)
	SeqBefore   int64    // messages whose Seq is smaller (0: no bound)
}

// GetMessages returns the messages among ids that the caller sees, in the
// order asked; others are left out.
func (s *Service) GetMessages(ctx context.Context, c *Caller, ids []string) ([]*Message, error) {
	if err := s.checkIDs("messageIds", ids, false); err != nil {
		return nil, err
	}
	var msgs []*Message
	err := s.read(ctx, func(tx Tx) error {
		for _, id := range dedupe(ids) {
			m, _, _, err := s.visibleMessage(tx, c, id)
			switch ErrorCode(err) {
			case "":
				msgs = append(msgs, m)
			case ENOTFOUND, EFORBIDDEN:
			default:
				return err
			}
		}
		return nil
	})
	return msgs, err
}
