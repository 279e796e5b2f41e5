package core

// Page asks for one page of a list; every list pages the same way. Each
// list has one order, named in its doc (users: oldest first; members: in
// join order; conversations: most recent activity first; messages: newest
// first; reactions: in reaction order), and keeps it from page to page
// because it pages on keys, not offsets.
type Page struct {
	// After and Before are cursors: the id (or key reference) of an item
	// of the same list, usually the last or first item of the page before.
	// The page holds only items that come after After and before Before
	// in the list's order; an unknown cursor is EINVALID.
	After  string
	Before string
	// Reverse reads the list from its far end, so that with Before the
	// page holds the items nearest the cursor (paging back). Its items
	// come in reverse order.
	Reverse bool
	// Skip skips that many items first, for wires that page by offset
	// only. It is bounded by Limits.MaxSkip: its cost grows with it.
	Skip int
	// Limit is the page size: Limits.PageSize when 0, at most
	// Limits.MaxPageSize.
	Limit int
}

// List is one page of a list, in the order it was read, and whether More
// items follow past it in that direction.
type List[T any] struct {
	Items []T
	More  bool
}

// page checks and completes a Page: default size, bounded size and skip,
// valid cursors.
func (s *Service) page(p Page) (Page, error) {
	if p.Skip < 0 {
		return p, Invalidf("skip", "skip must not be negative")
	}
	if p.Skip > s.limits.MaxSkip {
		return p, Invalidf("skip", "skip must be at most %d; page on with a cursor", s.limits.MaxSkip)
	}
	if p.Limit < 0 {
		return p, Invalidf("limit", "limit must not be negative")
	}
	if p.Limit == 0 {
		p.Limit = s.limits.PageSize
	}
	if p.Limit > s.limits.MaxPageSize {
		return p, Invalidf("limit", "limit must be at most %d", s.limits.MaxPageSize)
	}
	if err := s.checkOptionalID("after", p.After); err != nil {
		return p, err
	}
	return p, s.checkOptionalID("before", p.Before)
}

// more asks the store for one item past the page, which tells whether the
// list goes on.
func more(p Page) Page {
	p.Limit++
	return p
}

// listOf makes the List of items read with more(p): at most p.Limit of
// them, and More when the store found the extra one.
func listOf[T any](items []T, p Page) List[T] {
	if len(items) > p.Limit {
		return List[T]{Items: items[:p.Limit], More: true}
	}
	if items == nil {
		items = []T{}
	}
	return List[T]{Items: items}
}
