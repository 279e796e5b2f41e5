package core

import (
	"sync"
	"sync/atomic"
)

// watchers lets a core call wait for an app's next change without polling:
// publish closes the channel handed out for the app, waking every waiter at
// once; they then look again. With no waiter, publishing costs one atomic
// load.
type watchers struct {
	waiting atomic.Int64 // apps with a channel handed out
	mu      sync.Mutex
	byApp   map[int64]chan struct{}
}

// changed returns a channel closed at the app's next published event.
func (w *watchers) changed(appPK int64) <-chan struct{} {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.byApp == nil {
		w.byApp = make(map[int64]chan struct{})
	}
	ch := w.byApp[appPK]
	if ch == nil {
		ch = make(chan struct{})
		w.byApp[appPK] = ch
		w.waiting.Add(1)
	}
	return ch
}

// notify wakes the app's waiters.
func (w *watchers) notify(appPK int64) {
	if w.waiting.Load() == 0 {
		return
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if ch := w.byApp[appPK]; ch != nil {
		close(ch)
		delete(w.byApp, appPK)
		w.waiting.Add(-1)
	}
}
