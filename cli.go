package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"strings"
)

// command is one of parley's subcommands.
type command struct {
	name, args, summary string
	// flags defines the command's flags on fs; run runs it with what is
	// left of the command line.
	run func(ctx context.Context, env *cliEnv, args []string) error
}

// cliEnv is what a command may touch, so tests run commands in-process.
type cliEnv struct {
	stdout, stderr io.Writer
	getenv         func(string) string
}

func commands() []command {
	return []command{
		{"serve", "[flags]", "run the server (the default command)", runServe},
		{"version", "", "print the version, commit and Go version", runVersion},
		{"healthcheck", "[--addr HOST:PORT]", "exit 0 when the server at --addr is ready, 1 otherwise (for container health checks)", runHealthcheck},
		{"backup", "[--data DIR] FILE", "write a consistent snapshot of the data folder (database and files) into one tar archive, while the server runs", runBackup},
		{"restore", "[--data DIR] FILE", "unpack a backup archive into an empty data folder", runRestore},
		{"apps", "rotate-secret APP [--addr] [--admin-token]", "give an app a new secret key through the running server's admin API", runApps},
		{"tokens", "list|create|revoke ID [--addr] [--admin-token]", "list, create or revoke admin tokens through the running server's admin API", runTokens},
		{"help", "[COMMAND]", "print this help, or a command's flags", nil},
	}
}

const intro = `Parley is a chat-messages backend in one binary: one SQLite file, one folder
of attachments, and the messages APIs of several chat platforms on one core.

Usage:
  parley [COMMAND] [flags]

Commands:
`

// run runs the command line and returns the exit code: 0 on success
// (help included), 1 when the command failed, 2 for a bad command line.
func run(ctx context.Context, args []string, env *cliEnv) int {
	if len(args) > 0 && isHelp(args[0]) {
		return help(env, nil) // parley --help
	}
	name := "serve"
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		name, args = args[0], args[1:]
	}
	if name == "help" {
		return help(env, args)
	}
	for _, c := range commands() {
		if c.name != name || c.run == nil {
			continue
		}
		err := c.run(ctx, env, args)
		switch {
		case err == nil:
			return 0
		case errors.Is(err, flag.ErrHelp):
			return 0
		case errors.As(err, new(usageError)):
			fmt.Fprintf(env.stderr, "parley %s: %v\nRun 'parley help %s' for usage.\n", name, err, name)
			return 2
		default:
			fmt.Fprintf(env.stderr, "parley %s: %v\n", name, err)
			return 1
		}
	}
	fmt.Fprintf(env.stderr, "parley: unknown command %q\nRun 'parley help' for usage.\n", name)
	return 2
}

func isHelp(s string) bool { return s == "-h" || s == "-help" || s == "--help" }

// help prints the overview, or one command's usage and flags.
func help(env *cliEnv, args []string) int {
	if len(args) == 0 {
		fmt.Fprint(env.stdout, intro)
		for _, c := range commands() {
			fmt.Fprintf(env.stdout, "  %s %s\n      %s\n", c.name, c.args, c.summary)
		}
		fmt.Fprint(env.stdout, "\nEvery flag has a PARLEY_* environment twin (--cors-origins: PARLEY_CORS_ORIGINS).\n"+
			"Run 'parley help COMMAND' or 'parley COMMAND --help' for a command's flags.\n")
		return 0
	}
	for _, c := range commands() {
		if c.name == args[0] && c.run != nil {
			return run(context.Background(), []string{c.name, "--help"}, env)
		}
	}
	fmt.Fprintf(env.stderr, "parley help: unknown command %q\n", args[0])
	return 2
}

// usageError is a bad command line (exit code 2).
type usageError struct{ error }

func usagef(format string, args ...any) error { return usageError{fmt.Errorf(format, args...)} }

// newFlagSet returns a flag set whose -h prints the command's usage to
// stdout and whose errors are returned, not printed twice.
func newFlagSet(name string) *flag.FlagSet {
	fs := flag.NewFlagSet("parley "+name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	return fs
}

// parse parses a command's flags with their PARLEY_* twins; -h prints
// the usage and returns flag.ErrHelp.
func parse(fs *flag.FlagSet, env *cliEnv, args []string) (map[string]bool, []string, error) {
	set, pos, err := parseFlags(fs, args, env.getenv)
	if errors.Is(err, flag.ErrHelp) {
		printUsage(fs, env.stdout)
		return nil, nil, err
	}
	if err != nil {
		return nil, nil, usageError{err}
	}
	return set, pos, nil
}

func printUsage(fs *flag.FlagSet, w io.Writer) {
	name := strings.TrimPrefix(fs.Name(), "parley ")
	for _, c := range commands() {
		if c.name == name {
			fmt.Fprintf(w, "Usage: parley %s %s\n\n%s.\n", c.name, c.args, upperFirst(c.summary))
		}
	}
	n := 0
	fs.VisitAll(func(*flag.Flag) { n++ })
	if n == 0 {
		return
	}
	fmt.Fprint(w, "\nFlags (each with its PARLEY_* twin in the environment):\n")
	fs.VisitAll(func(f *flag.Flag) {
		def := ""
		if f.DefValue != "" && f.DefValue != "false" && f.DefValue != "0" {
			def = " (default " + f.DefValue + ")"
		}
		fmt.Fprintf(w, "  --%s  [%s]\n      %s%s\n", f.Name, envName(f.Name), f.Usage, def)
	})
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// clientURL is the URL a client command reaches the server at: addr's
// port on the loopback interface when addr listens on every interface.
func clientURL(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "http://" + addr
	}
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "127.0.0.1"
	}
	return "http://" + net.JoinHostPort(host, port)
}

// stdEnv is the process's own environment.
func stdEnv() *cliEnv {
	return &cliEnv{stdout: os.Stdout, stderr: os.Stderr, getenv: os.Getenv}
}
