package main

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// step is one measurement: a scenario at one concurrency against one
// running instance.
type step struct {
	scenario string // send, history, mixed, unread
	conns    int
	warmup   time.Duration
	duration time.Duration
	maxReq   int    // per client
	auth     string // bearer or basic
	raw      bool   // -client raw
	profile  string // file for the server's CPU profile, or ""
	// dialect, in the dialects scenario, is the dialect the step speaks;
	// the scenario is then "<dialect>.send" or "<dialect>.history".
	dialect *dialectAPI
}

// pick returns the next request of a client of the scenario.
func (s step) pick(rng *rand.Rand) op {
	if s.dialect != nil {
		if strings.HasSuffix(s.scenario, ".send") {
			return opSend
		}
		return opHistory
	}
	switch s.scenario {
	case "send":
		return opSend
	case "unread":
		return opUnread
	case "mixed":
		if rng.IntN(10) == 0 {
			return opSend
		}
	}
	return opHistory
}

// tally is what one client saw.
type tally struct {
	lat      [numOps][]time.Duration // measured requests only
	statuses map[int]int             // every request, warm-up included
	errs     map[string]int          // transport errors
	samples  []string                // the first non-2xx bodies
	busy     int                     // answers that mention SQLITE_BUSY / a locked database
	failed   int                     // non-2xx answers and requests without a whole answer
	bytes    int64
}

// quiet waits (at most 10 s) until the rest of the machine uses less than
// 0.15 of a core over 300 ms, so that other work does not skew a step; it
// returns what the rest used in its last sample. Other processes on the
// machine cannot be stopped from here; each result says how much CPU they
// took while it was measured (OtherCPU).
func quiet(ctx context.Context, pid int) float64 {
	var other float64
	for try := 0; try < 33 && ctx.Err() == nil; try++ {
		all0, srv0, self0 := busyCPU(), cpuTime(pid), selfCPU()
		time.Sleep(300 * time.Millisecond)
		other = ((busyCPU() - all0) - (cpuTime(pid) - srv0) - (selfCPU() - self0)).Seconds() / 0.3
		if other < 0.15 {
			break
		}
	}
	return other
}

// measure runs one step against inst and returns its result.
func measure(ctx context.Context, inst *instance, d dataset, s step) (*Result, error) {
	if other := quiet(ctx, inst.pid); other >= 0.15 {
		progress("  the machine is busy (%.2f cores used by other processes); measuring anyway", other)
	}
	hc, tr := newHTTPClient(s.conns)
	defer tr.CloseIdleConnections()
	stride := max(1, d.users/s.conns) // spread the clients over the users
	clients := make([]*vclient, s.conns)
	for i := range clients {
		user := (i * stride) % d.users
		if s.dialect != nil {
			sess, err := s.dialect.login(ctx, hc, inst.base, d, user)
			if err != nil {
				return nil, err
			}
			clients[i] = &vclient{hc: hc, base: inst.base, user: user, api: s.dialect, sess: sess}
			continue
		}
		var err error
		if clients[i], err = newVClient(hc, inst.base, s.auth, d, user, s.raw); err != nil {
			return nil, err
		}
	}
	defer func() {
		for _, c := range clients {
			if c.raw != nil {
				c.raw.close()
			}
		}
	}()
	logFrom := fileSize(inst.logPath)

	dials0 := dials.Load()
	begin := time.Now()
	from := begin.Add(s.warmup)
	until := from.Add(s.duration)
	tallies := make([]*tally, len(clients))
	var wg sync.WaitGroup
	for i, c := range clients {
		t := &tally{statuses: map[int]int{}, errs: map[string]int{}}
		tallies[i] = t
		for o := range t.lat {
			t.lat[o] = make([]time.Duration, 0, 1024)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(i), 42))
			for n := 0; n < s.maxReq && ctx.Err() == nil; n++ {
				t0 := time.Now()
				if !t0.Before(until) {
					return
				}
				o := s.pick(rng)
				a := c.do(ctx, o)
				lat := time.Since(t0)
				t.statuses[a.status]++
				t.bytes += a.bytes
				ok := a.err == "" && a.status/100 == 2
				if !ok {
					t.failed++
				}
				if a.err != "" {
					t.errs[a.err]++
				}
				if a.status != 0 && a.status/100 != 2 {
					if len(t.samples) < 3 {
						t.samples = append(t.samples, fmt.Sprintf("%s %d %s", opNames[o], a.status, strings.TrimSpace(a.body)))
					}
					if mentionsBusy(a.body) {
						t.busy++
					}
				}
				if ok && !t0.Before(from) { // throughput and latency count answered requests
					t.lat[o] = append(t.lat[o], lat)
				}
			}
		}()
	}

	// The measured window: CPU of both processes, the server's memory and,
	// when asked, its CPU profile.
	time.Sleep(time.Until(from))
	cpu0, self0, all0 := cpuTime(inst.pid), selfCPU(), busyCPU()
	rss := sample(inst.pid)
	var prof chan error
	if s.profile != "" && inst.pprof != "" {
		prof = make(chan error, 1)
		go func() { prof <- fetchProfile(inst.pprof, s.profile, s.duration) }()
		// Where the server's goroutines wait, half way through.
		time.Sleep(s.duration / 2)
		if err := fetch(inst.pprof, "/debug/pprof/goroutine?debug=1", strings.TrimSuffix(s.profile, ".pprof")+".goroutines.txt", 30*time.Second); err != nil {
			progress("  goroutine profile: %v", err)
		}
	}
	time.Sleep(time.Until(until))
	cpu1, self1, all1 := cpuTime(inst.pid), selfCPU(), busyCPU()
	rssMax := rss.stop()
	wg.Wait()
	window := s.duration.Seconds()

	r := &Result{Scenario: s.scenario, Conns: s.conns, Seconds: window, Statuses: map[string]int{}, Errors: map[string]int{},
		Ops: map[string]*Latency{}, RSSLoadMaxMB: mb(rssMax), RSSPeakMB: mb(statusKB(inst.pid, "VmHWM")),
		ServerCPU: (cpu1 - cpu0).Seconds() / window, ClientCPU: (self1 - self0).Seconds() / window}
	r.Dials = int(dials.Load() - dials0)
	r.OtherCPU = max(0, (all1-all0).Seconds()/window-r.ServerCPU-r.ClientCPU)
	var all []time.Duration
	for _, t := range tallies {
		r.ErrorCount += t.failed
		for status, n := range t.statuses {
			r.Statuses[strconv.Itoa(status)] += n
			if status >= 500 {
				r.Err5xx += n
			}
		}
		for e, n := range t.errs {
			r.Errors[e] += n
		}
		for _, sm := range t.samples {
			if len(r.ErrorSamples) < 5 && !slices.Contains(r.ErrorSamples, sm) {
				r.ErrorSamples = append(r.ErrorSamples, sm)
			}
		}
		r.Busy += t.busy
		r.Bytes += t.bytes
		for o := range t.lat {
			all = append(all, t.lat[o]...)
		}
	}
	for o := range numOps {
		var lat []time.Duration
		for _, t := range tallies {
			lat = append(lat, t.lat[o]...)
		}
		if len(lat) > 0 {
			r.Ops[opNames[o]] = latency(lat, window)
		}
	}
	r.Latency = *latency(all, window)
	r.Throughput = r.Latency.Throughput
	errs, busy := scanLog(inst.logPath, logFrom)
	r.ServerLogErrors, r.BusyLog = errs, busy
	r.Busy = max(r.Busy, busy) // the same SQLITE_BUSY may show in an answer and in the log
	if prof != nil {
		select {
		case err := <-prof:
			if err != nil {
				progress("  profile: %v", err)
			} else {
				r.Profile = s.profile
			}
		case <-time.After(30 * time.Second):
			progress("  profile: no answer")
		}
	}
	return r, nil
}

// mentionsBusy reports whether a text speaks of SQLite lock contention.
func mentionsBusy(s string) bool {
	s = strings.ToLower(s)
	return strings.Contains(s, "sqlite_busy") || strings.Contains(s, "database is locked") ||
		strings.Contains(s, "database table is locked")
}

// scanLog counts, in the server's log from byte offset on, error lines and
// lines that mention SQLITE_BUSY or a locked database.
func scanLog(path string, offset int64) (errors, busy int) {
	f, err := os.Open(path)
	if err != nil {
		return 0, 0
	}
	defer f.Close()
	if _, err := f.Seek(offset, io.SeekStart); err != nil {
		return 0, 0
	}
	b, _ := io.ReadAll(io.LimitReader(f, 64<<20))
	for _, line := range strings.Split(string(b), "\n") {
		if strings.Contains(line, "level=ERROR") {
			errors++
		}
		if mentionsBusy(line) {
			busy++
		}
	}
	return errors, busy
}

func fileSize(path string) int64 {
	fi, err := os.Stat(path)
	if err != nil {
		return 0
	}
	return fi.Size()
}

// fetchProfile saves a CPU profile of the server over d into path.
func fetchProfile(addr, path string, d time.Duration) error {
	secs := max(1, int(d.Seconds()))
	return fetch(addr, fmt.Sprintf("/debug/pprof/profile?seconds=%d", secs), path, time.Duration(secs)*time.Second+30*time.Second)
}

// fetch saves what the server's pprof listener at addr answers for path.
func fetch(addr, path, file string, timeout time.Duration) error {
	hc := &http.Client{Timeout: timeout}
	resp, err := hc.Get("http://" + addr + path)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("pprof: %s", resp.Status)
	}
	if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
		return err
	}
	f, err := os.Create(file)
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, resp.Body); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func mb(kb int64) float64 { return float64(kb) / 1024 }
