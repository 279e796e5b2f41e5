package testenv

import (
	"bufio"
	"bytes"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

var built struct {
	sync.Once
	dir  string
	path string
	err  error
	out  []byte
}

// Binary builds the real parley binary once per test process and returns
// its path.
func Binary(tb testing.TB) string {
	tb.Helper()
	built.Do(func() {
		built.dir, built.err = os.MkdirTemp("", "parley-bin-")
		if built.err != nil {
			return
		}
		built.path = filepath.Join(built.dir, "parley")
		// Built as the Dockerfile builds it: static, without cgo.
		cmd := exec.Command("go", "build", "-o", built.path, ".")
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		cmd.Dir = RepoRoot()
		built.out, built.err = cmd.CombinedOutput()
	})
	if built.err != nil {
		tb.Fatalf("testenv: go build: %v\n%s", built.err, built.out)
	}
	return built.path
}

// Process is a running parley binary.
type Process struct {
	URL    string
	Cmd    *exec.Cmd
	Stdout *bufio.Reader // what follows the first line
}

// StartBinary starts the real binary with args (run from the repository
// root), reads the "listening on http://HOST:PORT" line, and kills the
// process at cleanup. Its log is shown only if the test fails.
func StartBinary(tb testing.TB, args ...string) *Process {
	tb.Helper()
	cmd := exec.Command(Binary(tb), args...)
	cmd.Dir = RepoRoot()
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		tb.Fatal(err)
	}
	var log LockedBuffer
	cmd.Stderr = &log
	if err := cmd.Start(); err != nil {
		tb.Fatalf("testenv: start: %v", err)
	}
	tb.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		if tb.Failed() {
			tb.Logf("testenv: the server's log:\n%s", log.String())
		}
	})
	r := bufio.NewReader(stdout)
	line, err := r.ReadString('\n')
	if err != nil && err != io.EOF {
		tb.Fatalf("testenv: reading the first line: %v", err)
	}
	url, ok := strings.CutPrefix(strings.TrimSpace(line), "listening on ")
	if !ok || !strings.HasPrefix(url, "http://127.0.0.1:") {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		tb.Fatalf("testenv: first line: got %q, want \"listening on http://127.0.0.1:PORT\"; log:\n%s", line, log.String())
	}
	return &Process{URL: url, Cmd: cmd, Stdout: r}
}

// Run runs the real binary with args (from the repository root) to its
// end and returns what it printed (stdout and stderr) and its exit error.
func Run(tb testing.TB, args ...string) (string, error) {
	tb.Helper()
	cmd := exec.Command(Binary(tb), args...)
	cmd.Dir = RepoRoot()
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// LockedBuffer is a bytes.Buffer that goroutines may write at once (a
// process's output, a server's log) while a test reads it.
type LockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *LockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *LockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
