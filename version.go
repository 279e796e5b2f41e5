package main

import (
	"context"
	"fmt"
	"runtime"
	"runtime/debug"

	"parley/server"
)

// version and commit may be set at build time (go build -ldflags "-X
// main.version=v1.2.3 -X main.commit=abc123"), as the Dockerfile does;
// otherwise they come from the build info Go stamps into the binary.
var version, commit string

// buildVersion names this build: the -X values, else the module version
// and the VCS revision from the build info ("-dirty" when the tree had
// changes), and the Go version it was built with.
func buildVersion() server.Version {
	v := server.Version{Version: version, Commit: commit, Go: runtime.Version()}
	if bi, ok := debug.ReadBuildInfo(); ok {
		v.Go = bi.GoVersion
		if v.Version == "" {
			v.Version = bi.Main.Version
		}
		modified := false
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				if v.Commit == "" {
					v.Commit = s.Value
				}
			case "vcs.modified":
				modified = s.Value == "true"
			}
		}
		if modified && v.Commit != "" && commit == "" {
			v.Commit += "-dirty"
		}
	}
	if v.Version == "" {
		v.Version = "(devel)"
	}
	if v.Commit == "" {
		v.Commit = "unknown"
	}
	return v
}

func runVersion(_ context.Context, env *cliEnv, args []string) error {
	fs := newFlagSet("version")
	_, pos, err := parse(fs, env, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("unexpected arguments: %v", pos)
	}
	v := buildVersion()
	fmt.Fprintf(env.stdout, "parley %s (commit %s, %s)\n", v.Version, v.Commit, v.Go)
	return nil
}
