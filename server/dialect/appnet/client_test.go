package appnet_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"testing"

	"parley/server/testenv"
)

// adnClient calls the API the way App.net client libraries do (ADNpy's
// API object: an API root, a bearer token, JSON bodies, meta.code read
// for errors, and its cursor, which pages with before_id = meta.min_id
// while meta.more).
type adnClient struct {
	t     *testing.T
	root  string
	token string
}

type adnMeta struct {
	Code  int    `json:"code"`
	Error string `json:"error_message"`
	MinID string `json:"min_id"`
	More  bool   `json:"more"`
}

func (c *adnClient) call(method, path string, body any, out any) adnMeta {
	c.t.Helper()
	var r io.Reader
	ct := ""
	if body != nil {
		data, _ := json.Marshal(body)
		r, ct = bytes.NewReader(data), "application/json"
	}
	req, _ := http.NewRequest(method, c.root+path, r)
	if ct != "" {
		req.Header.Set("Content-Type", ct)
	}
	return c.do(req, out)
}

func (c *adnClient) do(req *http.Request, out any) adnMeta {
	c.t.Helper()
	req.Header.Set("Authorization", "Bearer "+c.token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	var env struct {
		Data json.RawMessage `json:"data"`
		Meta adnMeta         `json:"meta"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&env); err != nil {
		c.t.Fatalf("%s %s: not an envelope: %v", req.Method, req.URL, err)
	}
	if env.Meta.Code != resp.StatusCode {
		c.t.Fatalf("%s %s: meta.code %d, status %d", req.Method, req.URL, env.Meta.Code, resp.StatusCode)
	}
	if out != nil && env.Meta.Code == 200 {
		if err := json.Unmarshal(env.Data, out); err != nil {
			c.t.Fatalf("%s %s: data: %v", req.Method, req.URL, err)
		}
	}
	return env.Meta
}

// cursor pages through a list as ADNpy's cursor does and returns every
// item's id, failing on a repeat (a cursor that does not move).
func (c *adnClient) cursor(path string, count int) []string {
	c.t.Helper()
	var ids []string
	seen := map[string]bool{}
	before := ""
	for page := 0; ; page++ {
		if page > 100 {
			c.t.Fatalf("%s: the cursor never ends", path)
		}
		q := url.Values{"count": {fmt.Sprint(count)}}
		if before != "" {
			q.Set("before_id", before)
		}
		var items []struct {
			ID string `json:"id"`
		}
		m := c.call("GET", path+"?"+q.Encode(), nil, &items)
		if m.Code != 200 {
			c.t.Fatalf("%s: %d %s", path, m.Code, m.Error)
		}
		for _, it := range items {
			if seen[it.ID] {
				c.t.Fatalf("%s: %s came twice", path, it.ID)
			}
			seen[it.ID] = true
			ids = append(ids, it.ID)
		}
		if !m.More {
			return ids
		}
		before = m.MinID
	}
}

// TestClientAgainstBinary drives the real binary (ephemeral, with the
// fixtures) as an App.net client would: private messages, paging through
// a stream and the channel list with the library's cursor, a stream
// marker, the unread pm count and a file attached to a message.
func TestClientAgainstBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and starts the binary")
	}
	p := testenv.StartBinary(t, "--ephemeral", "--addr", "127.0.0.1:0", "--fixtures", "testdata/fixtures.json",
		"--admin-token", "client-admin", "--log-level", "warn")
	alice := &adnClient{t: t, root: p.URL + "/stream/0", token: "alice-token"}
	bob := &adnClient{t: t, root: p.URL + "/stream/0", token: "bob-token"}

	var first struct {
		ChannelID string `json:"channel_id"`
	}
	for i := 0; i < 25; i++ {
		var m struct {
			ChannelID string `json:"channel_id"`
		}
		meta := alice.call("POST", "/channels/pm/messages", map[string]any{"text": fmt.Sprintf("pm %d", i), "destinations": []any{"@bob"}}, &m)
		if meta.Code != 200 {
			t.Fatalf("pm %d: %d %s", i, meta.Code, meta.Error)
		}
		if i == 0 {
			first = m
		} else if m.ChannelID != first.ChannelID {
			t.Fatalf("pm %d went to channel %s, the first to %s", i, m.ChannelID, first.ChannelID)
		}
	}
	ids := bob.cursor("/channels/"+first.ChannelID+"/messages", 10)
	if len(ids) != 25 {
		t.Fatalf("bob paged through %d messages, want 25", len(ids))
	}
	channels := bob.cursor("/channels", 1)
	if len(channels) != 3 || channels[0] != first.ChannelID {
		t.Errorf("bob's channels: %v, want the pm channel first of 3", channels)
	}

	var unread int
	bob.call("GET", "/users/me/channels/pm/num_unread", nil, &unread)
	if unread != 1 {
		t.Errorf("unread pm channels before the marker: %d, want 1", unread)
	}
	if m := bob.call("POST", "/posts/marker", map[string]any{"name": "channel:" + first.ChannelID, "id": ids[0]}, nil); m.Code != 200 {
		t.Fatalf("marker: %d %s", m.Code, m.Error)
	}
	bob.call("GET", "/users/me/channels/pm/num_unread", nil, &unread)
	if unread != 0 {
		t.Errorf("unread pm channels after the marker: %d, want 0", unread)
	}

	// A file, attached to a message, read by the other member.
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	_ = mw.WriteField("type", "com.example.note")
	fw, _ := mw.CreateFormFile("content", "note.txt")
	_, _ = fw.Write([]byte("a note for bob"))
	_ = mw.Close()
	req, _ := http.NewRequest("POST", alice.root+"/files", &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	var file struct {
		ID  string `json:"id"`
		URL string `json:"url"`
	}
	if m := alice.do(req, &file); m.Code != 200 {
		t.Fatalf("upload: %d %s", m.Code, m.Error)
	}
	attach := map[string]any{"text": "see the note", "destinations": []any{"@bob"}, "annotations": []any{map[string]any{
		"type": "net.app.core.attachments", "value": map[string]any{"+net.app.core.file_list": []any{map[string]any{"file_id": file.ID, "format": "metadata"}}}}}}
	if m := alice.call("POST", "/channels/pm/messages", attach, nil); m.Code != 200 {
		t.Fatalf("attach: %d %s", m.Code, m.Error)
	}
	resp, err := http.Get(file.URL + "?access_token=bob-token")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || string(body) != "a note for bob" {
		t.Errorf("bob reads the file: %d %q", resp.StatusCode, body)
	}
}
