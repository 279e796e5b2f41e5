package db

import (
	"strings"

	"parley/server/core"
)

// messageWhere builds the WHERE terms of f for messages m: the
// conversation, the filters and the viewer's visibility, and with keyset
// the pk bounds. Every term leaves the conversation's index
// messages (conversation_pk, pk) usable.
func messageWhere(f core.MessageFilter, keyset bool) ([]string, []any) {
	// The app is checked once, on the conversation (a constant subquery),
	// not per message: an m.app_pk term would cost a table lookup per row
	// that the covering index messages_conversation saves.
	where := []string{`m.conversation_pk = ?`}
	args := []any{f.ConversationPK}
	if f.AppPK != 0 {
		where[0] = `m.conversation_pk = (SELECT pk FROM conversations WHERE pk = ? AND app_pk = ?)`
		args = append(args, f.AppPK)
	}
	if len(f.IDs) > 0 {
		// The conversation term above keeps key references in the app.
		term, termArgs := idsTerm("m.", f.IDs, "")
		where = append(where, term)
		args = append(args, termArgs...)
	}
	if len(f.Types) > 0 {
		types := make([]string, len(f.Types))
		for i, t := range f.Types {
			types[i] = string(t)
		}
		where = append(where, `m.type IN (?)`)
		args = append(args, types)
	}
	if len(f.CustomTypes) > 0 {
		where = append(where, `m.custom_type IN (?)`)
		args = append(args, f.CustomTypes)
	}
	if len(f.AttachmentTypes) > 0 {
		where = append(where, `EXISTS (SELECT 1 FROM attachments a WHERE a.message_pk = m.pk AND a.type IN (?))`)
		args = append(args, f.AttachmentTypes)
	}
	if len(f.OwnerIDs) > 0 {
		// Not correlated: the owners' keys are looked up once, in the
		// conversation's app.
		term, termArgs := idsTerm("ou.", f.OwnerIDs,
			"ou.app_pk = (SELECT app_pk FROM conversations WHERE pk = ?)", f.ConversationPK)
		where = append(where, `m.owner_pk IN (SELECT ou.pk FROM users ou WHERE `+term+`)`)
		args = append(args, termArgs...)
	}
	if f.ParentPK != 0 {
		where = append(where, `m.parent_pk = ?`)
		args = append(args, f.ParentPK)
	}
	if f.TopLevelOnly {
		where = append(where, `m.parent_pk IS NULL`)
	}
	// Booleans are literals, not parameters: only then may SQLite use the
	// partial index messages_pinned.
	if f.ShowInConv != nil {
		where = append(where, `m.show_in_conversation = `+literal(*f.ShowInConv))
	}
	if f.Pinned != nil {
		where = append(where, `m.pinned = `+literal(*f.Pinned))
	}
	if !f.IncludeDeleted && !f.DeletedOnly {
		where = append(where, `m.deleted_at IS NULL`)
	}
	where, args = tagTerms(f.TagFilter, where, args)
	if f.ViewerPK != 0 {
		// A message with recipients is seen by its owner and them only; a
		// message the viewer hid is not seen by the viewer.
		where = append(where, `(m.has_recipients = 0 OR m.owner_pk = ? OR EXISTS (
				SELECT 1 FROM recipients rc WHERE rc.message_pk = m.pk AND rc.user_pk = ?))`,
			`NOT EXISTS (SELECT 1 FROM hidden h WHERE h.message_pk = m.pk AND h.user_pk = ?)`)
		args = append(args, f.ViewerPK, f.ViewerPK, f.ViewerPK)
	}
	if keyset && f.BeforePK != 0 {
		where = append(where, `m.pk < ?`)
		args = append(args, f.BeforePK)
	}
	if keyset && f.AfterPK != 0 {
		where = append(where, `m.pk > ?`)
		args = append(args, f.AfterPK)
	}
	return where, args
}

// literal is a boolean as SQL text.
func literal(b bool) string {
	if b {
		return "1"
	}
	return "0"
}

// ListMessages returns a page of one conversation's messages as f selects
// them, with their details: newest first unless f.Ascending, after the
// keyset bounds, then Skip and Limit (50 when not positive).
func (t *tx) ListMessages(f core.MessageFilter) ([]*core.Message, error) {
	where, args := messageWhere(f, true)
	order := `DESC`
	if f.Ascending {
		order = `ASC`
	}
	limit, skip := page(f.Skip, f.Limit)
	args = append(args, limit, skip)
	if t.cache == nil {
		return t.messages("list messages", messageFrom+` WHERE `+strings.Join(where, ` AND `)+
			` ORDER BY m.pk `+order+` LIMIT ? OFFSET ?`, args...)
	}
	// A read selects the page's keys only, and loads the messages the
	// cache does not hold yet in one go.
	var pks []int64
	if err := t.selIn(&pks, `SELECT m.pk FROM messages m WHERE `+strings.Join(where, ` AND `)+
		` ORDER BY m.pk `+order+` LIMIT ? OFFSET ?`, args...); err != nil {
		return nil, dbErr("list messages", err)
	}
	msgs, misses := t.cache.get(pks)
	if len(misses) == 0 {
		return msgs, nil
	}
	loaded, err := t.messages("list messages", messageFrom+` WHERE m.pk IN (?)`, misses)
	if err != nil {
		return nil, err
	}
	t.cache.put(t.epoch, loaded)
	byPK := make(map[int64]*core.Message, len(loaded))
	for _, m := range loaded {
		byPK[m.PK] = m
	}
	out := msgs[:0]
	for i, m := range msgs {
		if m == nil {
			m = byPK[pks[i]]
		}
		if m != nil { // always, in one snapshot
			out = append(out, m)
		}
	}
	return out, nil
}

// CountMessages counts the messages f selects, ignoring its keyset bounds
// Skip and Limit. A positive f.CountCap caps the count: the scan stops
// there, so its cost does not grow with the conversation.
func (t *tx) CountMessages(f core.MessageFilter) (int, error) {
	where, args := messageWhere(f, false)
	var n int
	query := `SELECT COUNT(*) FROM messages m WHERE ` + strings.Join(where, ` AND `)
	if f.CountCap > 0 {
		query = `SELECT COUNT(*) FROM (SELECT 1 FROM messages m WHERE ` + strings.Join(where, ` AND `) + ` LIMIT ?)`
		args = append(args, f.CountCap)
	}
	if err := t.getIn(&n, query, args...); err != nil {
		return 0, dbErr("count messages", err)
	}
	return n, nil
}
