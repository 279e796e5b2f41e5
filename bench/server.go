package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// adminToken is the admin token every instance the bench starts is given.
const adminToken = "bench-admin-token"

// pprofOverlay is added to package main (with go build -overlay, so the
// work tree is not touched) when -profile is set: the server then serves
// net/http/pprof on a loopback port of its own, never on Parley's port, and
// writes that port's address into the file named by PARLEY_BENCH_PPROF_FILE.
const pprofOverlay = `package main

import (
	"net"
	"net/http"
	_ "net/http/pprof"
	"os"
)

func init() {
	file := os.Getenv("PARLEY_BENCH_PPROF_FILE")
	if file == "" {
		return
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return
	}
	if os.WriteFile(file, []byte(ln.Addr().String()), 0o600) == nil {
		go http.Serve(ln, nil)
	}
}
`

// repoRoot returns the folder of the parley module's go.mod.
func repoRoot(ctx context.Context) (string, error) {
	out, err := exec.CommandContext(ctx, "go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %w", err)
	}
	mod := strings.TrimSpace(string(out))
	if mod == "" || mod == os.DevNull {
		return "", errors.New("run the bench inside the parley module (go run ./bench)")
	}
	data, err := os.ReadFile(mod)
	if err != nil {
		return "", err
	}
	if first, _, _ := strings.Cut(string(data), "\n"); strings.TrimSpace(first) != "module parley" {
		return "", fmt.Errorf("%s is not the parley module", mod)
	}
	return filepath.Dir(mod), nil
}

// build builds the parley binary from root into out; with pprof it adds
// pprofOverlay to package main.
func build(ctx context.Context, root, out string, pprof bool) error {
	args := []string{"build", "-o", out}
	if pprof {
		src := out + "-pprof.go"
		if err := os.WriteFile(src, []byte(pprofOverlay), 0o600); err != nil {
			return err
		}
		overlay := fmt.Sprintf(`{"Replace": {%q: %q}}`, filepath.Join(root, "zz_bench_pprof.go"), src)
		if err := os.WriteFile(out+"-overlay.json", []byte(overlay), 0o600); err != nil {
			return err
		}
		args = append(args, "-overlay", out+"-overlay.json")
	}
	cmd := exec.CommandContext(ctx, "go", append(args, ".")...)
	cmd.Dir = root
	if msg, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go build: %w\n%s", err, msg)
	}
	return nil
}

// instance is one running parley process the bench started.
type instance struct {
	cmd     *exec.Cmd
	pid     int
	base    string // http://127.0.0.1:PORT
	logPath string // the server's stderr
	pprof   string // host:port of net/http/pprof, or ""
	waited  chan struct{}
	started time.Time
	listen  time.Duration // from start to the "listening on" line
}

// start runs bin with args; dir holds the server's log. It returns once
// the server has printed its address.
func start(ctx context.Context, bin, dir string, args ...string) (*instance, error) {
	logPath := filepath.Join(dir, "server.log")
	logf, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	defer logf.Close() // the child has its own descriptor
	cmd := exec.Command(bin, args...)
	cmd.Stderr = logf
	// The server dies with the bench, whatever happens to the bench.
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	pprofFile := filepath.Join(dir, "pprof.addr")
	_ = os.Remove(pprofFile)
	// The flags say everything: PARLEY_* twins from the caller's
	// environment (PARLEY_EPHEMERAL, PARLEY_DATA, ...) must not change them.
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "PARLEY_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, "PARLEY_BENCH_PPROF_FILE="+pprofFile)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	in := &instance{cmd: cmd, logPath: logPath, waited: make(chan struct{}), started: time.Now()}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", bin, err)
	}
	in.pid = cmd.Process.Pid
	go func() {
		_ = cmd.Wait()
		close(in.waited)
	}()
	lines := make(chan string, 1)
	go func() {
		r := bufio.NewReader(stdout)
		line, _ := r.ReadString('\n')
		lines <- line
		_, _ = io.Copy(io.Discard, r) // keep the pipe drained
	}()
	timer := time.NewTimer(3 * time.Minute) // 1M-message databases open well within it
	defer timer.Stop()
	var line string
	select {
	case line = <-lines:
	case <-in.waited:
		line = <-lines
	case <-timer.C:
	case <-ctx.Done():
	}
	in.listen = time.Since(in.started)
	base, ok := strings.CutPrefix(strings.TrimSpace(line), "listening on ")
	if !ok {
		in.stop()
		return nil, fmt.Errorf("%s %s: first line %q, not \"listening on http://HOST:PORT\"; log: %s",
			bin, strings.Join(args, " "), line, tail(logPath))
	}
	// Every request the bench sends goes to 127.0.0.1.
	if u, err := url.Parse(base); err != nil || u.Scheme != "http" || u.Hostname() != "127.0.0.1" {
		in.stop()
		return nil, fmt.Errorf("server listens on %q, not on http://127.0.0.1", base)
	}
	in.base = base
	// A profiling build writes its pprof address before main runs, so
	// before the "listening on" line.
	if b, err := os.ReadFile(pprofFile); err == nil {
		in.pprof = strings.TrimSpace(string(b))
	}
	return in, nil
}

// stop ends the server gracefully (SIGTERM), or kills it after 10 s.
func (in *instance) stop() {
	if in == nil || in.cmd.Process == nil {
		return
	}
	_ = in.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-in.waited:
	case <-time.After(10 * time.Second):
		_ = in.cmd.Process.Kill()
		<-in.waited
	}
}

// tail returns the last lines of a log file, for error messages.
func tail(path string) string {
	b, _ := os.ReadFile(path)
	if len(b) > 1500 {
		b = b[len(b)-1500:]
	}
	return strings.TrimSpace(string(b))
}

// statusKB reads a "Vm..." field (kB) of /proc/PID/status.
func statusKB(pid int, field string) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, field+":"); ok {
			n, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return n
		}
	}
	return 0
}

// cpuTime is the user+system CPU time a process has used so far.
func cpuTime(pid int) time.Duration {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	// The command name (field 2) may hold spaces; fields count from after it.
	s := string(b)
	if i := strings.LastIndexByte(s, ')'); i >= 0 {
		s = s[i+1:]
	}
	f := strings.Fields(s)
	if len(f) < 13 {
		return 0
	}
	utime, _ := strconv.ParseInt(f[11], 10, 64)
	stime, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(utime+stime) * time.Second / 100 // USER_HZ is 100 on Linux
}

// busyCPU is the CPU time all processors of the machine have spent busy
// (not idle, not waiting for I/O) since boot.
func busyCPU() time.Duration {
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0
	}
	line, _, _ := strings.Cut(string(b), "\n")
	f := strings.Fields(line)
	if len(f) < 6 || f[0] != "cpu" {
		return 0
	}
	var busy int64
	for i, v := range f[1:] {
		n, _ := strconv.ParseInt(v, 10, 64)
		if i != 3 && i != 4 && i < 8 { // idle, iowait; guest time is already in user
			busy += n
		}
	}
	return time.Duration(busy) * time.Second / 100
}

// selfCPU is the CPU time the bench process has used so far.
func selfCPU() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// sampler polls a process's resident memory until stopped.
type sampler struct {
	pid    int
	maxKB  int64
	stopc  chan struct{}
	done   chan struct{}
	period time.Duration
}

func sample(pid int) *sampler {
	s := &sampler{pid: pid, stopc: make(chan struct{}), done: make(chan struct{}), period: 50 * time.Millisecond}
	go func() {
		defer close(s.done)
		t := time.NewTicker(s.period)
		defer t.Stop()
		for {
			s.maxKB = max(s.maxKB, statusKB(pid, "VmRSS"))
			select {
			case <-s.stopc:
				return
			case <-t.C:
			}
		}
	}()
	return s
}

// stop ends the sampling and returns the largest VmRSS seen, in kB.
func (s *sampler) stop() int64 {
	close(s.stopc)
	<-s.done
	return s.maxKB
}
