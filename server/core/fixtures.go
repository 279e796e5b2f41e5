package core

import (
	"context"
	"fmt"
)

// Fixtures is the document docs/domain.md describes: apps with their users
// (verbatim tokens and passwords), teams, conversations and messages.
type Fixtures struct {
	Apps []FixtureApp
}

// FixtureApp is one app of a fixture document.
type FixtureApp struct {
	AppInput
	Users         []FixtureUser
	Teams         []TeamInput
	Conversations []ConversationInput // OwnerID names the owner
	Messages      []FixtureMessage
}

// FixtureUser is a user with an optional verbatim token.
type FixtureUser struct {
	UserInput
	Token string
}

// FixtureMessage is a message sent by From.
type FixtureMessage struct {
	SendInput
	From string
}

// LoadFixtures loads the document in one transaction: all of it or nothing.
// Messages go through the same rules as sent ones.
// An app of the document that exists already is loaded again when it is
// empty (it was just reset); one that holds data is a conflict.
// Only Parley's admin loads fixtures. Passwords are hashed before the
// transaction begins, and the document's size is capped, so that loading
// one never holds the writer for long.
func (s *Service) LoadFixtures(ctx context.Context, c *Caller, f Fixtures) error {
	if err := s.prepareFixtures(c, f); err != nil {
		return err
	}
	defer s.auth.reset() // credentials may have changed
	return s.write(ctx, func(tx Tx) error {
		for i, fa := range f.Apps {
			if err := s.loadFixtureApp(tx, fa); err != nil {
				return prefixError(fmt.Sprintf("apps[%d]", i), err)
			}
		}
		return nil
	})
}

// prepareFixtures checks the caller and the document's size, and hashes
// its passwords, before any transaction begins.
func (s *Service) prepareFixtures(c *Caller, f Fixtures) error {
	if err := allow(c, actAdmin, nil); err != nil {
		return err
	}
	n := 0
	for i := range f.Apps {
		fa := &f.Apps[i]
		n += 1 + len(fa.Users) + len(fa.Teams) + len(fa.Conversations) + len(fa.Messages)
		for j := range fa.Users {
			if err := s.hashPassword(&fa.Users[j].UserInput); err != nil {
				return err
			}
		}
	}
	if n > s.limits.FixtureItems {
		return Invalidf("apps", "the document holds %d items; at most %d load at once (split it)", n, s.limits.FixtureItems)
	}
	return nil
}

func (s *Service) loadFixtureApp(tx Tx, fa FixtureApp) error {
	if fa.SecretKey == "" || fa.PublicKey == "" {
		return Invalidf("publicKey", "fixtures give every app its publicKey and secretKey")
	}
	if err := s.checkID("id", fa.ID); err != nil {
		return err
	}
	if err := s.replaceEmptyApp(tx, fa.ID); err != nil {
		return err
	}
	app := &App{ID: fa.ID, Name: fa.Name, PublicKey: fa.PublicKey, SecretHash: HashSecret(fa.SecretKey), CreatedAt: s.Now()}
	if err := tx.InsertApp(app, app.SecretHash); err != nil {
		return err
	}
	appCaller := &Caller{app: app, trusted: true}
	users := map[string]*User{}
	for i, fu := range fa.Users {
		u, err := s.createUser(tx, app, fu.UserInput)
		if err != nil {
			return prefixError(fmt.Sprintf("users[%d]", i), err)
		}
		users[u.ID] = u
		if fu.Token != "" {
			t := &Token{AppPK: app.PK, UserPK: u.PK, Hash: HashSecret(fu.Token), CreatedAt: s.Now()}
			if err := tx.InsertToken(t); err != nil {
				return prefixError(fmt.Sprintf("users[%d].token", i), err)
			}
		}
	}
	for i, ft := range fa.Teams {
		if _, err := s.createTeam(tx, app, ft); err != nil {
			return prefixError(fmt.Sprintf("teams[%d]", i), err)
		}
	}
	for i, fc := range fa.Conversations {
		if _, _, err := s.createConversation(tx, appCaller, fc); err != nil {
			return prefixError(fmt.Sprintf("conversations[%d]", i), err)
		}
	}
	for i, fm := range fa.Messages {
		u := users[fm.From]
		if u == nil {
			return Invalidf(fmt.Sprintf("messages[%d].from", i), "unknown user %q", fm.From)
		}
		in := fm.SendInput
		if in.Dialect == "" {
			in.Dialect = "fixtures"
		}
		if err := s.checkSend(&in); err != nil {
			return prefixError(fmt.Sprintf("messages[%d]", i), err)
		}
		if _, _, _, err := s.send(tx, &Caller{app: app, user: u, trusted: true}, in); err != nil {
			return prefixError(fmt.Sprintf("messages[%d]", i), err)
		}
	}
	return nil
}

// prefixError names where in a document an *Error happened.
func prefixError(where string, err error) error {
	if e, ok := err.(*Error); ok {
		out := *e
		out.Message = where + ": " + e.Message
		if out.Field != "" {
			out.Field = where + "." + out.Field
		} else {
			out.Field = where
		}
		return &out
	}
	return fmt.Errorf("%s: %w", where, err)
}
