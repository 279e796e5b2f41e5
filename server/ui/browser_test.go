package ui_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"parley/server/testenv"
)

// findChromium finds a Chromium (or Chrome) binary: $PARLEY_CHROMIUM, then
// the usual names on $PATH.
func findChromium() string {
	if p := os.Getenv("PARLEY_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// channelize calls the Channelize API as alice.
func channelize(t *testing.T, env *testenv.Env, method, path, body string) (*http.Response, []byte) {
	t.Helper()
	return env.Do(method, path, body, "Public-Key: demo-public", "Authorization: Bearer YWxpY2UtdG9rZW4=") // alice-token
}

// TestBrowser drives the inspector in headless Chromium: log in, watch an
// unread count change, open general, watch a message sent through
// Channelize arrive, post as bob (also with a PNG, previewed) and find it
// through Channelize, open a message's wire views and, once another
// dialect edited it, its edit history, and add a fault rule the next API
// call meets. Screenshots go to a temporary folder named in the log.
func TestBrowser(t *testing.T) {
	bin := findChromium()
	if bin == "" {
		t.Skip("no chromium binary found (apt-get install chromium, or set PARLEY_CHROMIUM); skipping the browser test")
	}
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	env := testenv.New(t, testenv.WithJournal(200))
	shots := t.TempDir()
	if dir := os.Getenv("PARLEY_UI_SHOTS"); dir != "" { // keep them after the test
		shots = dir
	}
	t.Logf("screenshots in %s", shots)

	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(bin),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("no-default-browser-check", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("hide-scrollbars", true), // screenshots show the whole width
		chromedp.WindowSize(1280, 800),
	}
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancel()
	ctx, cancel := chromedp.NewContext(actx, chromedp.WithLogf(t.Logf))
	defer cancel()
	ctx, cancel = context.WithTimeout(ctx, 150*time.Second) // roomy: CI machines run other packages at once
	defer cancel()

	// Start the browser on the test's context (a step's shorter context
	// would take the browser down with it).
	if err := chromedp.Do(ctx, chromedp.Navigate("about:blank")); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	shot := func(name string) step {
		return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			png, err := chromedp.FullScreenshot(100)(ctx, tg)
			if err != nil {
				return err
			}
			path := filepath.Join(shots, name+".png")
			t.Logf("screenshot %s", path)
			return os.WriteFile(path, png, 0o644)
		})
	}
	run := func(step string, actions ...step) {
		t.Helper()
		sctx, cancel := context.WithTimeout(ctx, 20*time.Second)
		defer cancel()
		if err := chromedp.Do(sctx, actions...); err != nil {
			// What the page showed when the step failed.
			if png, err2 := chromedp.Run(ctx, chromedp.CaptureScreenshot()); err2 == nil {
				_ = os.WriteFile(filepath.Join(shots, "failed.png"), png, 0o644)
				t.Logf("screenshot %s", filepath.Join(shots, "failed.png"))
			} else {
				t.Logf("no screenshot of the failure: %v", err2)
			}
			t.Fatalf("%s: %v", step, err)
		}
	}
	tid := func(id string) string { return `[data-testid="` + id + `"]` }
	// seen waits (up to d) until a message body in the page contains text.
	seen := func(text string, d time.Duration) step {
		js := fmt.Sprintf(`[...document.querySelectorAll('[data-testid="message-body"]')].some(e => e.textContent.includes(%q))`, text)
		return void(chromedp.Poll[bool](js, chromedp.WithPollingTimeout(d), chromedp.WithPollingInterval(20*time.Millisecond)))
	}
	// textIs waits (up to 5 s) until the element's text is want.
	textIs := func(sel, want string) step {
		js := fmt.Sprintf(`(document.querySelector(%q) || {}).textContent === %q`, sel, want)
		return void(chromedp.Poll[bool](js, chromedp.WithPollingTimeout(5*time.Second)))
	}
	// choose picks a select's option as a user would (a change event).
	choose := func(sel, value string) step {
		return void(chromedp.Evaluate[bool](fmt.Sprintf(`(() => { const s = document.querySelector(%q); s.value = %q;
			s.dispatchEvent(new Event("change", {bubbles: true})); return true })()`, sel, value)))
	}

	run("log in",
		chromedp.Navigate(env.URL+"/ui/"),
		chromedp.WaitVisible(tid("login-token")),
		shot("01-login"),
		chromedp.SendKeys(tid("login-token"), testenv.AdminToken),
		chromedp.Click(tid("login-submit")),
		chromedp.WaitVisible(tid("app-demo")),
		shot("02-apps"),
	)
	// The conversation list counts members and unread messages, and the
	// counts follow the event stream.
	run("open the app",
		chromedp.Click(tid("app-demo")),
		chromedp.WaitVisible(tid("conversation-general")),
		textIs(tid("members-general"), "3 members"),
		textIs(tid("unread-members-general"), "3 members have unread"), // alice: m2; bob: m1; carol: both
		choose(tid("unread-as"), "carol"),
		textIs(tid("unread-general"), "2 unread"),
	)
	if loc, _ := chromedp.Run(ctx, chromedp.Location()); !strings.HasSuffix(loc, "/ui/apps/demo?as=carol") {
		t.Errorf("unread counts for carol at %q", loc)
	}
	if resp, body := channelize(t, env, "POST", "/v2/messages/send", `{"conversationId": "general", "body": "one more for carol"}`); resp.StatusCode != http.StatusCreated {
		t.Fatalf("channelize send: %d %s", resp.StatusCode, body)
	}
	run("see carol's unread count change", textIs(tid("unread-general"), "3 unread"), shot("03-conversations"))
	run("open general",
		chromedp.Click(tid("conversation-general")),
		seen("hi alice", 5*time.Second),
		// The live loop is armed once the page knows how it hears news.
		void(chromedp.Poll[bool](`document.querySelector('[data-testid="live-status"]').textContent.includes("live")`, chromedp.WithPollingTimeout(5*time.Second))),
	)
	path, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(path, "/ui/apps/demo/conversations/general") {
		t.Errorf("conversation view at %q", path)
	}

	// A message sent through a dialect appears within a second, no reload.
	if resp, body := channelize(t, env, "POST", "/v2/messages/send", `{"conversationId": "general", "body": "sent through channelize"}`); resp.StatusCode != http.StatusCreated {
		t.Fatalf("channelize send: %d %s", resp.StatusCode, body)
	}
	start := time.Now()
	run("see it live", seen("sent through channelize", time.Second))
	t.Logf("message shown %v after it was sent", time.Since(start).Round(time.Millisecond))
	run("shot", shot("04-conversation"))

	// Post as bob from the page; Channelize then lists it as bob's.
	run("post as bob",
		chromedp.SetValue(tid("post-from"), "bob"),
		chromedp.SendKeys(tid("post-body"), "posted by bob from the inspector"),
		chromedp.Click(tid("post-submit")),
		seen("posted by bob from the inspector", 5*time.Second),
	)
	_, list := channelize(t, env, "GET", "/v2/conversations/general/messages?limit=50", "")
	var msgs []struct{ Body, OwnerID string }
	if err := json.Unmarshal(list, &msgs); err != nil {
		t.Fatalf("channelize list: %v: %s", err, list)
	}
	found := false
	for _, m := range msgs {
		found = found || (m.Body == "posted by bob from the inspector" && m.OwnerID == "bob")
	}
	if !found {
		t.Errorf("bob's message is not in Channelize's list: %s", list)
	}

	// Post a PNG as bob: it goes through the file service, is attached,
	// and is previewed in the page.
	pic := filepath.Join(t.TempDir(), "dot.png")
	if err := os.WriteFile(pic, tinyPNG(t), 0o644); err != nil {
		t.Fatal(err)
	}
	run("post a picture as bob",
		chromedp.SetValue(tid("post-from"), "bob"),
		chromedp.SendKeys(tid("post-body"), "a picture from bob"),
		chromedp.SetUploadFiles(tid("post-file"), []string{pic}),
		chromedp.Click(tid("post-submit")),
		seen("a picture from bob", 5*time.Second),
		void(chromedp.Poll[bool](`[...document.querySelectorAll('[data-testid="attachment-image"]')].some(i => i.src.startsWith("blob:") && i.complete && i.naturalWidth > 0)`,
			chromedp.WithPollingTimeout(5*time.Second))),
		chromedp.WaitVisible(tid("attachment-download")),
		shot("05-attachment"),
	)
	_, list = channelize(t, env, "GET", "/v2/conversations/general/messages?limit=50", "")
	var withFiles []struct {
		Body        string
		OwnerID     string
		Attachments []struct{ Type, FileID string }
	}
	if err := json.Unmarshal(list, &withFiles); err != nil {
		t.Fatalf("channelize list: %v: %s", err, list)
	}
	found = false
	for _, m := range withFiles {
		found = found || (m.Body == "a picture from bob" && m.OwnerID == "bob" && len(m.Attachments) == 1 &&
			m.Attachments[0].Type == "image" && m.Attachments[0].FileID != "")
	}
	if !found {
		t.Errorf("bob's picture is not in Channelize's list: %s", list)
	}

	// Arrow keys move between messages.
	run("keyboard",
		chromedp.Focus(tid("message-open-m1")),
		chromedp.KeyEvent(kb.ArrowDown),
		void(chromedp.Poll[bool](`document.activeElement.dataset.testid === "message-open-m2"`, chromedp.WithPollingTimeout(2*time.Second))),
	)

	// A message opens to its wire JSON in every dialect.
	run("wire views",
		chromedp.Click(tid("message-open-m2")),
		chromedp.WaitVisible(tid("wire-channelize")),
		shot("06-wire"),
	)
	run("react as carol",
		chromedp.SetValue(tid("act-as"), "carol"),
		chromedp.Click(tid("act-react")),
		void(chromedp.Poll[bool](`[...document.querySelectorAll('[data-testid="reactions"]')].some(e => e.textContent.includes("like 1"))`, chromedp.WithPollingTimeout(5*time.Second))),
	)
	run("mark read as carol",
		chromedp.SetValue(tid("act-as"), "carol"),
		chromedp.Click(tid("act-read")),
		textIs(`[data-id="m2"] > `+tid("read-marker"), "✓ read up to here by carol"),
	)
	channelizeJSON, err := chromedp.Run(ctx, chromedp.Text(tid("wire-channelize")+" pre"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(channelizeJSON, `"ownerId": "bob"`) || !strings.Contains(channelizeJSON, `"conversationId": "general"`) {
		t.Errorf("channelize view of m2:\n%s", channelizeJSON)
	}

	// Every dialect shows it, App.net with its integer ids; seen by carol,
	// Amity's myReactions holds her reaction, as Amity answers her.
	run("every dialect's eyes",
		chromedp.WaitVisible(tid("wire-sceyt")), chromedp.WaitVisible(tid("wire-appnet")),
		chromedp.WaitVisible(tid("wire-cowork")), chromedp.WaitVisible(tid("wire-amity")),
		// The panel reloads when the reaction's event arrives: choose
		// carol again until her view shows.
		void(chromedp.Poll[bool](`(() => { const s = document.querySelector('[data-testid="wire-as"]');
			if (s && s.value !== "carol") { s.value = "carol"; s.dispatchEvent(new Event("change")); return false; }
			const p = document.querySelector('[data-testid="wire-amity"] pre');
			return !!s && !!p && JSON.parse(p.textContent).messages[0].myReactions.includes("like"); })()`, chromedp.WithPollingTimeout(5*time.Second))),
		shot("06b-wire-as-carol"),
	)
	appnetJSON, err := chromedp.Run(ctx, chromedp.Text(tid("wire-appnet")+" pre"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(appnetJSON, `"channel_id": "1"`) || !strings.Contains(appnetJSON, `"id": "2"`) {
		t.Errorf("appnet view of m2:\n%s", appnetJSON)
	}

	// A message edited through another dialect (Channelize has no edit
	// call; Sceyt has) shows its edit history: the earlier text, when it
	// was written, who replaced it.
	if resp, body := env.Do("PUT", "/v1/demo/channels/general/messages/m1", `{"from": "alice", "body": "hello, edited"}`,
		"Authorization: Bearer demo-secret"); resp.StatusCode != http.StatusOK {
		t.Fatalf("sceyt edit: %d %s", resp.StatusCode, body)
	}
	run("edit history",
		seen("hello, edited", 5*time.Second),
		chromedp.Click(tid("message-history-m1")),
		chromedp.WaitVisible(tid("revision")),
		shot("07-history"),
	)
	rev, err := chromedp.Run(ctx, chromedp.Text(tid("revisions")))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(rev, "hello") || !strings.Contains(rev, "by alice") || !strings.Contains(rev, "hello, edited") {
		t.Errorf("edit history of m1:\n%s", rev)
	}

	// A fault rule added on screen meets the next API call.
	run("add fault",
		chromedp.Click(tid("nav-faults")),
		chromedp.WaitVisible(tid("fault-form")),
		chromedp.SendKeys(tid("fault-dialect"), "channelize"),
		chromedp.SendKeys(tid("fault-method"), "POST"),
		chromedp.SendKeys(tid("fault-route"), "/v2/messages/send"),
		chromedp.SendKeys(tid("fault-status"), "503"),
		chromedp.Click(tid("fault-add")),
		chromedp.WaitVisible(tid("fault-rule")),
	)
	if resp, body := channelize(t, env, "POST", "/v2/messages/send", `{"conversationId": "general", "body": "meets the fault"}`); resp.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("send after the fault rule: %d %s, want 503", resp.StatusCode, body)
	}
	run("see the hit", // live: no click on "Refresh hits"
		textIs(tid("fault-hits"), "1 hits"),
		shot("08-faults"),
	)
	// The journal's filters are in its URL.
	run("journal",
		chromedp.Navigate(env.URL+"/ui/apps/demo/journal?status=503"),
		chromedp.WaitVisible(tid("journal-open-1")+","+tid("journal-list")+" tbody tr"),
		shot("09-journal"),
	)
	statuses, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll('[data-testid="journal-list"] tbody tr')].map(r => r.cells[5].textContent)`))
	if err != nil {
		t.Fatal(err)
	}
	if len(statuses) != 1 || statuses[0] != "503" {
		t.Errorf("journal filtered by status 503 shows %v", statuses)
	}
	run("phone width",
		chromedp.EmulateViewport(390, 844),
		chromedp.Navigate(env.URL+"/ui/apps/demo/conversations/general"),
		seen("posted by bob", 5*time.Second),
		shot("10-phone"),
		chromedp.Navigate(env.URL+"/ui/apps/demo"),
		chromedp.WaitVisible(tid("unread-members-general")),
		shot("11-phone-conversations"),
	)
}

// step is one browser action that gives no value.
type step = chromedp.Action[chromedp.Void]

// void drops an action's value.
func void[T any](a chromedp.Action[T]) step {
	return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := a(ctx, tg)
		return err
	})
}

// tinyPNG is a 2×2 PNG image.
func tinyPNG(t *testing.T) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 2, 2))
	img.Set(0, 0, color.RGBA{R: 255, A: 255})
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}
