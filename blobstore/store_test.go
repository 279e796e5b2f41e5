package blobstore_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"testing/iotest"
	"time"

	"github.com/spf13/afero"

	"parley/blobstore"
	"parley/server/core"
)

// fileSystems returns the file systems every test runs on: memory (tests,
// ephemeral mode) and a base-path fs over a temp dir (what OpenDir builds).
func fileSystems(t *testing.T) map[string]func(t *testing.T) afero.Fs {
	t.Helper()
	return map[string]func(t *testing.T) afero.Fs{
		"mem":  func(t *testing.T) afero.Fs { return afero.NewMemMapFs() },
		"disk": func(t *testing.T) afero.Fs { return afero.NewBasePathFs(afero.NewOsFs(), t.TempDir()) },
	}
}

// eachFs runs fn once per file system, as parallel subtests.
func eachFs(t *testing.T, fn func(t *testing.T, fsys afero.Fs, s *blobstore.Store)) {
	t.Helper()
	for name, newFs := range fileSystems(t) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			fsys := newFs(t)
			fn(t, fsys, blobstore.New(fsys))
		})
	}
}

// mustPut stores data without a limit and fails the test on error.
func mustPut(tb testing.TB, s *blobstore.Store, data string) core.Blob {
	tb.Helper()
	b, err := s.Put(context.Background(), strings.NewReader(data), 0)
	if err != nil {
		tb.Fatalf("Put(%q): %v", data, err)
	}
	return b
}

// mustRead opens key and returns its whole contents.
func mustRead(tb testing.TB, s *blobstore.Store, key string) string {
	tb.Helper()
	r, _, err := s.Open(context.Background(), key)
	if err != nil {
		tb.Fatalf("Open(%q): %v", key, err)
	}
	defer r.Close()
	b, err := io.ReadAll(r)
	if err != nil {
		tb.Fatalf("read %q: %v", key, err)
	}
	return string(b)
}

// tmpEntries lists what is left in the store's temp folder.
func tmpEntries(tb testing.TB, fsys afero.Fs) []string {
	tb.Helper()
	infos, err := afero.ReadDir(fsys, "tmp")
	if errors.Is(err, os.ErrNotExist) {
		return nil
	} else if err != nil {
		tb.Fatalf("ReadDir(tmp): %v", err)
	}
	var names []string
	for _, fi := range infos {
		names = append(names, fi.Name())
	}
	return names
}

func hexSHA(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

func TestPut(t *testing.T) {
	tests := []struct {
		name  string
		data  string
		limit int64
	}{
		{"Empty", "", 0},
		{"Small", "hello, world\n", 0},
		{"AtLimit", "12345", 5},
		{"UnderLimit", "1234", 5},
		{"Large", strings.Repeat("parley ", 100_000), 1 << 20},
	}
	eachFs(t, func(t *testing.T, fsys afero.Fs, s *blobstore.Store) {
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				b, err := s.Put(context.Background(), strings.NewReader(tt.data), tt.limit)
				if err != nil {
					t.Fatalf("Put: %v", err)
				}
				want := core.Blob{Key: hexSHA(tt.data), Size: int64(len(tt.data)), SHA256: hexSHA(tt.data)}
				if b != want {
					t.Errorf("Put = %+v, want %+v", b, want)
				}
				if got := mustRead(t, s, b.Key); got != tt.data {
					t.Errorf("read back %d bytes, want %d bytes equal to the input", len(got), len(tt.data))
				}
				if ok, _ := afero.Exists(fsys, "sha256/"+b.Key[:2]+"/"+b.Key[2:]); !ok {
					t.Errorf("blob not at sha256/%s/%s", b.Key[:2], b.Key[2:])
				}
				if got := tmpEntries(t, fsys); len(got) != 0 {
					t.Errorf("tmp holds %v, want nothing", got)
				}
			})
		}
	})
}

func TestPut_Dedupe(t *testing.T) {
	eachFs(t, func(t *testing.T, fsys afero.Fs, s *blobstore.Store) {
		first := mustPut(t, s, "same bytes")
		_, mod1, err := s.Open(context.Background(), first.Key)
		if err != nil {
			t.Fatal(err)
		}
		second := mustPut(t, s, "same bytes")
		if got, want := second, first; got != want {
			t.Errorf("second Put = %+v, want %+v", got, want)
		}
		r, mod2, err := s.Open(context.Background(), first.Key)
		if err != nil {
			t.Fatal(err)
		}
		r.Close()
		if !mod2.Equal(mod1) {
			t.Errorf("mod time = %v, want %v (the first copy kept)", mod2, mod1)
		}
		if other := mustPut(t, s, "other bytes"); other.Key == first.Key {
			t.Errorf("different content got the same key %s", other.Key)
		}
		if got := tmpEntries(t, fsys); len(got) != 0 {
			t.Errorf("tmp holds %v, want nothing", got)
		}
	})
}

func TestPut_Concurrent(t *testing.T) {
	eachFs(t, func(t *testing.T, fsys afero.Fs, s *blobstore.Store) {
		var wg sync.WaitGroup
		for i := range 16 {
			wg.Go(func() {
				data := "shared"
				if i%2 == 1 {
					data = "own " + string(rune('a'+i))
				}
				b, err := s.Put(context.Background(), strings.NewReader(data), 0)
				if err != nil {
					t.Errorf("Put: %v", err)
					return
				}
				if got, want := b.Key, hexSHA(data); got != want {
					t.Errorf("key = %s, want %s", got, want)
				}
			})
		}
		wg.Wait()
		if got, want := mustRead(t, s, hexSHA("shared")), "shared"; got != want {
			t.Errorf("read %q, want %q", got, want)
		}
		if got := tmpEntries(t, fsys); len(got) != 0 {
			t.Errorf("tmp holds %v, want nothing", got)
		}
	})
}

func TestPut_ErrTooLarge(t *testing.T) {
	tests := []struct {
		name  string
		data  string
		limit int64
	}{
		{"OneOver", "123456", 5},
		{"FarOver", strings.Repeat("x", 1<<20), 1024},
		{"LimitOne", "12", 1},
	}
	eachFs(t, func(t *testing.T, fsys afero.Fs, s *blobstore.Store) {
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				r := &countingReader{r: strings.NewReader(tt.data)}
				_, err := s.Put(context.Background(), r, tt.limit)
				if got, want := core.ErrorCode(err), core.ETOOLARGE; got != want {
					t.Fatalf("code = %q (%v), want %q", got, err, want)
				}
				// Reading stops soon after the limit: at most one buffer past it.
				if got, max := r.n, tt.limit+32*1024; got > max {
					t.Errorf("read %d bytes, want at most %d", got, max)
				}
				if got := tmpEntries(t, fsys); len(got) != 0 {
					t.Errorf("tmp holds %v, want nothing", got)
				}
				if _, _, err := s.Open(context.Background(), hexSHA(tt.data)); core.ErrorCode(err) != core.ENOTFOUND {
					t.Errorf("Open of refused content: %v, want ENOTFOUND", err)
				}
			})
		}
	})
}

func TestPut_ErrReader(t *testing.T) {
	boom := errors.New("boom")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	tests := []struct {
		name    string
		ctx     context.Context
		r       func() io.Reader // fresh per run: a reader is consumed
		wantErr error
	}{
		{"ReaderFails", context.Background(), func() io.Reader {
			return io.MultiReader(strings.NewReader("part"), iotest.ErrReader(boom))
		}, boom},
		{"Canceled", ctx, func() io.Reader { return strings.NewReader("data") }, context.Canceled},
	}
	eachFs(t, func(t *testing.T, fsys afero.Fs, s *blobstore.Store) {
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				_, err := s.Put(tt.ctx, tt.r(), 0)
				if !errors.Is(err, tt.wantErr) {
					t.Errorf("err = %v, want %v", err, tt.wantErr)
				}
				if got := tmpEntries(t, fsys); len(got) != 0 {
					t.Errorf("tmp holds %v, want nothing", got)
				}
			})
		}
	})
}

func TestOpen_ErrNotFound(t *testing.T) {
	valid := hexSHA("never stored")
	tests := []struct {
		name string
		key  string
	}{
		{"Missing", valid},
		{"Empty", ""},
		{"DotDot", "../x"},
		{"DotDotFull", "../" + valid[3:]},
		{"Upper", "ABC"},
		{"UpperFull", strings.ToUpper(valid)},
		{"Short", valid[:63]},
		{"Long", valid + "0"},
		{"Slash", valid[:2] + "/" + valid[3:]},
		{"NonHex", "g" + valid[1:]},
		{"Absolute", "/etc/passwd"},
	}
	eachFs(t, func(t *testing.T, fsys afero.Fs, s *blobstore.Store) {
		mustPut(t, s, "something")
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				r, _, err := s.Open(context.Background(), tt.key)
				if got, want := core.ErrorCode(err), core.ENOTFOUND; got != want {
					t.Errorf("Open(%q) code = %q (%v), want %q", tt.key, got, err, want)
				}
				if r != nil {
					r.Close()
					t.Errorf("Open(%q) returned a reader", tt.key)
				}
				if err := s.Delete(context.Background(), tt.key); err != nil {
					t.Errorf("Delete(%q) = %v, want nil", tt.key, err)
				}
			})
		}
	})
}

func TestDelete(t *testing.T) {
	eachFs(t, func(t *testing.T, fsys afero.Fs, s *blobstore.Store) {
		kept := mustPut(t, s, "kept")
		gone := mustPut(t, s, "gone")
		for i := range 2 { // the second delete finds nothing, which is fine
			if err := s.Delete(context.Background(), gone.Key); err != nil {
				t.Fatalf("Delete #%d: %v", i+1, err)
			}
		}
		if _, _, err := s.Open(context.Background(), gone.Key); core.ErrorCode(err) != core.ENOTFOUND {
			t.Errorf("Open after Delete: %v, want ENOTFOUND", err)
		}
		if got, want := mustRead(t, s, kept.Key), "kept"; got != want {
			t.Errorf("other blob reads %q, want %q", got, want)
		}
	})
}

func TestServeContent_Range(t *testing.T) {
	const data = "0123456789abcdefghij"
	tests := []struct {
		name       string
		rangeHdr   string
		wantStatus int
		wantBody   string
	}{
		{"Whole", "", http.StatusOK, data},
		{"Middle", "bytes=5-9", http.StatusPartialContent, "56789"},
		{"Suffix", "bytes=-3", http.StatusPartialContent, "hij"},
		{"Open", "bytes=15-", http.StatusPartialContent, "fghij"},
		{"Unsatisfiable", "bytes=100-200", http.StatusRequestedRangeNotSatisfiable, ""},
	}
	eachFs(t, func(t *testing.T, fsys afero.Fs, s *blobstore.Store) {
		b := mustPut(t, s, data)
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				r, mod, err := s.Open(context.Background(), b.Key)
				if err != nil {
					t.Fatal(err)
				}
				defer r.Close()
				req := httptest.NewRequest("GET", "/files/x", nil)
				if tt.rangeHdr != "" {
					req.Header.Set("Range", tt.rangeHdr)
				}
				w := httptest.NewRecorder()
				http.ServeContent(w, req, "x.txt", mod, r)
				if got, want := w.Code, tt.wantStatus; got != want {
					t.Fatalf("status = %d, want %d", got, want)
				}
				if tt.wantStatus == http.StatusRequestedRangeNotSatisfiable {
					return
				}
				if got, want := w.Body.String(), tt.wantBody; got != want {
					t.Errorf("body = %q, want %q", got, want)
				}
			})
		}
	})
}

func TestOpenDir(t *testing.T) {
	dir := t.TempDir() + "/nested/blobs"
	s, err := blobstore.OpenDir(dir)
	if err != nil {
		t.Fatalf("OpenDir: %v", err)
	}
	b := mustPut(t, s, "on disk")
	got, err := os.ReadFile(dir + "/sha256/" + b.Key[:2] + "/" + b.Key[2:])
	if err != nil {
		t.Fatalf("blob file: %v", err)
	}
	if want := "on disk"; !bytes.Equal(got, []byte(want)) {
		t.Errorf("file holds %q, want %q", got, want)
	}
	_, mod, err := s.Open(context.Background(), b.Key)
	if err != nil {
		t.Fatal(err)
	}
	if since := time.Since(mod); since < 0 || since > time.Minute {
		t.Errorf("mod time %v is not recent", mod)
	}
}

func BenchmarkPut(b *testing.B) {
	for _, size := range []int{1 << 10, 1 << 20} {
		for name, newFs := range map[string]func() afero.Fs{
			"mem":  afero.NewMemMapFs,
			"disk": func() afero.Fs { return afero.NewBasePathFs(afero.NewOsFs(), b.TempDir()) },
		} {
			b.Run(fmt.Sprintf("%s/%dKiB", name, size>>10), func(b *testing.B) {
				s := blobstore.New(newFs())
				data := make([]byte, size)
				b.SetBytes(int64(size))
				b.ReportAllocs()
				i := 0
				for b.Loop() {
					// Distinct content each time, so every Put writes a new blob.
					i++
					copy(data, []byte{byte(i), byte(i >> 8), byte(i >> 16), byte(i >> 24)})
					if _, err := s.Put(context.Background(), bytes.NewReader(data), 0); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// countingReader counts the bytes read through it.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

func TestStage(t *testing.T) {
	eachFs(t, func(t *testing.T, fsys afero.Fs, s *blobstore.Store) {
		// Discarded: nothing stays, and the bytes were never a blob.
		st, err := s.Stage(context.Background(), strings.NewReader("maybe"), 0)
		if err != nil {
			t.Fatal(err)
		}
		r, err := st.Open()
		if err != nil {
			t.Fatal(err)
		}
		if b, _ := io.ReadAll(r); string(b) != "maybe" {
			t.Errorf("staged bytes read %q", b)
		}
		r.Close()
		if _, _, err := s.Open(context.Background(), st.Blob().Key); core.ErrorCode(err) != core.ENOTFOUND {
			t.Errorf("a staged blob is readable before Commit: %v", err)
		}
		if err := st.Discard(); err != nil {
			t.Fatal(err)
		}
		if got := tmpEntries(t, fsys); len(got) != 0 {
			t.Errorf("tmp holds %v after Discard", got)
		}
		// Committed: a blob; Discard afterwards does nothing.
		st, err = s.Stage(context.Background(), strings.NewReader("kept"), 0)
		if err != nil {
			t.Fatal(err)
		}
		if err := st.Commit(); err != nil {
			t.Fatal(err)
		}
		if err := st.Discard(); err != nil {
			t.Fatal(err)
		}
		if got := mustRead(t, s, st.Blob().Key); got != "kept" {
			t.Errorf("committed blob reads %q", got)
		}
		if err := st.Commit(); err == nil {
			t.Error("a second Commit succeeded")
		}
	})
}

func TestKeysAndClearTemp(t *testing.T) {
	eachFs(t, func(t *testing.T, fsys afero.Fs, s *blobstore.Store) {
		want := map[string]bool{mustPut(t, s, "a").Key: true, mustPut(t, s, "b").Key: true}
		// Not blobs: a stray file in the blob folder and a temp leftover.
		for _, d := range []string{"sha256/zz", "tmp"} {
			if err := fsys.MkdirAll(d, 0o755); err != nil {
				t.Fatal(err)
			}
		}
		if err := afero.WriteFile(fsys, "sha256/zz/not-a-key", []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := afero.WriteFile(fsys, "tmp/put-123", []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
		got := map[string]bool{}
		if err := s.Keys(context.Background(), func(k string) error { got[k] = true; return nil }); err != nil {
			t.Fatal(err)
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("Keys = %v, want %v", got, want)
		}
		if err := s.ClearTemp(context.Background()); err != nil {
			t.Fatal(err)
		}
		if left := tmpEntries(t, fsys); len(left) != 0 {
			t.Errorf("tmp holds %v after ClearTemp", left)
		}
	})
}
