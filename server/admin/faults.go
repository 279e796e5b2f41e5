package admin

import (
	"net/http"
	"time"

	"github.com/julienschmidt/httprouter"

	"parley/server/core"
	"parley/server/fault"
	"parley/server/httpx"
)

// wireFault is a fault rule in Parley's own shape.
type wireFault struct {
	ID          string  `json:"id"`
	Dialect     string  `json:"dialect,omitempty"`
	Method      string  `json:"method,omitempty"`
	Route       string  `json:"route,omitempty"`
	User        string  `json:"user,omitempty"`
	Status      int     `json:"status,omitempty"`
	Message     string  `json:"message,omitempty"`
	LatencyMS   int64   `json:"latencyMs,omitempty"`
	Cut         bool    `json:"cut,omitempty"`
	Times       int     `json:"times,omitempty"`
	Probability float64 `json:"probability,omitempty"`
	Seed        uint64  `json:"seed,omitempty"`
	Hits        int     `json:"hits"`
}

func toWireFault(r fault.Rule) wireFault {
	return wireFault{ID: r.ID, Dialect: r.Dialect, Method: r.Method, Route: r.Route, User: r.UserID, Status: r.Status,
		Message: r.Message, LatencyMS: r.Latency.Milliseconds(), Cut: r.Cut, Times: r.Times, Probability: r.Probability,
		Seed: r.Seed, Hits: r.Hits}
}

func (a *api) listFaults(w http.ResponseWriter, r *http.Request, c *core.Caller, p httprouter.Params) error {
	rules := a.tools.Faults.List(c.App().ID)
	out := make([]wireFault, len(rules))
	for i, rule := range rules {
		out[i] = toWireFault(rule)
	}
	httpx.WriteJSON(w, http.StatusOK, out)
	return nil
}

func (a *api) addFault(w http.ResponseWriter, r *http.Request, c *core.Caller, p httprouter.Params) error {
	var in wireFault
	if err := httpx.DecodeJSON(r, &in, true, false); err != nil {
		return err
	}
	rule, err := a.tools.Faults.Add(fault.Rule{AppID: c.App().ID, Dialect: in.Dialect, Method: in.Method, Route: in.Route,
		UserID: in.User, Status: in.Status, Message: in.Message, Latency: time.Duration(in.LatencyMS) * time.Millisecond,
		Cut: in.Cut, Times: in.Times, Probability: in.Probability, Seed: in.Seed})
	if err != nil {
		return core.Invalidf("body", "%s", err.Error())
	}
	httpx.WriteJSON(w, http.StatusCreated, toWireFault(rule))
	return nil
}

func (a *api) removeFault(w http.ResponseWriter, r *http.Request, c *core.Caller, p httprouter.Params) error {
	if !a.tools.Faults.Remove(c.App().ID, p.ByName("fault")) {
		return core.Errorf(core.ENOTFOUND, "no fault rule %q", p.ByName("fault"))
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (a *api) clearFaults(w http.ResponseWriter, r *http.Request, c *core.Caller, p httprouter.Params) error {
	a.tools.Faults.Clear(c.App().ID)
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// forget drops the journal and fault rules of an app that was reset or
// deleted.
func (a *api) forget(appID string) {
	a.tools.Faults.Clear(appID)
	if a.tools.Journal != nil {
		a.tools.Journal.Clear(appID)
	}
}
