package sceyt_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"io"
	"io/fs"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/afero"

	"parley/server/core"
	"parley/server/testenv"
)

const key = "Authorization: Bearer demo-secret"

// upload posts one file as multipart and returns the status and answer.
func upload(tb testing.TB, env *testenv.Env, path, name, ctype string, data []byte) (int, map[string]any) {
	tb.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	h := make(map[string][]string)
	h["Content-Disposition"] = []string{fmt.Sprintf(`form-data; name="file"; filename*=UTF-8''%s`, url.PathEscape(name))}
	if ctype != "" {
		h["Content-Type"] = []string{ctype}
	}
	pw, err := mw.CreatePart(h)
	if err != nil {
		tb.Fatal(err)
	}
	pw.Write(data)
	mw.Close()
	resp, out := env.Do("POST", path, body.String(), key, "Content-Type: "+mw.FormDataContentType())
	var m map[string]any
	_ = json.Unmarshal(out, &m)
	return resp.StatusCode, m
}

// get downloads path with extra headers.
func get(tb testing.TB, env *testenv.Env, path string, headers ...string) (*http.Response, string) {
	tb.Helper()
	resp, body := env.Do("GET", path, "", append([]string{key}, headers...)...)
	return resp, string(body)
}

// idOf is the file id at the end of an upload's url.
func idOf(tb testing.TB, m map[string]any) string {
	tb.Helper()
	u, _ := m["url"].(string)
	i := strings.LastIndex(u, "/")
	if i < 0 {
		tb.Fatalf("answer without url: %v", m)
	}
	return u[i+1:]
}

func TestFiles(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	data := []byte("0123456789abcdefghij")
	status, a := upload(t, env, "/v1/demo/files?from=alice", "same.txt", "text/plain", data)
	if status != http.StatusCreated {
		t.Fatalf("upload: %d %v", status, a)
	}
	_, b := upload(t, env, "/v1/demo/files?from=alice", "same.txt", "text/plain", data)
	idA, idB := idOf(t, a), idOf(t, b)
	if idA == idB || a["url"] == b["url"] {
		t.Fatalf("two uploads share a url: %v %v", a, b)
	}
	fileA := "/v1/demo/files/" + idA

	resp, body := get(t, env, fileA)
	etag := resp.Header.Get("ETag")
	if resp.StatusCode != 200 || body != string(data) || resp.Header.Get("Content-Length") != "20" || etag == "" ||
		resp.Header.Get("Content-Type") != "text/plain" {
		t.Fatalf("download: %d %q %v", resp.StatusCode, body, resp.Header)
	}
	tests := []struct {
		name     string
		headers  []string
		want     int
		wantBody string
	}{
		{"Range", []string{"Range: bytes=5-9"}, http.StatusPartialContent, "56789"},
		{"RangeSuffix", []string{"Range: bytes=-3"}, http.StatusPartialContent, "hij"},
		{"RangeUnsatisfiable", []string{"Range: bytes=100-"}, http.StatusRequestedRangeNotSatisfiable, ""},
		{"IfNoneMatch", []string{"If-None-Match: " + etag}, http.StatusNotModified, ""},
		{"IfNoneMatchOther", []string{`If-None-Match: "other"`}, http.StatusOK, string(data)},
		{"IfRangeStale", []string{"Range: bytes=0-1", `If-Range: "other"`}, http.StatusOK, string(data)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := get(t, env, fileA, tt.headers...)
			if resp.StatusCode != tt.want || (tt.wantBody != "" && body != tt.wantBody) {
				t.Errorf("got %d %q, want %d %q", resp.StatusCode, body, tt.want, tt.wantBody)
			}
		})
	}
	// Same bytes twice, one deleted: the other still downloads.
	if resp, _ := env.Do("DELETE", fileA+"?from=alice", "", key); resp.StatusCode != http.StatusNoContent {
		t.Fatalf("delete: %d", resp.StatusCode)
	}
	if resp, _ := get(t, env, fileA); resp.StatusCode != http.StatusNotFound {
		t.Errorf("deleted file: %d, want 404", resp.StatusCode)
	}
	if resp, body := get(t, env, "/v1/demo/files/"+idB); resp.StatusCode != 200 || body != string(data) {
		t.Errorf("other file after delete: %d %q", resp.StatusCode, body)
	}
}

func TestFiles_TooLarge(t *testing.T) {
	t.Parallel()
	limits := core.DefaultLimits
	limits.MaxUploadBytes = 1000
	env := testenv.New(t, testenv.WithLimits(limits))
	status, m := upload(t, env, "/v1/demo/files?from=alice", "big.bin", "", bytes.Repeat([]byte("x"), 5000))
	if status != http.StatusRequestEntityTooLarge || m["error"] != "too_large" {
		t.Fatalf("over-limit upload: %d %v", status, m)
	}
	var left []string
	afero.Walk(env.Fs, ".", func(path string, fi fs.FileInfo, err error) error {
		if err == nil && !fi.IsDir() {
			left = append(left, path)
		}
		return nil
	})
	if len(left) != 0 {
		t.Errorf("an over-limit upload left %v", left)
	}
	if status, _ := upload(t, env, "/v1/demo/files?from=alice", "ok.bin", "", bytes.Repeat([]byte("x"), 1000)); status != http.StatusCreated {
		t.Errorf("upload at the limit: %d", status)
	}
}

func TestFiles_Image(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	img := image.NewRGBA(image.Rect(0, 0, 640, 480))
	for y := 0; y < 480; y++ {
		for x := 0; x < 640; x++ {
			img.Set(x, y, color.RGBA{uint8(x), uint8(y), 90, 255})
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, nil); err != nil {
		t.Fatal(err)
	}
	status, m := upload(t, env, "/v1/demo/files?from=alice", "photo.jpg", "", buf.Bytes())
	if status != http.StatusCreated || m["width"] != 640.0 || m["height"] != 480.0 || m["mime_type"] != "image/jpeg" {
		t.Fatalf("image upload: %d %v", status, m)
	}
	thumb, _ := m["thumbnail_url"].(string)
	resp, body := get(t, env, strings.TrimPrefix(thumb, env.URL))
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "image/jpeg" {
		t.Fatalf("thumbnail: %d %v", resp.StatusCode, resp.Header)
	}
	cfg, err := jpeg.DecodeConfig(strings.NewReader(body))
	if err != nil || cfg.Width != core.ThumbnailSize || cfg.Height != 240 {
		t.Fatalf("thumbnail is %dx%d (%v)", cfg.Width, cfg.Height, err)
	}
}

// TestFiles_Traversal runs on a real directory: names that look like paths
// are labels only, and ids that look like paths find nothing; no byte is
// written outside the blob root.
func TestFiles_Traversal(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	root := filepath.Join(dir, "blobs")
	if err := os.Mkdir(root, 0o755); err != nil {
		t.Fatal(err)
	}
	secret := filepath.Join(dir, "secret.txt")
	if err := os.WriteFile(secret, []byte("not yours"), 0o644); err != nil {
		t.Fatal(err)
	}
	env := testenv.New(t, testenv.WithFs(afero.NewBasePathFs(afero.NewOsFs(), root)))
	for _, name := range []string{"../secret.txt", "../../../../tmp/evil.txt", "/etc/passwd", `..\..\win.ini`,
		"a\x00b.txt", strings.Repeat("long", 200) + ".txt"} {
		status, m := upload(t, env, "/v1/demo/files?from=alice", name, "", []byte("overwrite? "+name))
		if status != http.StatusCreated {
			t.Fatalf("upload %q: %d %v", name, status, m)
		}
		if n, _ := m["name"].(string); strings.ContainsAny(n, `/\`+"\x00") || len(n) > 255 {
			t.Errorf("name %q kept as %q", name, n)
		}
	}
	if b, _ := os.ReadFile(secret); string(b) != "not yours" {
		t.Errorf("secret.txt now holds %q", b)
	}
	for _, id := range []string{"..%2Fsecret.txt", "%2E%2E", "..", "%2Fetc%2Fpasswd", "secret.txt"} {
		if resp, body := get(t, env, "/v1/demo/files/"+id); resp.StatusCode != http.StatusNotFound || strings.Contains(body, "not yours") {
			t.Errorf("GET files/%s: %d %q", id, resp.StatusCode, body)
		}
	}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || path == secret {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		if !strings.HasPrefix(filepath.ToSlash(rel), "sha256/") {
			t.Errorf("%s was written outside the blob folder", path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestFiles_ReadBack checks the answer's url works as given when followed
// through the server's real host.
func TestFiles_ReadBack(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	_, m := upload(t, env, "/v1/demo/files", "x.txt", "", []byte("abc"))
	u := m["url"].(string) // absolute, on the host the request reached
	req, _ := http.NewRequest("GET", u, nil)
	req.Header.Set("X-API-Key", "demo-secret")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 || string(b) != "abc" {
		t.Fatalf("GET %s: %d %q", u, resp.StatusCode, b)
	}
}
