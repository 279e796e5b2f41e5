package amity

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"

	"github.com/julienschmidt/httprouter"

	"parley/server/core"
	"parley/server/httpx"
)

// Messages, v3 (seed 002) and v5 (the SDK's): the same core calls, two
// wire shapes.

func (a *api) createMessage(w http.ResponseWriter, r *http.Request, c *core.Caller, _ httprouter.Params) error {
	return a.create1(w, r, c, false)
}

func (a *api) createMessageV5(w http.ResponseWriter, r *http.Request, c *core.Caller, _ httprouter.Params) error {
	return a.create1(w, r, c, true)
}

func (a *api) create1(w http.ResponseWriter, r *http.Request, c *core.Caller, v5 bool) error {
	var in messageIn
	if err := httpx.DecodeJSON(r, &in, false, false); err != nil {
		return err
	}
	si, err := in.send(v5)
	if err != nil {
		return err
	}
	m, _, err := a.svc.SendMessage(r.Context(), c, si)
	if err != nil {
		return err
	}
	if v5 {
		out := messagesV5(c, m)
		if n := len(in.ReferenceID); n > 0 && n <= 30 {
			out.Messages[0].ReferenceID = &in.ReferenceID // the document's limit; the SDK's 42 go unechoed
		}
		return ok(w, out)
	}
	return ok(w, messagesV3(c, m))
}

func (a *api) getMessage(w http.ResponseWriter, r *http.Request, c *core.Caller, p httprouter.Params) error {
	m, err := a.svc.GetMessage(r.Context(), c, p.ByName("messageId"))
	if err != nil {
		return err
	}
	return ok(w, messagesV3(c, m))
}

func (a *api) getMessageV5(w http.ResponseWriter, r *http.Request, c *core.Caller, p httprouter.Params) error {
	m, err := a.svc.GetMessage(r.Context(), c, p.ByName("messageId"))
	if err != nil {
		return err
	}
	return ok(w, messagesV5(c, m))
}

// messageIDs reads messageIds (at most 10), repeated or with brackets.
func messageIDs(v url.Values) ([]string, error) {
	ids := queryList(v, "messageIds")
	if len(ids) == 0 {
		return nil, core.Invalidf("messageIds", "The 'messageIds' field is required.")
	}
	if len(ids) > 10 {
		return nil, core.Invalidf("messageIds", "The 'messageIds' field must contain less than or equal to 10 items.")
	}
	for _, id := range ids {
		if err := checkLen("messageIds", id, 1, 150); err != nil {
			return nil, err
		}
	}
	return ids, nil
}

func (a *api) listMessagesByIDs(w http.ResponseWriter, r *http.Request, c *core.Caller, _ httprouter.Params) error {
	ids, err := messageIDs(r.URL.Query())
	if err != nil {
		return err
	}
	msgs, err := a.svc.GetMessages(r.Context(), c, ids)
	if err != nil {
		return err
	}
	return ok(w, messagesV3(c, msgs...))
}

func (a *api) listMessagesByIDsV5(w http.ResponseWriter, r *http.Request, c *core.Caller, _ httprouter.Params) error {
	ids, err := messageIDs(r.URL.Query())
	if err != nil {
		return err
	}
	msgs, err := a.svc.GetMessages(r.Context(), c, ids)
	if err != nil {
		return err
	}
	return ok(w, messagesV5(c, msgs...))
}

func (a *api) updateMessage(w http.ResponseWriter, r *http.Request, c *core.Caller, p httprouter.Params) error {
	return a.update1(w, r, c, p, false)
}

func (a *api) updateMessageV5(w http.ResponseWriter, r *http.Request, c *core.Caller, p httprouter.Params) error {
	return a.update1(w, r, c, p, true)
}

func (a *api) update1(w http.ResponseWriter, r *http.Request, c *core.Caller, p httprouter.Params, v5 bool) error {
	var in editIn
	if err := httpx.DecodeJSON(r, &in, false, false); err != nil {
		return err
	}
	ei, err := in.edit()
	if err != nil {
		return err
	}
	m, err := a.svc.EditMessage(r.Context(), c, p.ByName("messageId"), ei)
	if err != nil {
		return err
	}
	if v5 {
		return ok(w, messagesV5(c, m))
	}
	return ok(w, messagesV3(c, m))
}

// deleteMessage soft-deletes a message (its sender or a channel
// moderator): it stays readable with isDeleted true.
func (a *api) deleteMessage(w http.ResponseWriter, r *http.Request, c *core.Caller, p httprouter.Params) error {
	if _, err := a.svc.Recall(r.Context(), c, []string{p.ByName("messageId")}); err != nil {
		return err
	}
	return success(w)
}

// deleteMessageV5 answers the deleted message (the SDK's older
// deleteMessage reads it); deleting a deleted message answers none.
func (a *api) deleteMessageV5(w http.ResponseWriter, r *http.Request, c *core.Caller, p httprouter.Params) error {
	msgs, err := a.svc.Recall(r.Context(), c, []string{p.ByName("messageId")})
	if err != nil {
		return err
	}
	return ok(w, messagesV5(c, msgs...))
}

// msgState is the state of a message query, carried by paging tokens.
type msgState struct {
	Channel     string   `json:"c"`
	Type        string   `json:"t,omitempty"`
	Parent      string   `json:"p,omitempty"`
	TopLevel    bool     `json:"r,omitempty"`
	Deleted     *bool    `json:"d,omitempty"`
	Tags        []string `json:"g,omitempty"`
	ExcludeTags []string `json:"x,omitempty"`
	Flagged     *bool    `json:"h,omitempty"`
	After       string   `json:"a,omitempty"`  // messages after this one (ascending)
	Before      string   `json:"b,omitempty"`  // messages before this one (descending)
	SeqAfter    int64    `json:"sa,omitempty"` // options[after]: segments greater
	SeqBefore   int64    `json:"sb,omitempty"` // options[before]: segments smaller
	Ascending   bool     `json:"o,omitempty"`
	Limit       int      `json:"n"`
}

func (st *msgState) query() core.MessageQuery {
	// The core's list is newest first: newer than a message is before it.
	q := core.MessageQuery{ParentID: st.Parent, TopLevelOnly: st.TopLevel, IncludeDeleted: st.Deleted == nil,
		Page: core.Page{Before: st.After, After: st.Before, Reverse: st.Ascending, Limit: st.Limit}}
	q.Tags, q.ExcludeTags = st.Tags, st.ExcludeTags
	q.DeletedOnly = st.Deleted != nil && *st.Deleted
	q.Flagged = st.Flagged
	q.SeqAfter, q.SeqBefore = st.SeqAfter, st.SeqBefore
	switch st.Type {
	case "":
	case "text":
		q.CustomTypes = []string{"", "text"}
	default:
		q.CustomTypes = []string{st.Type}
	}
	return q
}

// page runs a message query and returns its messages in query order with
// the states of the pages on (next) and back (prev), nil where there are
// none.
func (a *api) page(r *http.Request, c *core.Caller, st msgState) (msgs []*core.Message, next, prev *msgState, err error) {
	pg, err := a.svc.ListMessages(r.Context(), c, st.Channel, st.query())
	if err != nil {
		return nil, nil, nil, err
	}
	msgs, more := pg.Items, pg.More
	if len(msgs) == 0 {
		return msgs, nil, nil, nil
	}
	first, last := msgs[0], msgs[len(msgs)-1]
	cursor := st.After != "" || st.Before != "" || st.SeqAfter > 0 || st.SeqBefore > 0
	st.SeqAfter, st.SeqBefore = 0, 0 // the pages on and back start at a message
	if more {
		n := st
		n.After, n.Before = "", ""
		if st.Ascending {
			n.After = last.ID
		} else {
			n.Before = last.ID
		}
		next = &n
	}
	if cursor {
		p := st
		p.After, p.Before, p.Ascending = "", "", !st.Ascending
		if st.Ascending {
			p.Before = first.ID
		} else {
			p.After = first.ID
		}
		prev = &p
	}
	return msgs, next, prev, nil
}

// queryFilters reads the filters both versions share into st.
func queryFilters(v url.Values, st *msgState, tagsName, flagName string) error {
	st.Parent = v.Get("parentId")
	if err := checkLen("parentId", st.Parent, 0, 150); err != nil {
		return err
	}
	var err error
	if st.Deleted, err = boolParam(v, "isDeleted"); err != nil {
		return err
	}
	if st.Flagged, err = boolParam(v, flagName); err != nil {
		return err
	}
	st.Tags, st.ExcludeTags = queryList(v, tagsName), queryList(v, "excludeTags")
	for _, list := range [][]string{st.Tags, st.ExcludeTags} {
		if len(list) > 10 {
			return core.Invalidf(tagsName, "The '%s' field must contain less than or equal to 10 items.", tagsName)
		}
		for _, t := range list {
			if err := checkLen(tagsName, t, 1, 100); err != nil {
				return err
			}
		}
	}
	slices.Sort(st.Tags)
	slices.Sort(st.ExcludeTags)
	return nil
}

func boolParam(v url.Values, name string) (*bool, error) {
	raw := v.Get(name)
	if raw == "" {
		return nil, nil
	}
	b, err := strconv.ParseBool(raw)
	if err != nil {
		return nil, core.Invalidf(name, "The '%s' field must be a boolean.", name)
	}
	return &b, nil
}

// resume continues the query a token carries. A token is tied to its
// channel: naming another channel beside it is refused.
func (a *api) resume(c *core.Caller, token, channel string) (msgState, error) {
	var st msgState
	if err := a.openToken(c.App(), "messages", token, &st); err != nil {
		return st, err
	}
	if st.Channel == "" || st.Limit < 1 || (channel != "" && channel != st.Channel) {
		return st, errInvalidToken
	}
	return st, nil
}

// queryMessages is v3's query: options[first|last] (newest 20 when
// neither), options[before|after] segments, or options[token]. The page is
// in channel order; next goes on to newer messages, prev back to older.
func (a *api) queryMessages(w http.ResponseWriter, r *http.Request, c *core.Caller, _ httprouter.Params) error {
	v := r.URL.Query()
	var st msgState
	var err error
	if tok := v.Get("options[token]"); tok != "" {
		if st, err = a.resume(c, tok, v.Get("channelId")); err != nil {
			return err
		}
	} else if st, err = a.v3State(v); err != nil {
		return err
	}
	msgs, next, prev, err := a.page(r, c, st)
	if err != nil {
		return err
	}
	if !st.Ascending {
		slices.Reverse(msgs)
		next, prev = prev, next
	}
	out := messagesV3(c, msgs...)
	out.Paging = &wirePaging{}
	if next != nil {
		out.Paging.Next = a.sealToken(c.App(), "messages", next)
	}
	if prev != nil {
		out.Paging.Prev = a.sealToken(c.App(), "messages", prev)
	}
	return ok(w, out)
}

func (a *api) v3State(v url.Values) (msgState, error) {
	st := msgState{Channel: v.Get("channelId"), Type: v.Get("type"), Limit: 20}
	if err := checkLen("channelId", st.Channel, 1, 100); err != nil {
		return st, err
	}
	if st.Type != "" && !messageTypes[st.Type] {
		return st, core.Invalidf("type", "The 'type' field must be one of text, image, file, custom, video, audio, imagemap.")
	}
	if err := queryFilters(v, &st, "tags", "hasFlag"); err != nil {
		return st, err
	}
	byParent, err := boolParam(v, "filterByParentId")
	if err != nil {
		return st, err
	}
	if byParent != nil && *byParent && st.Parent == "" {
		st.TopLevel = true
	}
	first, last := v.Get("options[first]"), v.Get("options[last]")
	if first != "" && last != "" {
		return st, core.Invalidf("options", "Give options[first] or options[last], not both.")
	}
	after, before := v.Get("options[after]"), v.Get("options[before]")
	if after != "" && before != "" {
		return st, core.Invalidf("options", "Give options[after] or options[before], not both.")
	}
	switch {
	case first != "":
		st.Ascending = true
		st.Limit, err = intOption("options[first]", first, 1, 100)
	case last != "":
		st.Limit, err = intOption("options[last]", last, 1, 100)
	}
	if err != nil {
		return st, err
	}
	// after and before are channel segments: the page starts next to one.
	if after != "" {
		n, err := intOption("options[after]", after, 1, 1<<53)
		st.SeqAfter, st.Ascending = int64(n), true
		return st, err
	}
	if before != "" {
		n, err := intOption("options[before]", before, 1, 1<<53)
		st.SeqBefore, st.Ascending = int64(n), false
		return st, err
	}
	return st, nil
}

// queryMessagesV5 is v5's query: messageFeedId, options[limit|sortBy|
// before|after|token]; the page is in the query's order (newest first by
// default) and next goes on in it.
func (a *api) queryMessagesV5(w http.ResponseWriter, r *http.Request, c *core.Caller, _ httprouter.Params) error {
	v := r.URL.Query()
	var st msgState
	var err error
	if tok := v.Get("options[token]"); tok != "" {
		if st, err = a.resume(c, tok, v.Get("messageFeedId")); err != nil {
			return err
		}
	} else if st, err = a.v5State(v); err != nil {
		return err
	}
	msgs, next, prev, err := a.page(r, c, st)
	if err != nil {
		return err
	}
	out := messagesV5(c, msgs...)
	out.Paging = &wirePagingV5{}
	if next != nil {
		out.Paging.Next = a.sealToken(c.App(), "messages", next)
	}
	if prev != nil {
		out.Paging.Previous = a.sealToken(c.App(), "messages", prev)
	}
	return ok(w, out)
}

func (a *api) v5State(v url.Values) (msgState, error) {
	st := msgState{Channel: v.Get("messageFeedId"), Type: v.Get("dataType"), Limit: 10}
	if err := checkLen("messageFeedId", st.Channel, 1, 150); err != nil {
		return st, err
	}
	if st.Type != "" && !messageTypes[st.Type] {
		return st, core.Invalidf("dataType", "The 'dataType' field must be one of text, image, file, custom, video, audio, imagemap.")
	}
	if err := queryFilters(v, &st, "includeTags", "hasFlags"); err != nil {
		return st, err
	}
	switch s := v.Get("options[sortBy]"); s {
	case "", "segmentDesc":
	case "segmentAsc":
		st.Ascending = true
	default:
		return st, core.Invalidf("options[sortBy]", "The 'options[sortBy]' field must be one of segmentAsc, segmentDesc.")
	}
	if v.Get("options[around]") != "" {
		return st, core.Invalidf("options[around]", "options[around] is not supported; page with options[before] and options[after].")
	}
	after, before := v.Get("options[after]"), v.Get("options[before]")
	switch {
	case after != "" && before != "":
		return st, core.Invalidf("options", "Give options[after] or options[before], not both.")
	case after != "":
		st.After, st.Ascending = after, true
	case before != "":
		st.Before, st.Ascending = before, false
	}
	if raw := v.Get("options[limit]"); raw != "" {
		n, err := intOption("options[limit]", raw, 1, 100)
		if err != nil {
			return st, err
		}
		st.Limit = n
	}
	return st, nil
}
