package core

import "sync"

// Presence: who holds an open event stream. The realtime endpoint
// registers each stream of a user when it opens and releases it when it
// closes; a user with at least one open stream is online. It is kept in
// memory only, never in the database: a restarted server has nobody
// online until their clients reconnect.

// presence counts the open streams of each user, by user key.
type presence struct {
	mu   sync.Mutex
	open map[int64]int
}

// hold counts one more open stream of the user.
func (p *presence) hold(userPK int64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.open == nil {
		p.open = make(map[int64]int)
	}
	p.open[userPK]++
}

// release counts one stream fewer; the user is offline at none.
func (p *presence) release(userPK int64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.open[userPK]--; p.open[userPK] <= 0 {
		delete(p.open, userPK)
	}
}

// online reports whether the user holds an open stream.
func (p *presence) online(userPK int64) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.open[userPK] > 0
}

// HoldPresence marks the watch's user online for as long as the stream
// is open: call the returned release when it closes (more than once is
// harmless). Two streams keep a user online until both are released. A
// watch without a user (the app's or the admin's) holds nothing.
func (s *Service) HoldPresence(w *Watch) (release func()) {
	if w == nil || w.User == nil {
		return func() {}
	}
	pk := w.User.PK
	s.presence.hold(pk)
	var once sync.Once
	return func() { once.Do(func() { s.presence.release(pk) }) }
}

// Online reports whether the user (by key) holds an open event stream.
func (s *Service) Online(userPK int64) bool { return s.presence.online(userPK) }

// markOnline sets Online on each member holding an open event stream.
func (s *Service) markOnline(members []*Member) {
	for _, m := range members {
		m.Online = s.presence.online(m.UserPK)
	}
}
