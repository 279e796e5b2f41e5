// Package webhook delivers an app's events to the URLs it registered: each
// a signed JSON POST, from a bounded queue, retried with exponential
// backoff, never holding up the request that made the event.
package webhook

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"sync"
	"time"

	"parley/server/core"
	"parley/server/realtime"
)

// Headers of every delivery.
const (
	HeaderSignature = "X-Parley-Signature" // t=UNIX,v1=HEX: HMAC-SHA256 of "UNIX.BODY" with the webhook's secret
	HeaderDelivery  = "X-Parley-Delivery"  // the delivery's id, also the body's "id"; the same on every retry
	HeaderEvent     = "X-Parley-Event"     // the event type
)

// Options configure a Dispatcher; zero fields get the defaults in brackets.
type Options struct {
	Client      *http.Client  // [10 s timeout, no redirects]
	Queue       int           // deliveries waiting for a worker [1024]
	Workers     int           // concurrent POSTs [4]
	MaxAttempts int           // attempts before giving up [6]
	Backoff     time.Duration // wait before the first retry, doubling after each [1 s]
	MaxBackoff  time.Duration // longest wait between attempts [5 min]
	Keep        int           // recent deliveries kept per webhook [100]
	Logger      *slog.Logger
}

// Dispatcher implements core.Deliverer.
type Dispatcher struct {
	o      Options
	queue  chan *job
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup

	mu     sync.Mutex // guards closed, recent and every record
	closed bool
	recent map[int64]*records
}

var _ core.Deliverer = (*Dispatcher)(nil)

// job is one delivery: the request to make, and its record.
type job struct {
	url, secret string
	body        []byte
	rec         *core.Delivery
}

// New starts a dispatcher's workers; Close stops them.
func New(o Options) *Dispatcher {
	if o.Client == nil {
		o.Client = &http.Client{Timeout: 10 * time.Second,
			// A receiver answers; it does not send the delivery elsewhere.
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	}
	if o.Queue <= 0 {
		o.Queue = 1024
	}
	if o.Workers <= 0 {
		o.Workers = 4
	}
	if o.MaxAttempts <= 0 {
		o.MaxAttempts = 6
	}
	if o.Backoff <= 0 {
		o.Backoff = time.Second
	}
	if o.MaxBackoff <= 0 {
		o.MaxBackoff = 5 * time.Minute
	}
	if o.Keep <= 0 {
		o.Keep = 100
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	d := &Dispatcher{o: o, queue: make(chan *job, o.Queue), recent: make(map[int64]*records)}
	d.ctx, d.cancel = context.WithCancel(context.Background())
	for range o.Workers {
		d.wg.Go(d.work)
	}
	return d
}

// Deliver queues e for each webhook without waiting; a full queue fails the
// delivery at once (recorded) rather than slow the caller.
func (d *Dispatcher) Deliver(e core.Event, hooks []*core.Webhook) {
	now := time.Now().UTC()
	for _, h := range hooks {
		id := newID()
		body, err := realtime.MarshalEnvelope(id, &e, nil)
		if err != nil {
			d.o.Logger.Error("webhook: encode", "type", e.Type, "err", err)
			continue
		}
		rec := &core.Delivery{ID: id, WebhookID: h.ID, EventType: e.Type, Status: core.DeliveryPending, CreatedAt: now, UpdatedAt: now}
		d.mu.Lock()
		r := d.recent[h.PK]
		if r == nil {
			r = &records{keep: d.o.Keep}
			d.recent[h.PK] = r
		}
		r.add(rec)
		d.mu.Unlock()
		d.enqueue(&job{url: h.URL, secret: h.Secret, body: body, rec: rec})
	}
}

// enqueue offers j to the workers, failing it when the queue is full or
// the dispatcher closed.
func (d *Dispatcher) enqueue(j *job) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed {
		d.failLocked(j, "server shut down")
		return
	}
	select {
	case d.queue <- j:
	default:
		d.failLocked(j, "queue full")
	}
}

func (d *Dispatcher) failLocked(j *job, why string) {
	j.rec.Status, j.rec.Error, j.rec.NextTryAt, j.rec.UpdatedAt = core.DeliveryFailed, why, time.Time{}, time.Now().UTC()
}

func (d *Dispatcher) work() {
	for {
		select {
		case j := <-d.queue:
			d.attempt(j)
		case <-d.ctx.Done():
			return
		}
	}
}

// attempt POSTs j once and records the outcome: delivered on a 2xx answer,
// else a retry after a backoff, or failed after the last attempt.
func (d *Dispatcher) attempt(j *job) {
	status, err := d.post(j)
	d.mu.Lock()
	defer d.mu.Unlock()
	rec := j.rec
	rec.Attempts++
	rec.StatusCode, rec.UpdatedAt, rec.NextTryAt = status, time.Now().UTC(), time.Time{}
	switch {
	case err == nil && status >= 200 && status < 300:
		rec.Status, rec.Error = core.DeliveryDelivered, ""
		return
	case err != nil:
		rec.Error = err.Error()
	default:
		rec.Error = "answered " + strconv.Itoa(status)
	}
	if rec.Attempts >= d.o.MaxAttempts || d.closed {
		rec.Status = core.DeliveryFailed
		return
	}
	wait := d.backoff(rec.Attempts)
	rec.Status, rec.NextTryAt = core.DeliveryRetrying, rec.UpdatedAt.Add(wait)
	// A timer, not a sleeping worker: the other deliveries go on meanwhile.
	time.AfterFunc(wait, func() { d.enqueue(j) })
}

// backoff is the wait after the n-th failed attempt: Backoff, doubled each
// time, at most MaxBackoff.
func (d *Dispatcher) backoff(n int) time.Duration {
	wait := d.o.Backoff
	for range n - 1 {
		if wait *= 2; wait >= d.o.MaxBackoff {
			return d.o.MaxBackoff
		}
	}
	return wait
}

func (d *Dispatcher) post(j *job) (int, error) {
	req, err := http.NewRequestWithContext(d.ctx, http.MethodPost, j.url, bytes.NewReader(j.body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "Parley-Webhook/1")
	req.Header.Set(HeaderDelivery, j.rec.ID)
	req.Header.Set(HeaderEvent, j.rec.EventType)
	req.Header.Set(HeaderSignature, Sign(j.secret, time.Now(), j.body))
	resp, err := d.o.Client.Do(req)
	if err != nil {
		return 0, err
	}
	resp.Body.Close()
	return resp.StatusCode, nil
}

// Deliveries returns the webhook's recent deliveries, newest first.
func (d *Dispatcher) Deliveries(webhookPK int64, limit int) []core.Delivery {
	d.mu.Lock()
	defer d.mu.Unlock()
	r := d.recent[webhookPK]
	if r == nil {
		return nil
	}
	return r.newest(limit)
}

// Close stops the workers and abandons the deliveries not yet made
// (recorded as failed when they come up).
func (d *Dispatcher) Close() {
	d.mu.Lock()
	d.closed = true
	d.mu.Unlock()
	d.cancel()
	d.wg.Wait()
}

// Sign returns the signature header of body sent at t: "t=UNIX,v1=HEX",
// HEX being the HMAC-SHA256 of "UNIX.BODY" keyed with the secret. The time
// lets receivers refuse replays of old deliveries.
func Sign(secret string, t time.Time, body []byte) string {
	ts := strconv.FormatInt(t.Unix(), 10)
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(ts))
	mac.Write([]byte("."))
	mac.Write(body)
	return fmt.Sprintf("t=%s,v1=%s", ts, hex.EncodeToString(mac.Sum(nil)))
}

func newID() string {
	b := make([]byte, 12)
	if _, err := rand.Read(b); err != nil {
		panic("webhook: crypto/rand failed: " + err.Error())
	}
	return hex.EncodeToString(b)
}

// records keeps a webhook's last deliveries in a ring.
type records struct {
	keep int
	buf  []*core.Delivery
	next int
}

func (r *records) add(d *core.Delivery) {
	if len(r.buf) < r.keep {
		r.buf = append(r.buf, d)
		return
	}
	r.buf[r.next] = d
	r.next = (r.next + 1) % r.keep
}

// newest copies up to limit records, newest first.
func (r *records) newest(limit int) []core.Delivery {
	n := min(limit, len(r.buf))
	out := make([]core.Delivery, 0, n)
	for i := range n {
		// The newest is just before next (or the last, until the ring fills).
		idx := (r.next - 1 - i + 2*len(r.buf)) % len(r.buf)
		if len(r.buf) < r.keep {
			idx = len(r.buf) - 1 - i
		}
		out = append(out, *r.buf[idx])
	}
	return out
}
