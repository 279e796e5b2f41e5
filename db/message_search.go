package db

import (
	"slices"
	"strings"

	"parley/server/core"
)

// SearchMessages returns the messages of an app that f selects, with their
// details, oldest first: the first f.Limit after f.AfterPK, or the newest
// f.Limit when there is no AfterPK. It serves Parley's inspection API (not
// a hot path): with a conversation it walks messages_conversation, else
// the messages in key order.
func (t *tx) SearchMessages(f core.MessageSearch) ([]*core.Message, error) {
	// "+m.app_pk" keeps SQLite off the app's id index, which would sort
	// every message of the app: key order (or a conversation's index)
	// stops after the limit.
	where := []string{`+m.app_pk = ?`}
	args := []any{f.AppPK}
	if f.ConversationPK != 0 {
		where, args = append(where, `m.conversation_pk = ?`), append(args, f.ConversationPK)
	}
	if f.OwnerPK != 0 {
		where, args = append(where, `m.owner_pk = ?`), append(args, f.OwnerPK)
	}
	if f.Text != "" {
		where, args = append(where, `instr(lower(m.body), lower(?)) > 0`), append(args, f.Text)
	}
	if !f.IncludeDeleted {
		where = append(where, `m.deleted_at IS NULL`)
	}
	order := `DESC`
	if f.AfterPK != 0 {
		where, args, order = append(where, `m.pk > ?`), append(args, f.AfterPK), `ASC`
	}
	limit, _ := page(0, f.Limit)
	msgs, err := t.messages("search messages", messageFrom+` WHERE `+strings.Join(where, ` AND `)+
		` ORDER BY m.pk `+order+` LIMIT ?`, append(args, limit)...)
	if err != nil {
		return nil, err
	}
	if order == `DESC` {
		slices.Reverse(msgs)
	}
	return msgs, nil
}
