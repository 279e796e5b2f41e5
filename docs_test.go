package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// The repository stands alone: no file points to material outside it, and
// every relative link of the documentation leads to a file that exists.
func TestDocsStandAlone(t *testing.T) {
	out, err := exec.Command("git", "ls-files").Output()
	if err != nil {
		t.Skip("not a git checkout: ", err)
	}
	outside := regexp.MustCompile(`\.\./` + `shared|DESIGN` + `\.md|seeds` + `/|the ` + `brief`)
	link := regexp.MustCompile(`\]\(([^)#:]+)(#[^)]*)?\)`)
	for _, file := range strings.Fields(string(out)) {
		if strings.HasSuffix(file, ".json") || strings.HasSuffix(file, ".sum") {
			continue
		}
		data, err := os.ReadFile(file)
		if err != nil {
			continue // deleted in the work tree
		}
		if loc := outside.FindIndex(data); loc != nil {
			t.Errorf("%s points outside the repository: %q", file, data[loc[0]:loc[1]])
		}
		if !strings.HasSuffix(file, ".md") {
			continue
		}
		for _, m := range link.FindAllSubmatch(data, -1) {
			target := filepath.Join(filepath.Dir(file), string(m[1]))
			if _, err := os.Stat(target); err != nil {
				t.Errorf("%s links to %s, which does not exist", file, m[1])
			}
		}
	}
}
