package main

import (
	"flag"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Config is what the flags and their PARLEY_* twins set.
type Config struct {
	Addr        string
	DataDir     string
	Ephemeral   bool
	Fixtures    string
	AdminToken  string
	LogLevel    string
	LogFormat   string
	Readers     int
	CORSOrigins []string // "*": any origin
	Metrics     bool
	RateLimit   bool
	MaxBody     int64
	MaxUpload   int64
	// Journal is how many requests per app the journal keeps (0: off);
	// MaxMessages and MaxAge bound what each app keeps (0: unbounded).
	// Negative means the mode's default: on for --ephemeral, off otherwise.
	Journal     int
	MaxMessages int
	MaxAge      time.Duration
	// MaxConnsPerAddress caps the connections one client address holds
	// at once (0: no cap).
	MaxConnsPerAddress int
	// How long a client has: for a request's headers (an idle new
	// connection too), for a whole request, for the answer to be written,
	// and between two requests on one connection; 0 turns one off.
	// Uploads and downloads of files have UploadTimeout each way; event
	// streams bound each write instead.
	ReadHeaderTimeout time.Duration
	ReadTimeout       time.Duration
	WriteTimeout      time.Duration
	IdleTimeout       time.Duration
	UploadTimeout     time.Duration
	// MaxHeader bounds a request's headers, so that slow clients cannot
	// each hold much memory.
	MaxHeader int64
}

// envName is the environment twin of a flag: --cors-origins → PARLEY_CORS_ORIGINS.
func envName(flagName string) string {
	return "PARLEY_" + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

// parseFlags parses args into fs, then gives every flag the command line
// left alone its PARLEY_* value when the environment has one. Flags may
// come before, between and after the positional arguments, which it
// returns with the names set either way. A bad value in either place is
// an error that names it.
func parseFlags(fs *flag.FlagSet, args []string, getenv func(string) string) (map[string]bool, []string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, nil, err
		}
		if fs.NArg() == 0 {
			break
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	var err error
	fs.VisitAll(func(f *flag.Flag) {
		if set[f.Name] || err != nil {
			return
		}
		if v := getenv(envName(f.Name)); v != "" {
			if e := fs.Set(f.Name, v); e != nil {
				err = fmt.Errorf("%s=%q: %v", envName(f.Name), v, e)
			}
			set[f.Name] = true
		}
	})
	return set, pos, err
}

// parseBool reads a boolean as people write it: 1/true/yes/on and
// 0/false/no/off, in any case. Anything else is an error, never off.
func parseBool(s string) (bool, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "1", "true", "yes", "on":
		return true, nil
	case "0", "false", "no", "off":
		return false, nil
	}
	return false, fmt.Errorf("%q is not a boolean (use true/false, yes/no, on/off or 1/0)", s)
}

// boolFlag is a boolean flag read by parseBool (--x alone means true).
type boolFlag struct{ p *bool }

func (b boolFlag) String() string {
	if b.p == nil {
		return "false"
	}
	return strconv.FormatBool(*b.p)
}

func (b boolFlag) Set(s string) error {
	v, err := parseBool(s)
	if err != nil {
		return err
	}
	*b.p = v
	return nil
}

func (boolFlag) IsBoolFlag() bool { return true }

// sizeFlag is a byte count: 1048576, 1MiB, 512KiB, 2GiB, 100MB.
type sizeFlag struct{ p *int64 }

func (s sizeFlag) String() string {
	if s.p == nil {
		return "0"
	}
	return formatSize(*s.p)
}

func (s sizeFlag) Set(v string) error {
	n, err := parseSize(v)
	if err != nil {
		return err
	}
	*s.p = n
	return nil
}

func formatSize(n int64) string {
	for _, u := range []struct {
		suffix string
		n      int64
	}{{"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}, {"GB", 1e9}, {"MB", 1e6}, {"KB", 1e3}} {
		if n >= u.n && n%u.n == 0 {
			return strconv.FormatInt(n/u.n, 10) + u.suffix
		}
	}
	return strconv.FormatInt(n, 10)
}

// listFlag is a comma-separated list.
type listFlag struct{ p *[]string }

func (l listFlag) String() string {
	if l.p == nil {
		return ""
	}
	return strings.Join(*l.p, ",")
}

func (l listFlag) Set(v string) error {
	*l.p = nil
	for _, s := range strings.Split(v, ",") {
		if s = strings.TrimSpace(s); s != "" {
			*l.p = append(*l.p, s)
		}
	}
	return nil
}
