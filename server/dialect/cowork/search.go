package cowork

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/julienschmidt/httprouter"

	"parley/server/core"
	"parley/server/httpx"
)

// searchIn is i-net's search request: POST with this body, or GET with the
// same names as query parameters.
type searchIn struct {
	Query        string `json:"query"`
	MessageCount any    `json:"messageCount"` // documented as a string, sent as a number too
	StartOffset  any    `json:"startOffset"`
	TextFormat   string `json:"textFormat"`
}

// search answers the messages the caller may read whose text matches the
// query, newest first: i-net's window of messageCount hits from which the
// first startOffset are left out.
func (a *api) search(w http.ResponseWriter, r *http.Request, c *core.Caller, _ httprouter.Params) error {
	in := searchIn{Query: r.URL.Query().Get("query"), TextFormat: r.URL.Query().Get("textFormat")}
	if q := r.URL.Query().Get("q"); in.Query == "" {
		in.Query = q
	}
	count, offset := r.URL.Query().Get("messageCount"), r.URL.Query().Get("startOffset")
	if r.Method == http.MethodPost {
		if err := decodeJSON(r, &in, true); err != nil {
			return err
		}
		count, offset = number(in.MessageCount), number(in.StartOffset)
	}
	n, err := intParam("messageCount", count, 100)
	if err != nil {
		return err
	}
	skip, err := intParam("startOffset", offset, 0)
	if err != nil {
		return err
	}
	text, err := a.textFormat(in.TextFormat)
	if err != nil {
		return err
	}
	hits, err := a.svc.Search(r.Context(), c, core.SearchQuery{Text: in.Query, Limit: n})
	if err != nil {
		return err
	}
	out := []wireHit{}
	for i, h := range hits {
		if i >= skip {
			out = append(out, toWireHit(h, text))
		}
	}
	httpx.WriteJSON(w, http.StatusOK, out)
	return nil
}

// textFormat reads i-net's textFormat: None (no text, the default),
// Original (the Markdown), Plain or HTML.
func (a *api) textFormat(f string) (func(string) *string, error) {
	switch strings.ToLower(f) {
	case "", "none":
		return func(string) *string { return nil }, nil
	case "original":
		return func(s string) *string { return &s }, nil
	case "html":
		return func(s string) *string { h := a.html.HTML(s); return &h }, nil
	case "plain":
		return func(s string) *string { p := a.html.Plain(s); return &p }, nil
	}
	return nil, core.Invalidf("textFormat", "textFormat must be None, Original, Plain or HTML, not %q", f)
}

func number(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	}
	return ""
}

func intParam(name, raw string, def int) (int, error) {
	if raw == "" {
		return def, nil
	}
	n, err := strconv.Atoi(raw)
	if err != nil || n < 0 {
		return 0, core.Invalidf(name, "%s must be a whole number, not %q", name, raw)
	}
	return n, nil
}
