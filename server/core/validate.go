package core

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// checkID validates a client-chosen id: 1 to IDLength runes, printable, no
// slash (ids travel in URL paths).
func (s *Service) checkID(field, id string) error {
	if id == "" {
		return Invalidf(field, "%s must not be empty", field)
	}
	if n := utf8.RuneCountInString(id); n > s.limits.IDLength {
		return Invalidf(field, "%s is %d characters long; at most %d are allowed", field, n, s.limits.IDLength)
	}
	if !utf8.ValidString(id) {
		return Invalidf(field, "%s is not valid UTF-8", field)
	}
	for _, r := range id {
		if r == '/' || unicode.IsControl(r) || unicode.IsSpace(r) {
			return Invalidf(field, "%s must not contain slashes, spaces or control characters", field)
		}
	}
	return nil
}

// checkOptionalID is checkID for ids that may be left out.
func (s *Service) checkOptionalID(field, id string) error {
	if id == "" {
		return nil
	}
	return s.checkID(field, id)
}

// checkNewID validates the id a client chooses for a new row (empty: the
// store makes one): a valid id that does not start with "#", which
// introduces a key reference (see KeyRef).
func (s *Service) checkNewID(field, id string) error {
	if strings.HasPrefix(id, "#") {
		return Invalidf(field, "%s must not start with #", field)
	}
	return s.checkOptionalID(field, id)
}

// checkText validates free text against a rune limit.
func checkText(field, text string, max int) error {
	if !utf8.ValidString(text) {
		return Invalidf(field, "%s is not valid UTF-8", field)
	}
	if n := utf8.RuneCountInString(text); n > max {
		return Invalidf(field, "%s is %d characters long; at most %d are allowed", field, n, max)
	}
	return nil
}

// checkJSON validates the size of an opaque JSON document (its syntax is the
// dialect's business: it decoded it).
func (s *Service) checkJSON(field string, doc []byte) error {
	if len(doc) > s.limits.MetadataBytes {
		return Invalidf(field, "%s is %d bytes; at most %d are allowed", field, len(doc), s.limits.MetadataBytes)
	}
	return nil
}

// checkIDs validates a batch of ids: not empty unless allowed, not too many,
// each a valid id.
func (s *Service) checkIDs(field string, ids []string, allowEmpty bool) error {
	if len(ids) == 0 && !allowEmpty {
		return Invalidf(field, "%s must list at least one id", field)
	}
	if len(ids) > s.limits.BatchIDs {
		return Invalidf(field, "%s lists %d ids; at most %d are allowed", field, len(ids), s.limits.BatchIDs)
	}
	for _, id := range ids {
		if err := s.checkID(field, id); err != nil {
			return err
		}
	}
	return nil
}

// dedupe returns ids without repeats, in first-seen order.
func dedupe(ids []string) []string {
	seen := make(map[string]bool, len(ids))
	out := ids[:0:0]
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

func trimmed(s string) string { return strings.TrimSpace(s) }
