package appnet

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"

	"parley/server/core"
	"parley/server/httpx"
)

// markerInput is one stream marker update: "channel:<id>" and the id of
// the message read up to (percentage is taken and not kept).
type markerInput struct {
	Name       string `json:"name"`
	ID         flexID `json:"id"`
	Percentage *int   `json:"percentage"`
}

// updateMarkers is POST /stream/0/posts/marker: one marker or a list;
// reset_read_id=1 lets the read position move back. Only channel markers
// exist in Parley.
func (a *api) updateMarkers(w http.ResponseWriter, r *http.Request, c *core.Caller) error {
	reset, err := flag(r, "reset_read_id", false)
	if err != nil {
		return err
	}
	raw, err := readBody(r)
	if err != nil {
		return err
	}
	var list []markerInput
	single := !bytes.HasPrefix(bytes.TrimSpace(raw), []byte("["))
	if single {
		var one markerInput
		err = json.Unmarshal(raw, &one)
		list = []markerInput{one}
	} else {
		err = json.Unmarshal(raw, &list)
	}
	if err != nil {
		return httpx.JSONError(err)
	}
	in := make([]core.MarkerInput, len(list))
	for i, mk := range list {
		ch, ok := strings.CutPrefix(mk.Name, "channel:")
		if !ok {
			return core.Invalidf("name", "only channel:<id> markers are kept, not %q", mk.Name)
		}
		if in[i].ConversationID, err = pathKey("channel", ch); err != nil {
			return err
		}
		if in[i].MessageID, err = parseKey("id", string(mk.ID)); err != nil {
			return err
		}
		in[i].Reset = reset
	}
	convs, err := a.svc.SetMarkers(r.Context(), c, in)
	if err != nil {
		return err
	}
	out := make([]*wireMarker, len(convs))
	for i, conv := range convs {
		out[i] = channelMarker(conv)
	}
	if single {
		return ok(w, r, out[0])
	}
	return ok(w, r, out)
}

// readBody reads a JSON body, refusing an empty one.
func readBody(r *http.Request) ([]byte, error) {
	var raw json.RawMessage
	if err := httpx.DecodeJSON(r, &raw, false, false); err != nil {
		return nil, err
	}
	return raw, nil
}
