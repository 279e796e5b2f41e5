package core

import (
	"context"
	"sync"
	"time"
)

// Retention bounds what an app keeps: at most MaxMessages messages (the
// oldest go first) and none older than MaxAge. A zero field does not bound.
type Retention struct {
	MaxMessages int
	MaxAge      time.Duration
}

// On reports whether r bounds anything.
func (r Retention) On() bool { return r.MaxMessages > 0 || r.MaxAge > 0 }

// pruneBatch is how many messages one pruning transaction deletes: small,
// so that the writer is never held long and sends go on in between.
const pruneBatch = 200

// retention holds the instance's bounds (from flags, set at start). Each
// app's own bounds are in the store: they outlast a restart and a reset of
// the app, and go with the app.
type retention struct {
	mu       sync.Mutex
	instance Retention
}

// SetRetention sets the instance's bounds, which apply to every app
// without its own.
func (s *Service) SetRetention(r Retention) {
	s.prune.mu.Lock()
	defer s.prune.mu.Unlock()
	s.prune.instance = r
}

func (s *Service) instanceRetention() Retention {
	s.prune.mu.Lock()
	defer s.prune.mu.Unlock()
	return s.prune.instance
}

// AppRetention returns the bounds that apply to the trusted caller's app
// and whether they are the app's own.
func (s *Service) AppRetention(ctx context.Context, c *Caller) (Retention, bool, error) {
	if err := c.inApp(); err != nil {
		return Retention{}, false, err
	}
	if err := allow(c, actInspect, nil); err != nil {
		return Retention{}, false, err
	}
	var r Retention
	var own bool
	err := s.read(ctx, func(tx Tx) (err error) {
		r, own, err = tx.AppRetention(c.app.PK)
		return err
	})
	if err != nil {
		return Retention{}, false, err
	}
	if !own {
		r = s.instanceRetention()
	}
	return r, own, nil
}

// SetAppRetention gives the trusted caller's app its own bounds (zero
// fields: unbounded), or returns it to the instance's when own is false.
func (s *Service) SetAppRetention(ctx context.Context, c *Caller, r Retention, own bool) error {
	if err := c.inApp(); err != nil {
		return err
	}
	if err := allow(c, actInspect, nil); err != nil {
		return err
	}
	if r.MaxMessages < 0 {
		return Invalidf("maxMessages", "maxMessages must not be negative")
	}
	if r.MaxAge < 0 {
		return Invalidf("maxAge", "maxAge must not be negative")
	}
	return s.write(ctx, func(tx Tx) error {
		if own {
			return tx.SetAppRetention(c.app.PK, r)
		}
		return tx.DeleteAppRetention(c.app.PK)
	})
}

// Prune deletes, in transactions of at most pruneBatch messages each, the
// messages that fall outside their app's bounds, then the files only they
// used and the blobs no file uses any more. It returns how many messages
// it deleted.
func (s *Service) Prune(ctx context.Context) (int, error) {
	var apps []*App
	var own map[int64]Retention
	err := s.read(ctx, func(tx Tx) (err error) {
		if apps, err = tx.ListApps(); err != nil {
			return err
		}
		own, err = tx.AppRetentions()
		return err
	})
	if err != nil {
		return 0, err
	}
	instance := s.instanceRetention()
	total := 0
	for _, app := range apps {
		r, ok := own[app.PK]
		if !ok {
			r = instance
		}
		if !r.On() {
			continue
		}
		for {
			n, err := s.pruneBatch(ctx, app, r)
			total += n
			if err != nil {
				return total, err
			}
			if n < pruneBatch {
				break
			}
		}
	}
	return total, nil
}

// pruneBatch deletes up to pruneBatch of the app's oldest messages that
// are past its bounds. It chooses them in a read and deletes them in a
// short write, so the writer only ever waits for the deletion. Age is
// judged in arrival order: a message is pruned once it and every message
// that arrived before it are past the age (a back-dated fixture message
// waits for its turn).
func (s *Service) pruneBatch(ctx context.Context, app *App, r Retention) (int, error) {
	var pks []int64
	err := s.read(ctx, func(tx Tx) error {
		oldest, created, err := tx.OldestMessages(app.PK, pruneBatch)
		if err != nil {
			return err
		}
		n := 0
		if r.MaxAge > 0 {
			cutoff := s.Now().Add(-r.MaxAge)
			for n < len(oldest) && created[n].Before(cutoff) {
				n++
			}
		}
		if r.MaxMessages > 0 && n < len(oldest) {
			count, err := tx.CountAppMessages(app.PK)
			if err != nil {
				return err
			}
			n = max(n, min(count-r.MaxMessages, len(oldest)))
		}
		pks = oldest[:n]
		return nil
	})
	if err != nil || len(pks) == 0 {
		return 0, err
	}
	// Uploads commit their blobs under blobMu: none can start using a blob
	// between the deletion of its last file and the blob's own.
	s.blobMu.Lock()
	defer s.blobMu.Unlock()
	var blobs []string
	if err := s.write(ctx, func(tx Tx) (err error) {
		blobs, err = tx.DeleteMessages(pks)
		return err
	}); err != nil {
		return 0, err
	}
	s.dropUnused(ctx, blobs)
	return len(pks), nil
}

// RunRetention prunes every interval until ctx ends. Errors are logged:
// the next round tries again.
func (s *Service) RunRetention(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if n, err := s.Prune(ctx); err != nil && ctx.Err() == nil {
			s.log.Error("retention: prune", "err", err)
		} else if n > 0 {
			s.log.Debug("retention: pruned", "messages", n)
		}
	}
}
