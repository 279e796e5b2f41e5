package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"
)

// rawConn is the -client raw transport: one keep-alive HTTP/1.1 connection
// spoken by hand, with requests written from prepared bytes and answers
// parsed just enough to find their end (Content-Length or chunked). It
// costs the load generator a fraction of net/http's CPU, which on a
// two-core machine is CPU the server gets back.
type rawConn struct {
	addr string // 127.0.0.1:PORT
	conn net.Conn
	br   *bufio.Reader
	buf  []byte
}

func newRawConn(base string) (*rawConn, error) {
	u, err := url.Parse(base)
	if err != nil || u.Hostname() != "127.0.0.1" {
		return nil, fmt.Errorf("raw client: %q is not on 127.0.0.1", base)
	}
	return &rawConn{addr: u.Host}, nil
}

// rawRequest renders a request: method, path, the headers h (in a fixed
// order) and the body.
func rawRequest(dst []byte, method, path, host string, h http.Header, body []byte) []byte {
	dst = append(dst, method...)
	dst = append(dst, ' ')
	dst = append(dst, path...)
	dst = append(dst, " HTTP/1.1\r\nHost: "...)
	dst = append(dst, host...)
	dst = append(dst, "\r\n"...)
	keys := make([]string, 0, len(h))
	for k := range h {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		for _, v := range h[k] {
			dst = append(dst, k...)
			dst = append(dst, ": "...)
			dst = append(dst, v...)
			dst = append(dst, "\r\n"...)
		}
	}
	if body != nil {
		dst = append(dst, "Content-Length: "...)
		dst = strconv.AppendInt(dst, int64(len(body)), 10)
		dst = append(dst, "\r\n"...)
	}
	dst = append(dst, "\r\n"...)
	return append(dst, body...)
}

// roundTrip writes req and reads the whole answer. It returns the status,
// the start of the body when the status is not 2xx, and the body's size.
// After an error the connection is closed; the next call dials again.
func (r *rawConn) roundTrip(req []byte) (int, []byte, int64, error) {
	if r.conn == nil {
		dials.Add(1)
		c, err := net.DialTimeout("tcp", r.addr, 5*time.Second)
		if err != nil {
			return 0, nil, 0, err
		}
		r.conn, r.br = c, bufio.NewReaderSize(c, 64<<10)
	}
	status, head, n, keep, err := r.exchange(req)
	if err != nil || !keep {
		r.close()
	}
	return status, head, n, err
}

func (r *rawConn) close() {
	if r.conn != nil {
		r.conn.Close()
		r.conn, r.br = nil, nil
	}
}

func (r *rawConn) exchange(req []byte) (status int, head []byte, n int64, keep bool, err error) {
	if err := r.conn.SetDeadline(time.Now().Add(30 * time.Second)); err != nil {
		return 0, nil, 0, false, err
	}
	if _, err := r.conn.Write(req); err != nil {
		return 0, nil, 0, false, err
	}
	line, err := r.br.ReadSlice('\n')
	if err != nil {
		return 0, nil, 0, false, err
	}
	if len(line) < 12 || !bytes.HasPrefix(line, []byte("HTTP/1.1 ")) {
		return 0, nil, 0, false, fmt.Errorf("raw client: bad status line %q", line)
	}
	if status, err = strconv.Atoi(string(line[9:12])); err != nil {
		return 0, nil, 0, false, fmt.Errorf("raw client: bad status line %q", line)
	}
	length, chunked, keep := int64(-1), false, true
	for {
		line, err = r.br.ReadSlice('\n')
		if err != nil {
			return status, nil, 0, false, err
		}
		line = bytes.TrimRight(line, "\r\n")
		if len(line) == 0 {
			break
		}
		k, v, _ := bytes.Cut(line, []byte(":"))
		v = bytes.TrimSpace(v)
		switch {
		case bytes.EqualFold(k, []byte("Content-Length")):
			if length, err = strconv.ParseInt(string(v), 10, 64); err != nil || length < 0 {
				return status, nil, 0, false, fmt.Errorf("raw client: bad Content-Length %q", v)
			}
		case bytes.EqualFold(k, []byte("Transfer-Encoding")):
			chunked = bytes.EqualFold(v, []byte("chunked"))
		case bytes.EqualFold(k, []byte("Connection")):
			keep = !bytes.EqualFold(v, []byte("close"))
		}
	}
	keepHead := status/100 != 2
	take := func(size int64) error { // reads size bytes of body
		if keepHead && len(head) < 400 {
			part := make([]byte, min(size, int64(400-len(head))))
			if _, err := io.ReadFull(r.br, part); err != nil {
				return err
			}
			head, size, n = append(head, part...), size-int64(len(part)), n+int64(len(part))
		}
		d, err := r.br.Discard(int(size))
		n += int64(d)
		return err
	}
	switch {
	case status == 204 || status == 304 || status/100 == 1:
	case chunked:
		for chunk := 0; ; chunk++ {
			if chunk > 1_000_000 {
				return status, head, n, false, errors.New("raw client: too many chunks")
			}
			line, err = r.br.ReadSlice('\n')
			if err != nil {
				return status, head, n, false, err
			}
			hex, _, _ := bytes.Cut(bytes.TrimRight(line, "\r\n"), []byte(";"))
			size, err := strconv.ParseInt(string(bytes.TrimSpace(hex)), 16, 64)
			if err != nil || size < 0 {
				return status, head, n, false, fmt.Errorf("raw client: bad chunk size %q", line)
			}
			if size == 0 {
				break
			}
			if err := take(size); err != nil {
				return status, head, n, false, err
			}
			if _, err := r.br.Discard(2); err != nil { // CRLF
				return status, head, n, false, err
			}
		}
		for trailer := 0; ; trailer++ { // trailers, up to the blank line
			line, err = r.br.ReadSlice('\n')
			if err != nil || trailer > 100 {
				return status, head, n, false, errors.Join(err, errors.New("raw client: bad trailer"))
			}
			if len(bytes.TrimRight(line, "\r\n")) == 0 {
				break
			}
		}
	case length >= 0:
		if err := take(length); err != nil {
			return status, head, n, false, err
		}
	default: // the body ends with the connection
		d, err := io.Copy(io.Discard, io.LimitReader(r.br, 64<<20))
		return status, head, n + d, false, err
	}
	return status, head, n, keep, nil
}
