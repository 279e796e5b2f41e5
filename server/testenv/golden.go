package testenv

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the responses of golden files")

// A golden file (testdata/<dialect>/*.txtar) holds a comment and then
// request/response pairs:
//
//	-- request --
//	POST /v2/messages/send
//	Authorization: Basic ZGVtby1zZWNyZXQ=
//
//	{"conversationId": "general", "body": "hi"}
//	-- response --
//	201
//	Content-Type: application/json; charset=utf-8
//
//	{...}
//
// Each file runs against a fresh instance with the fixtures. The response
// status must match, each header listed must match, and the body must be
// the same JSON (or the same text). `go test -run TestGolden -update`
// rewrites the responses from what the server answers.

type section struct {
	name string
	data []byte
}

// parseTxtar splits a txtar archive into its comment and sections.
func parseTxtar(data []byte) (comment []byte, sections []section) {
	lines := bytes.SplitAfter(data, []byte("\n"))
	cur := -1
	for _, line := range lines {
		t := bytes.TrimRight(line, "\r\n")
		if bytes.HasPrefix(t, []byte("-- ")) && bytes.HasSuffix(t, []byte(" --")) && len(t) >= 6 {
			sections = append(sections, section{name: string(bytes.TrimSpace(t[3 : len(t)-3]))})
			cur = len(sections) - 1
			continue
		}
		if cur < 0 {
			comment = append(comment, line...)
		} else {
			sections[cur].data = append(sections[cur].data, line...)
		}
	}
	return comment, sections
}

// splitHead splits "first line, header lines, blank line, body".
func splitHead(data []byte) (first string, headers []string, body []byte) {
	text := string(data)
	head, rest, found := strings.Cut(text, "\n\n")
	if !found {
		head, rest = strings.TrimRight(text, "\n"), ""
	}
	lines := strings.Split(head, "\n")
	first = strings.TrimSpace(lines[0])
	for _, l := range lines[1:] {
		if strings.TrimSpace(l) != "" {
			headers = append(headers, l)
		}
	}
	return first, headers, []byte(strings.TrimSpace(rest))
}

// RunGolden runs every *.txtar file of dir (relative to the repository
// root) as a subtest against a fresh instance.
func RunGolden(t *testing.T, dir string, opts ...Option) {
	files, err := filepath.Glob(filepath.Join(RepoRoot(), dir, "*.txtar"))
	if err != nil || len(files) == 0 {
		t.Fatalf("testenv: no golden files in %s (%v)", dir, err)
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txtar"), func(t *testing.T) {
			t.Parallel()
			runGoldenFile(t, file, opts...)
		})
	}
}

func runGoldenFile(t *testing.T, file string, opts ...Option) {
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	comment, sections := parseTxtar(data)
	env := New(t, opts...)
	var out bytes.Buffer
	out.Write(comment)
	changed := false
	for i := 0; i < len(sections); i++ {
		req := sections[i]
		if req.name != "request" {
			t.Fatalf("%s: section %d is %q, want request", file, i, req.name)
		}
		if i+1 >= len(sections) || sections[i+1].name != "response" {
			t.Fatalf("%s: request %d has no response", file, i)
		}
		resp := sections[i+1]
		i++
		line, headers, body := splitHead(req.data)
		method, path, ok := strings.Cut(line, " ")
		if !ok {
			t.Fatalf("%s: bad request line %q", file, line)
		}
		got, gotBody := env.Do(method, path, string(body), withHost(headers)...)
		wantStatus, wantHeaders, wantBody := splitHead(resp.data)
		var gotResp bytes.Buffer
		fmt.Fprintf(&gotResp, "%d\n", got.StatusCode)
		for _, h := range wantHeaders {
			name, _, _ := strings.Cut(h, ":")
			fmt.Fprintf(&gotResp, "%s: %s\n", name, got.Header.Get(name))
		}
		gotResp.WriteString("\n")
		gotResp.Write(prettyJSON(gotBody))
		gotResp.WriteString("\n")

		where := fmt.Sprintf("%s: %s %s", filepath.Base(file), method, path)
		mismatch := ""
		if strconv.Itoa(got.StatusCode) != wantStatus {
			mismatch = fmt.Sprintf("status: got %d, want %s", got.StatusCode, wantStatus)
		}
		for _, h := range wantHeaders {
			name, value, _ := strings.Cut(h, ":")
			if g := got.Header.Get(name); g != strings.TrimSpace(value) && mismatch == "" {
				mismatch = fmt.Sprintf("header %s: got %q, want %q", name, g, strings.TrimSpace(value))
			}
		}
		if mismatch == "" && !sameBody(gotBody, wantBody) {
			mismatch = fmt.Sprintf("body:\ngot:\n%s\nwant:\n%s", prettyJSON(gotBody), wantBody)
		}
		out.WriteString("-- request --\n")
		out.Write(req.data)
		out.WriteString("-- response --\n")
		if mismatch != "" {
			changed = true
			if !*update {
				t.Errorf("%s: %s", where, mismatch)
			}
			out.Write(gotResp.Bytes())
		} else {
			out.Write(resp.data)
		}
	}
	if *update && changed {
		if err := os.WriteFile(file, out.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// sameBody compares two bodies as JSON when both are JSON, else as text.
func sameBody(got, want []byte) bool {
	var g, w any
	if json.Unmarshal(got, &g) == nil && json.Unmarshal(want, &w) == nil {
		gj, _ := json.Marshal(g)
		wj, _ := json.Marshal(w)
		return bytes.Equal(gj, wj)
	}
	return bytes.Equal(bytes.TrimSpace(got), bytes.TrimSpace(want))
}

// prettyJSON indents JSON with sorted keys for stable golden files; other
// bodies are returned as they are.
func prettyJSON(b []byte) []byte {
	var v any
	if len(bytes.TrimSpace(b)) == 0 || json.Unmarshal(b, &v) != nil {
		return bytes.TrimSpace(b)
	}
	out, _ := json.MarshalIndent(v, "", "  ")
	return out
}

// GoldenHost is the Host of golden requests that name none, so that
// absolute URLs in answers are the same on every run.
const GoldenHost = "parley.test"

func withHost(headers []string) []string {
	for _, h := range headers {
		if name, _, _ := strings.Cut(h, ":"); strings.EqualFold(strings.TrimSpace(name), "Host") {
			return headers
		}
	}
	return append([]string{"Host: " + GoldenHost}, headers...)
}
