package core_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"parley/blobstore"
	"parley/server/core"
	"parley/server/testenv"
)

func TestPruneUnderLoad(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	app := env.Caller("demo", "")
	if err := env.Service.SetAppRetention(ctx, app, core.Retention{MaxMessages: 25}, true); err != nil {
		t.Fatal(err)
	}
	const senders, each = 4, 60
	var wg sync.WaitGroup
	errs := make(chan error, senders*each)
	for s := range senders {
		wg.Add(1)
		go func() {
			defer wg.Done()
			alice := env.Caller("demo", "alice")
			for i := range each {
				if _, _, err := env.Service.SendMessage(ctx, alice, core.SendInput{ConversationID: "general", Body: fmt.Sprintf("%d-%d", s, i)}); err != nil {
					errs <- err
				}
			}
		}()
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	pruned := 0
	for running := true; running; {
		select {
		case <-done:
			running = false
		default:
		}
		n, err := env.Service.Prune(ctx)
		if err != nil {
			t.Fatalf("prune: %v", err)
		}
		pruned += n
	}
	close(errs)
	for err := range errs {
		t.Errorf("send while pruning: %v", err)
	}
	msgs, err := env.Service.SearchMessages(ctx, app, core.InspectQuery{Limit: 200})
	if err != nil {
		t.Fatal(err)
	}
	if len(msgs) != 25 || pruned != 3+senders*each-25 {
		t.Fatalf("kept %d (want 25), pruned %d (want %d)", len(msgs), pruned, 3+senders*each-25)
	}
}

func TestPruneByAge(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	app := env.Caller("demo", "")
	env.Service.SetRetention(core.Retention{MaxAge: time.Hour})
	if r, own, _ := env.Service.AppRetention(ctx, app); own || r.MaxAge != time.Hour {
		t.Fatalf("instance bounds: %+v own=%v", r, own)
	}
	env.Clock.Advance(30 * time.Minute)
	if _, _, err := env.Service.SendMessage(ctx, env.Caller("demo", "bob"), core.SendInput{ConversationID: "general", Body: "newer"}); err != nil {
		t.Fatal(err)
	}
	env.Clock.Advance(45 * time.Minute) // fixtures 1h15 old, "newer" 45m
	if n, err := env.Service.Prune(ctx); err != nil || n != 3 {
		t.Fatalf("prune: %d, %v; want the 3 fixture messages", n, err)
	}
	msgs, _ := env.Service.SearchMessages(ctx, app, core.InspectQuery{})
	if len(msgs) != 1 || msgs[0].Body != "newer" {
		t.Fatalf("left: %v", msgs)
	}
	// The app's own bounds (none) win over the instance's.
	wantCode(t, env.Service.SetAppRetention(ctx, app, core.Retention{}, true), "")
	env.Clock.Advance(2 * time.Hour)
	if n, _ := env.Service.Prune(ctx); n != 0 {
		t.Fatalf("an app with no bounds of its own was pruned: %d", n)
	}
}

func TestPruneRemovesUnusedFiles(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	alice := env.Caller("demo", "alice")
	upload := func(body string) *core.File {
		f, err := env.Service.UploadFile(ctx, alice, core.UploadInput{Name: "a.txt", MimeType: "text/plain", Body: strings.NewReader(body)})
		if err != nil {
			t.Fatal(err)
		}
		return f
	}
	only, shared := upload("only in the old message"), upload("also in a newer message")
	send := func(files ...*core.File) {
		in := core.SendInput{ConversationID: "general", Body: "with files"}
		for _, f := range files {
			in.Attachments = append(in.Attachments, core.Attachment{Type: "file", FileID: f.ID})
		}
		if _, _, err := env.Service.SendMessage(ctx, alice, in); err != nil {
			t.Fatal(err)
		}
	}
	send(only, shared)
	send(shared)
	app := env.Caller("demo", "")
	wantCode(t, env.Service.SetAppRetention(ctx, app, core.Retention{MaxMessages: 1}, true), "")
	if n, err := env.Service.Prune(ctx); err != nil || n != 4 {
		t.Fatalf("prune: %d, %v; want the 3 fixture messages and the first with files", n, err)
	}
	_, err := env.Service.GetFile(ctx, app, only.ID)
	wantCode(t, err, core.ENOTFOUND)
	stored := map[string]bool{}
	if err := blobstore.New(env.Fs).Keys(ctx, func(k string) error { stored[k] = true; return nil }); err != nil {
		t.Fatal(err)
	}
	if stored[only.BlobKey] || !stored[shared.BlobKey] {
		t.Errorf("blobs stored: %v; want the shared one only", stored)
	}
	if _, r, err := env.Service.OpenFile(ctx, app, shared.ID); err != nil {
		t.Errorf("a file a kept message uses: %v", err)
	} else {
		r.Close()
	}
}
