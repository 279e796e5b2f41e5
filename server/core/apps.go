package core

import (
	"context"
)

// AppInput creates an app. Empty keys are generated.
type AppInput struct {
	ID        string
	Name      string
	PublicKey string
	SecretKey string
}

// CreateApp creates an app and returns it with its secret key (shown once).
// Only Parley's admin API calls it.
func (s *Service) CreateApp(ctx context.Context, c *Caller, in AppInput) (*App, string, error) {
	if err := allow(c, actAdmin, nil); err != nil {
		return nil, "", err
	}
	if err := s.checkOptionalID("id", in.ID); err != nil {
		return nil, "", err
	}
	if err := checkText("name", in.Name, s.limits.NameLength); err != nil {
		return nil, "", err
	}
	if in.PublicKey == "" {
		in.PublicKey = s.token()
	}
	if in.SecretKey == "" {
		in.SecretKey = s.token()
	}
	if err := s.checkID("publicKey", in.PublicKey); err != nil {
		return nil, "", err
	}
	if err := checkText("secretKey", in.SecretKey, s.limits.IDLength); err != nil {
		return nil, "", err
	}
	app := &App{ID: in.ID, Name: in.Name, PublicKey: in.PublicKey, SecretHash: HashSecret(in.SecretKey), CreatedAt: s.Now()}
	if err := s.write(ctx, func(tx Tx) error { return tx.InsertApp(app, app.SecretHash) }); err != nil {
		return nil, "", err
	}
	return app, in.SecretKey, nil
}

// ListApps lists every app.
func (s *Service) ListApps(ctx context.Context, c *Caller) ([]*App, error) {
	if err := allow(c, actAdmin, nil); err != nil {
		return nil, err
	}
	var apps []*App
	err := s.read(ctx, func(tx Tx) (err error) {
		apps, err = tx.ListApps()
		return err
	})
	return apps, err
}

// DeleteApp removes an app and everything in it.
func (s *Service) DeleteApp(ctx context.Context, c *Caller, id string) error {
	if err := allow(c, actAdmin, nil); err != nil {
		return err
	}
	defer s.auth.reset()       // credentials may have changed
	defer s.hooks.invalidate() // webhooks go with their app
	return s.write(ctx, func(tx Tx) error {
		app, err := tx.AppByID(id)
		if err != nil {
			return err
		}
		return tx.DeleteApp(app.PK)
	})
}

// ResetApp empties an app (users, conversations, messages, files) but keeps
// the app and its keys.
func (s *Service) ResetApp(ctx context.Context, c *Caller, id string) (*App, error) {
	if err := allow(c, actAdmin, nil); err != nil {
		return nil, err
	}
	defer s.auth.reset()       // credentials may have changed
	defer s.hooks.invalidate() // webhooks go with their app
	var app *App
	err := s.write(ctx, func(tx Tx) error {
		old, err := tx.AppByID(id)
		if err != nil {
			return err
		}
		kept, own, err := tx.AppRetention(old.PK) // the app's own bounds outlast a reset
		if err != nil {
			return err
		}
		if err := tx.DeleteApp(old.PK); err != nil {
			return err
		}
		app = &App{ID: old.ID, Name: old.Name, PublicKey: old.PublicKey, SecretHash: old.SecretHash, CreatedAt: old.CreatedAt}
		if err := tx.InsertApp(app, app.SecretHash); err != nil || !own {
			return err
		}
		return tx.SetAppRetention(app.PK, kept)
	})
	return app, err
}

// ResetAll removes every app. Admin tokens stay.
func (s *Service) ResetAll(ctx context.Context, c *Caller) error {
	if err := allow(c, actAdmin, nil); err != nil {
		return err
	}
	defer s.auth.reset()       // credentials may have changed
	defer s.hooks.invalidate() // webhooks go with their app
	return s.write(ctx, func(tx Tx) error {
		apps, err := tx.ListApps()
		if err != nil {
			return err
		}
		for _, a := range apps {
			if err := tx.DeleteApp(a.PK); err != nil {
				return err
			}
		}
		return nil
	})
}

// notFoundAs turns an ENOTFOUND into the given error (an unknown id in an
// input is the input's fault), and leaves other errors alone.
func notFoundAs(err error, instead *Error) error {
	if ErrorCode(err) == ENOTFOUND {
		return instead
	}
	return err
}
