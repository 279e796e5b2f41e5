package admin

import (
	"net/http"
	"strings"

	"github.com/julienschmidt/httprouter"

	"parley/server/core"
	"parley/server/httpx"
	"parley/server/journal"
)

var errJournalOff = core.Errorf(core.ECONFLICT, "the request journal is off: start Parley with --journal N")

// wireEntry is one journal entry in Parley's own shape.
type wireEntry struct {
	Seq        int64             `json:"seq"`
	Time       string            `json:"time"`
	App        string            `json:"app,omitempty"`
	Dialect    string            `json:"dialect"`
	Method     string            `json:"method"`
	Route      string            `json:"route"`
	Path       string            `json:"path"`
	Query      string            `json:"query,omitempty"`
	Status     int               `json:"status"`
	DurationMS float64           `json:"durationMs"`
	User       string            `json:"user,omitempty"`
	Fault      string            `json:"fault,omitempty"`
	Cut        bool              `json:"cut,omitempty"`
	Headers    map[string]string `json:"headers"`
	Request    string            `json:"request,omitempty"`
	Response   string            `json:"response,omitempty"`
	Truncated  bool              `json:"truncated,omitempty"`
}

func toWireEntry(e journal.Entry) wireEntry {
	return wireEntry{Seq: e.Seq, Time: wireTime(e.Time), App: e.AppID, Dialect: e.Dialect, Method: e.Method, Route: e.Route,
		Path: e.Path, Query: e.Query, Status: e.Status, DurationMS: float64(e.Duration.Microseconds()) / 1000, User: e.UserID,
		Fault: e.Fault, Cut: e.Cut, Headers: e.Headers, Request: e.Request, Response: e.Response, Truncated: e.Truncated}
}

// journalFilter reads ?dialect=&method=&route=&path=&status=&user=&after=&faulted=&limit=.
func journalFilter(r *http.Request) (journal.Filter, error) {
	q := r.URL.Query()
	f := journal.Filter{Dialect: q.Get("dialect"), Method: q.Get("method"), Route: q.Get("route"), Path: q.Get("path"),
		UserID: q.Get("user")}
	var err error
	if f.Status, err = httpx.QueryInt(r, "status", 0); err != nil {
		return f, err
	}
	after, err := httpx.QueryInt(r, "after", 0)
	if err != nil {
		return f, err
	}
	f.After = int64(after)
	if f.Faulted, err = httpx.QueryBool(r, "faulted"); err != nil {
		return f, err
	}
	if f.Limit, err = httpx.QueryInt(r, "limit", 0); err != nil {
		return f, err
	}
	if f.Limit < 0 {
		return f, core.Invalidf("limit", "limit must not be negative")
	}
	return f, nil
}

func (a *api) listJournal(w http.ResponseWriter, r *http.Request, f journal.Filter) error {
	if a.tools.Journal == nil {
		return errJournalOff
	}
	wait, count, err := waitParams(r)
	if err != nil {
		return err
	}
	var entries []journal.Entry
	ok := true
	if r.URL.Query().Has("wait") {
		entries, ok, err = a.tools.Journal.Wait(r.Context(), f, count, wait)
		if err != nil {
			return err
		}
	} else {
		entries = a.tools.Journal.List(f)
	}
	out := make([]wireEntry, len(entries))
	for i, e := range entries {
		out[i] = toWireEntry(e)
	}
	if !ok {
		writeTimeout(w, out, len(out), count, wait)
		return nil
	}
	httpx.WriteJSON(w, http.StatusOK, out)
	return nil
}

// appJournal lists the app's journal; ?wait= long-polls.
func (a *api) appJournal(w http.ResponseWriter, r *http.Request, c *core.Caller, p httprouter.Params) error {
	f, err := journalFilter(r)
	if err != nil {
		return err
	}
	f.AppID = c.App().ID
	return a.listJournal(w, r, f)
}

// clearAppJournal forgets the app's journal.
func (a *api) clearAppJournal(w http.ResponseWriter, r *http.Request, c *core.Caller, p httprouter.Params) error {
	if a.tools.Journal == nil {
		return errJournalOff
	}
	a.tools.Journal.Clear(c.App().ID)
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// instanceJournal lists every app's journal and the requests tied to no
// app (?app=- for those only).
func (a *api) instanceJournal(w http.ResponseWriter, r *http.Request, _ *core.Caller, _ httprouter.Params) error {
	f, err := journalFilter(r)
	if err != nil {
		return err
	}
	switch app := strings.TrimSpace(r.URL.Query().Get("app")); app {
	case "":
		f.AllApps = true
	case "-":
		f.AppID = ""
	default:
		f.AppID = app
	}
	return a.listJournal(w, r, f)
}

// clearJournal forgets every entry.
func (a *api) clearJournal(w http.ResponseWriter, r *http.Request, _ *core.Caller, _ httprouter.Params) error {
	if a.tools.Journal == nil {
		return errJournalOff
	}
	a.tools.Journal.ClearAll()
	w.WriteHeader(http.StatusNoContent)
	return nil
}
