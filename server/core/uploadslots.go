package core

import (
	"context"
	"io"
	"sync"
	"time"
)

// Reserved uploads: a client first asks for an upload URL and then sends
// the bytes there without credentials (Channelize's SDK uploads this way).
// The slot's token, unguessable, is the capability; it names the app, the
// uploader and the file's name and id, decided when it was reserved. Slots
// live in memory for UploadSlotTTL: a restart forgets them, and the client
// asks again.

// UploadSlotTTL is how long a reserved upload waits for its bytes.
const UploadSlotTTL = time.Hour

// UploadSlot is a reserved upload.
type UploadSlot struct {
	Token   string // goes in the upload URL
	FileID  string // the id the file will have
	Expires time.Time
}

type uploadSlot struct {
	UploadSlot
	caller   Caller // the uploader, as when the slot was reserved
	name     string
	mimeType string
}

// uploadSlots holds the reserved uploads (its zero value is ready).
type uploadSlots struct {
	mu sync.Mutex
	m  map[string]*uploadSlot
}

func (u *uploadSlots) put(sl *uploadSlot, now time.Time) {
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.m == nil {
		u.m = map[string]*uploadSlot{}
	}
	for k, old := range u.m { // few and short-lived: sweeping on each reserve is cheap
		if now.After(old.Expires) {
			delete(u.m, k)
		}
	}
	u.m[sl.Token] = sl
}

func (u *uploadSlots) get(token string, now time.Time) *uploadSlot {
	u.mu.Lock()
	defer u.mu.Unlock()
	sl := u.m[token]
	if sl == nil || now.After(sl.Expires) {
		return nil
	}
	return sl
}

func (u *uploadSlots) remove(token string) {
	u.mu.Lock()
	defer u.mu.Unlock()
	delete(u.m, token)
}

// ReserveUpload reserves an upload of a file called name for the caller:
// the bytes come later through CompleteUpload with the slot's token.
func (s *Service) ReserveUpload(ctx context.Context, c *Caller, name, mimeType string) (*UploadSlot, error) {
	if err := c.inApp(); err != nil {
		return nil, err
	}
	if err := allow(c, actUpload, nil); err != nil {
		return nil, err
	}
	if err := checkText("name", name, 4096); err != nil {
		return nil, err
	}
	sl := &uploadSlot{UploadSlot: UploadSlot{Token: s.token(), FileID: s.token(), Expires: s.Now().Add(UploadSlotTTL)},
		caller: *c, name: name, mimeType: mimeType}
	s.slots.put(sl, s.Now())
	out := sl.UploadSlot
	return &out, nil
}

// CompleteUpload receives the bytes of a reserved upload: the caller need
// prove nothing but the app (the token is the capability). The file is
// the reserver's, with the name and id reserved; a token is used once.
// An unknown or expired token is ENOTFOUND.
func (s *Service) CompleteUpload(ctx context.Context, c *Caller, token, mimeType string, body io.Reader) (*File, error) {
	if err := c.inApp(); err != nil {
		return nil, err
	}
	sl := s.slots.get(token, s.Now())
	if sl == nil || sl.caller.app.PK != c.app.PK {
		return nil, Errorf(ENOTFOUND, "no upload is waiting at this URL (or it expired)")
	}
	if mimeType == "" || mimeType == octetStream {
		mimeType = sl.mimeType
	}
	owner := sl.caller
	f, err := s.UploadFile(ctx, &owner, UploadInput{ID: sl.FileID, Name: sl.name, MimeType: mimeType, Body: body})
	if err != nil {
		return nil, err
	}
	s.slots.remove(token)
	return f, nil
}
