package main

import (
	"archive/tar"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"parley/server/testenv"
)

// A backup of a server under write load holds every message acknowledged
// before the backup began, and restores into an empty folder only.
func TestBackupUnderLoadAndRestore(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	p := testenv.StartBinary(t, "--addr", "127.0.0.1:0", "--data", dir, "--fixtures", "testdata/fixtures.json", "--admin-token", "adm")
	// A stored file, as the blob store lays it out.
	content := []byte("an attachment's bytes")
	sum := sha256.Sum256(content)
	key := hex.EncodeToString(sum[:])
	blob := filepath.Join(dir, "blobs", "sha256", key[:2], key[2:])
	if err := os.MkdirAll(filepath.Dir(blob), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(blob, content, 0o644); err != nil {
		t.Fatal(err)
	}

	var (
		mu    sync.Mutex
		acked []string
		stop  = make(chan struct{})
		wg    sync.WaitGroup
		first = make(chan struct{})
		once  sync.Once
	)
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				id := fmt.Sprintf("load-%d-%d", w, i)
				body := fmt.Sprintf(`{"id":%q,"conversationId":"general","body":"message %d"}`, id, i)
				if status, out := call(t, "POST", p.URL+"/v2/messages/send", "", body, aliceHeaders...); status != 201 {
					t.Errorf("send %s: %d %s", id, status, out)
					return
				}
				mu.Lock()
				acked = append(acked, id)
				if len(acked) >= 100 {
					once.Do(func() { close(first) })
				}
				mu.Unlock()
			}
		}()
	}
	<-first
	mu.Lock()
	before := append([]string(nil), acked...)
	mu.Unlock()
	archive := filepath.Join(t.TempDir(), "parley-backup.tar.gz")
	out, err := runBinary(t, "backup", "--data", dir, archive)
	close(stop)
	wg.Wait()
	if err != nil {
		t.Fatalf("backup: %v\n%s", err, out)
	}

	restored := filepath.Join(t.TempDir(), "restored")
	if out, err := runBinary(t, "restore", "--data", restored, archive); err != nil {
		t.Fatalf("restore: %v\n%s", err, out)
	}
	if out, err := runBinary(t, "restore", "--data", dir, archive); err == nil || !strings.Contains(out, "not empty") {
		t.Fatalf("restore into a non-empty folder: %v %s", err, out)
	}
	if got, err := os.ReadFile(filepath.Join(restored, "blobs", "sha256", key[:2], key[2:])); err != nil || string(got) != string(content) {
		t.Fatalf("restored file: %v %q", err, got)
	}
	r := startMain(t, "--data", restored, "--admin-token", "adm")
	for start := 0; start < len(before); start += 50 {
		ids := before[start:min(start+50, len(before))]
		status, body := call(t, "GET", r.URL+"/v2/conversations/general/messages?limit=50&ids="+strings.Join(ids, ","), "", "", aliceHeaders...)
		var msgs []struct{ ID string }
		if status != 200 || json.Unmarshal(body, &msgs) != nil {
			t.Fatalf("read restored messages: %d %s", status, body)
		}
		if len(msgs) != len(ids) {
			t.Fatalf("restored %d of %d messages acknowledged before the backup", len(msgs), len(ids))
		}
	}
	t.Logf("%d messages acknowledged before the backup, all restored", len(before))
}

// An archive that is not a Parley backup, or names paths outside the
// data folder, is refused and leaves nothing behind.
func TestRestoreRefusesStrangeArchives(t *testing.T) {
	tests := []struct{ name, entry string }{
		{"ErrEscape", "../evil"},
		{"ErrEscapeInBlobs", "blobs/sha256/../../../evil"},
		{"ErrOther", "notes.txt"},
		{"ErrNoDatabase", "blobs/sha256/ab/cd"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			archive := filepath.Join(dir, "a.tar")
			f, err := os.Create(archive)
			if err != nil {
				t.Fatal(err)
			}
			tw := tar.NewWriter(f)
			tw.WriteHeader(&tar.Header{Name: tt.entry, Mode: 0o644, Size: 1, Typeflag: tar.TypeReg})
			tw.Write([]byte("x"))
			tw.Close()
			f.Close()
			dest := filepath.Join(dir, "data")
			if _, err := restore(context.Background(), archive, dest); err == nil {
				t.Fatalf("restore of an archive holding %q succeeded", tt.entry)
			}
			if _, err := os.Stat(dest); !os.IsNotExist(err) {
				t.Fatalf("a refused restore left %s: %v", dest, err)
			}
			if _, err := os.Stat(filepath.Join(dir, "..", "evil")); err == nil {
				t.Fatal("an entry escaped the data folder")
			}
		})
	}
}
