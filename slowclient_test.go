package main

import (
	"bufio"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"parley/server/testenv"
)

// The reliability suite's slow-client cases: the real binary, started with
// small timeouts so that each case is bounded to a few seconds.

// slowHeaders opens a connection that sends a request line and then its
// headers one byte every 100 ms, never finishing them.
func slowHeaders(addr string) (net.Conn, error) {
	c, err := net.Dial("tcp", addr)
	if err != nil {
		return nil, err
	}
	_, err = io.WriteString(c, "GET /livez HTTP/1.1\r\nHost: parley\r\nX-Slow: ")
	return c, err
}

// slowBody opens a connection that sends a whole Channelize send request's
// headers, then its body one byte every 100 ms, never finishing it.
func slowBody(addr string) (net.Conn, error) {
	c, err := net.Dial("tcp", addr)
	if err != nil {
		return nil, err
	}
	_, err = fmt.Fprintf(c, "POST /v2/messages/send HTTP/1.1\r\nHost: parley\r\nPublic-Key: demo-public\r\n"+
		"Authorization: Bearer YWxpY2UtdG9rZW4=\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{")
	return c, err
}

// trickle writes one byte every interval until a write fails or stop
// closes; the channel it returns says when the server closed the
// connection (a read saw its end), as the time since start.
func trickle(c net.Conn, start time.Time, interval time.Duration, stop <-chan struct{}) <-chan time.Duration {
	closed := make(chan time.Duration, 1)
	go func() {
		_, _ = io.Copy(io.Discard, c) // an answer (400, 408, 431) and then the end
		closed <- time.Since(start)
	}()
	go func() {
		t := time.NewTicker(interval)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				if _, err := c.Write([]byte("a")); err != nil {
					return
				}
			}
		}
	}()
	return closed
}

// normalClient sends Channelize messages one after another until stop
// closes, and returns their latencies and the statuses that were not 201.
func normalClient(url string, stop <-chan struct{}) <-chan clientResult {
	out := make(chan clientResult, 1)
	go func() {
		var r clientResult
		for i := 0; ; i++ {
			select {
			case <-stop:
				out <- r
				return
			default:
			}
			start := time.Now()
			status := sendAs(url, "alice-token", "normal-"+strconv.Itoa(i)+"-"+strconv.FormatInt(start.UnixNano(), 36), "still here")
			r.latencies = append(r.latencies, time.Since(start))
			if status != http.StatusCreated {
				r.failed = append(r.failed, status)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}()
	return out
}

type clientResult struct {
	latencies []time.Duration
	failed    []int
}

// p99 returns the 99th percentile of the latencies (the largest below 100).
func (r clientResult) p99() time.Duration {
	if len(r.latencies) == 0 {
		return 0
	}
	l := slices.Clone(r.latencies)
	slices.Sort(l)
	return l[(len(l)*99-1)/100]
}

// normalLatencyBound is how slow a normal client's request may be while
// slow clients are held: far below any limit a slow client is cut at, and
// generous for a shared machine running the whole suite at once.
const normalLatencyBound = 2 * time.Second

// Connections that send their headers, or their body, a byte at a time,
// and a kept-alive connection left idle, are cut off after the configured
// limits, while a normal client's requests stay fast.
func TestSlowClientsCutOff(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the real binary and waits for its timeouts")
	}
	p := testenv.StartBinary(t, "--ephemeral", "--addr", "127.0.0.1:0", "--fixtures", "testdata/fixtures.json",
		"--admin-token", "slow-admin", "--log-level", "warn",
		"--read-header-timeout", "1s", "--read-timeout", "2s", "--idle-timeout", "1s", "--write-timeout", "1s")
	addr := strings.TrimPrefix(p.URL, "http://")
	stop, normalStop := make(chan struct{}), make(chan struct{})
	defer close(stop)
	normal := normalClient(p.URL, normalStop)

	type slow struct {
		kind     string
		min, max time.Duration // when the server must cut it, from its start
		closed   <-chan time.Duration
	}
	var conns []slow
	const perKind = 10
	const slack = 2500 * time.Millisecond
	for i := 0; i < perKind; i++ {
		start := time.Now()
		c, err := slowHeaders(addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		conns = append(conns, slow{"headers a byte at a time", 800 * time.Millisecond, time.Second + slack, trickle(c, start, 100*time.Millisecond, stop)})
		start = time.Now()
		if c, err = slowBody(addr); err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		conns = append(conns, slow{"a body a byte at a time", 1800 * time.Millisecond, 2*time.Second + slack, trickle(c, start, 100*time.Millisecond, stop)})
	}
	// A file upload as slow, which has --upload-timeout (an hour) instead.
	uploadStart := time.Now()
	upload, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer upload.Close()
	fmt.Fprintf(upload, "POST /v2/files HTTP/1.1\r\nHost: parley\r\nPublic-Key: demo-public\r\nAuthorization: Bearer YWxpY2UtdG9rZW4=\r\n"+
		"Content-Type: multipart/form-data; boundary=XX\r\nContent-Length: 100000\r\n\r\n"+
		"--XX\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\nContent-Type: text/plain\r\n\r\n")
	uploadClosed := trickle(upload, uploadStart, 100*time.Millisecond, stop)
	// An event stream outlives every limit: it lifts them and bounds each
	// write instead. It sees the normal client's messages all along.
	events, err := http.NewRequest("GET", p.URL+"/events?types=message.created", nil)
	if err != nil {
		t.Fatal(err)
	}
	events.Header.Set("Authorization", "Bearer bob-token")
	stream, err := http.DefaultClient.Do(events)
	if err != nil || stream.StatusCode != 200 {
		t.Fatalf("event stream: %v %v", stream, err)
	}
	defer stream.Body.Close()
	var lastEvent atomic.Int64 // since uploadStart
	streamEnded := make(chan error, 1)
	go func() {
		sc := bufio.NewScanner(stream.Body)
		for sc.Scan() {
			if strings.HasPrefix(sc.Text(), "data:") {
				lastEvent.Store(int64(time.Since(uploadStart)))
			}
		}
		streamEnded <- sc.Err()
	}()
	// A kept-alive connection that asks once and then says nothing.
	idle, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer idle.Close()
	fmt.Fprintf(idle, "GET /livez HTTP/1.1\r\nHost: parley\r\n\r\n")
	br := bufio.NewReader(idle)
	resp, err := http.ReadResponse(br, nil)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("idle connection's request: %v %v", resp, err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	idleStart := time.Now()
	idleClosed := make(chan time.Duration, 1)
	go func() {
		_, _ = io.Copy(io.Discard, br)
		idleClosed <- time.Since(idleStart)
	}()
	conns = append(conns, slow{"idle keep-alive", 800 * time.Millisecond, time.Second + slack, idleClosed})

	for _, s := range conns {
		select {
		case d := <-s.closed:
			if d < s.min || d > s.max {
				t.Errorf("%s: cut after %v, want within [%v, %v]", s.kind, d.Round(time.Millisecond), s.min, s.max)
			}
		case <-time.After(6 * time.Second):
			t.Fatalf("%s: still open after 6 s", s.kind)
		}
	}
	if wait := 3500*time.Millisecond - time.Since(uploadStart); wait > 0 {
		time.Sleep(wait)
	}
	select {
	case d := <-uploadClosed:
		t.Errorf("a slow file upload was cut after %v, within --read-timeout; want --upload-timeout", d)
	default:
	}
	select {
	case err := <-streamEnded:
		t.Errorf("the event stream ended (%v) within the limits meant for requests", err)
	default:
		if last := time.Duration(lastEvent.Load()); last < 2500*time.Millisecond {
			t.Errorf("the event stream's last message event came %v after it opened, want one past 2.5 s (--write-timeout 1s)", last)
		}
	}
	close(normalStop)
	r := <-normal
	if len(r.latencies) < 10 || len(r.failed) > 0 {
		t.Fatalf("normal client: %d requests, failed: %v", len(r.latencies), r.failed)
	}
	if slices.Max(r.latencies) > normalLatencyBound {
		t.Errorf("normal client: slowest request %v, want under %v", slices.Max(r.latencies), normalLatencyBound)
	}
	t.Logf("cut %d slow connections; normal client: %d requests, p99 %v", len(conns), len(r.latencies), r.p99())
}

// A flood of connections from one address past --max-conns-per-address is
// refused (closed at once, a normal request from that address too) until
// the flood is cut off by the header timeout; then requests get through.
// Another address gets through all along.
func TestConnectionFlood(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the real binary and waits for its timeouts")
	}
	const max = 20
	p := testenv.StartBinary(t, "--ephemeral", "--addr", "127.0.0.1:0", "--admin-token", "flood-admin", "--log-level", "warn",
		"--max-conns-per-address", strconv.Itoa(max), "--read-header-timeout", "1500ms")
	addr := strings.TrimPrefix(p.URL, "http://")
	start := time.Now()
	closed := make(chan time.Duration, max)
	for i := 0; i < max; i++ {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		go func() {
			_, _ = io.Copy(io.Discard, c) // says nothing; waits for its end
			closed <- time.Since(start)
		}()
	}
	// One more from the same address: closed before a byte is read.
	extra, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer extra.Close()
	_ = extra.SetReadDeadline(time.Now().Add(time.Second))
	if _, err := extra.Read(make([]byte, 1)); !isClosed(err) {
		t.Fatalf("connection %d: read %v, want it closed at once", max+1, err)
	}
	client := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	if resp, err := client.Get(p.URL + "/livez"); err == nil {
		resp.Body.Close()
		t.Fatalf("a request past the cap got %d, want its connection closed", resp.StatusCode)
	}
	// Another address is not held back by this one's flood (the loopback
	// network answers from all of 127.0.0.0/8).
	other := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{DisableKeepAlives: true,
		DialContext: (&net.Dialer{LocalAddr: &net.TCPAddr{IP: net.IPv4(127, 0, 0, 2)}}).DialContext}}
	if resp, err := other.Get(p.URL + "/livez"); err != nil {
		t.Logf("cannot call from 127.0.0.2 here (%v): another address not tried", err)
	} else if resp.Body.Close(); resp.StatusCode != 200 {
		t.Fatalf("another address during the flood: %d", resp.StatusCode)
	}
	for i := 0; i < max; i++ {
		select {
		case d := <-closed:
			if d > 1500*time.Millisecond+2500*time.Millisecond {
				t.Errorf("flood connection cut after %v, want about 1.5 s", d)
			}
		case <-time.After(6 * time.Second):
			t.Fatalf("flood connection %d still open after 6 s", i)
		}
	}
	resp, err := client.Get(p.URL + "/livez")
	if err != nil {
		t.Fatalf("after the flood: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("after the flood: %d", resp.StatusCode)
	}
}

// isClosed reports whether a read error means the peer closed the
// connection (not a timeout).
func isClosed(err error) bool {
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return false
	}
	return err != nil
}

// Held slow connections cost the server little memory each: headers are
// capped (--max-header), so a connection that pushes more is answered 431
// and closed instead of being buffered. The server's resident memory is
// read before and while they are held.
func TestSlowClientsMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the real binary and holds hundreds of connections")
	}
	if _, err := os.Stat("/proc/self/status"); err != nil {
		t.Skip("no /proc to read the server's memory from")
	}
	p := testenv.StartBinary(t, "--ephemeral", "--addr", "127.0.0.1:0", "--fixtures", "testdata/fixtures.json",
		"--admin-token", "mem-admin", "--log-level", "warn", "--max-header", "64KiB")
	addr := strings.TrimPrefix(p.URL, "http://")
	pid := p.Cmd.Process.Pid
	for i := 0; i < 20; i++ { // warm up what a request allocates
		sendAs(p.URL, "alice-token", "warm-"+strconv.Itoa(i), "warm")
	}
	before := vmRSS(t, pid)

	stop, normalStop := make(chan struct{}), make(chan struct{})
	defer close(stop)
	const held, pushers = 500, 200
	var closedEarly []<-chan time.Duration
	for i := 0; i < held; i++ {
		c, err := slowHeaders(addr)
		if err != nil {
			t.Fatalf("slow connection %d: %v", i, err)
		}
		defer c.Close()
		closedEarly = append(closedEarly, trickle(c, time.Now(), 500*time.Millisecond, stop))
	}
	normal := normalClient(p.URL, normalStop)
	time.Sleep(time.Second) // the held connections trickle meanwhile
	holding := vmRSS(t, pid)
	close(normalStop)
	r := <-normal
	// Pushers send far more header than the cap, in one go: each must be
	// answered and closed, never held.
	pad := "X-Pad: " + strings.Repeat("p", 255<<10) + "\r\n"
	var wg sync.WaitGroup
	var mu sync.Mutex
	var notCut []string
	for i := 0; i < pushers; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, err := net.Dial("tcp", addr)
			if err != nil {
				mu.Lock()
				notCut = append(notCut, err.Error())
				mu.Unlock()
				return
			}
			defer c.Close()
			_ = c.SetDeadline(time.Now().Add(5 * time.Second))
			go func() { _, _ = io.WriteString(c, "GET /livez HTTP/1.1\r\nHost: parley\r\n"+pad) }()
			line, err := bufio.NewReader(c).ReadString('\n')
			if !strings.Contains(line, "431") {
				mu.Lock()
				notCut = append(notCut, fmt.Sprintf("%q %v", line, err))
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if len(notCut) > 0 {
		t.Fatalf("%d of %d connections pushing 255 KiB of headers were not answered 431, e.g. %s", len(notCut), pushers, notCut[0])
	}

	after := vmRSS(t, pid)
	for i, c := range closedEarly {
		select {
		case d := <-c:
			t.Fatalf("held connection %d was cut after %v, before any limit", i, d)
		default:
		}
	}
	if len(r.failed) > 0 || len(r.latencies) == 0 {
		t.Fatalf("normal client while %d slow connections were held: %d requests, failed %v", held, len(r.latencies), r.failed)
	}
	if slices.Max(r.latencies) > normalLatencyBound {
		t.Errorf("normal client: slowest request %v, want under %v", slices.Max(r.latencies), normalLatencyBound)
	}
	// Each held connection costs a goroutine, buffers and its headers so
	// far: well under 64 KiB. A pusher, at most the header cap before it is
	// cut (without the cap they would hold 50 MiB).
	const each = 64 << 10
	if growth := holding - before; growth > held*each {
		t.Errorf("server memory grew %d KiB holding %d slow connections, want under %d KiB", growth>>10, held, held*each>>10)
	}
	if growth := after - before; growth > (held+pushers)*each {
		t.Errorf("server memory grew %d KiB holding %d slow connections and refusing %d, want under %d KiB",
			growth>>10, held, pushers, (held+pushers)*each>>10)
	}
	t.Logf("server RSS %d KiB before, %d KiB holding %d slow connections (%.1f KiB each), %d KiB after refusing %d pushers; normal client p99 %v over %d requests",
		before>>10, holding>>10, held, float64(holding-before)/1024/held, after>>10, pushers, r.p99(), len(r.latencies))
}

// vmRSS reads a process's resident memory, in bytes.
func vmRSS(t *testing.T, pid int) int64 {
	t.Helper()
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			if err != nil {
				t.Fatalf("VmRSS %q: %v", v, err)
			}
			return kb << 10
		}
	}
	t.Fatal("no VmRSS in /proc status")
	return 0
}

// TestStalledReaderCutOff: a client that asks for a big answer and stops
// reading it does not hold its connection (and the answer's memory) past
// --write-timeout: the server gives up on the write and closes. Without
// the write deadline the server would wait for the reader for ever, and a
// reader who resumes late would still get the whole answer.
func TestStalledReaderCutOff(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the real binary and waits for its timeouts")
	}
	p := testenv.StartBinary(t, "--ephemeral", "--addr", "127.0.0.1:0", "--fixtures", "testdata/fixtures.json",
		"--admin-token", "slow-admin", "--log-level", "error", "--rate-limit=false", "--write-timeout", "1s")
	// 200 messages of 20,000 four-byte runes: a page of them is about
	// 16 MB, more than the loopback's socket buffers hold.
	body := strings.Repeat("😀", 20000)
	for i := 0; i < 200; i++ {
		if status := sendAs(p.URL, "alice-token", "big-"+strconv.Itoa(i), body); status != http.StatusCreated {
			t.Fatalf("send %d: %d", i, status)
		}
	}
	const page = "/v2/conversations/general/messages?limit=200"
	get := func(c net.Conn) {
		t.Helper()
		fmt.Fprintf(c, "GET %s HTTP/1.1\r\nHost: parley\r\nPublic-Key: demo-public\r\nAuthorization: Bearer %s\r\n\r\n",
			page, base64.StdEncoding.EncodeToString([]byte("alice-token")))
	}
	dial := func() net.Conn {
		t.Helper()
		c, err := net.Dial("tcp", strings.TrimPrefix(p.URL, "http://"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		return c
	}
	// A reader who stalls for three times the write timeout finds the
	// answer cut short: it holds at least the 200 bodies' 16,000,000 bytes.
	const bodies = 200 * 20000 * 4
	stalled := dial()
	get(stalled)
	time.Sleep(3 * time.Second)
	start := time.Now()
	_ = stalled.SetReadDeadline(start.Add(10 * time.Second))
	got, err := io.Copy(io.Discard, stalled)
	if got >= bodies {
		t.Fatalf("a client that stalled for 3 s past a 1 s write timeout still got the whole answer (%d bytes)", got)
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		t.Fatalf("the server kept the stalled reader's connection open (%d bytes read, then %v)", got, err)
	}
	t.Logf("the stalled reader got %d bytes of a page of more than %d, then %v after %v", got, bodies, err, time.Since(start))
}
