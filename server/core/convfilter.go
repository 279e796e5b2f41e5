package core

import (
	"context"
	"strings"
	"time"
)

// ConversationCondition is one test of a filtered conversation list (the
// filter=field:op:value of Sceyt's channel list). Fields: id, kind, title,
// customType, createdAt. Ops: eq, not_eq, gte, lte, contains, begins, ends,
// in (Value a comma-separated list). createdAt takes a date (YYYY-MM-DD,
// the whole UTC day) or an RFC 3339 time.
type ConversationCondition struct {
	Field string
	Op    string
	Value string
}

// maxFilterScan bounds the conversations one filtered list reads: the
// conditions are tested in memory, not by an index, so a filtered list
// costs up to this many rows whatever the page.
const maxFilterScan = 20_000

var conditionOps = map[string]bool{"eq": true, "not_eq": true, "gte": true, "lte": true, "contains": true,
	"begins": true, "ends": true, "in": true}

func checkConditions(conds []ConversationCondition) error {
	for _, cd := range conds {
		switch cd.Field {
		case "id", "kind", "title", "customType", "createdAt":
		default:
			return Invalidf("filter", "cannot filter on %q", cd.Field)
		}
		if !conditionOps[cd.Op] {
			return Invalidf("filter", "unknown filter operator %q (eq, not_eq, gte, lte, contains, begins, ends, in)", cd.Op)
		}
		if cd.Field == "createdAt" {
			if _, _, err := timeBounds(cd.Value); err != nil {
				return err
			}
		}
	}
	return nil
}

// timeBounds reads a date (its whole UTC day) or an instant.
func timeBounds(v string) (from, to time.Time, err error) {
	if d, err := time.Parse("2006-01-02", v); err == nil {
		return d, d.Add(24*time.Hour - time.Millisecond), nil
	}
	if t, err := time.Parse(time.RFC3339Nano, v); err == nil {
		return t, t, nil
	}
	return from, to, Invalidf("filter", "created_at takes a date (YYYY-MM-DD) or an RFC 3339 time, not %q", v)
}

func (cd ConversationCondition) match(conv *Conversation) bool {
	if cd.Field == "createdAt" {
		from, to, _ := timeBounds(cd.Value)
		t := conv.CreatedAt
		switch cd.Op {
		case "eq":
			return !t.Before(from) && !t.After(to)
		case "not_eq":
			return t.Before(from) || t.After(to)
		case "gte":
			return !t.Before(from)
		case "lte":
			return !t.After(to)
		}
		return false
	}
	var v string
	switch cd.Field {
	case "id":
		v = conv.ID
	case "kind":
		v = string(conv.Kind)
	case "title":
		v = conv.Title
	case "customType":
		v = conv.CustomType
	}
	lv, lw := strings.ToLower(v), strings.ToLower(cd.Value)
	switch cd.Op {
	case "eq":
		return v == cd.Value
	case "not_eq":
		return v != cd.Value
	case "gte":
		return v >= cd.Value
	case "lte":
		return v <= cd.Value
	case "contains":
		return strings.Contains(lv, lw)
	case "begins":
		return strings.HasPrefix(lv, lw)
	case "ends":
		return strings.HasSuffix(lv, lw)
	case "in":
		for _, x := range strings.Split(cd.Value, ",") {
			if strings.TrimSpace(x) == v {
				return true
			}
		}
	}
	return false
}

// FindConversations lists the caller's conversations (as ListConversations
// does: most recent activity first) that meet every condition, one page of
// them, with the number of all that meet them.
func (s *Service) FindConversations(ctx context.Context, c *Caller, q ConversationQuery, conds []ConversationCondition) ([]*Conversation, int, error) {
	if err := checkConditions(conds); err != nil {
		return nil, 0, err
	}
	if err := c.inApp(); err != nil {
		return nil, 0, err
	}
	page, err := s.page(q.Page)
	if err != nil {
		return nil, 0, err
	}
	if page.After != "" || page.Before != "" {
		return nil, 0, Invalidf("after", "a filtered list pages by skip and limit only")
	}
	f, err := s.conversationFilter(c, ConversationQuery{Kinds: q.Kinds, Page: Page{Limit: s.limits.MaxPageSize}})
	if err != nil {
		return nil, 0, err
	}
	var out []*Conversation
	total := 0
	err = s.read(ctx, func(tx Tx) error {
		for scanned := 0; scanned < maxFilterScan; {
			batch, err := tx.ListConversations(f)
			if err != nil {
				return err
			}
			for _, conv := range batch {
				ok := true
				for _, cd := range conds {
					if !cd.match(conv) {
						ok = false
						break
					}
				}
				if ok {
					if total >= page.Skip && len(out) < page.Limit {
						out = append(out, conv)
					}
					total++
				}
			}
			scanned += len(batch)
			if len(batch) < f.Page.Limit {
				break
			}
			f.Page.After = batch[len(batch)-1].ID // keyset: on from the last one read
		}
		return s.decorate(tx, c, out)
	})
	return out, total, err
}
