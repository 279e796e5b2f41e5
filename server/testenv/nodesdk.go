package testenv

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// NodeSDK is a Node.js test of a platform's official SDK: a folder of the
// source tree holding package.json, package-lock.json (the SDK's pin) and
// scripts, with its packages installed outside the tree, ready to run.
type NodeSDK struct {
	node string
	dir  string // the cache folder: node_modules and the scripts
}

// InstallNodeSDK prepares the Node.js test in src (a folder relative to the
// repository root). It skips the test with -short, and when node or npm is
// missing (unless $CI is set, where that is a failure). npm installs the
// pinned packages on first run (`npm ci`) into a cache folder outside the
// source tree, os.UserCacheDir()/parley-sdk/<dialect>-<hash>, named by the
// package files' content, so a changed pin gets a folder of its own and
// later runs install nothing; src's scripts are copied there at every run.
func InstallNodeSDK(t *testing.T, src string) *NodeSDK {
	t.Helper()
	if testing.Short() {
		t.Skip("starts the binary and Node.js")
	}
	node, errNode := exec.LookPath("node")
	npm, errNpm := exec.LookPath("npm")
	if errNode != nil || errNpm != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("CI needs node and npm for the SDK test: %v %v", errNode, errNpm)
		}
		t.Skip("node and npm are not installed")
	}
	src = filepath.Join(RepoRoot(), src)
	h := sha256.New()
	for _, name := range []string{"package.json", "package-lock.json"} {
		b, err := os.ReadFile(filepath.Join(src, name))
		if err != nil {
			t.Fatal(err)
		}
		h.Write(b)
	}
	cache, err := os.UserCacheDir()
	if err != nil {
		cache = os.TempDir()
	}
	sdk := &NodeSDK{node: node,
		dir: filepath.Join(cache, "parley-sdk", filepath.Base(filepath.Dir(src))+"-"+hex.EncodeToString(h.Sum(nil))[:12])}
	if err := os.MkdirAll(sdk.dir, 0o755); err != nil {
		t.Fatal(err)
	}
	scripts, err := filepath.Glob(filepath.Join(src, "*.js*")) // the scripts and the package files
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range scripts {
		b, err := os.ReadFile(f)
		if err == nil {
			err = os.WriteFile(filepath.Join(sdk.dir, filepath.Base(f)), b, 0o644)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	// npm writes its hidden lockfile last: an interrupted install has none.
	if _, err := os.Stat(filepath.Join(sdk.dir, "node_modules", ".package-lock.json")); err == nil {
		return sdk
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, npm, "ci", "--no-audit", "--no-fund", "--ignore-scripts")
	cmd.Dir = sdk.dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("npm ci in %s: %v\n%s", sdk.dir, err, out)
	}
	return sdk
}

// Run runs one of the scripts with node, in the cache folder, with env
// added to the environment, for at most three minutes.
func (s *NodeSDK) Run(script string, env ...string) (stdout, stderr []byte, err error) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, s.node, script)
	cmd.Dir = s.dir
	cmd.Env = append(os.Environ(), env...)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err = cmd.Run()
	return out.Bytes(), errOut.Bytes(), err
}
