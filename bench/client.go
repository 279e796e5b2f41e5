package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// op is one kind of request a virtual client sends.
type op int

const (
	opSend    op = iota // POST /v2/messages/send
	opHistory           // GET /v2/conversations/{id}/messages?limit=50
	opUnread            // GET /v2/messages/unread/count
	numOps
)

var opNames = [numOps]string{"send", "history", "unread"}

// dials counts the connections the load clients opened.
var dials atomic.Int64

// newHTTPClient returns a client whose transport keeps up to conns
// connections alive to the one host it talks to, never uses a proxy and
// never follows a redirect (so nothing can lead it off 127.0.0.1).
func newHTTPClient(conns int) (*http.Client, *http.Transport) {
	dialer := &net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}
	tr := &http.Transport{
		Proxy: nil,
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			dials.Add(1)
			return dialer.DialContext(ctx, network, addr)
		},
		MaxIdleConns:          conns,
		MaxIdleConnsPerHost:   conns, // the default (2) would close and reopen connections under load
		MaxConnsPerHost:       conns,
		IdleConnTimeout:       90 * time.Second,
		ResponseHeaderTimeout: 30 * time.Second,
		DisableCompression:    true,
	}
	hc := &http.Client{Transport: tr, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	return hc, tr
}

// vclient is one virtual client: one user's credentials, its
// conversations, and one keep-alive connection (net/http's, from the shared
// transport, or its own with -client raw).
type vclient struct {
	hc      *http.Client
	raw     *rawConn // with -client raw
	base    string
	user    int
	convs   [2]string
	history [2]string // URLs
	get     http.Header
	post    http.Header
	seq     int
	buf     []byte
	rawGet  [3][]byte // prepared raw requests: history of either conversation, unread
	rawBuf  []byte
	// The dialects scenario: the dialect spoken, the client's session in
	// it, and the last answer's body (checked, and read by CoWork's history).
	api  *dialectAPI
	sess *session
	body bytes.Buffer
}

// newVClient returns the virtual client of user; with raw it speaks over its
// own connection instead of hc.
func newVClient(hc *http.Client, base, auth string, d dataset, user int, raw bool) (*vclient, error) {
	c := &vclient{hc: hc, base: base, user: user, buf: make([]byte, 0, 256)}
	c.get, c.post = headers(auth, user)
	for t, j := range d.homes(user) {
		c.convs[t] = convID(j)
		c.history[t] = base + "/v2/conversations/" + convID(j) + "/messages?limit=50"
	}
	if raw {
		var err error
		if c.raw, err = newRawConn(base); err != nil {
			return nil, err
		}
		for t := range c.convs {
			c.rawGet[t] = rawRequest(nil, http.MethodGet, "/v2/conversations/"+c.convs[t]+"/messages?limit=50", c.raw.addr, c.get, nil)
		}
		c.rawGet[2] = rawRequest(nil, http.MethodGet, "/v2/messages/unread/count", c.raw.addr, c.get, nil)
	}
	return c, nil
}

// sendBody renders the next message the client sends: to either of its
// conversations, every tenth with an image attachment.
func (c *vclient) sendBody() []byte {
	b := append(c.buf[:0], `{"conversationId":"`...)
	b = append(b, c.convs[c.seq%2]...)
	b = append(b, `","body":"bench message `...)
	b = strconv.AppendInt(b, int64(c.seq), 10)
	b = append(b, ` from `...)
	b = append(b, userID(c.user)...)
	b = append(b, '"')
	if c.seq%10 == 0 {
		b = append(b, `,"attachments":[{"type":"image","fileUrl":"https://files.example.test/img/sent.jpg","name":"sent.jpg","mimeType":"image/jpeg","size":1234}]`...)
	}
	c.buf = append(b, '}')
	return c.buf
}

// headers returns the headers of user's GET and POST requests: the app's
// public key and either the user's token (bearer) or the app's secret and
// the user's id (basic).
func headers(auth string, user int) (get, post http.Header) {
	get = http.Header{}
	get.Set("Public-Key", publicKey)
	get.Set("Accept", "application/json")
	if auth == "basic" {
		get.Set("Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte(secretKey)))
		get.Set("User-Id", userID(user))
	} else {
		get.Set("Authorization", "Bearer "+base64.StdEncoding.EncodeToString([]byte(userToken(user))))
	}
	post = get.Clone()
	post.Set("Content-Type", "application/json")
	return get, post
}

// answer is what one request got.
type answer struct {
	status int    // 0: no HTTP answer (see err)
	err    string // transport error, shortened
	body   string // the start of a non-2xx body
	bytes  int64
}

// do sends one request of kind o and reads the whole answer.
func (c *vclient) do(ctx context.Context, o op) answer {
	c.seq++
	if c.api != nil {
		return c.doDialect(ctx, o)
	}
	if c.raw != nil {
		return c.doRaw(o)
	}
	var req *http.Request
	var err error
	switch o {
	case opSend:
		req, err = http.NewRequestWithContext(ctx, http.MethodPost, c.base+"/v2/messages/send", bytes.NewReader(c.sendBody()))
		if err == nil {
			req.Header = c.post
		}
	case opHistory:
		req, err = http.NewRequestWithContext(ctx, http.MethodGet, c.history[c.seq%2], nil)
		if err == nil {
			req.Header = c.get
		}
	case opUnread:
		req, err = http.NewRequestWithContext(ctx, http.MethodGet, c.base+"/v2/messages/unread/count", nil)
		if err == nil {
			req.Header = c.get
		}
	}
	if err != nil {
		return answer{err: err.Error()}
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return answer{err: shortErr(err)}
	}
	defer resp.Body.Close()
	a := answer{status: resp.StatusCode}
	if resp.StatusCode/100 == 2 {
		a.bytes, err = io.Copy(io.Discard, resp.Body)
	} else {
		var head []byte
		head, err = io.ReadAll(io.LimitReader(resp.Body, 400))
		a.body = string(head)
		_, _ = io.Copy(io.Discard, resp.Body) // so the connection is kept
	}
	if err != nil {
		a.err = shortErr(err)
	}
	return a
}

// doRaw is do over the client's own connection (-client raw).
func (c *vclient) doRaw(o op) answer {
	var req []byte
	switch o {
	case opSend:
		c.rawBuf = rawRequest(c.rawBuf[:0], http.MethodPost, "/v2/messages/send", c.raw.addr, c.post, c.sendBody())
		req = c.rawBuf
	case opHistory:
		req = c.rawGet[c.seq%2]
	case opUnread:
		req = c.rawGet[2]
	}
	status, head, n, err := c.raw.roundTrip(req)
	a := answer{status: status, body: string(head), bytes: n}
	if err != nil {
		a.err = shortErr(err)
	}
	return a
}

// shortErr keeps the cause of a transport error, without the URL.
func shortErr(err error) string {
	s := err.Error()
	if i := strings.LastIndex(s, ": "); i >= 0 && strings.Contains(s, "http://") {
		s = s[i+2:]
	}
	return s
}

// call sends one request with a JSON body (nil: none) as user and decodes
// a 2xx answer into out (nil: discard). It is for setup and checks, not load.
func call(ctx context.Context, hc *http.Client, method, url, auth string, user int, body, out any) (int, error) {
	get, post := headers(auth, user)
	var r io.Reader
	h := get
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return 0, err
		}
		r, h = bytes.NewReader(b), post
	}
	req, err := http.NewRequestWithContext(ctx, method, url, r)
	if err != nil {
		return 0, err
	}
	req.Header = h
	resp, err := hc.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 8<<20))
	if err != nil {
		return resp.StatusCode, err
	}
	if resp.StatusCode/100 != 2 {
		return resp.StatusCode, fmt.Errorf("%s %s: %d %s", method, url, resp.StatusCode, bytes.TrimSpace(data))
	}
	if out != nil {
		if err := json.Unmarshal(data, out); err != nil {
			return resp.StatusCode, fmt.Errorf("%s %s: %w", method, url, err)
		}
	}
	return resp.StatusCode, nil
}

// addReactions adds the dataset's reactions through the Channelize dialect
// (POST /v2/messages/{id}/add_reaction), which the fixture format cannot
// carry, from 16 workers. It returns how many failed and the first error.
func addReactions(ctx context.Context, base, auth string, d dataset) (int, error) {
	hc, tr := newHTTPClient(16)
	defer tr.CloseIdleConnections()
	var next, failed atomic.Int64
	var first error
	var mu sync.Mutex
	var wg sync.WaitGroup
	deadline := time.Now().Add(5 * time.Minute)
	for w := 0; w < 16; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for time.Now().Before(deadline) && ctx.Err() == nil {
				k := int(next.Add(1) - 1)
				if k >= d.messages {
					return
				}
				for _, r := range d.message(k).reactions {
					_, err := call(ctx, hc, http.MethodPost, base+"/v2/messages/"+messageID(k)+"/add_reaction", auth, r.user,
						map[string]string{"type": r.name}, nil)
					if err != nil {
						failed.Add(1)
						mu.Lock()
						if first == nil {
							first = err
						}
						mu.Unlock()
					}
				}
			}
		}()
	}
	wg.Wait()
	return int(failed.Load()), first
}

// pageCheck is what one history page carried.
type pageCheck struct {
	Messages        int `json:"messages"`
	WithOwner       int `json:"withOwner"`
	WithAttachments int `json:"withAttachments"`
	WithReactions   int `json:"withReactions"`
	Bytes           int `json:"bytes"`
}

// checkPage reads one history page as user 0 and counts what it carries,
// so a report can show that pages are full message objects.
func checkPage(ctx context.Context, base, auth string, d dataset) (pageCheck, error) {
	hc, tr := newHTTPClient(1)
	defer tr.CloseIdleConnections()
	var raw json.RawMessage
	var page []map[string]json.RawMessage
	url := base + "/v2/conversations/" + convID(d.homes(0)[0]) + "/messages?limit=50"
	if _, err := call(ctx, hc, http.MethodGet, url, auth, 0, nil, &raw); err != nil {
		return pageCheck{}, err
	}
	if err := json.Unmarshal(raw, &page); err != nil {
		return pageCheck{}, fmt.Errorf("history page: %w", err)
	}
	pc := pageCheck{Messages: len(page), Bytes: len(raw)}
	full := func(raw json.RawMessage) bool {
		s := strings.TrimSpace(string(raw))
		return s != "" && s != "null" && s != "[]" && s != "{}" && s != "0"
	}
	for _, m := range page {
		if full(m["owner"]) {
			pc.WithOwner++
		}
		if full(m["attachments"]) {
			pc.WithAttachments++
		}
		if full(m["reactions"]) {
			pc.WithReactions++
		}
	}
	return pc, nil
}
