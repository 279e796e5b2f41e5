package db

import "parley/server/core"

// tagTerms adds the WHERE terms of a TagFilter for messages m. Tags are a
// JSON array; json_each reads it per candidate row, after the index has
// narrowed the rows to one conversation.
func tagTerms(f core.TagFilter, where []string, args []any) ([]string, []any) {
	for _, tag := range f.Tags {
		where = append(where, `EXISTS (SELECT 1 FROM json_each(m.tags) WHERE value = ?)`)
		args = append(args, tag)
	}
	if len(f.ExcludeTags) > 0 {
		where = append(where, `NOT EXISTS (SELECT 1 FROM json_each(m.tags) WHERE value IN (?))`)
		args = append(args, f.ExcludeTags)
	}
	if f.Flagged != nil {
		where = append(where, map[bool]string{true: `m.flag_count > 0`, false: `m.flag_count = 0`}[*f.Flagged])
	}
	if f.DeletedOnly {
		where = append(where, `m.deleted_at IS NOT NULL`)
	}
	return where, args
}
