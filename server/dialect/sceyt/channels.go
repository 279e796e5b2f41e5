package sceyt

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"

	"github.com/julienschmidt/httprouter"

	"parley/server/core"
	"parley/server/httpx"
)

// Channels and their members.

// channelIn is the body of create and update.
type channelIn struct {
	ID        string          `json:"id"`
	URI       string          `json:"uri"`
	Type      json.RawMessage `json:"type"`
	Subject   *string         `json:"subject"`
	Label     *string         `json:"label"`
	Metadata  json.RawMessage `json:"metadata"`
	Avatar    *string         `json:"avatar"`
	AvatarURL *string         `json:"avatar_url"`
	Owner     string          `json:"owner"`
	Members   json.RawMessage `json:"members"`
}

// kind reads type as a name (public, private, direct) or as the number the
// draft's channel object shows (0 public, 1 private, 2 direct).
func (in *channelIn) kind() (core.ConversationKind, error) {
	s := strings.TrimSpace(string(in.Type))
	if s == "" || s == "null" {
		return "", nil
	}
	var name string
	if json.Unmarshal(in.Type, &name) != nil {
		n, err := strconv.Atoi(s)
		names := []string{"public", "private", "direct"}
		if err != nil || n < 0 || n >= len(names) {
			return "", core.Invalidf("type", "type must be public, private or direct (or 0, 1, 2)")
		}
		name = names[n]
	}
	k, ok := channelTypes[strings.ToLower(name)]
	if !ok {
		return "", core.Invalidf("type", "unknown channel type %q (public, private, direct)", name)
	}
	return k, nil
}

func (in *channelIn) avatar() *string {
	if in.Avatar != nil {
		return in.Avatar
	}
	return in.AvatarURL
}

// memberIn is a member to add: a username, or {username, role}.
type memberIn struct {
	Username string `json:"username"`
	Role     string `json:"role"`
}

// readMembers reads a members list: usernames, or objects with username
// and role.
func readMembers(raw json.RawMessage) ([]core.MemberInput, error) {
	s := strings.TrimSpace(string(raw))
	if s == "" || s == "null" {
		return nil, nil
	}
	var items []json.RawMessage
	if err := json.Unmarshal(raw, &items); err != nil {
		return nil, core.Invalidf("members", "members must be an array of usernames")
	}
	out := make([]core.MemberInput, 0, len(items))
	for _, it := range items {
		var m memberIn
		if json.Unmarshal(it, &m.Username) != nil {
			if err := json.Unmarshal(it, &m); err != nil {
				return nil, core.Invalidf("members", "each member is a username or {\"username\", \"role\"}")
			}
		}
		role, err := roleIn(m.Role)
		if err != nil {
			return nil, err
		}
		if m.Username == "" {
			return nil, core.Invalidf("members", "a member needs a username")
		}
		out = append(out, core.MemberInput{UserID: m.Username, Role: role})
	}
	return out, nil
}

func (a *api) createChannel(w http.ResponseWriter, r *http.Request, c *core.Caller, p httprouter.Params) error {
	return a.create(w, r, c, p, "")
}

func (a *api) createPublicChannel(w http.ResponseWriter, r *http.Request, c *core.Caller, p httprouter.Params) error {
	return a.create(w, r, c, p, core.KindPublic)
}

func (a *api) createPrivateChannel(w http.ResponseWriter, r *http.Request, c *core.Caller, p httprouter.Params) error {
	return a.create(w, r, c, p, core.KindGroup)
}

func (a *api) createDirectChannel(w http.ResponseWriter, r *http.Request, c *core.Caller, p httprouter.Params) error {
	return a.create(w, r, c, p, core.KindDirect)
}

// create makes a channel of the route's kind (or the body's type, public by
// default). The channel's id is its uri (or id); owner names its owner. A
// direct channel is made by its owner with one other member and found again
// when it exists (200 instead of 201).
func (a *api) create(w http.ResponseWriter, r *http.Request, c *core.Caller, p httprouter.Params, kind core.ConversationKind) error {
	var in channelIn
	if err := httpx.DecodeJSON(r, &in, false, false); err != nil {
		return err
	}
	bodyKind, err := in.kind()
	if err != nil {
		return err
	}
	if kind == "" {
		kind = bodyKind
	}
	if kind == "" {
		kind = core.KindPublic
	}
	members, err := readMembers(in.Members)
	if err != nil {
		return err
	}
	conv := core.ConversationInput{ID: in.URI, Kind: kind, OwnerID: in.Owner, Members: members}
	if conv.ID == "" {
		conv.ID = in.ID
	}
	if in.Subject != nil {
		conv.Title = *in.Subject
	}
	if in.Label != nil {
		conv.CustomType = *in.Label
	}
	if av := in.avatar(); av != nil {
		conv.AvatarURL = *av
	}
	if conv.Metadata, err = metadataIn("metadata", in.Metadata); err != nil {
		return err
	}
	if kind == core.KindDirect {
		// The owner opens the direct channel as themself.
		if c, err = a.as(r, c, in.Owner, false); err != nil {
			return core.Invalidf("owner", "a direct channel needs its owner: %s", core.ErrorMessage(err))
		}
		conv.OwnerID = ""
	}
	ch, created, err := a.svc.CreateConversation(r.Context(), c, conv)
	if err != nil {
		return err
	}
	status := http.StatusCreated
	if !created {
		status = http.StatusOK
	}
	httpx.WriteJSON(w, status, toWireChannel(ch))
	return nil
}

func (a *api) getChannel(w http.ResponseWriter, r *http.Request, c *core.Caller, p httprouter.Params) error {
	c, err := a.as(r, c, queryFrom(r), true)
	if err != nil {
		return err
	}
	ch, err := a.svc.GetConversation(r.Context(), c, p.ByName("channelId"))
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, toWireChannel(ch))
	return nil
}

// filterFields maps the channel list's filter fields to the core's.
var filterFields = map[string]string{"uri": "id", "id": "id", "type": "kind", "subject": "title", "label": "customType",
	"created_at": "createdAt"}

// readFilters reads every filter=field:op:value of the query.
func readFilters(r *http.Request) ([]core.ConversationCondition, error) {
	var out []core.ConversationCondition
	for _, f := range r.URL.Query()["filter"] {
		field, rest, ok1 := strings.Cut(f, ":")
		op, value, ok2 := strings.Cut(rest, ":")
		if !ok1 || !ok2 {
			return nil, core.Invalidf("filter", "filter %q is not field:op:value", f)
		}
		coreField, ok := filterFields[field]
		if !ok {
			return nil, core.Invalidf("filter", "cannot filter channels on %q (uri, type, subject, label, created_at)", field)
		}
		if coreField == "kind" {
			var kinds []string
			for _, v := range strings.Split(value, ",") {
				k, ok := channelTypes[strings.ToLower(strings.TrimSpace(v))]
				if !ok {
					return nil, core.Invalidf("filter", "unknown channel type %q (public, private, direct)", v)
				}
				kinds = append(kinds, string(k))
			}
			value = strings.Join(kinds, ",")
		}
		out = append(out, core.ConversationCondition{Field: coreField, Op: op, Value: value})
	}
	return out, nil
}

// listChannels lists the app's channels (or from's), most recent activity
// first: {count, total_count, links, items}.
func (a *api) listChannels(w http.ResponseWriter, r *http.Request, c *core.Caller, p httprouter.Params) error {
	pg, err := readPaging(r, 50)
	if err != nil {
		return err
	}
	conds, err := readFilters(r)
	if err != nil {
		return err
	}
	if c, err = a.as(r, c, queryFrom(r), true); err != nil {
		return err
	}
	convs, total, err := a.svc.FindConversations(r.Context(), c, core.ConversationQuery{Page: pg.core()}, conds)
	if err != nil {
		return err
	}
	out := struct {
		Count      int           `json:"count"`
		TotalCount int           `json:"total_count"`
		Links      wireLinks     `json:"links"`
		Items      []wireChannel `json:"items"`
	}{Count: len(convs), TotalCount: total, Links: newEncoder(r, p.ByName("appId")).links(r, pg, total, false),
		Items: make([]wireChannel, len(convs))}
	for i, conv := range convs {
		out.Items[i] = toWireChannel(conv)
	}
	httpx.WriteJSON(w, http.StatusOK, out)
	return nil
}

// updateChannel changes subject, label, metadata and avatar: a channel
// admin (from) or the app. The id comes from the path, or from the body
// on PUT /channels.
func (a *api) updateChannel(w http.ResponseWriter, r *http.Request, c *core.Caller, p httprouter.Params) error {
	var in struct {
		channelIn
		From string `json:"from"`
	}
	if err := httpx.DecodeJSON(r, &in, false, false); err != nil {
		return err
	}
	id := p.ByName("channelId")
	if id == "" {
		if id = in.ID; id == "" {
			id = in.URI
		}
		if id == "" {
			return core.Invalidf("id", "id is required: the channel to update")
		}
	}
	if k, err := in.kind(); err != nil {
		return err
	} else if k != "" {
		return core.Invalidf("type", "a channel's type cannot change")
	}
	c, err := a.as(r, c, in.From, true)
	if err != nil {
		return err
	}
	up := core.ConversationUpdate{Title: in.Subject, CustomType: in.Label, AvatarURL: in.avatar()}
	if up.Metadata, err = metadataIn("metadata", in.Metadata); err != nil {
		return err
	}
	ch, err := a.svc.UpdateConversation(r.Context(), c, id, up)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, toWireChannel(ch))
	return nil
}

// deleteChannel removes a channel with its messages: its owner (from) or
// the app.
func (a *api) deleteChannel(w http.ResponseWriter, r *http.Request, c *core.Caller, p httprouter.Params) error {
	from, err := fromBodyOrQuery(r)
	if err != nil {
		return err
	}
	if c, err = a.as(r, c, from, true); err != nil {
		return err
	}
	if err := a.svc.DeleteConversation(r.Context(), c, p.ByName("channelId")); err != nil {
		return err
	}
	return noContent(w)
}

// listMembers lists a channel's members in join order:
// {count, total_count, links, users}.
func (a *api) listMembers(w http.ResponseWriter, r *http.Request, c *core.Caller, p httprouter.Params) error {
	pg, err := readPaging(r, 50)
	if err != nil {
		return err
	}
	if c, err = a.as(r, c, queryFrom(r), true); err != nil {
		return err
	}
	ch, list, err := a.svc.GetConversationWithMembers(r.Context(), c, p.ByName("channelId"), pg.core())
	if err != nil {
		return err
	}
	members := list.Items
	out := struct {
		Count      int          `json:"count"`
		TotalCount int          `json:"total_count"`
		Links      wireLinks    `json:"links"`
		Users      []wireMember `json:"users"`
	}{Count: len(members), TotalCount: ch.MemberCount, Links: newEncoder(r, p.ByName("appId")).links(r, pg, ch.MemberCount, false),
		Users: make([]wireMember, len(members))}
	for i, m := range members {
		out.Users[i] = toWireMember(m)
	}
	httpx.WriteJSON(w, http.StatusOK, out)
	return nil
}

// membersIn is the body of add and remove.
type membersIn struct {
	From     string          `json:"from"`
	Members  json.RawMessage `json:"members"`
	Username string          `json:"username"`
	Role     string          `json:"role"`
}

func (in *membersIn) list() ([]core.MemberInput, error) {
	ms, err := readMembers(in.Members)
	if err != nil {
		return nil, err
	}
	if in.Username != "" {
		role, err := roleIn(in.Role)
		if err != nil {
			return nil, err
		}
		ms = append(ms, core.MemberInput{UserID: in.Username, Role: role})
	}
	if len(ms) == 0 {
		return nil, core.Invalidf("members", "members is required: the usernames to add or remove")
	}
	return ms, nil
}

// addMembers adds users: the app, a channel admin (from), or anyone adding
// themself to a public channel. Answers the members added.
func (a *api) addMembers(w http.ResponseWriter, r *http.Request, c *core.Caller, p httprouter.Params) error {
	var in membersIn
	if err := httpx.DecodeJSON(r, &in, false, false); err != nil {
		return err
	}
	ms, err := in.list()
	if err != nil {
		return err
	}
	if c, err = a.as(r, c, in.From, true); err != nil {
		return err
	}
	added, err := a.svc.AddMembers(r.Context(), c, p.ByName("channelId"), ms)
	if err != nil {
		return err
	}
	out := struct {
		Count int          `json:"count"`
		Users []wireMember `json:"users"`
	}{Count: len(added), Users: make([]wireMember, len(added))}
	for i, m := range added {
		out.Users[i] = toWireMember(m)
	}
	httpx.WriteJSON(w, http.StatusOK, out)
	return nil
}

// removeMembers removes users (body members, or ?members=a,b): the app, a
// channel admin (from), or a member leaving.
func (a *api) removeMembers(w http.ResponseWriter, r *http.Request, c *core.Caller, p httprouter.Params) error {
	var in membersIn
	if r.ContentLength != 0 && r.Body != http.NoBody {
		if err := httpx.DecodeJSON(r, &in, false, true); err != nil {
			return err
		}
	}
	if in.From == "" {
		in.From = queryFrom(r)
	}
	if len(in.Members) == 0 && in.Username == "" {
		if q := httpx.QueryList(r, "members"); len(q) > 0 {
			in.Members, _ = json.Marshal(q)
		}
	}
	ms, err := in.list()
	if err != nil {
		return err
	}
	if c, err = a.as(r, c, in.From, true); err != nil {
		return err
	}
	ids := make([]string, len(ms))
	for i, m := range ms {
		ids[i] = m.UserID
	}
	if err := a.svc.RemoveMembers(r.Context(), c, p.ByName("channelId"), ids); err != nil {
		return err
	}
	return noContent(w)
}
