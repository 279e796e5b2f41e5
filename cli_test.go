package main

import (
	"bytes"
	"context"
	"io"
	"runtime"
	"strings"
	"testing"
	"time"

	"parley/server/testenv"
)

// runCLI runs a command line in-process and returns its stdout and exit code.
func runCLI(t *testing.T, env map[string]string, args ...string) (string, int) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(context.Background(), args, &cliEnv{stdout: &out, stderr: &errOut, getenv: func(k string) string { return env[k] }})
	return out.String() + errOut.String(), code
}

// runBinary runs the built binary with args.
func runBinary(t *testing.T, args ...string) (string, error) {
	t.Helper()
	return testenv.Run(t, args...)
}

func TestHelpAndVersion(t *testing.T) {
	tests := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"--help"}, 0, "backup"},
		{[]string{"-h"}, 0, "healthcheck"},
		{[]string{"help"}, 0, "rotate-secret"},
		{[]string{"serve", "--help"}, 0, "PARLEY_CORS_ORIGINS"},
		{[]string{"help", "serve"}, 0, "--readers  [PARLEY_READERS]"},
		{[]string{"help", "backup"}, 0, "Usage: parley backup"},
		{[]string{"apps", "--help"}, 0, "PARLEY_ADMIN_TOKEN"},
		{[]string{"version"}, 0, "parley "},
		{[]string{"fly"}, 2, "unknown command"},
		{[]string{"serve", "--nope"}, 2, "flag provided but not defined"},
		{[]string{"help", "fly"}, 2, "unknown command"},
		{[]string{"serve", "--log-format", "xml"}, 2, "text or json"},
		{[]string{"backup"}, 2, "one archive"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, "_"), func(t *testing.T) {
			out, code := runCLI(t, nil, tt.args...)
			if code != tt.code || !strings.Contains(out, tt.want) {
				t.Fatalf("parley %v: exit %d, output:\n%s\nwant exit %d and %q", tt.args, code, out, tt.code, tt.want)
			}
		})
	}
	// The real binary's exit codes, and its build info.
	for _, args := range [][]string{{"--help"}, {"help"}, {"serve", "--help"}} {
		if out, err := runBinary(t, args...); err != nil || !strings.Contains(out, "PARLEY_") && !strings.Contains(out, "Commands:") {
			t.Fatalf("parley %v: %v\n%s", args, err, out)
		}
	}
	// The commit comes from the build's VCS stamp, which a build without
	// git (or with -buildvcs=false) does not have.
	out, err := runBinary(t, "version")
	if err != nil || !strings.Contains(out, runtime.Version()) || !strings.Contains(out, "(commit ") {
		t.Fatalf("parley version: %v %q, want the commit and Go version", err, out)
	}
}

func TestEnvTwins(t *testing.T) {
	tests := []struct {
		env     map[string]string
		check   func(c Config) bool
		wantErr string
	}{
		{map[string]string{"PARLEY_EPHEMERAL": "1"}, func(c Config) bool { return c.Ephemeral }, ""},
		{map[string]string{"PARLEY_EPHEMERAL": "TRUE"}, func(c Config) bool { return c.Ephemeral }, ""},
		{map[string]string{"PARLEY_EPHEMERAL": "Yes"}, func(c Config) bool { return c.Ephemeral }, ""},
		{map[string]string{"PARLEY_EPHEMERAL": "on"}, func(c Config) bool { return c.Ephemeral }, ""},
		{map[string]string{"PARLEY_EPHEMERAL": "0"}, func(c Config) bool { return !c.Ephemeral }, ""},
		{map[string]string{"PARLEY_EPHEMERAL": "False"}, func(c Config) bool { return !c.Ephemeral }, ""},
		{map[string]string{"PARLEY_EPHEMERAL": "NO"}, func(c Config) bool { return !c.Ephemeral }, ""},
		{map[string]string{"PARLEY_EPHEMERAL": "off"}, func(c Config) bool { return !c.Ephemeral }, ""},
		{map[string]string{"PARLEY_EPHEMERAL": "maybe"}, nil, "PARLEY_EPHEMERAL"},
		{map[string]string{"PARLEY_METRICS": "nope"}, nil, "PARLEY_METRICS"},
		{map[string]string{"PARLEY_READERS": "8"}, func(c Config) bool { return c.Readers == 8 }, ""},
		{map[string]string{"PARLEY_READERS": "many"}, nil, "PARLEY_READERS"},
		{map[string]string{"PARLEY_MAX_BODY": "2MiB"}, func(c Config) bool { return c.MaxBody == 2<<20 }, ""},
		{map[string]string{"PARLEY_MAX_CONNS_PER_ADDRESS": "64"}, func(c Config) bool { return c.MaxConnsPerAddress == 64 }, ""},
		{map[string]string{"PARLEY_READ_HEADER_TIMEOUT": "3s", "PARLEY_READ_TIMEOUT": "20s", "PARLEY_WRITE_TIMEOUT": "30s", "PARLEY_IDLE_TIMEOUT": "1m",
			"PARLEY_UPLOAD_TIMEOUT": "2h", "PARLEY_MAX_HEADER": "16KiB"}, func(c Config) bool {
			return c.ReadHeaderTimeout == 3*time.Second && c.ReadTimeout == 20*time.Second && c.WriteTimeout == 30*time.Second &&
				c.IdleTimeout == time.Minute && c.UploadTimeout == 2*time.Hour && c.MaxHeader == 16<<10
		}, ""},
		{map[string]string{}, func(c Config) bool {
			return c.ReadHeaderTimeout == 10*time.Second && c.ReadTimeout == time.Minute && c.WriteTimeout == time.Minute &&
				c.IdleTimeout == 2*time.Minute && c.UploadTimeout == time.Hour && c.MaxHeader == 64<<10
		}, ""},
		{map[string]string{"PARLEY_WRITE_TIMEOUT": "soon"}, nil, "PARLEY_WRITE_TIMEOUT"},
		{map[string]string{"PARLEY_READ_TIMEOUT": "-1s"}, nil, "cannot be negative"},
		{map[string]string{"PARLEY_UPLOAD_TIMEOUT": "0"}, nil, "--upload-timeout"},
		{map[string]string{"PARLEY_CORS_ORIGINS": "https://a.test, https://b.test"}, func(c Config) bool {
			return len(c.CORSOrigins) == 2 && c.CORSOrigins[1] == "https://b.test"
		}, ""},
		// Defaults that follow --ephemeral.
		{map[string]string{}, func(c Config) bool { return c.RateLimit && c.CORSOrigins == nil && c.Metrics }, ""},
		{map[string]string{"PARLEY_EPHEMERAL": "1"}, func(c Config) bool { return !c.RateLimit && c.CORSOrigins[0] == "*" }, ""},
		{map[string]string{"PARLEY_EPHEMERAL": "1", "PARLEY_RATE_LIMIT": "yes", "PARLEY_CORS_ORIGINS": "none"},
			func(c Config) bool { return c.RateLimit && c.CORSOrigins == nil }, ""},
	}
	for _, tt := range tests {
		t.Run(strings.ReplaceAll(strings.TrimPrefix(strings.Join(keysValues(tt.env), "_"), "PARLEY_"), " ", ""), func(t *testing.T) {
			env := &cliEnv{stdout: io.Discard, stderr: io.Discard, getenv: func(k string) string { return tt.env[k] }}
			m, err := parseServe(env, nil)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("got %v, want an error naming %s", err, tt.wantErr)
				}
				return
			}
			if err != nil || !tt.check(m.Config) {
				t.Fatalf("config %+v, err %v", m, err)
			}
		})
	}
	// A flag wins over its twin.
	env := &cliEnv{getenv: func(k string) string { return map[string]string{"PARLEY_ADDR": "127.0.0.1:1"}[k] }}
	if m, err := parseServe(env, []string{"--addr", ":2"}); err != nil || m.Config.Addr != ":2" {
		t.Fatalf("flag over env: %v %v", m, err)
	}
}

func keysValues(m map[string]string) []string {
	var out []string
	for k, v := range m {
		out = append(out, k+"="+v)
	}
	return out
}

func TestParseArgs_MaxUpload(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		env     string
		want    int64
		wantErr bool
	}{
		{"Default", nil, "", 100_000_000, false},
		{"Flag", []string{"--max-upload", "10MiB"}, "", 10 << 20, false},
		{"Env", nil, "2KB", 2000, false},
		{"FlagBeatsEnv", []string{"--max-upload", "512"}, "2KB", 512, false},
		{"ErrZero", []string{"--max-upload", "0"}, "", 0, true},
		{"ErrWord", nil, "lots", 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := parseServe(&cliEnv{getenv: func(k string) string {
				if k == "PARLEY_MAX_UPLOAD" {
					return tt.env
				}
				return ""
			}}, tt.args)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, want error %v", err, tt.wantErr)
			}
			if err == nil && m.Config.MaxUpload != tt.want {
				t.Errorf("MaxUpload = %d, want %d", m.Config.MaxUpload, tt.want)
			}
		})
	}
}

func TestClientURL(t *testing.T) {
	tests := []struct{ addr, want string }{
		{"127.0.0.1:8080", "http://127.0.0.1:8080"},
		{"0.0.0.0:8080", "http://127.0.0.1:8080"}, // the container's PARLEY_ADDR
		{":9000", "http://127.0.0.1:9000"},
		{"[::]:8080", "http://127.0.0.1:8080"},
		{"parley.internal:80", "http://parley.internal:80"},
	}
	for _, tt := range tests {
		if got := clientURL(tt.addr); got != tt.want {
			t.Errorf("clientURL(%q) = %q, want %q", tt.addr, got, tt.want)
		}
	}
}
