package core

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"time"
)

// Limits are the sizes the core accepts, the same for every dialect.
type Limits struct {
	IDLength      int // runes in any client-chosen id
	BodyLength    int // runes in a message body
	NameLength    int // runes in titles, display names, reaction names
	MetadataBytes int // bytes of one metadata / data JSON document
	Attachments   int // attachments on one message
	Mentions      int // mentions on one message
	Recipients    int // recipients of one message
	Tags          int // tags on one message
	BatchIDs      int // ids in one batch call (delete, forward, broadcast targets, members added)
	BatchWrites   int // messages one call writes (forward's messages × targets, broadcast)
	FixtureItems  int // apps, users, teams, conversations and messages in one fixture document
	// ReactionsPerUser and ReactionsPerMessage cap reactions, so that no
	// user can grow a message (and every page holding it) without bound.
	ReactionsPerUser    int
	ReactionsPerMessage int
	PageSize            int // default page size
	MaxPageSize         int // largest page a list returns
	MaxSkip             int // largest offset a list skips (past it, page with cursors)
	TokenTTL            time.Duration
	MaxUploadBytes      int64
}

// DefaultLimits are the limits Parley runs with: the largest any of the five
// platforms documents, so that every dialect's clients fit.
var DefaultLimits = Limits{
	IDLength:            150,
	BodyLength:          20000,
	NameLength:          200,
	MetadataBytes:       100 * 1024,
	Attachments:         20,
	Mentions:            100,
	Recipients:          1000,
	Tags:                10,
	BatchIDs:            200,
	BatchWrites:         1000,
	FixtureItems:        50_000,
	ReactionsPerUser:    20,
	ReactionsPerMessage: 500,
	PageSize:            50,
	MaxPageSize:         200,
	MaxSkip:             1000,
	TokenTTL:            14 * 24 * time.Hour,
	MaxUploadBytes:      1 << 30,
}

// Service holds every rule of Parley. Dialects and the admin API call it and
// nothing else: it validates, asks the policy, runs one transaction on the
// Store and publishes events after commit.
type Service struct {
	store  Store
	blobs  Blobs
	pub    Publisher
	now    func() time.Time
	token  func() string
	log    *slog.Logger
	limits Limits
	auth   *CredentialCache
	watch  watchers     // waiters of WaitMessages
	prune  retention    // retention bounds (retention.go)
	rate   *rateLimiter // nil: no rate limits
	// passwords hashes and checks user passwords.
	passwords *passwords
	typing    *typingState
	hooks     *hookIndex
	presence  presence    // who holds an open event stream (presence.go)
	blobMu    blobLock    // files: blob commits and removals
	slots     uploadSlots // files: uploads reserved for a later PUT
}

// Options configure a Service. Zero fields get defaults: the wall clock,
// random tokens, a discarding publisher and DefaultLimits.
type Options struct {
	Store     Store
	Blobs     Blobs
	Publisher Publisher
	Now       func() time.Time
	NewToken  func() string
	Logger    *slog.Logger
	Limits    *Limits
	// RateLimits, when set, bound credential calls from the network.
	RateLimits *RateLimits
	// PasswordIterations is the PBKDF2 work factor of new password hashes;
	// 0: DefaultPasswordIterations. Throwaway instances may lower it.
	PasswordIterations int
	// TypingTTL is how long a typing indicator lasts without renewal
	// (DefaultTypingTTL when 0).
	TypingTTL time.Duration
	// AfterFunc schedules f after d (time.AfterFunc when nil); tests give
	// one they fire themselves.
	AfterFunc func(d time.Duration, f func()) Timer
	// Webhooks delivers events to the apps' webhooks (none when nil).
	Webhooks Deliverer
}

// NewService returns a Service over the given store.
func NewService(o Options) *Service {
	s := &Service{store: o.Store, blobs: o.Blobs, pub: o.Publisher, now: o.Now, token: o.NewToken, log: o.Logger, limits: DefaultLimits, auth: credentialsOf(o.Store), passwords: newPasswords(o.PasswordIterations)}
	if s.pub == nil {
		s.pub = NopPublisher{}
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.token == nil {
		s.token = randomToken
	}
	if s.log == nil {
		s.log = slog.Default()
	}
	if o.RateLimits != nil {
		s.rate = newRateLimiter(*o.RateLimits)
	}
	if o.Limits != nil {
		s.limits = *o.Limits
	}
	if o.TypingTTL <= 0 {
		o.TypingTTL = DefaultTypingTTL
	}
	if o.AfterFunc == nil {
		o.AfterFunc = afterFunc
	}
	s.typing = newTypingState(o.TypingTTL, o.AfterFunc, s.Now, s.publish)
	s.hooks = &hookIndex{deliverer: o.Webhooks}
	return s
}

// Limits returns the limits the service enforces.
func (s *Service) Limits() Limits { return s.limits }

// Now returns the service clock's time, at the millisecond precision the
// store keeps.
func (s *Service) Now() time.Time { return s.now().UTC().Truncate(time.Millisecond) }

// publish hands committed events to the publisher and the webhooks.
func (s *Service) publish(events ...Event) {
	for _, e := range events {
		s.pub.Publish(e)
		s.hooks.deliver(s, e)
		s.watch.notify(e.AppPK)
	}
}

func randomToken() string {
	b := make([]byte, 24)
	if _, err := rand.Read(b); err != nil {
		panic("core: crypto/rand failed: " + err.Error())
	}
	return hex.EncodeToString(b)
}

// read and write are the Store's units of work, named for brevity.
func (s *Service) read(ctx context.Context, fn func(Tx) error) error {
	return s.store.Read(ctx, fn)
}

func (s *Service) write(ctx context.Context, fn func(Tx) error) error {
	return s.store.Write(ctx, fn)
}
