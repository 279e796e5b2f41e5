package main

import (
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"parley/db"
	"parley/server/core"
)

// The reliability scenario (-scenario reliability) tries the real binary
// as an attacker and a crash would: kill -9 under concurrent sends, bad
// input on every route of every dialect, thousands of slow connections
// while a normal client chats, and guessed credentials. It prints what it
// found; bounded by -duration per phase.

// Reliability is what the scenario found.
type Reliability struct {
	// Durability: kill -9 rounds under concurrent sends with client ids.
	Kills     int    `json:"kills"`
	Acked     int    `json:"acknowledged"`
	Found     int    `json:"found"`
	Resent    int    `json:"resent"`   // acknowledged ids sent again after the last restart
	ResentOK  int    `json:"resentOk"` // of them, answered with the stored message
	Integrity string `json:"integrity"`
	// Bad inputs, by dialect.
	BadInputs []*BadInputs `json:"badInputs"`
	// Slow connections held while a normal client sends.
	Slow *SlowHold `json:"slow,omitempty"`
	// Guessed credentials, by dialect.
	Guessing []*Guessing `json:"guessing"`
	Notes    []string    `json:"notes,omitempty"`
}

// BadInputs is one dialect's bad requests.
type BadInputs struct {
	Dialect    string         `json:"dialect"`
	Operations int            `json:"operations"`
	Tried      int            `json:"tried"`
	Statuses   map[string]int `json:"statuses"`
	Err5xx     int            `json:"errors5xx"`
	Samples    []string       `json:"samples,omitempty"` // the 5xx, named
}

// SlowHold is the slow-connection phase.
type SlowHold struct {
	Wanted        int     `json:"wanted"`
	Held          int     `json:"held"`    // still open when the phase ended
	Refused       int     `json:"refused"` // could not be opened
	RSSBeforeMB   float64 `json:"rssBeforeMB"`
	RSSHoldingMB  float64 `json:"rssHoldingMB"`
	KiBEach       float64 `json:"kibEach"`
	Normal        int     `json:"normalRequests"`
	NormalErrors  int     `json:"normalErrors"`
	NormalP50MS   float64 `json:"normalP50Ms"`
	NormalP99MS   float64 `json:"normalP99Ms"`
	NormalMaxMS   float64 `json:"normalMaxMs"`
	BaselineP99MS float64 `json:"baselineP99Ms"` // the same client before the slow connections
}

// Guessing is one dialect's wrong credentials from an address of its own.
type Guessing struct {
	Dialect        string `json:"dialect"`
	Attempts       int    `json:"attempts"`
	Refused        int    `json:"refused"`   // 401/403: checked and wrong
	Throttled      int    `json:"throttled"` // 429
	WithRetryAfter int    `json:"withRetryAfter"`
	Other          int    `json:"other"`
	// RightRefused: a right credential from the throttled address was
	// refused too (429); RightElsewhere: from another address it worked.
	RightRefused   bool `json:"rightRefused"`
	RightElsewhere bool `json:"rightElsewhere"`
}

func b64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

// reliability runs the scenario's four phases.
func (b *bench) reliability(ctx context.Context) (*Reliability, error) {
	rel := &Reliability{}
	dir := filepath.Join(b.tmp, "reliability")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	fixtures := filepath.Join(b.root, "testdata", "fixtures.json")
	progress("reliability: kill -9 under load")
	if err := b.relDurability(ctx, rel, dir, fixtures); err != nil {
		return rel, fmt.Errorf("durability: %w", err)
	}
	progress("reliability: bad inputs")
	if err := b.relBadInputs(ctx, rel, dir, fixtures); err != nil {
		return rel, fmt.Errorf("bad inputs: %w", err)
	}
	progress("reliability: slow connections")
	if err := b.relSlow(ctx, rel, dir, fixtures); err != nil {
		return rel, fmt.Errorf("slow connections: %w", err)
	}
	progress("reliability: guessing")
	if err := b.relGuessing(ctx, rel, dir, fixtures); err != nil {
		return rel, fmt.Errorf("guessing: %w", err)
	}
	return rel, nil
}

// do sends one request with "Name: value" headers and returns the status,
// the Retry-After header and the body (status 0: no answer).
func do(ctx context.Context, hc *http.Client, method, url, contentType, body string, headers []string) (int, string, []byte) {
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, url, r)
	if err != nil {
		return 0, "", []byte(err.Error())
	}
	for _, h := range headers {
		k, v, _ := strings.Cut(h, ":")
		req.Header.Set(strings.TrimSpace(k), strings.TrimSpace(v))
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := hc.Do(req)
	if err != nil {
		return 0, "", []byte(err.Error())
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	return resp.StatusCode, resp.Header.Get("Retry-After"), data
}

// sendAs sends one Channelize message with a client id as alice.
func sendAs(ctx context.Context, hc *http.Client, base, id string) int {
	status, _, _ := do(ctx, hc, "POST", base+"/v2/messages/send", "application/json",
		fmt.Sprintf(`{"id":%q,"conversationId":"general","body":%q}`, id, "durable "+id),
		[]string{"Public-Key: demo-public", bearer64("alice-token")})
	return status
}

// relDurability kills the server (SIGKILL) three times under eight
// concurrent senders, restarts it, and finds every acknowledged message
// exactly as sent, with the database's integrity check clean.
func (b *bench) relDurability(ctx context.Context, rel *Reliability, dir, fixtures string) error {
	data := filepath.Join(dir, "data")
	args := []string{"--data", data, "--addr", "127.0.0.1:0", "--admin-token", adminToken, "--log-level", "warn"}
	hc := &http.Client{Timeout: 5 * time.Second}
	var mu sync.Mutex
	acked := map[string]bool{}
	const kills, senders = 3, 8
	round := b.cfg.Duration / kills
	for k := 0; k < kills; k++ {
		a := args
		if k == 0 {
			a = append(a, "--fixtures", fixtures)
		}
		in, err := start(ctx, b.bin, dir, a...)
		if err != nil {
			return err
		}
		stop := make(chan struct{})
		var wg sync.WaitGroup
		for s := 0; s < senders; s++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := 0; i < 100_000; i++ {
					select {
					case <-stop:
						return
					default:
					}
					id := fmt.Sprintf("k%d-s%d-%d", k, s, i)
					if st := sendAs(ctx, hc, in.base, id); st == http.StatusCreated || st == http.StatusOK {
						mu.Lock()
						acked[id] = true
						mu.Unlock()
					}
				}
			}()
		}
		select {
		case <-time.After(max(round, 300*time.Millisecond)):
		case <-ctx.Done():
		}
		_ = in.cmd.Process.Signal(syscall.SIGKILL) // mid-load: some sends are in flight
		<-in.waited
		close(stop)
		wg.Wait()
		rel.Kills++
	}
	rel.Acked = len(acked)
	in, err := start(ctx, b.bin, dir, args...)
	if err != nil {
		return err
	}
	for id := range acked {
		rel.Resent++
		if sendAs(ctx, hc, in.base, id) == http.StatusCreated {
			rel.ResentOK++
		}
		if rel.Resent == 20 {
			break
		}
	}
	in.stop()
	schema, err := os.ReadFile(filepath.Join(b.root, "schema.sql"))
	if err != nil {
		return err
	}
	store, err := db.Open(ctx, db.Options{Path: filepath.Join(data, "parley.db"), Schema: string(schema)})
	if err != nil {
		return err
	}
	defer store.Close()
	if rel.Integrity, err = store.IntegrityCheck(ctx); err != nil {
		return err
	}
	return store.Read(ctx, func(tx core.Tx) error {
		app, err := tx.AppByID("demo")
		if err != nil {
			return err
		}
		for id := range acked {
			m, err := tx.MessageByID(app.PK, id)
			if core.ErrorCode(err) == core.ENOTFOUND {
				continue
			}
			if err != nil {
				return err
			}
			if m.Body == "durable "+id {
				rel.Found++
			}
		}
		return nil
	})
}

// relBadInputs sends every route of every dialect's OpenAPI document its
// bad requests, as a member, and counts the answers. Each dialect gets a
// fresh instance: a probe that does get through (a DELETE of a user) must
// not leave the next dialect without its member.
func (b *bench) relBadInputs(ctx context.Context, rel *Reliability, dir, fixtures string) error {
	hc := &http.Client{Timeout: 10 * time.Second}
	deadline := time.Now().Add(max(b.cfg.Duration, 5*time.Second) * 4)
	for _, d := range relDialects {
		if err := b.relBadInputsOf(ctx, rel, d, hc, deadline, dir, fixtures); err != nil {
			return err
		}
	}
	return nil
}

func (b *bench) relBadInputsOf(ctx context.Context, rel *Reliability, d relDialect, hc *http.Client, deadline time.Time, dir, fixtures string) error {
	in, err := start(ctx, b.bin, dir, "--ephemeral", "--addr", "127.0.0.1:0", "--fixtures", fixtures,
		"--admin-token", adminToken, "--log-level", "warn")
	if err != nil {
		return err
	}
	defer in.stop()
	status, _, doc := do(ctx, hc, "GET", in.base+d.openapi, "", "", nil)
	if status != http.StatusOK {
		rel.Notes = append(rel.Notes, fmt.Sprintf("%s serves no OpenAPI document at %s (%d): its bad inputs were not tried", d.name, d.openapi, status))
		return nil
	}
	ops, err := operations(doc)
	if err != nil {
		return fmt.Errorf("%s openapi: %w", d.name, err)
	}
	bi := &BadInputs{Dialect: d.name, Operations: len(ops), Statuses: map[string]int{}}
	rel.BadInputs = append(rel.BadInputs, bi)
	for _, op := range ops {
		for _, p := range probes(op) {
			if time.Now().After(deadline) || ctx.Err() != nil {
				rel.Notes = append(rel.Notes, "bad inputs: stopped at the phase's time bound")
				return nil
			}
			st, _, body := do(ctx, hc, p.method, in.base+mapIDs(p.path, d.ids), p.contentType, p.body, d.member)
			bi.Tried++
			bi.Statuses[strconv.Itoa(st)]++
			if st >= 500 || st == 0 {
				bi.Err5xx++
				if len(bi.Samples) < 5 {
					bi.Samples = append(bi.Samples, fmt.Sprintf("%s %s (%s): %d %.120s", p.method, op.path, p.what, st, body))
				}
			}
		}
	}
	return nil
}

// slowConns is how many slow connections the slow phase holds.
const slowConns = 3000

// relGuessing sends each dialect's wrong credential from an address of its
// own (127.0.0.10 and up) with limits on, as a file database has them.
func (b *bench) relGuessing(ctx context.Context, rel *Reliability, dir, fixtures string) error {
	in, err := start(ctx, b.bin, dir, "--ephemeral", "--rate-limit=true", "--addr", "127.0.0.1:0", "--fixtures", fixtures,
		"--admin-token", adminToken, "--log-level", "warn")
	if err != nil {
		return err
	}
	defer in.stop()
	const attempts = 60
	for i, d := range relDialects {
		from := fromAddr(net.IPv4(127, 0, 0, byte(10+i)))
		g := &Guessing{Dialect: d.name}
		rel.Guessing = append(rel.Guessing, g)
		for n := 0; n < attempts && ctx.Err() == nil; n++ {
			st, retry, _ := do(ctx, from, d.method, in.base+d.path, "", "", d.wrong)
			g.Attempts++
			switch {
			case st == http.StatusTooManyRequests:
				g.Throttled++
				if retry != "" {
					g.WithRetryAfter++
				}
			case st == http.StatusUnauthorized || st == http.StatusForbidden:
				g.Refused++
			default:
				g.Other++
			}
		}
		st, _, _ := do(ctx, from, d.method, in.base+d.path, "", "", d.right)
		g.RightRefused = st == http.StatusTooManyRequests
		other := fromAddr(net.IPv4(127, 0, 0, byte(100+i)))
		st, _, _ = do(ctx, other, d.method, in.base+d.path, "", "", d.right)
		g.RightElsewhere = st/100 == 2
	}
	return nil
}

// fromAddr is a client whose connections come from ip (any of
// 127.0.0.0/8 reaches a server on 127.0.0.1).
func fromAddr(ip net.IP) *http.Client {
	return &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{
		DialContext: (&net.Dialer{LocalAddr: &net.TCPAddr{IP: ip}}).DialContext,
	}}
}

// print writes the scenario's figures.
func (r *Reliability) print(w io.Writer) {
	fmt.Fprintf(w, "reliability: %d kills (SIGKILL under 8 concurrent senders): %d acknowledged, %d found; %d of %d acknowledged ids resent answered the stored message; integrity %q\n",
		r.Kills, r.Acked, r.Found, r.ResentOK, r.Resent, r.Integrity)
	for _, bi := range r.BadInputs {
		keys := make([]string, 0, len(bi.Statuses))
		for k := range bi.Statuses {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		var parts []string
		for _, k := range keys {
			parts = append(parts, fmt.Sprintf("%s×%d", k, bi.Statuses[k]))
		}
		fmt.Fprintf(w, "  bad inputs %-10s %3d routes, %5d requests, 5xx %d (%s)\n", bi.Dialect, bi.Operations, bi.Tried, bi.Err5xx, strings.Join(parts, " "))
		for _, s := range bi.Samples {
			fmt.Fprintf(w, "      %s\n", s)
		}
	}
	if s := r.Slow; s != nil {
		fmt.Fprintf(w, "  slow connections: %d of %d held (%d refused); server RSS %.1f MB before, %.1f MB holding (%.1f KiB each); "+
			"normal client %d requests, %d errors, p50 %.2f ms, p99 %.2f ms, max %.1f ms (p99 %.2f ms before)\n",
			s.Held, s.Wanted, s.Refused, s.RSSBeforeMB, s.RSSHoldingMB, s.KiBEach, s.Normal, s.NormalErrors, s.NormalP50MS, s.NormalP99MS, s.NormalMaxMS, s.BaselineP99MS)
	}
	for _, g := range r.Guessing {
		fmt.Fprintf(w, "  guessing %-10s %d wrong credentials: %d refused, %d throttled (429, %d with Retry-After), %d other; right credential from that address refused: %v, from another: works %v\n",
			g.Dialect, g.Attempts, g.Refused, g.Throttled, g.WithRetryAfter, g.Other, g.RightRefused, g.RightElsewhere)
	}
	for _, n := range r.Notes {
		fmt.Fprintf(w, "  note: %s\n", n)
	}
	fmt.Fprintln(w)
}

// problems lists what the figures show is wrong (empty: nothing).
func (r *Reliability) problems() []string {
	var out []string
	if r.Found != r.Acked {
		out = append(out, fmt.Sprintf("%d acknowledged messages lost", r.Acked-r.Found))
	}
	if r.ResentOK != r.Resent {
		out = append(out, fmt.Sprintf("%d resends of acknowledged ids not answered with the stored message", r.Resent-r.ResentOK))
	}
	if r.Integrity != "ok" {
		out = append(out, "integrity check: "+r.Integrity)
	}
	for _, bi := range r.BadInputs {
		if bi.Err5xx > 0 {
			out = append(out, fmt.Sprintf("%s: %d bad inputs answered 5xx", bi.Dialect, bi.Err5xx))
		}
	}
	if s := r.Slow; s != nil && (s.NormalErrors > 0 || s.Held < s.Wanted-s.Refused) {
		out = append(out, fmt.Sprintf("slow phase: %d normal requests failed, %d of %d slow connections cut early", s.NormalErrors, s.Wanted-s.Refused-s.Held, s.Wanted))
	}
	for _, g := range r.Guessing {
		if g.Throttled == 0 || g.WithRetryAfter != g.Throttled || !g.RightRefused || !g.RightElsewhere {
			out = append(out, fmt.Sprintf("guessing %s: %d of %d throttled (%d with Retry-After), right refused while throttled %v, right from elsewhere works %v",
				g.Dialect, g.Throttled, g.Attempts, g.WithRetryAfter, g.RightRefused, g.RightElsewhere))
		}
	}
	return out
}
