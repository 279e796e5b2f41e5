package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"time"
)

// bench is one run: where things are and what has been built.
type bench struct {
	cfg      *Config
	root     string // the repository
	tmp      string // binary, fixtures, databases, logs
	bin      string // the plain binary
	loadBin  string // the binary load steps run: with pprof when profiling
	fixtures string // the dataset as a fixture document (ephemeral instances)
	template string // the dataset as a file database (file instances)
	steps    int
}

// run runs the configured scenarios and returns the report so far (also
// when an error stops it).
func run(ctx context.Context, cfg *Config) (*Report, error) {
	began := time.Now()
	rep := &Report{Date: began.Format("2006-01-02"), Machine: machine(),
		Settings: Settings{DB: cfg.DB, Users: cfg.Users, Messages: cfg.Messages, Duration: cfg.Duration.String(),
			Warmup: cfg.Warmup.String(), Auth: cfg.Auth, Client: cfg.Client, Conns: cfg.Conns}}
	defer func() { rep.Seconds = time.Since(began).Seconds() }()
	root, err := repoRoot(ctx)
	if err != nil {
		return nil, err
	}
	tmp, err := os.MkdirTemp("", "parley-bench-")
	if err != nil {
		return nil, err
	}
	if cfg.Keep {
		progress("keeping %s", tmp)
	} else {
		defer os.RemoveAll(tmp)
	}
	rep.Tree = tree(root)
	b := &bench{cfg: cfg, root: root, tmp: tmp, bin: cfg.Bin}
	if b.bin == "" {
		b.bin = filepath.Join(tmp, "parley")
		progress("building %s", b.bin)
		if err := build(ctx, root, b.bin, false); err != nil {
			return nil, err
		}
	}
	b.loadBin = b.bin
	if cfg.Profile != "" {
		if b.loadBin, err = filepath.Abs(filepath.Join(tmp, "parley-pprof")); err == nil {
			progress("building %s (with net/http/pprof on its own loopback port)", b.loadBin)
			err = build(ctx, root, b.loadBin, true)
		}
		if err != nil {
			return nil, err
		}
		if cfg.Profile, err = filepath.Abs(cfg.Profile); err != nil {
			return nil, err
		}
	}
	d := dataset{users: cfg.Users, messages: cfg.Messages}
	for _, sc := range cfg.Scenarios {
		if err := ctx.Err(); err != nil {
			return rep, err
		}
		switch sc {
		case "startup":
			if rep.Startup, err = b.startup(ctx); err != nil {
				return rep, fmt.Errorf("startup: %w", err)
			}
		case "fanout":
			if rep.Fanout, err = b.fanout(ctx); err != nil {
				return rep, fmt.Errorf("fanout: %w", err)
			}
		case "reliability":
			rep.Reliability, err = b.reliability(ctx)
			if rep.Reliability != nil {
				for _, p := range rep.Reliability.problems() {
					rep.Notes = append(rep.Notes, "reliability: "+p)
				}
			}
			if err != nil {
				return rep, fmt.Errorf("reliability: %w", err)
			}
		case "scale":
			if rep.Scale, err = b.scale(ctx, rep); err != nil {
				return rep, fmt.Errorf("scale: %w", err)
			}
		case "dialects":
			if err := b.dialects(ctx, rep, d); err != nil {
				return rep, fmt.Errorf("dialects: %w", err)
			}
		default:
			for _, c := range cfg.Conns {
				inst, setup, page, err := b.instance(ctx, cfg.DB, d)
				if err != nil {
					return rep, fmt.Errorf("%s: %w", sc, err)
				}
				x, err := measure(ctx, inst, d, b.step(sc, c, cfg.DB, d.messages))
				inst.stop()
				if err != nil {
					return rep, fmt.Errorf("%s c=%d: %w", sc, c, err)
				}
				x.DB, x.Messages, x.SetupSeconds, x.Page = cfg.DB, d.messages, setup.Seconds(), page
				rep.Results = append(rep.Results, x)
				progress("%-8s c=%-4d %8.0f req/s  p50 %6.2f ms  p99 %7.2f ms  errors %d  RSS %3.0f MB  cpu server %.2f client %.2f other %.2f  conns opened %d",
					sc, c, x.Throughput, x.Latency.P50MS, x.Latency.P99MS, x.ErrorCount, x.RSSPeakMB, x.ServerCPU, x.ClientCPU, x.OtherCPU, x.Dials)
			}
		}
	}
	rep.judge()
	return rep, nil
}

// dialects runs the dialects scenario: per concurrency one fresh
// instance, on which each dialect's history and then each dialect's send
// is one step (history first, so that every page read is of the same
// data). The steps use net/http whatever -client says, since they read and
// check every answer.
func (b *bench) dialects(ctx context.Context, rep *Report, d dataset) error {
	for _, c := range b.cfg.Conns {
		inst, setup, page, err := b.instance(ctx, b.cfg.DB, d)
		if err != nil {
			return err
		}
		for _, kind := range []string{"history", "send"} {
			for _, name := range b.cfg.Dialects {
				s := b.step(name+"."+kind, c, b.cfg.DB, d.messages)
				s.dialect, s.raw = dialectByName(name), false
				x, err := measure(ctx, inst, d, s)
				if err != nil {
					inst.stop()
					return fmt.Errorf("%s c=%d: %w", s.scenario, c, err)
				}
				x.DB, x.Messages, x.SetupSeconds, x.Page, x.Dialect = b.cfg.DB, d.messages, setup.Seconds(), page, name
				rep.Results = append(rep.Results, x)
				progress("%-18s c=%-4d %8.0f req/s  p50 %6.2f ms  p99 %7.2f ms  errors %d  cpu server %.2f (%.0f µs/req) client %.2f other %.2f",
					s.scenario, c, x.Throughput, x.Latency.P50MS, x.Latency.P99MS, x.ErrorCount, x.ServerCPU, x.serverMicros(), x.ClientCPU, x.OtherCPU)
			}
		}
		inst.stop()
	}
	return nil
}

// step describes a load step of the configuration.
func (b *bench) step(scenario string, conns int, db string, messages int) step {
	s := step{scenario: scenario, conns: conns, warmup: b.cfg.Warmup, duration: b.cfg.Duration,
		maxReq: b.cfg.MaxRequests, auth: b.cfg.Auth, raw: b.cfg.Client == "raw"}
	if b.cfg.Profile != "" {
		s.profile = filepath.Join(b.cfg.Profile, fmt.Sprintf("%s-%s-%d-c%d.pprof", scenario, db, messages, conns))
	}
	return s
}

// instance starts a fresh server holding the dataset: ephemeral with the
// fixture document plus reactions over HTTP, or on a copy of a preloaded
// file database. It returns the setup time and a check of one history page.
func (b *bench) instance(ctx context.Context, db string, d dataset) (*instance, time.Duration, *pageCheck, error) {
	t0 := time.Now()
	b.steps++
	dir := filepath.Join(b.tmp, fmt.Sprintf("step-%03d", b.steps))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, 0, nil, err
	}
	var inst *instance
	var err error
	args := []string{"serve", "--addr", "127.0.0.1:0", "--admin-token", adminToken, "--log-level", "warn"}
	if db == "ephemeral" {
		if b.fixtures == "" {
			b.fixtures = filepath.Join(b.tmp, "fixtures.json")
			if err := writeFixtures(b.fixtures, d.fixtures(true)); err != nil {
				return nil, 0, nil, err
			}
		}
		if inst, err = start(ctx, b.loadBin, dir, append(args, "--ephemeral", "--fixtures", b.fixtures)...); err != nil {
			return nil, 0, nil, err
		}
		progress("ephemeral instance with %d messages listening after %.2fs; adding reactions", d.messages, inst.listen.Seconds())
		failed, first := addReactions(ctx, inst.base, b.cfg.Auth, d)
		if failed > 0 {
			progress("  %d reactions failed; first: %v", failed, first)
		}
	} else {
		if b.template == "" {
			b.template = filepath.Join(b.tmp, "template", "parley.db")
			progress("preloading a file database with %d messages", d.messages)
			took, err := preload(ctx, b.root, b.template, d)
			if err != nil {
				return nil, 0, nil, err
			}
			progress("  took %.1fs", took.Seconds())
		}
		data := filepath.Join(dir, "data")
		if err := copyFile(b.template, filepath.Join(data, "parley.db")); err != nil {
			return nil, 0, nil, err
		}
		if inst, err = start(ctx, b.loadBin, dir, append(args, "--data", data)...); err != nil {
			return nil, 0, nil, err
		}
	}
	page, err := checkPage(ctx, inst.base, b.cfg.Auth, d)
	if err != nil {
		progress("  history check: %v", err)
		return inst, time.Since(t0), nil, nil
	}
	return inst, time.Since(t0), &page, nil
}

// copyFile copies a closed database file (no -wal or -shm beside it).
func copyFile(from, to string) error {
	if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
		return err
	}
	src, err := os.Open(from)
	if err != nil {
		return err
	}
	defer src.Close()
	dst, err := os.Create(to)
	if err != nil {
		return err
	}
	if _, err := io.Copy(dst, src); err != nil {
		dst.Close()
		return err
	}
	return dst.Close()
}

// median returns the middle of xs (sorted in place).
func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	slices.Sort(xs)
	if n := len(xs); n%2 == 0 {
		return (xs[n/2-1] + xs[n/2]) / 2
	}
	return xs[len(xs)/2]
}
