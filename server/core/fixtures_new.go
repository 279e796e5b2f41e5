package core

import (
	"context"
	"fmt"
)

// replaceEmptyApp deletes the app of that id if it exists and holds no
// users, teams or conversations, so that a fixture document loads into it
// again after a reset; an app holding data is a conflict.
func (s *Service) replaceEmptyApp(tx Tx, id string) error {
	old, err := tx.AppByID(id)
	if ErrorCode(err) == ENOTFOUND {
		return nil
	}
	if err != nil {
		return err
	}
	users, err := tx.ListUsers(old.PK, Page{Limit: 1})
	if err != nil {
		return err
	}
	teams, err := tx.ListTeams(old.PK, Page{Limit: 1})
	if err != nil {
		return err
	}
	convs, err := tx.ListConversations(ConversationFilter{AppPK: old.PK, Page: Page{Limit: 1}})
	if err != nil {
		return err
	}
	if len(users)+len(teams)+len(convs) > 0 {
		return Errorf(ECONFLICT, "app %q exists and holds data: reset it first, or load the document as a new app", id)
	}
	return tx.DeleteApp(old.PK)
}

// LoadedApp is an app a fixture document was loaded into under a new id,
// with the credentials the load gave it.
type LoadedApp struct {
	FixtureID string // the app's id in the document
	App       *App
	SecretKey string
	Tokens    map[string]string // user id → token
}

// LoadFixturesAsNew loads each app of the document into a new app with a
// generated id, so that parallel test suites load the same document into
// one instance without seeing each other. The app's keys and its users'
// tokens get the same generated suffix (keys and tokens are unique across
// the instance); ids of users, conversations and messages stay as
// written, since they are unique within an app only. All or nothing.
func (s *Service) LoadFixturesAsNew(ctx context.Context, c *Caller, f Fixtures) ([]LoadedApp, error) {
	out := make([]LoadedApp, len(f.Apps))
	apps := make([]FixtureApp, len(f.Apps)) // the caller's document stays as it was
	for i, fa := range f.Apps {
		suffix := s.token()
		if len(suffix) > 10 {
			suffix = suffix[:10]
		}
		out[i] = LoadedApp{FixtureID: fa.ID, Tokens: map[string]string{}}
		fa.ID = join(fa.ID, "app", suffix)
		fa.PublicKey = join(fa.PublicKey, "public", suffix)
		fa.SecretKey = join(fa.SecretKey, "secret", suffix)
		out[i].SecretKey = fa.SecretKey
		users := make([]FixtureUser, len(fa.Users))
		for k, u := range fa.Users {
			if u.Token != "" {
				u.Token += "-" + suffix
				out[i].Tokens[u.ID] = u.Token
			}
			users[k] = u
		}
		fa.Users = users
		apps[i] = fa
	}
	if err := s.prepareFixtures(c, Fixtures{Apps: apps}); err != nil {
		return nil, err
	}
	err := s.write(ctx, func(tx Tx) error {
		for i, fa := range apps {
			if err := s.loadFixtureApp(tx, fa); err != nil {
				return prefixError(fmt.Sprintf("apps[%d]", i), err)
			}
			app, err := tx.AppByID(fa.ID)
			if err != nil {
				return err
			}
			out[i].App = app
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func join(base, def, suffix string) string {
	if base == "" {
		base = def
	}
	return base + "-" + suffix
}
