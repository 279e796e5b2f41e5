package db

import (
	"strings"

	"parley/server/core"
)

// ListOwnMessages returns a page of the messages a user created, in every
// conversation of f's app, by key: newest first unless f.Ascending,
// inside f's keyset bounds, with f's types and deletions. It walks the
// index messages_owner (owner_pk, then the key).
func (t *tx) ListOwnMessages(ownerPK int64, f core.MessageFilter) ([]*core.Message, error) {
	where := []string{`m.owner_pk = ?`, `m.app_pk = ?`}
	args := []any{ownerPK, f.AppPK}
	if len(f.Types) > 0 {
		types := make([]string, len(f.Types))
		for i, ty := range f.Types {
			types[i] = string(ty)
		}
		where = append(where, `m.type IN (?)`)
		args = append(args, types)
	}
	if !f.IncludeDeleted {
		where = append(where, `m.deleted_at IS NULL`)
	}
	if f.BeforePK != 0 {
		where = append(where, `m.pk < ?`)
		args = append(args, f.BeforePK)
	}
	if f.AfterPK != 0 {
		where = append(where, `m.pk > ?`)
		args = append(args, f.AfterPK)
	}
	order := `DESC`
	if f.Ascending {
		order = `ASC`
	}
	limit, _ := page(0, f.Limit)
	args = append(args, limit)
	return t.messages("list own messages", messageFrom+` WHERE `+strings.Join(where, ` AND `)+
		` ORDER BY m.pk `+order+` LIMIT ?`, args...)
}
