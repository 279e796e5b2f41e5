package core

import "strings"

// UsernameRef is a reference to a user by username ("@" + username), which
// the calls that name users for App.net (pm destinations, ACL user lists)
// accept beside ids and key references.
func UsernameRef(username string) string { return "@" + username }

// usersByRefs resolves users named by id, key reference or username
// reference, in order and without repeats; an unknown one is an error
// naming field.
func (s *Service) usersByRefs(tx Tx, appPK int64, field string, refs []string) ([]*User, error) {
	var ids, names []string
	for _, r := range refs {
		if name, ok := strings.CutPrefix(r, "@"); ok && name != "" {
			names = append(names, name)
		} else {
			if err := s.checkID(field, r); err != nil {
				return nil, err
			}
			ids = append(ids, r)
		}
	}
	byRef := map[string]*User{}
	if len(ids) > 0 {
		for _, id := range ids {
			u, err := tx.UserByID(appPK, id)
			if err != nil {
				return nil, notFoundAs(err, Invalidf(field, "unknown user %q", id))
			}
			byRef[id] = u
		}
	}
	if len(names) > 0 {
		users, err := tx.UsersByUsernames(appPK, dedupe(names))
		if err != nil {
			return nil, err
		}
		for _, u := range users {
			byRef["@"+u.Username] = u
		}
	}
	var out []*User
	seen := map[int64]bool{}
	for _, r := range refs {
		u := byRef[r]
		if u == nil {
			return nil, Invalidf(field, "unknown user %q", r)
		}
		if !seen[u.PK] {
			seen[u.PK] = true
			out = append(out, u)
		}
	}
	return out, nil
}

// resolveMentionNames adds the users named in the text to m's mentions:
// usernames of no user are plain text, not an error (App.net mentions
// existing users only).
func (s *Service) resolveMentionNames(tx Tx, app *App, m *Message, names []string) error {
	if len(names) == 0 {
		return nil
	}
	if len(names) > s.limits.Mentions {
		names = names[:s.limits.Mentions]
	}
	users, err := tx.UsersByUsernames(app.PK, dedupe(names))
	if err != nil {
		return err
	}
	seen := map[int64]bool{}
	for _, x := range m.Mentions {
		seen[x.UserPK] = true
	}
	for _, u := range users {
		if !seen[u.PK] {
			seen[u.PK] = true
			m.Mentions = append(m.Mentions, Mention{UserPK: u.PK, UserID: u.ID, User: u, Order: len(m.Mentions) + 1})
		}
	}
	return nil
}
