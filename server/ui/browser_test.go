package ui_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

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

// TestBrowser drives the inspector in headless Chromium: log in, open
// general, watch a message sent through Channelize arrive, post as bob and
// find it through Channelize, open a message's wire views, and add a fault
// rule the next API call meets. Screenshots go to a temporary folder named
// in the log.
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
		chromedp.WindowSize(1280, 800),
	}
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancel()
	ctx, cancel := chromedp.NewContext(actx, chromedp.WithLogf(t.Logf))
	defer cancel()
	ctx, cancel = context.WithTimeout(ctx, 60*time.Second)
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

	run("log in",
		chromedp.Navigate(env.URL+"/ui/"),
		chromedp.WaitVisible(tid("login-token")),
		shot("01-login"),
		chromedp.SendKeys(tid("login-token"), testenv.AdminToken),
		chromedp.Click(tid("login-submit")),
		chromedp.WaitVisible(tid("app-demo")),
		shot("02-apps"),
	)
	run("open general",
		chromedp.Click(tid("app-demo")),
		chromedp.WaitVisible(tid("conversation-general")),
		shot("03-conversations"),
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

	// A message opens to its wire JSON in every dialect.
	run("wire views",
		chromedp.Click(tid("message-open-m2")),
		chromedp.WaitVisible(tid("wire-channelize")),
		shot("05-wire"),
	)
	run("react as carol",
		chromedp.SetValue(tid("act-as"), "carol"),
		chromedp.Click(tid("act-react")),
		void(chromedp.Poll[bool](`[...document.querySelectorAll('[data-testid="reactions"]')].some(e => e.textContent.includes("like 1"))`, chromedp.WithPollingTimeout(5*time.Second))),
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
		shot("06-wire-as-carol"),
	)
	appnetJSON, err := chromedp.Run(ctx, chromedp.Text(tid("wire-appnet")+" pre"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(appnetJSON, `"channel_id": "1"`) || !strings.Contains(appnetJSON, `"id": "2"`) {
		t.Errorf("appnet view of m2:\n%s", appnetJSON)
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
	run("see the hit",
		chromedp.Click(tid("fault-refresh")),
		void(chromedp.Poll[bool](`document.querySelector('[data-testid="fault-hits"]').textContent === "1 hits"`, chromedp.WithPollingTimeout(5*time.Second))),
		shot("06-faults"),
		chromedp.Click(tid("nav-journal")),
		chromedp.WaitVisible(tid("journal-list")+" table"),
		shot("07-journal"),
	)
	run("phone width",
		chromedp.EmulateViewport(390, 844),
		chromedp.Navigate(env.URL+"/ui/apps/demo/conversations/general"),
		seen("posted by bob", 5*time.Second),
		shot("08-phone"),
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
