package channelize

import (
	"bytes"
	"encoding/json"
	"net/http"
	"sync"
	"weak"

	"parley/server/core"
)

// pageEncoder writes history pages, keeping each message's encoded form.
// Messages of a history page come from the store's message cache, shared
// and never changed (a change makes a new message), so a message's
// encoding never changes either. The key is a weak pointer: the encoder
// keeps no message alive, and a new message at a dead one's address gets a
// new key. Encoding was half of a history page's cost.
type pageEncoder struct {
	mu  sync.Mutex
	byM map[weak.Pointer[core.Message]][]byte
	max int
}

func newPageEncoder(max int) *pageEncoder {
	return &pageEncoder{byM: make(map[weak.Pointer[core.Message]][]byte), max: max}
}

// message returns the encoded wire form of m.
func (e *pageEncoder) message(m *core.Message) ([]byte, error) {
	k := weak.Make(m)
	e.mu.Lock()
	b := e.byM[k]
	e.mu.Unlock()
	if b != nil {
		return b, nil
	}
	b, err := json.Marshal(toWireMessage(m))
	if err != nil {
		return nil, err
	}
	e.mu.Lock()
	if len(e.byM) >= e.max {
		clear(e.byM) // entries of collected messages go too
	}
	e.byM[k] = b
	e.mu.Unlock()
	return b, nil
}

// writePage writes messages as a JSON array.
func (e *pageEncoder) writePage(w http.ResponseWriter, msgs []*core.Message) error {
	var buf bytes.Buffer
	buf.Grow(len(msgs) * 640)
	buf.WriteByte('[')
	for i, m := range msgs {
		b, err := e.message(m)
		if err != nil {
			return err
		}
		if i > 0 {
			buf.WriteByte(',')
		}
		buf.Write(b)
	}
	buf.WriteString("]\n")
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	_, err := w.Write(buf.Bytes())
	return err
}
