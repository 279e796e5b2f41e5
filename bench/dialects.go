package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// The dialects scenario: send and history through each dialect's own API
// and its own credentials, on the dataset the Channelize scenarios use.
// A dialect is a table line of pure request builders (dialects_test.go
// holds each to an in-process server) plus, for App.net and Amity, a login
// that asks the server once per virtual client before the step starts.

// wireReq is one HTTP request of a dialect and what a good answer to it
// looks like: its status, a text it holds (the client id of a send where
// the dialect takes one, else a key of the answer) and, for a history
// page, a key that occurs once per message and how many messages the page
// holds.
type wireReq struct {
	method string
	path   string // with the query
	header http.Header
	body   []byte // nil: none
	status int
	want   string
	marker string
	count  int
}

// check says what is wrong with an answer to rq, or "" when nothing is. It
// is cheap (no JSON decoding), so that checking costs the load generator
// little CPU: the status, one substring and, for a page, a count.
func (rq *wireReq) check(status int, body []byte) string {
	if status != rq.status {
		return fmt.Sprintf("status %d, want %d", status, rq.status)
	}
	if !bytes.Contains(body, []byte(rq.want)) {
		return fmt.Sprintf("answer lacks %q", rq.want)
	}
	if rq.marker != "" {
		if n := bytes.Count(body, []byte(rq.marker)); n != rq.count {
			return fmt.Sprintf("page of %d messages, want %d", n, rq.count)
		}
	}
	return ""
}

// session is one virtual client in a dialect: its user, the dialect's ids
// of the user's two conversations, the headers that authenticate it, and a
// nonce that keeps its client message ids unique across steps.
type session struct {
	user  int
	convs [2]string
	get   http.Header
	post  http.Header // get + Content-Type: application/json
	nonce string
}

// pageSize is the history page every dialect reads.
const pageSize = 50

// dialectAPI is one dialect's send and history.
type dialectAPI struct {
	name string
	// login makes user's session. Most dialects need no server for it; the
	// client is for those that do.
	login func(ctx context.Context, hc *http.Client, base string, d dataset, user int) (*session, error)
	// send is the seq-th message of the session, to its conversation seq%2.
	send func(s *session, seq int) wireReq
	// history reads the latest page of the session's conversation t.
	history func(s *session, t int) wireReq
	// follow, when set, is the rest of a history read: the requests that
	// the first answer leads to (CoWork lists ids, then each message).
	follow func(s *session, t int, body []byte) ([]wireReq, error)
}

// dialectAPIs are the dialects in the order the scenario measures them.
var dialectAPIs = []*dialectAPI{
	{name: "channelize", login: staticLogin(channelizeHeaders), send: channelizeSend, history: channelizeHistory},
	{name: "sceyt", login: staticLogin(sceytHeaders), send: sceytSend, history: sceytHistory},
	{name: "appnet", login: appnetLogin, send: appnetSend, history: appnetHistory},
	{name: "cowork", login: staticLogin(coworkHeaders), send: coworkSend, history: coworkWindow, follow: coworkMessages},
	{name: "amity", login: amityLogin, send: amitySend, history: amityHistory},
}

// dialectNames names the table's dialects, for flags and messages.
func dialectNames() []string {
	var out []string
	for _, a := range dialectAPIs {
		out = append(out, a.name)
	}
	return out
}

func dialectByName(name string) *dialectAPI {
	for _, a := range dialectAPIs {
		if a.name == name {
			return a
		}
	}
	return nil
}

// newSession returns user's session with the dataset's conversation ids
// and the given GET headers.
func newSession(d dataset, user int, get http.Header) *session {
	s := &session{user: user, get: get, nonce: strconv.FormatInt(time.Now().UnixNano()%1e9, 36)}
	for t, j := range d.homes(user) {
		s.convs[t] = convID(j)
	}
	s.post = get.Clone()
	s.post.Set("Content-Type", "application/json")
	return s
}

// staticLogin is the login of a dialect whose credentials need no server:
// the headers of user.
func staticLogin(h func(user int) http.Header) func(context.Context, *http.Client, string, dataset, int) (*session, error) {
	return func(_ context.Context, _ *http.Client, _ string, d dataset, user int) (*session, error) {
		return newSession(d, user, h(user)), nil
	}
}

// clientID is the client id of the session's seq-th message: unique per
// session and step.
func (s *session) clientID(seq int) string {
	return "b" + s.nonce + "-" + userID(s.user) + "-" + strconv.Itoa(seq)
}

// text is the body of the session's seq-th message.
func (s *session) text(seq int) string {
	return "bench message " + strconv.Itoa(seq) + " from " + userID(s.user)
}

// jsonBody renders v; the builders' values always render.
func jsonBody(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

func bearerHeader(token string) http.Header {
	h := http.Header{}
	h.Set("Accept", "application/json")
	h.Set("Authorization", "Bearer "+token)
	return h
}

// Channelize (/v2/): the app's public key and the user's token, base64.
func channelizeHeaders(user int) http.Header {
	get, _ := headers("bearer", user)
	return get
}

func channelizeSend(s *session, seq int) wireReq {
	id := s.clientID(seq)
	return wireReq{method: http.MethodPost, path: "/v2/messages/send", header: s.post, status: http.StatusCreated,
		body: jsonBody(map[string]string{"id": id, "conversationId": s.convs[seq%2], "body": s.text(seq)}),
		want: `"id":"` + id + `"`}
}

func channelizeHistory(s *session, t int) wireReq {
	return wireReq{method: http.MethodGet, path: "/v2/conversations/" + s.convs[t] + "/messages?limit=" + strconv.Itoa(pageSize),
		header: s.get, status: http.StatusOK, want: `[{`, marker: `"ownerId":`, count: pageSize}
}

// Sceyt (/v1/{app}/): the app's secret key; the user is named in from.
func sceytHeaders(int) http.Header { return bearerHeader(secretKey) }

func sceytSend(s *session, seq int) wireReq {
	id := s.clientID(seq)
	return wireReq{method: http.MethodPost, path: "/v1/" + appID + "/channels/" + s.convs[seq%2] + "/messages", header: s.post,
		body:   jsonBody(map[string]string{"id": id, "from": userID(s.user), "body": s.text(seq)}),
		status: http.StatusCreated, want: `"id":"` + id + `"`}
}

func sceytHistory(s *session, t int) wireReq {
	return wireReq{method: http.MethodGet, header: s.get, status: http.StatusOK,
		path: "/v1/" + appID + "/channels/" + s.convs[t] + "/messages?from=" + userID(s.user) + "&limit=" + strconv.Itoa(pageSize),
		want: `"messages":[`, marker: `"channel_id":`, count: pageSize}
}

// App.net (/stream/0/): the user's token. Channels are integer keys, so the
// login lists the user's channels (their two conversations) to learn them.
func appnetLogin(ctx context.Context, hc *http.Client, base string, d dataset, user int) (*session, error) {
	s := newSession(d, user, bearerHeader(userToken(user)))
	var page struct {
		Data []struct {
			ID string `json:"id"`
		} `json:"data"`
	}
	if err := getJSON(ctx, hc, base+"/stream/0/channels?count=200", s.get, &page); err != nil {
		return nil, fmt.Errorf("appnet login of %s: %w", userID(user), err)
	}
	if len(page.Data) != len(s.convs) {
		return nil, fmt.Errorf("appnet login of %s: %d channels, want %d", userID(user), len(page.Data), len(s.convs))
	}
	for t := range s.convs {
		s.convs[t] = page.Data[t].ID
	}
	return s, nil
}

func appnetSend(s *session, seq int) wireReq {
	return wireReq{method: http.MethodPost, path: "/stream/0/channels/" + s.convs[seq%2] + "/messages", header: s.post,
		body:   jsonBody(map[string]string{"text": s.text(seq)}),
		status: http.StatusOK, want: `"channel_id":"` + s.convs[seq%2] + `"`}
}

func appnetHistory(s *session, t int) wireReq {
	return wireReq{method: http.MethodGet, path: "/stream/0/channels/" + s.convs[t] + "/messages?count=" + strconv.Itoa(pageSize),
		header: s.get, status: http.StatusOK, want: `"data":[`, marker: `"pagination_id":`, count: pageSize}
}

// CoWork (/api/cowork/): the user's token; the dataset's conversations are
// the channels of the team "bench". CoWork has no page of messages: a list
// answers the ids of a window (the latest message and up to 100 before
// it), and each message is one GET. Its history is therefore the window
// and a GET of each of its latest 50 messages: 51 requests, one after the
// other, as a client shows a page; the scenario times the whole.
func coworkHeaders(user int) http.Header { return bearerHeader(userToken(user)) }

func coworkChannel(s *session, t int) string {
	return "/api/cowork/teams/" + benchTeam + "/channels/" + s.convs[t] + "/messages"
}

func coworkSend(s *session, seq int) wireReq {
	return wireReq{method: http.MethodPost, path: coworkChannel(s, seq%2), header: s.post,
		body: jsonBody(map[string]string{"text": s.text(seq)}), status: http.StatusOK, want: `"`}
}

func coworkWindow(s *session, t int) wireReq {
	return wireReq{method: http.MethodGet, path: coworkChannel(s, t), header: s.get, status: http.StatusOK, want: `["`}
}

// coworkMessages is the GET of each of the window's latest 50 messages.
func coworkMessages(s *session, t int, window []byte) ([]wireReq, error) {
	var ids []string
	if err := json.Unmarshal(window, &ids); err != nil {
		return nil, fmt.Errorf("cowork window: %v", err)
	}
	if len(ids) < pageSize {
		return nil, fmt.Errorf("cowork window of %d ids, want at least %d", len(ids), pageSize)
	}
	out := make([]wireReq, 0, pageSize)
	for _, id := range ids[len(ids)-pageSize:] {
		out = append(out, wireReq{method: http.MethodGet, path: coworkChannel(s, t) + "/" + url.PathEscape(id), header: s.get,
			status: http.StatusOK, want: `"id":"` + id + `"`})
	}
	return out, nil
}

// Amity (/api/): a session token, registered with the app's public key
// (POST /api/v4/sessions, as the SDK logs in).
func amityLogin(ctx context.Context, hc *http.Client, base string, d dataset, user int) (*session, error) {
	h := http.Header{}
	h.Set("x-api-key", publicKey)
	h.Set("Content-Type", "application/json")
	var reply struct {
		AccessToken string `json:"accessToken"`
	}
	body := jsonBody(map[string]string{"userId": userID(user), "deviceId": "bench-" + userID(user)})
	if err := postJSON(ctx, hc, base+"/api/v4/sessions", h, body, &reply); err != nil {
		return nil, fmt.Errorf("amity login of %s: %w", userID(user), err)
	}
	if reply.AccessToken == "" {
		return nil, fmt.Errorf("amity login of %s: no accessToken", userID(user))
	}
	return newSession(d, user, bearerHeader(reply.AccessToken)), nil
}

func amitySend(s *session, seq int) wireReq {
	id := s.clientID(seq)
	return wireReq{method: http.MethodPost, path: "/api/v3/messages", header: s.post, status: http.StatusOK,
		body: jsonBody(map[string]any{"channelId": s.convs[seq%2], "messageId": id, "type": "text",
			"data": map[string]string{"text": s.text(seq)}}),
		want: `"messageId":"` + id + `"`}
}

func amityHistory(s *session, t int) wireReq {
	return wireReq{method: http.MethodGet, header: s.get, status: http.StatusOK,
		path: "/api/v3/messages?channelId=" + s.convs[t] + "&options%5Blast%5D=" + strconv.Itoa(pageSize),
		want: `"messages":[`, marker: `"channelSegment":`, count: pageSize}
}

// getJSON and postJSON are for logins, not load: a 2xx answer decoded
// into out.
func getJSON(ctx context.Context, hc *http.Client, url string, h http.Header, out any) error {
	return doJSON(ctx, hc, http.MethodGet, url, h, nil, out)
}

func postJSON(ctx context.Context, hc *http.Client, url string, h http.Header, body []byte, out any) error {
	return doJSON(ctx, hc, http.MethodPost, url, h, body, out)
}

func doJSON(ctx context.Context, hc *http.Client, method, url string, h http.Header, body []byte, out any) error {
	req, err := http.NewRequestWithContext(ctx, method, url, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header = h
	resp, err := hc.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 8<<20))
	if err != nil {
		return err
	}
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("%s %s: %d %s", method, url, resp.StatusCode, bytes.TrimSpace(data))
	}
	return json.Unmarshal(data, out)
}

// doDialect sends one request of kind o in the client's dialect (and, for
// a CoWork history, the requests it leads to), reads every answer whole
// and checks it: a 2xx answer of the wrong shape is an error too.
func (c *vclient) doDialect(ctx context.Context, o op) answer {
	t := c.seq % 2
	var rq wireReq
	if o == opSend {
		rq = c.api.send(c.sess, c.seq)
	} else {
		rq = c.api.history(c.sess, t)
	}
	a := c.roundTrip(ctx, &rq)
	if a.err != "" || o != opHistory || c.api.follow == nil {
		return a
	}
	more, err := c.api.follow(c.sess, t, c.body.Bytes())
	if err != nil {
		a.err = c.api.name + " " + opNames[o] + ": " + err.Error()
		return a
	}
	for i := range more {
		next := c.roundTrip(ctx, &more[i])
		a.bytes += next.bytes
		if next.err != "" {
			next.bytes = a.bytes
			return next
		}
	}
	return a
}

// roundTrip sends rq, reads its answer into c.body and checks it.
func (c *vclient) roundTrip(ctx context.Context, rq *wireReq) answer {
	var body io.Reader
	if rq.body != nil {
		body = bytes.NewReader(rq.body)
	}
	req, err := http.NewRequestWithContext(ctx, rq.method, c.base+rq.path, body)
	if err != nil {
		return answer{err: err.Error()}
	}
	req.Header = rq.header
	resp, err := c.hc.Do(req)
	if err != nil {
		return answer{err: shortErr(err)}
	}
	defer resp.Body.Close()
	c.body.Reset()
	n, err := c.body.ReadFrom(io.LimitReader(resp.Body, 16<<20))
	a := answer{status: resp.StatusCode, bytes: n}
	switch {
	case err != nil:
		a.err = shortErr(err)
	case resp.StatusCode/100 != 2:
		a.body = string(c.body.Bytes()[:min(c.body.Len(), 400)])
	default:
		if msg := rq.check(resp.StatusCode, c.body.Bytes()); msg != "" {
			// Named by dialect and method only, so that errors count together.
			a.err = c.api.name + " " + rq.method + ": " + msg
		}
	}
	return a
}
