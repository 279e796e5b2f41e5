// Command bench is Parley's load generator. It builds the real binary, starts
// it (in memory or on a file database in a temporary folder), loads users,
// conversations and messages, and drives the Channelize dialect (/v2/) from
// many keep-alive clients on 127.0.0.1, each with its own user's token
// (-scenario dialects drives every dialect through its own API and auth):
//
//	go run ./bench -scenario all           # every scenario, ~5 minutes
//	go run ./bench -quick                  # the same, short
//	go run ./bench -scenario send -c 64 -duration 10s -db file
//
// It prints, per scenario and concurrency, throughput, p50/p99/max latency,
// errors by status and the server's peak RSS; -json prints the same as JSON.
// Nothing leaves 127.0.0.1 and every loop is bounded in count and in time.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// scenarios are the load scenarios, in the order "all" runs them; startup
// and scale are the two measurements that are not a load step.
var scenarios = []string{"send", "history", "mixed", "unread"}

// Config is what the flags set.
type Config struct {
	Scenarios     []string
	Dialects      []string // of the dialects scenario
	Conns         []int
	Duration      time.Duration
	Warmup        time.Duration
	DB            string // "ephemeral" or "file"
	Messages      int    // preloaded messages
	Users         int
	ScaleMessages []int
	StartupRuns   int
	// The fanout scenario: WebSocket subscribers of one conversation, and
	// the messages per second sent to it.
	FanoutSubscribers int
	FanoutRate        float64
	Auth              string // "bearer" or "basic"
	Client            string // "net/http" or "raw"
	MaxRequests       int    // per client and step
	Bin               string // a prebuilt binary; "" builds one
	Profile           string // folder for CPU profiles of the server; "" takes none
	JSON              bool
	Save              string // also write the JSON report here
	Keep              bool
	Quick             bool
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	cfg, err := parseFlags(os.Args[1:])
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(2)
	}
	rep, err := run(ctx, cfg)
	if rep != nil {
		if cfg.JSON {
			enc := json.NewEncoder(os.Stdout)
			enc.SetIndent("", "  ")
			_ = enc.Encode(rep)
		} else {
			rep.print(os.Stdout)
		}
		if cfg.Save != "" {
			b, _ := json.MarshalIndent(rep, "", "  ")
			if werr := os.WriteFile(cfg.Save, append(b, '\n'), 0o644); werr != nil {
				fmt.Fprintln(os.Stderr, "bench:", werr)
			}
		}
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func parseFlags(args []string) (*Config, error) {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	var c Config
	scenario := fs.String("scenario", "all", "comma-separated: send, history, mixed, unread, startup, scale, fanout, dialects, reliability, or all (without dialects and reliability)")
	dialectList := fs.String("dialects", strings.Join(dialectNames(), ","), "comma-separated dialects of the dialects scenario")
	conns := fs.String("c", "16,64,256", "comma-separated concurrencies (virtual clients, one keep-alive connection each)")
	scale := fs.String("scale-messages", "10000,1000000", "stored messages of the scale scenario's runs (the first is the baseline)")
	fs.DurationVar(&c.Duration, "duration", 5*time.Second, "measured time of each scenario and concurrency")
	fs.DurationVar(&c.Warmup, "warmup", time.Second, "unmeasured load before each measurement")
	fs.StringVar(&c.DB, "db", "ephemeral", "ephemeral (--ephemeral, in memory) or file (a parley.db in a temporary folder)")
	fs.IntVar(&c.Messages, "messages", 10000, "messages stored before the load starts")
	fs.IntVar(&c.Users, "users", 256, "users (each with a token); conversations have 4 members, each user is in 2")
	fs.IntVar(&c.StartupRuns, "startup-runs", 20, "starts of the startup measurement (the median is reported)")
	fs.IntVar(&c.FanoutSubscribers, "fanout-subscribers", 1000, "WebSocket subscribers of the fanout scenario, all in one conversation")
	fs.Float64Var(&c.FanoutRate, "fanout-rate", 50, "messages per second the fanout scenario sends to the conversation")
	fs.StringVar(&c.Auth, "auth", "bearer", "client credentials: bearer (user token) or basic (app secret + User-Id)")
	fs.StringVar(&c.Client, "client", "net/http", "load client: net/http (a shared http.Transport) or raw (hand-written HTTP/1.1, far less client CPU)")
	fs.IntVar(&c.MaxRequests, "max-requests", 2_000_000, "bound on the requests of one client in one step")
	fs.StringVar(&c.Bin, "bin", "", "use this parley binary instead of building one")
	fs.StringVar(&c.Profile, "profile", "", "write CPU profiles of the server into this folder (builds the binary with net/http/pprof on a private loopback port)")
	fs.BoolVar(&c.JSON, "json", false, "print the report as JSON on stdout (progress stays on stderr)")
	fs.StringVar(&c.Save, "save", "", "also write the report as JSON into this file")
	fs.BoolVar(&c.Keep, "keep", false, "keep the temporary folder (binary, databases, server logs)")
	fs.BoolVar(&c.Quick, "quick", false, "a short run: 1s steps, 10,000 and 100,000 messages for scale, 5 starts")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected arguments: %v", fs.Args())
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if c.Quick {
		if !set["duration"] {
			c.Duration = time.Second
		}
		if !set["warmup"] {
			c.Warmup = 300 * time.Millisecond
		}
		if !set["scale-messages"] {
			*scale = "10000,100000"
		}
		if !set["startup-runs"] {
			c.StartupRuns = 5
		}
	}
	for _, s := range strings.Split(*scenario, ",") {
		s = strings.TrimSpace(s)
		switch s {
		case "all":
			c.Scenarios = append(c.Scenarios, scenarios...)
			c.Scenarios = append(c.Scenarios, "startup", "scale", "fanout")
		case "send", "history", "mixed", "unread", "startup", "scale", "fanout", "dialects", "reliability":
			c.Scenarios = append(c.Scenarios, s)
		default:
			return nil, fmt.Errorf("unknown scenario %q", s)
		}
	}
	for _, name := range strings.Split(*dialectList, ",") {
		name = strings.TrimSpace(name)
		if dialectByName(name) == nil {
			return nil, fmt.Errorf("-dialects: unknown dialect %q (known: %s)", name, strings.Join(dialectNames(), ", "))
		}
		c.Dialects = append(c.Dialects, name)
	}
	var err error
	if c.Conns, err = ints("c", *conns, 1, 4096); err != nil {
		return nil, err
	}
	if c.ScaleMessages, err = ints("scale-messages", *scale, 0, 50_000_000); err != nil {
		return nil, err
	}
	switch {
	case c.DB != "ephemeral" && c.DB != "file":
		return nil, errors.New("-db is ephemeral or file")
	case c.Client != "net/http" && c.Client != "raw":
		return nil, errors.New("-client is net/http or raw")
	case c.Auth != "bearer" && c.Auth != "basic":
		return nil, errors.New("-auth is bearer or basic")
	case c.Duration <= 0 || c.Duration > 10*time.Minute:
		return nil, errors.New("-duration must be in (0, 10m]")
	case c.Warmup < 0 || c.Warmup > time.Minute:
		return nil, errors.New("-warmup must be in [0, 1m]")
	case c.Users < 4 || c.Users > 100_000:
		return nil, errors.New("-users must be in [4, 100000]")
	case c.Messages < 0 || c.Messages > 50_000_000:
		return nil, errors.New("-messages must be in [0, 50000000]")
	case c.StartupRuns < 1 || c.StartupRuns > 1000:
		return nil, errors.New("-startup-runs must be in [1, 1000]")
	case c.FanoutSubscribers < 1 || c.FanoutSubscribers > 1000:
		// A fixture conversation takes at most 1,000 members at once.
		return nil, errors.New("-fanout-subscribers must be in [1, 1000]")
	case c.FanoutRate <= 0 || c.FanoutRate > 1000:
		return nil, errors.New("-fanout-rate must be in (0, 1000]")
	case c.MaxRequests < 1:
		return nil, errors.New("-max-requests must be positive")
	}
	c.Users -= c.Users % 4 // whole conversations of four
	return &c, nil
}

// ints parses a comma-separated list of integers in [lo, hi].
func ints(name, s string, lo, hi int) ([]int, error) {
	var out []int
	for _, f := range strings.Split(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(strings.ReplaceAll(f, "_", "")))
		if err != nil || n < lo || n > hi {
			return nil, fmt.Errorf("-%s: %q is not a number in [%d, %d]", name, f, lo, hi)
		}
		out = append(out, n)
	}
	return out, nil
}

// progress reports what the bench is doing, on stderr.
func progress(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "%s "+format+"\n", append([]any{time.Now().Format("15:04:05")}, args...)...)
}
