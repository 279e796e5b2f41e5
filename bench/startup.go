package main

import (
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"parley/db"
	"parley/server/admin"
	"parley/server/core"
)

// startup measures, over cfg.StartupRuns starts (after one unmeasured
// start), the time from starting an ephemeral instance with the
// repository's fixtures to its first answered Channelize request; and, in
// the bench's own process, the two phases that come before listening.
func (b *bench) startup(ctx context.Context) (*Startup, error) {
	fixtures := filepath.Join(b.root, "testdata", "fixtures.json")
	dir := filepath.Join(b.tmp, "startup")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	progress("startup: %d starts with %s", b.cfg.StartupRuns, fixtures)
	var firsts, listens []float64
	for run := 0; run <= b.cfg.StartupRuns; run++ {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		inst, err := start(ctx, b.bin, dir, "serve", "--ephemeral", "--addr", "127.0.0.1:0", "--fixtures", fixtures,
			"--admin-token", adminToken, "--log-level", "warn")
		if err != nil {
			return nil, err
		}
		first, err := firstAnswer(ctx, inst)
		inst.stop()
		if err != nil {
			return nil, err
		}
		if run > 0 { // the first start warms the page cache
			firsts, listens = append(firsts, ms(first)), append(listens, ms(inst.listen))
		}
	}
	st := &Startup{Runs: len(firsts), Fixtures: "testdata/fixtures.json", MedianMS: median(firsts), ListenMedianMS: median(listens)}
	st.MinMS, st.MaxMS, st.P90MS = firsts[0], firsts[len(firsts)-1], firsts[min(len(firsts)-1, len(firsts)*9/10)]
	var err error
	if st.OpenMS, st.FixturesMS, err = b.startupPhases(ctx, fixtures); err != nil {
		return nil, err
	}
	return st, nil
}

// firstAnswer sends GET /v2/messages/unread/count as the fixtures' alice
// until it is answered 200, and returns the time since the process started.
func firstAnswer(ctx context.Context, inst *instance) (time.Duration, error) {
	hc, tr := newHTTPClient(1)
	defer tr.CloseIdleConnections()
	var last error
	for try := 0; try < 2000; try++ { // at most ~2 s of tries
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, inst.base+"/v2/messages/unread/count", nil)
		if err != nil {
			return 0, err
		}
		req.Header.Set("Public-Key", "demo-public")
		req.Header.Set("Authorization", "Bearer "+base64.StdEncoding.EncodeToString([]byte("alice-token")))
		resp, err := hc.Do(req)
		if err == nil {
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return time.Since(inst.started), nil
			}
			err = fmt.Errorf("GET /v2/messages/unread/count: %s", resp.Status)
		}
		last = err
		time.Sleep(time.Millisecond)
	}
	return 0, fmt.Errorf("no answer: %w", last)
}

// startupPhases times, in this process, what the binary does before it
// listens: opening an in-memory database with the schema, and decoding
// and loading the fixtures. It returns the medians in milliseconds.
func (b *bench) startupPhases(ctx context.Context, fixtures string) (float64, float64, error) {
	schema, err := os.ReadFile(filepath.Join(b.root, "schema.sql"))
	if err != nil {
		return 0, 0, err
	}
	doc, err := os.ReadFile(fixtures)
	if err != nil {
		return 0, 0, err
	}
	var opens, loads []float64
	for run := 0; run <= b.cfg.StartupRuns; run++ {
		t0 := time.Now()
		store, err := db.Open(ctx, db.Options{Path: db.Memory, Schema: string(schema)})
		if err != nil {
			return 0, 0, err
		}
		t1 := time.Now()
		f, err := admin.DecodeFixtures(doc)
		if err == nil {
			svc := core.NewService(core.Options{Store: store, PasswordIterations: core.EphemeralPasswordIterations})
			err = svc.LoadFixtures(ctx, svc.StartupCaller(), f)
		}
		t2 := time.Now()
		store.Close()
		if err != nil {
			return 0, 0, err
		}
		if run > 0 {
			opens, loads = append(opens, ms(t1.Sub(t0))), append(loads, ms(t2.Sub(t1)))
		}
	}
	return median(opens), median(loads), nil
}
