package core_test

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/spf13/afero"

	"parley/server/core"
	"parley/server/testenv"
)

// blobFiles lists every file under the blob root (tmp/ and sha256/).
func blobFiles(tb testing.TB, fsys afero.Fs) []string {
	tb.Helper()
	var out []string
	for _, dir := range []string{"tmp", "sha256"} {
		err := afero.Walk(fsys, dir, func(path string, fi fs.FileInfo, err error) error {
			if err != nil {
				return err
			}
			if !fi.IsDir() {
				out = append(out, filepath.ToSlash(path))
			}
			return nil
		})
		if err != nil && !os.IsNotExist(err) {
			tb.Fatalf("walk blobs: %v", err)
		}
	}
	sort.Strings(out)
	return out
}

func mustUpload(tb testing.TB, env *testenv.Env, as, name, data string) *core.File {
	tb.Helper()
	f, err := env.Service.UploadFile(ctx, env.Caller("demo", as), core.UploadInput{Name: name, Body: strings.NewReader(data)})
	if err != nil {
		tb.Fatalf("upload %s: %v", name, err)
	}
	return f
}

func readFile(tb testing.TB, env *testenv.Env, c *core.Caller, id string, thumb bool) (string, error) {
	tb.Helper()
	open := env.Service.OpenFile
	if thumb {
		open = env.Service.OpenThumbnail
	}
	_, r, err := open(ctx, c, id)
	if err != nil {
		return "", err
	}
	defer r.Close()
	b, err := io.ReadAll(r)
	return string(b), err
}

func pngBytes(tb testing.TB, w, h int) []byte {
	tb.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.Set(x, y, color.RGBA{uint8(x), uint8(y), 200, 255})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

func TestUploadFile(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	a := mustUpload(t, env, "alice", "notes.txt", "same bytes")
	b := mustUpload(t, env, "alice", "notes.txt", "same bytes")
	if a.ID == b.ID {
		t.Fatalf("two uploads share id %q", a.ID)
	}
	if a.BlobKey != b.BlobKey || a.MimeType != "text/plain" || a.Size != 10 || a.Name != "notes.txt" {
		t.Fatalf("uploads: %+v, %+v", a, b)
	}
	if got := blobFiles(t, env.Fs); len(got) != 1 {
		t.Fatalf("blob files = %v, want one shared blob", got)
	}
	alice := env.Caller("demo", "alice")
	wantCode(t, env.Service.DeleteFile(ctx, alice, a.ID), "")
	if got, err := readFile(t, env, alice, b.ID, false); err != nil || got != "same bytes" {
		t.Fatalf("other file after delete: %q, %v", got, err)
	}
	_, err := readFile(t, env, alice, a.ID, false)
	wantCode(t, err, core.ENOTFOUND)
	wantCode(t, env.Service.DeleteFile(ctx, alice, b.ID), "")
	if got := blobFiles(t, env.Fs); len(got) != 0 {
		t.Fatalf("blob files after deleting both = %v, want none", got)
	}
}

func TestUploadFile_Refused(t *testing.T) {
	t.Parallel()
	limits := core.DefaultLimits
	limits.MaxUploadBytes = 100
	env := testenv.New(t, testenv.WithLimits(limits))
	tests := []struct {
		name string
		as   string
		in   core.UploadInput
		want string
	}{
		{"ErrTooLarge", "alice", core.UploadInput{Name: "big", Body: strings.NewReader(strings.Repeat("x", 101))}, core.ETOOLARGE},
		{"ErrNoBody", "alice", core.UploadInput{Name: "none"}, core.EINVALID},
		{"ErrBadID", "alice", core.UploadInput{ID: "a/b", Body: strings.NewReader("x")}, core.EINVALID},
		{"ErrBrokenStream", "alice", core.UploadInput{Body: io.MultiReader(strings.NewReader("part"), brokenReader{})}, core.EINVALID},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := env.Service.UploadFile(ctx, env.Caller("demo", tt.as), tt.in)
			wantCode(t, err, tt.want)
			if got := blobFiles(t, env.Fs); len(got) != 0 {
				t.Errorf("left behind: %v", got)
			}
		})
	}
	// A clash of client-chosen ids keeps no second blob.
	mustUpload(t, env, "alice", "a", "first")
	f := mustUpload(t, env, "alice", "a", "x")
	_, err := env.Service.UploadFile(ctx, env.Caller("demo", "alice"), core.UploadInput{ID: f.ID, Body: strings.NewReader("second")})
	wantCode(t, err, core.ECONFLICT)
	if got := blobFiles(t, env.Fs); len(got) != 2 {
		t.Errorf("blob files = %v, want the two stored ones", got)
	}
}

type brokenReader struct{}

func (brokenReader) Read([]byte) (int, error) { return 0, io.ErrUnexpectedEOF }

func TestUploadFile_Image(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	f, err := env.Service.UploadFile(ctx, env.Caller("demo", "alice"),
		core.UploadInput{Name: "photo.bin", MimeType: "application/octet-stream", Body: bytes.NewReader(pngBytes(t, 800, 600))})
	if err != nil {
		t.Fatal(err)
	}
	if f.MimeType != "image/png" || f.Width != 800 || f.Height != 600 || f.Thumbnail == nil {
		t.Fatalf("file = %+v", f)
	}
	if th := f.Thumbnail; th.Width != core.ThumbnailSize || th.Height != 240 || th.MimeType != "image/png" {
		t.Fatalf("thumbnail = %+v", th)
	}
	data, err := readFile(t, env, env.Caller("demo", "alice"), f.ID, true)
	if err != nil {
		t.Fatal(err)
	}
	cfg, format, err := image.DecodeConfig(strings.NewReader(data))
	if err != nil || format != "png" || cfg.Width != 320 || cfg.Height != 240 {
		t.Fatalf("thumbnail decodes as %s %dx%d (%v)", format, cfg.Width, cfg.Height, err)
	}
	// Not an image: no size, no thumbnail.
	txt := mustUpload(t, env, "alice", "x.png", "not a png")
	if txt.Width != 0 || txt.Thumbnail != nil {
		t.Fatalf("text file = %+v", txt)
	}
	_, err = readFile(t, env, env.Caller("demo", "alice"), txt.ID, true)
	wantCode(t, err, core.ENOTFOUND)
}

func TestFileRights(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	f := mustUpload(t, env, "alice", "secret.txt", "psst")
	app := env.Caller("demo", "")
	alice, bob, dave := env.Caller("demo", "alice"), env.Caller("demo", "bob"), env.Caller("demo", "dave")
	// Unattached: the uploader and the app only.
	_, err := env.Service.GetFile(ctx, bob, f.ID)
	wantCode(t, err, core.ENOTFOUND)
	_, err = env.Service.GetFile(ctx, app, f.ID)
	wantCode(t, err, "")
	// Bob may not attach a file he cannot see.
	_, _, err = env.Service.SendMessage(ctx, bob, core.SendInput{ConversationID: "general", Attachments: []core.Attachment{{FileID: f.ID}}})
	wantCode(t, err, core.EINVALID)
	// Attached in general: its members see it, others do not.
	m, _, err := env.Service.SendMessage(ctx, alice, core.SendInput{ConversationID: "general", Attachments: []core.Attachment{{FileID: f.ID}}})
	wantCode(t, err, "")
	if a := m.Attachments[0]; a.Name != "secret.txt" || a.Type != "file" || a.Size != 4 || a.MimeType != "text/plain" {
		t.Fatalf("attachment = %+v", a)
	}
	if got, err := readFile(t, env, bob, f.ID, false); err != nil || got != "psst" {
		t.Fatalf("bob reads %q, %v", got, err)
	}
	_, err = env.Service.GetFile(ctx, dave, f.ID)
	wantCode(t, err, core.ENOTFOUND)
	// Only the uploader or the app deletes it.
	wantCode(t, env.Service.DeleteFile(ctx, bob, f.ID), core.EFORBIDDEN)
	wantCode(t, env.Service.DeleteFile(ctx, app, f.ID), "")
	// Another app's file is unknown here.
	if _, _, err := env.Service.CreateApp(ctx, env.Service.StartupCaller(), core.AppInput{ID: "elsewhere", Name: "Elsewhere"}); err != nil {
		t.Fatal(err)
	}
	f2 := mustUpload(t, env, "alice", "again.txt", "psst")
	_, err = env.Service.GetFile(ctx, env.Caller("elsewhere", ""), f2.ID)
	wantCode(t, err, core.ENOTFOUND)
}

func TestSendMessageWithFiles(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	alice, dave := env.Caller("demo", "alice"), env.Caller("demo", "dave")
	stage := func(c *core.Caller, name, data string) *core.PendingUpload {
		p, err := env.Service.StageUpload(ctx, c, core.UploadInput{Name: name, Body: strings.NewReader(data)})
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	// Dave is not a member of general: nothing at all is kept.
	_, _, err := env.Service.SendMessageWithFiles(ctx, dave, core.SendInput{ConversationID: "general", Body: "x"},
		[]*core.PendingUpload{stage(dave, "a.txt", "aaa"), stage(dave, "b.txt", "bbb")})
	wantCode(t, err, core.ENOTFOUND)
	if got := blobFiles(t, env.Fs); len(got) != 0 {
		t.Fatalf("refused send left %v", got)
	}
	m, files, err := env.Service.SendMessageWithFiles(ctx, alice, core.SendInput{ConversationID: "general", Body: "two files"},
		[]*core.PendingUpload{stage(alice, "a.txt", "aaa"), stage(alice, "b.txt", "bbb")})
	wantCode(t, err, "")
	if len(files) != 2 || len(m.Attachments) != 2 || m.Attachments[1].FileID != files[1].ID {
		t.Fatalf("message %+v, files %+v", m.Attachments, files)
	}
	// Deleting the attachments: the sender only; the files and bytes go.
	_, err = env.Service.DeleteAttachments(ctx, env.Caller("demo", "bob"), m.ID)
	wantCode(t, err, core.EFORBIDDEN)
	got, err := env.Service.DeleteAttachments(ctx, alice, m.ID)
	wantCode(t, err, "")
	if len(got.Attachments) != 0 {
		t.Fatalf("attachments left: %+v", got.Attachments)
	}
	_, err = env.Service.GetFile(ctx, alice, files[0].ID)
	wantCode(t, err, core.ENOTFOUND)
	if left := blobFiles(t, env.Fs); len(left) != 0 {
		t.Fatalf("blobs left: %v", left)
	}
}

// TestUploadFile_NamesNeverPaths runs on a real directory: whatever the
// name, bytes land only under the blob root, and the name is kept as a
// harmless label.
func TestUploadFile_NamesNeverPaths(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	root := filepath.Join(dir, "blobs")
	if err := os.MkdirAll(root, 0o755); err != nil {
		t.Fatal(err)
	}
	env := testenv.New(t, testenv.WithFs(afero.NewBasePathFs(afero.NewOsFs(), root)))
	tests := []struct{ name, want string }{
		{"../../escape.txt", "escape.txt"},
		{"/etc/passwd", "passwd"},
		{`..\..\win.ini`, "win.ini"},
		{"nul\x00byte.txt", "nulbyte.txt"},
		{"..", "file"},
		{"", "file"},
		{strings.Repeat("n", 300) + ".txt", strings.Repeat("n", 251) + ".txt"},
	}
	for _, tt := range tests {
		f := mustUpload(t, env, "alice", tt.name, "payload "+tt.want)
		if f.Name != tt.want {
			t.Errorf("name %q kept as %q, want %q", tt.name, f.Name, tt.want)
		}
		if _, err := env.Service.GetFile(ctx, env.Caller("demo", "alice"), tt.name); tt.name != "" && core.ErrorCode(err) != core.ENOTFOUND {
			t.Errorf("GetFile(%q) = %v, want ENOTFOUND", tt.name, err)
		}
	}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		if path != dir && strings.HasPrefix(rel, "..") {
			t.Errorf("%s is outside the blob root", path)
		}
		if !d.IsDir() && !strings.HasPrefix(filepath.ToSlash(rel), "sha256/") {
			t.Errorf("%s is not a blob", path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "escape.txt")); err == nil {
		t.Error("escape.txt was written beside the blob root")
	}
}

func TestSweepBlobs(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	kept := mustUpload(t, env, "alice", "kept.txt", "kept")
	orphan := "sha256/00/" + strings.Repeat("0", 62)
	for _, p := range []string{orphan, "tmp/put-9"} {
		if err := afero.WriteFile(env.Fs, p, []byte("junk"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	n, err := env.Service.SweepBlobs(ctx)
	if err != nil || n != 1 {
		t.Fatalf("SweepBlobs = %d, %v; want 1 removed", n, err)
	}
	if got := blobFiles(t, env.Fs); len(got) != 1 || !strings.HasSuffix(got[0], kept.BlobKey[2:]) {
		t.Fatalf("after sweep: %v", got)
	}
}

func TestReserveUpload(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	alice := env.Caller("demo", "alice")
	anon, err := env.Service.Authenticate(ctx, core.Credential{Kind: core.CredNone, AppID: "demo"})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := env.Service.CreateApp(ctx, env.Service.StartupCaller(), core.AppInput{ID: "other", Name: "Other"}); err != nil {
		t.Fatal(err)
	}
	slot, err := env.Service.ReserveUpload(ctx, alice, "../later.txt", "text/plain")
	if err != nil {
		t.Fatal(err)
	}
	// Another app's caller cannot use the token.
	_, err = env.Service.CompleteUpload(ctx, env.Caller("other", ""), slot.Token, "", strings.NewReader("x"))
	wantCode(t, err, core.ENOTFOUND)
	// Anyone of the app with the token can; the file is alice's.
	f, err := env.Service.CompleteUpload(ctx, anon, slot.Token, "", strings.NewReader("later"))
	wantCode(t, err, "")
	if f.ID != slot.FileID || f.Name != "later.txt" || f.MimeType != "text/plain" || f.OwnerPK != alice.User().PK {
		t.Fatalf("file = %+v", f)
	}
	// Once only.
	_, err = env.Service.CompleteUpload(ctx, anon, slot.Token, "", strings.NewReader("again"))
	wantCode(t, err, core.ENOTFOUND)
	// A slot expires.
	late, err := env.Service.ReserveUpload(ctx, alice, "late.txt", "")
	if err != nil {
		t.Fatal(err)
	}
	env.Clock.Advance(core.UploadSlotTTL + time.Second)
	_, err = env.Service.CompleteUpload(ctx, anon, late.Token, "", strings.NewReader("too late"))
	wantCode(t, err, core.ENOTFOUND)
	// An anonymous caller may not reserve.
	_, err = env.Service.ReserveUpload(ctx, anon, "x", "")
	wantCode(t, err, core.EINVALID)
}
