package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// scaleConns is the concurrency of the scale scenario's steps.
const scaleConns = 64

// scale runs history and then send at 64 connections against file
// databases preloaded (without HTTP) with each of cfg.ScaleMessages
// messages, and compares the history p50 of the last with the first.
func (b *bench) scale(ctx context.Context, rep *Report) (*Scale, error) {
	sc := &Scale{}
	for _, n := range b.cfg.ScaleMessages {
		d := dataset{users: b.cfg.Users, messages: n}
		dir := filepath.Join(b.tmp, fmt.Sprintf("scale-%d", n))
		path := filepath.Join(dir, "data", "parley.db")
		progress("scale: preloading %d messages into %s", n, path)
		took, err := preload(ctx, b.root, path, d)
		if err != nil {
			return nil, err
		}
		fi, err := os.Stat(path)
		if err != nil {
			return nil, err
		}
		run := &ScaleRun{Messages: n, LoadSeconds: took.Seconds(), FileMB: float64(fi.Size()) / (1 << 20)}
		progress("  took %.1fs (%.0f messages/s), %.0f MB", took.Seconds(), float64(n)/took.Seconds(), run.FileMB)
		t0 := time.Now()
		inst, err := start(ctx, b.loadBin, dir, "serve", "--addr", "127.0.0.1:0", "--admin-token", adminToken,
			"--log-level", "warn", "--data", filepath.Join(dir, "data"))
		if err != nil {
			return nil, err
		}
		page, pageErr := checkPage(ctx, inst.base, b.cfg.Auth, d)
		setup := time.Since(t0)
		if pageErr != nil {
			progress("  history check: %v", pageErr)
		}
		for _, name := range []string{"history", "send"} {
			x, err := measure(ctx, inst, d, b.step(name, scaleConns, "file", n))
			if err != nil {
				inst.stop()
				return nil, err
			}
			x.Scenario, x.DB, x.Messages, x.SetupSeconds = "scale-"+name, "file", n, setup.Seconds()
			if pageErr == nil {
				x.Page = &page
			}
			rep.Results = append(rep.Results, x)
			progress("  %-7s %9d msgs: %8.0f req/s  p50 %6.2f ms  p99 %7.2f ms  errors %d  RSS %3.0f MB",
				name, n, x.Throughput, x.Latency.P50MS, x.Latency.P99MS, x.ErrorCount, x.RSSPeakMB)
			if name == "history" {
				run.History = x
			} else {
				run.Send = x
			}
		}
		inst.stop()
		sc.Runs = append(sc.Runs, run)
		if err := os.RemoveAll(dir); err != nil && !b.cfg.Keep {
			return nil, err
		}
	}
	if len(sc.Runs) > 1 && sc.Runs[0].History.Latency.P50MS > 0 {
		sc.HistoryP50Ratio = sc.Runs[len(sc.Runs)-1].History.Latency.P50MS / sc.Runs[0].History.Latency.P50MS
	}
	return sc, nil
}
