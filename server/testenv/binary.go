package testenv

import (
	"bufio"
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
		cmd := exec.Command("go", "build", "-o", built.path, ".")
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
// process at cleanup.
func StartBinary(tb testing.TB, args ...string) *Process {
	tb.Helper()
	cmd := exec.Command(Binary(tb), args...)
	cmd.Dir = RepoRoot()
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		tb.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		tb.Fatalf("testenv: start: %v", err)
	}
	tb.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	r := bufio.NewReader(stdout)
	line, err := r.ReadString('\n')
	if err != nil && err != io.EOF {
		tb.Fatalf("testenv: reading the first line: %v", err)
	}
	url, ok := strings.CutPrefix(strings.TrimSpace(line), "listening on ")
	if !ok || !strings.HasPrefix(url, "http://127.0.0.1:") {
		tb.Fatalf("testenv: first line: got %q, want \"listening on http://127.0.0.1:PORT\"", line)
	}
	return &Process{URL: url, Cmd: cmd, Stdout: r}
}
