package core

import "math"

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

// seqBounds turns Seq bounds into key bounds (Seq and key rise together in
// a conversation), so that the list stays a keyset read of the
// conversation's index. The stricter of a key cursor and a Seq bound wins.
func (s *Service) seqBounds(tx Tx, f *MessageFilter) error {
	if f.SeqAfter > 0 {
		pk, err := tx.MessagePKBySeq(f.ConversationPK, f.SeqAfter)
		switch {
		case ErrorCode(err) == ENOTFOUND:
			pk = math.MaxInt64 // past the newest: nothing comes after
		case err != nil:
			return err
		}
		f.AfterPK = max(f.AfterPK, pk)
	}
	if f.SeqBefore > 0 {
		pk, err := tx.MessagePKBySeq(f.ConversationPK, f.SeqBefore)
		switch {
		case ErrorCode(err) == ENOTFOUND:
			pk = 0 // past the newest: everything comes before
		case err != nil:
			return err
		}
		if pk != 0 && (f.BeforePK == 0 || pk < f.BeforePK) {
			f.BeforePK = pk
		}
	}
	f.SeqAfter, f.SeqBefore = 0, 0
	return nil
}
