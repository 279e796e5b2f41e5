package main

import (
	"crypto/sha256"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"
)

// Report is everything one run measured.
type Report struct {
	Date     string    `json:"date"`
	Tree     string    `json:"tree"` // git HEAD and a hash of the Go sources built (bench/ excluded)
	Machine  Machine   `json:"machine"`
	Settings Settings  `json:"settings"`
	Results  []*Result `json:"results"`
	Startup  *Startup  `json:"startup,omitempty"`
	Scale    *Scale    `json:"scale,omitempty"`
	Fanout   *Fanout   `json:"fanout,omitempty"`
	// Reliability is the reliability scenario's (reliability.go).
	Reliability *Reliability `json:"reliability,omitempty"`
	Targets     []Target     `json:"targets"`
	Notes       []string     `json:"notes,omitempty"`
	Seconds     float64      `json:"seconds"` // the whole run
}

// Machine is where the run happened.
type Machine struct {
	CPUs     int    `json:"cpus"`
	CPUModel string `json:"cpuModel"`
	Memory   string `json:"memory"`
	Kernel   string `json:"kernel"`
	Go       string `json:"go"`
}

// Settings are the flags that shape the figures.
type Settings struct {
	DB       string `json:"db"`
	Users    int    `json:"users"`
	Messages int    `json:"messages"`
	Duration string `json:"duration"`
	Warmup   string `json:"warmup"`
	Auth     string `json:"auth"`
	Client   string `json:"client"`
	Conns    []int  `json:"conns"`
}

// Result is one scenario at one concurrency.
type Result struct {
	Scenario        string              `json:"scenario"`
	Dialect         string              `json:"dialect,omitempty"` // the dialects scenario's steps
	DB              string              `json:"db"`
	Messages        int                 `json:"messages"` // stored before the step
	Conns           int                 `json:"conns"`
	Seconds         float64             `json:"seconds"`    // measured window
	Throughput      float64             `json:"throughput"` // measured requests per second
	Latency         Latency             `json:"latency"`
	Ops             map[string]*Latency `json:"ops"`      // per request kind
	Statuses        map[string]int      `json:"statuses"` // every request, warm-up included; "0" is no answer
	ErrorCount      int                 `json:"errors"`   // non-2xx answers and requests without a whole answer
	Err5xx          int                 `json:"errors5xx"`
	Errors          map[string]int      `json:"transportErrors,omitempty"`
	ErrorSamples    []string            `json:"errorSamples,omitempty"`
	Busy            int                 `json:"busy"`    // SQLITE_BUSY / locked: the larger of the two counts below
	BusyLog         int                 `json:"busyLog"` // server log lines that mention it
	ServerLogErrors int                 `json:"serverLogErrors"`
	RSSPeakMB       float64             `json:"rssPeakMB"`    // VmHWM at the end of the step
	RSSLoadMaxMB    float64             `json:"rssLoadMaxMB"` // largest VmRSS sampled while measuring
	ServerCPU       float64             `json:"serverCPU"`    // cores the server used while measuring
	ClientCPU       float64             `json:"clientCPU"`    // cores the load generator used
	OtherCPU        float64             `json:"otherCPU"`     // cores everything else on the machine used
	Bytes           int64               `json:"bytes"`
	Dials           int                 `json:"dials"`        // connections the clients opened, warm-up included
	SetupSeconds    float64             `json:"setupSeconds"` // starting and loading the instance
	Page            *pageCheck          `json:"page,omitempty"`
	Profile         string              `json:"profile,omitempty"`
}

// Latency summarises the measured requests of one kind.
type Latency struct {
	Count      int     `json:"count"`
	Throughput float64 `json:"throughput"`
	MeanMS     float64 `json:"meanMs"`
	P50MS      float64 `json:"p50Ms"`
	P90MS      float64 `json:"p90Ms"`
	P99MS      float64 `json:"p99Ms"`
	MaxMS      float64 `json:"maxMs"`
}

// latency summarises lat (sorted in place) over a window of secs.
func latency(lat []time.Duration, secs float64) *Latency {
	slices.Sort(lat)
	l := &Latency{Count: len(lat)}
	if len(lat) == 0 {
		return l
	}
	var sum time.Duration
	for _, d := range lat {
		sum += d
	}
	rank := func(p float64) float64 { // nearest rank
		i := int(p*float64(len(lat))+0.999999) - 1
		return ms(lat[min(max(i, 0), len(lat)-1)])
	}
	l.Throughput = float64(len(lat)) / secs
	l.MeanMS = ms(sum / time.Duration(len(lat)))
	l.P50MS, l.P90MS, l.P99MS, l.MaxMS = rank(0.50), rank(0.90), rank(0.99), ms(lat[len(lat)-1])
	return l
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// Startup is the start-up measurement.
type Startup struct {
	Runs           int     `json:"runs"`
	Fixtures       string  `json:"fixtures"`
	MedianMS       float64 `json:"medianMs"` // process start to the first answered request
	MinMS          float64 `json:"minMs"`
	P90MS          float64 `json:"p90Ms"`
	MaxMS          float64 `json:"maxMs"`
	ListenMedianMS float64 `json:"listenMedianMs"` // process start to the "listening on" line
	// In-process phases (median): the same work the binary does before it
	// listens, timed inside the bench.
	OpenMS     float64 `json:"openMs"`     // db.Open(":memory:") with the schema
	FixturesMS float64 `json:"fixturesMs"` // decode and load the fixtures
}

// Scale is the scale scenario: history and send over a small and a large
// stored table.
type Scale struct {
	Runs            []*ScaleRun `json:"runs"`
	HistoryP50Ratio float64     `json:"historyP50Ratio"` // last run's p50 over the first's
}

// ScaleRun is one table size.
type ScaleRun struct {
	Messages    int     `json:"messages"`
	LoadSeconds float64 `json:"loadSeconds"` // preloading the file database
	FileMB      float64 `json:"fileMB"`
	History     *Result `json:"history"`
	Send        *Result `json:"send"`
}

// Target is one of issue 5's targets and how the run did.
type Target struct {
	Name string `json:"name"`
	Want string `json:"want"`
	Got  string `json:"got"`
	Met  bool   `json:"met"`
}

func machine() Machine {
	m := Machine{CPUs: runtime.NumCPU(), Go: runtime.Version()}
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if v, ok := strings.CutPrefix(line, "model name"); ok {
				m.CPUModel = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(v), ":"))
				break
			}
		}
	}
	if out, err := exec.Command("free", "-h").Output(); err == nil {
		for _, line := range strings.Split(string(out), "\n") {
			if f := strings.Fields(line); len(f) > 1 && f[0] == "Mem:" {
				m.Memory = f[1]
			}
		}
	}
	if b, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		m.Kernel = strings.TrimSpace(string(b))
	}
	return m
}

// tree names the sources a run measured: git HEAD, and a hash of every
// .go file (bench/ and tests excluded), schema.sql and go.sum, since the
// work tree usually differs from HEAD.
func tree(root string) string {
	head := "no-git"
	if out, err := exec.Command("git", "-C", root, "rev-parse", "--short", "HEAD").Output(); err == nil {
		head = strings.TrimSpace(string(out))
	}
	h := sha256.New()
	err := filepath.WalkDir(root, func(path string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		if e.IsDir() {
			if rel == "bench" || strings.HasPrefix(e.Name(), ".") && rel != "." || e.Name() == "node_modules" || e.Name() == "testdata" {
				return filepath.SkipDir
			}
			return nil
		}
		if strings.HasSuffix(rel, "_test.go") || !strings.HasSuffix(rel, ".go") && rel != "schema.sql" && rel != "go.sum" {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		fmt.Fprintf(h, "%s %d\n", rel, len(b))
		h.Write(b)
		return nil
	})
	if err != nil {
		return head + "+?"
	}
	return fmt.Sprintf("%s+%x", head, h.Sum(nil)[:4])
}

// find returns the first result of the scenario at conns, or nil.
func (r *Report) find(scenario string, conns int) *Result {
	for _, x := range r.Results {
		if x.Scenario == scenario && x.Conns == conns {
			return x
		}
	}
	return nil
}

// serverMicros is the server's CPU time per measured request, in µs: on a
// shared machine a steadier figure of a request's cost than the rate.
func (x *Result) serverMicros() float64 {
	if x.Throughput == 0 {
		return 0
	}
	return x.ServerCPU / x.Throughput * 1e6
}

// transportErrors counts requests without an answer.
func (x *Result) transportErrors() int {
	n := 0
	for _, v := range x.Errors {
		n += v
	}
	return n
}

// judge fills r.Targets with issue 5's targets.
func (r *Report) judge() {
	pct := func(got, want float64) string { return fmt.Sprintf("%+.0f%%", (got/want-1)*100) }
	if x := r.find("send", 64); x != nil {
		ok := x.Throughput >= 20000 && x.Latency.P99MS < 20 && x.ErrorCount == 0
		r.Targets = append(r.Targets, Target{"send, 64 connections", ">= 20,000 msgs/s, p99 < 20 ms, 0 errors",
			fmt.Sprintf("%.0f msgs/s (%s), p99 %.1f ms, %d errors", x.Throughput, pct(x.Throughput, 20000), x.Latency.P99MS, x.ErrorCount), ok})
	}
	if x := r.find("history", 64); x != nil {
		r.Targets = append(r.Targets, Target{"history, 64 connections", ">= 7,000 pages/s",
			fmt.Sprintf("%.0f pages/s (%s)", x.Throughput, pct(x.Throughput, 7000)), x.Throughput >= 7000})
	}
	var at256 []string
	bad := 0
	for _, x := range r.Results {
		if x.Conns == 256 {
			n := x.ErrorCount + x.Busy + x.ServerLogErrors
			bad += n
			at256 = append(at256, fmt.Sprintf("%s %d", x.Scenario, n))
		}
	}
	if len(at256) > 0 {
		r.Targets = append(r.Targets, Target{"256 connections", "no 5xx, no SQLITE_BUSY, no error",
			"errors: " + strings.Join(at256, ", "), bad == 0})
	}
	if s := r.Scale; s != nil && len(s.Runs) > 1 {
		first, last := s.Runs[0], s.Runs[len(s.Runs)-1]
		r.Targets = append(r.Targets, Target{fmt.Sprintf("history p50 at %d vs %d messages", last.Messages, first.Messages),
			"<= 1.3x", fmt.Sprintf("%.2fx (%.2f ms vs %.2f ms)", s.HistoryP50Ratio, last.History.Latency.P50MS, first.History.Latency.P50MS),
			s.HistoryP50Ratio <= 1.3})
	}
	if s := r.Startup; s != nil {
		r.Targets = append(r.Targets, Target{"ephemeral start with fixtures", "< 50 ms to the first answered request",
			fmt.Sprintf("median %.1f ms of %d (min %.1f, max %.1f)", s.MedianMS, s.Runs, s.MinMS, s.MaxMS), s.MedianMS < 50})
	}
	peak, where := 0.0, ""
	for _, x := range r.Results {
		// A dialects step shares its instance with the steps before it,
		// so its peak is theirs too: not a step's own figure.
		if x.Dialect == "" && x.RSSPeakMB > peak {
			peak, where = x.RSSPeakMB, fmt.Sprintf("%s c=%d %s", x.Scenario, x.Conns, x.DB)
		}
	}
	if where != "" {
		r.Targets = append(r.Targets, Target{"peak RSS under load", "< 100 MB",
			fmt.Sprintf("%.0f MB (%s)", peak, where), peak < 100})
	}
}

// print writes the report as text tables.
func (r *Report) print(w io.Writer) {
	m := r.Machine
	fmt.Fprintf(w, "\nParley bench, %s, tree %s: %d CPUs (%s), %s RAM, Linux %s, %s\n", r.Date, r.Tree, m.CPUs, m.CPUModel, m.Memory, m.Kernel, m.Go)
	s := r.Settings
	fmt.Fprintf(w, "db %s, %d users, %d messages preloaded, %s measured after %s warm-up, auth %s, client %s\n\n",
		s.DB, s.Users, s.Messages, s.Duration, s.Warmup, s.Auth, s.Client)
	if len(r.Results) > 0 {
		fmt.Fprintf(w, "%-18s %-9s %8s %5s %9s %7s %7s %7s %7s %6s %5s %8s %8s %6s %6s %6s\n",
			"scenario", "db", "msgs", "conns", "req/s", "p50 ms", "p90 ms", "p99 ms", "max ms", "errors", "busy", "RSS max", "RSS HWM", "srvCPU", "cliCPU", "other")
		for _, x := range r.Results {
			fmt.Fprintf(w, "%-18s %-9s %8d %5d %9.0f %7.2f %7.2f %7.2f %7.1f %6d %5d %7.0fM %7.0fM %6.2f %6.2f %6.2f\n",
				x.Scenario, x.DB, x.Messages, x.Conns, x.Throughput, x.Latency.P50MS, x.Latency.P90MS, x.Latency.P99MS,
				x.Latency.MaxMS, x.ErrorCount, x.Busy, x.RSSLoadMaxMB, x.RSSPeakMB, x.ServerCPU, x.ClientCPU, x.OtherCPU)
			if len(x.Ops) > 1 {
				for _, name := range opNames {
					if l := x.Ops[name]; l != nil {
						fmt.Fprintf(w, "  %-16s %-9s %8s %5s %9.0f %7.2f %7.2f %7.2f %7.1f\n",
							"."+name, "", "", "", l.Throughput, l.P50MS, l.P90MS, l.P99MS, l.MaxMS)
					}
				}
			}
		}
		for _, x := range r.Results {
			if x.OtherCPU >= 0.2 {
				fmt.Fprintf(w, "(other processes used %.2f cores while %s c=%d was measured: that figure is low)\n", x.OtherCPU, x.Scenario, x.Conns)
			}
		}
		fmt.Fprintln(w)
		for _, x := range r.Results {
			if x.ErrorCount > 0 || x.Busy > 0 || x.ServerLogErrors > 0 {
				fmt.Fprintf(w, "%s c=%d: statuses %v, transport %v, busy %d, server log errors %d\n", x.Scenario, x.Conns,
					x.Statuses, x.Errors, x.Busy, x.ServerLogErrors)
				for _, sm := range x.ErrorSamples {
					fmt.Fprintf(w, "    %s\n", sm)
				}
			}
		}
	}
	for _, x := range r.Results {
		if p := x.Page; p != nil {
			fmt.Fprintf(w, "checked history page (%s, %d messages stored): %d messages, %d with owner, %d with attachments, %d with reactions, %d bytes\n\n",
				x.DB, x.Messages, p.Messages, p.WithOwner, p.WithAttachments, p.WithReactions, p.Bytes)
			break
		}
	}
	if r.Reliability != nil {
		r.Reliability.print(w)
	}
	if st := r.Startup; st != nil {
		fmt.Fprintf(w, "startup (%s, %d starts): first answered request median %.1f ms (min %.1f, p90 %.1f, max %.1f); "+
			"\"listening on\" median %.1f ms; in-process: open+schema %.1f ms, fixtures %.1f ms\n\n",
			st.Fixtures, st.Runs, st.MedianMS, st.MinMS, st.P90MS, st.MaxMS, st.ListenMedianMS, st.OpenMS, st.FixturesMS)
	}
	if sc := r.Scale; sc != nil {
		fmt.Fprintf(w, "scale (file db):\n")
		for _, run := range sc.Runs {
			fmt.Fprintf(w, "  %9d messages: preload %.1fs, %.0f MB; history %.0f/s p50 %.2f ms p99 %.2f ms; send %.0f/s p50 %.2f ms p99 %.2f ms\n",
				run.Messages, run.LoadSeconds, run.FileMB, run.History.Throughput, run.History.Latency.P50MS, run.History.Latency.P99MS,
				run.Send.Throughput, run.Send.Latency.P50MS, run.Send.Latency.P99MS)
		}
		fmt.Fprintf(w, "  history p50 ratio: %.2fx\n\n", sc.HistoryP50Ratio)
	}
	if fo := r.Fanout; fo != nil {
		fmt.Fprintf(w, "fanout (%d WebSocket subscribers of one conversation, %d messages at %.0f/s):\n", fo.Subscribers, fo.Messages, fo.RatePerSec)
		fmt.Fprintf(w, "  send-to-receipt p50 %.2f ms  p90 %.2f ms  p99 %.2f ms  max %.2f ms  (the send alone p50 %.2f ms)\n",
			fo.P50MS, fo.P90MS, fo.P99MS, fo.MaxMS, fo.SendP50MS)
		fmt.Fprintf(w, "  receipts %d, missing %d, streams ended early %d; cpu server %.2f client %.2f other %.2f\n",
			fo.Receipts, fo.Missing, fo.Closed, fo.ServerCPU, fo.ClientCPU, fo.OtherCPU)
		fmt.Fprintf(w, "  server RSS %.0f MB before the streams, %.0f MB with them open and idle: %.1f KB per idle connection; peak %.0f MB while sending (%.1fs to open them)\n\n",
			fo.RSSBeforeMB, fo.RSSIdleMB, fo.KBPerConn, fo.RSSPeakMB, fo.ConnectSeconds)
	}
	for _, n := range r.Notes {
		fmt.Fprintf(w, "note: %s\n", n)
	}
	if len(r.Targets) > 0 {
		fmt.Fprintf(w, "\ntargets:\n")
		for _, t := range r.Targets {
			verdict := "MISSED"
			if t.Met {
				verdict = "met"
			}
			fmt.Fprintf(w, "  %-6s %-40s want %-42s got %s\n", verdict, t.Name, t.Want, t.Got)
		}
	}
	fmt.Fprintf(w, "\n(whole run %.0fs)\n", r.Seconds)
}
