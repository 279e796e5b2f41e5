package amity_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"sync"
	"testing"

	"parley/server/core"
	"parley/server/testenv"
)

type page struct {
	Messages []struct {
		MessageID      string `json:"messageId"`
		ChannelSegment int64  `json:"channelSegment"`
		Segment        int64  `json:"segment"`
	} `json:"messages"`
	Paging struct {
		Next     string `json:"next"`
		Prev     string `json:"prev"`
		Previous string `json:"previous"`
	} `json:"paging"`
}

func get(t *testing.T, env *testenv.Env, path, token string) (int, page, []byte) {
	t.Helper()
	resp, body := env.Do("GET", path, "", "Authorization: Bearer "+token)
	var p page
	if resp.StatusCode == http.StatusOK {
		if err := json.Unmarshal(body, &p); err != nil {
			t.Fatalf("GET %s: %v: %s", path, err, body)
		}
	}
	return resp.StatusCode, p, body
}

// sendN sends n messages to a new channel of alice and bob, "p1" to "pN".
func sendN(t *testing.T, env *testenv.Env, n int) {
	t.Helper()
	resp, body := env.Do("POST", "/api/v3/channels", `{"channelId": "paged", "userIds": ["bob"]}`, "Authorization: Bearer alice-token")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("create channel: %d %s", resp.StatusCode, body)
	}
	c := env.Caller("demo", "alice")
	for i := 1; i <= n; i++ {
		if _, _, err := env.Service.SendMessage(context.Background(), c, core.SendInput{ID: fmt.Sprintf("p%d", i), ConversationID: "paged", Body: "hi"}); err != nil {
			t.Fatal(err)
		}
	}
}

func segments(p page) []int64 {
	var out []int64
	for _, m := range p.Messages {
		out = append(out, m.ChannelSegment+m.Segment) // one of them is set
	}
	return out
}

// TestPagingV3 walks 250 messages forward with next tokens and back with
// prev tokens: every segment once, in order, and the pages do not move
// when messages arrive meanwhile.
func TestPagingV3(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	sendN(t, env, 250)

	var seen []int64
	status, p, body := get(t, env, "/api/v3/messages?channelId=paged&options[first]=30", "bob-token")
	for pages := 0; ; pages++ {
		if status != http.StatusOK {
			t.Fatalf("page %d: %d %s", pages, status, body)
		}
		seen = append(seen, segments(p)...)
		if pages == 2 { // a message arrives while paging: it comes last, once
			if _, _, err := env.Service.SendMessage(context.Background(), env.Caller("demo", "bob"), core.SendInput{ID: "late", ConversationID: "paged", Body: "late"}); err != nil {
				t.Fatal(err)
			}
		}
		if p.Paging.Next == "" {
			break
		}
		status, p, body = get(t, env, "/api/v3/messages?options[token]="+url.QueryEscape(p.Paging.Next), "bob-token")
	}
	want := make([]int64, 251)
	for i := range want {
		want[i] = int64(i + 1)
	}
	if !slices.Equal(seen, want) {
		t.Fatalf("forward: got segments %v, want 1..251", seen)
	}

	// Back from the newest page with prev tokens.
	var back []int64
	status, p, body = get(t, env, "/api/v3/messages?channelId=paged&options[last]=40", "bob-token")
	for {
		if status != http.StatusOK {
			t.Fatalf("back: %d %s", status, body)
		}
		back = append(slices.Clone(segments(p)), back...)
		if p.Paging.Prev == "" {
			break
		}
		status, p, body = get(t, env, "/api/v3/messages?options[token]="+url.QueryEscape(p.Paging.Prev), "bob-token")
	}
	if !slices.Equal(back, want) {
		t.Fatalf("back: got segments %v, want 1..251", back)
	}
}

// TestPagingV5 walks the messages newest first with next and back with
// previous, as the SDK does; the first page has no previous.
func TestPagingV5(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	sendN(t, env, 250)
	var seen []int64
	status, p, body := get(t, env, "/api/v5/messages?messageFeedId=paged&isDeleted=false&options[limit]=25", "bob-token")
	if p.Paging.Previous != "" {
		t.Errorf("first page has previous %q", p.Paging.Previous)
	}
	for status == http.StatusOK {
		seen = append(seen, segments(p)...)
		if p.Paging.Next == "" {
			break
		}
		status, p, body = get(t, env, "/api/v5/messages?messageFeedId=paged&isDeleted=false&options[token]="+url.QueryEscape(p.Paging.Next), "bob-token")
	}
	if status != http.StatusOK || len(seen) != 250 || seen[0] != 250 || seen[249] != 1 || !slices.IsSortedFunc(seen, func(a, b int64) int { return int(b - a) }) {
		t.Fatalf("newest first: %d %s; segments %v", status, body, seen)
	}
	// previous of the last page leads back to the page before it.
	_, prev, _ := get(t, env, "/api/v5/messages?messageFeedId=paged&options[token]="+url.QueryEscape(p.Paging.Previous), "bob-token")
	if got := segments(prev); len(got) != 25 || got[0] != 26 || got[24] != 50 {
		t.Errorf("previous of the last page: segments %v, want 26..50 oldest first", got)
	}
}

// TestForgedTokens: a token changed by one character, made up, of another
// channel or of another app is refused with "Query Token is invalid".
func TestForgedTokens(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	sendN(t, env, 30)
	_, p, _ := get(t, env, "/api/v3/messages?channelId=paged&options[first]=10", "bob-token")
	good := p.Paging.Next
	if good == "" {
		t.Fatal("no next token")
	}
	flip := []byte(good)
	flip[len(flip)/2] ^= 1
	forged := map[string]string{
		"one bit changed": string(flip),
		"made up":         "eyJwIjp7ImMiOiJwYWdlZCIsIm4iOjEwMDB9LCJzIjoiQUFBQUFBQUFBQUFBQUFBQUFBQUFBQSJ9",
		"not base64":      "%%%",
	}
	for name, tok := range forged {
		t.Run(name, func(t *testing.T) {
			status, _, body := get(t, env, "/api/v3/messages?options[token]="+url.QueryEscape(tok), "bob-token")
			var e struct {
				Code    int    `json:"code"`
				Message string `json:"message"`
			}
			_ = json.Unmarshal(body, &e)
			if status != http.StatusBadRequest || e.Message != "Query Token is invalid" || e.Code != 400000 {
				t.Errorf("got %d %s, want 400 Query Token is invalid", status, body)
			}
		})
	}
	t.Run("another channel", func(t *testing.T) {
		status, _, body := get(t, env, "/api/v3/messages?channelId=general&options[token]="+url.QueryEscape(good), "bob-token")
		if status != http.StatusBadRequest {
			t.Errorf("got %d %s, want 400", status, body)
		}
	})
	t.Run("good", func(t *testing.T) {
		status, p, body := get(t, env, "/api/v3/messages?options[token]="+url.QueryEscape(good), "bob-token")
		if status != http.StatusOK || len(p.Messages) != 10 || p.Messages[0].ChannelSegment != 11 {
			t.Errorf("got %d %s, want segments 11..20", status, body)
		}
	})
}

// TestConcurrentSenders: 64 senders at once get 64 distinct channelSegment
// values with no gap.
func TestConcurrentSenders(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	const n = 64
	segs := make([]int64, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			body := fmt.Sprintf(`{"channelId": "general", "messageId": "c%d", "data": {"text": "hi %d"}}`, i, i)
			resp, data := env.Do("POST", "/api/v3/messages", body, "Authorization: Bearer bob-token")
			var p page
			if resp.StatusCode != http.StatusOK || json.Unmarshal(data, &p) != nil || len(p.Messages) != 1 {
				t.Errorf("sender %d: %d %s", i, resp.StatusCode, data)
				return
			}
			segs[i] = p.Messages[0].ChannelSegment
		}()
	}
	wg.Wait()
	slices.Sort(segs)
	for i, s := range segs {
		if want := int64(i + 3); s != want { // general holds m1 and m2 already
			t.Fatalf("segments %v: want 3..66, each once", segs)
		}
	}
}
