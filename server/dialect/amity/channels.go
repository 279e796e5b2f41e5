package amity

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/julienschmidt/httprouter"

	"parley/server/core"
	"parley/server/httpx"
)

type channelIn struct {
	ChannelID    string          `json:"channelId"`
	Type         string          `json:"type"`
	DisplayName  *string         `json:"displayName"`
	AvatarFileID *string         `json:"avatarFileId"`
	Metadata     json.RawMessage `json:"metadata"`
	Tags         []string        `json:"tags"`
	UserIDs      []string        `json:"userIds"`
	IsPublic     *bool           `json:"isPublic"`
	IsDistinct   *bool           `json:"isDistinct"`
}

// common checks what channel bodies share.
func (in *channelIn) common() (title, avatar *string, meta []byte, err error) {
	if in.DisplayName != nil {
		if err := checkLen("displayName", *in.DisplayName, 0, 100); err != nil {
			return nil, nil, nil, err
		}
	}
	if len(in.Tags) > 0 {
		return nil, nil, nil, core.Invalidf("tags", "The 'tags' field is not supported on channels.")
	}
	if in.AvatarFileID != nil {
		if err := checkLen("avatarFileId", *in.AvatarFileID, 0, 50); err != nil {
			return nil, nil, nil, err
		}
		u := fileURL(*in.AvatarFileID)
		avatar = &u
	}
	meta, err = httpx.RawObject("metadata", in.Metadata)
	return in.DisplayName, avatar, meta, err
}

func (in *channelIn) members(max int) ([]core.MemberInput, error) {
	if len(in.UserIDs) > max {
		return nil, core.Invalidf("userIds", "The 'userIds' field must contain less than or equal to %d items.", max)
	}
	var out []core.MemberInput
	for _, id := range in.UserIDs {
		if err := checkLen("userIds", id, 1, 50); err != nil {
			return nil, err
		}
		out = append(out, core.MemberInput{UserID: id})
	}
	return out, nil
}

// createChannel creates a community (public unless isPublic is false), live
// or broadcast channel.
func (a *api) createChannel(w http.ResponseWriter, r *http.Request, c *core.Caller, _ httprouter.Params) error {
	var in channelIn
	if err := httpx.DecodeJSON(r, &in, false, false); err != nil {
		return err
	}
	if err := checkLen("channelId", in.ChannelID, 0, 100); err != nil {
		return err
	}
	ci := core.ConversationInput{ID: in.ChannelID}
	switch in.Type {
	case "", "community":
		ci.Kind = core.KindPublic
		if in.IsPublic != nil && !*in.IsPublic {
			ci.Kind = core.KindGroup
		}
	case "live":
		ci.Kind = core.KindOpen
	case "broadcast":
		ci.Kind = core.KindBroadcast
	default:
		return core.Invalidf("type", "The 'type' field must be one of community, live, broadcast.")
	}
	return a.create(w, r, c, &in, ci, 1000)
}

// createConversation creates a conversation channel; a distinct one (the
// default) is found again by its set of members.
func (a *api) createConversation(w http.ResponseWriter, r *http.Request, c *core.Caller, _ httprouter.Params) error {
	var in channelIn
	if err := httpx.DecodeJSON(r, &in, false, false); err != nil {
		return err
	}
	if len(in.UserIDs) == 0 {
		return core.Invalidf("userIds", "The 'userIds' field is required.")
	}
	if in.IsDistinct != nil && !*in.IsDistinct {
		return a.create(w, r, c, &in, core.ConversationInput{Kind: core.KindGroup, Type: typeConversation}, 10)
	}
	title, avatar, meta, err := in.common()
	if err != nil {
		return err
	}
	if _, err := in.members(10); err != nil {
		return err
	}
	conv, _, err := a.svc.OpenDistinct(r.Context(), c, in.UserIDs, core.ConversationUpdate{Title: title, AvatarURL: avatar, Metadata: meta})
	if err != nil {
		return err
	}
	return ok(w, channelPayload(c, conv))
}

func (a *api) create(w http.ResponseWriter, r *http.Request, c *core.Caller, in *channelIn, ci core.ConversationInput, maxUsers int) error {
	title, avatar, meta, err := in.common()
	if err != nil {
		return err
	}
	if title != nil {
		ci.Title = *title
	}
	if avatar != nil {
		ci.AvatarURL = *avatar
	}
	ci.Metadata = meta
	if ci.Members, err = in.members(maxUsers); err != nil {
		return err
	}
	conv, _, err := a.svc.CreateConversation(r.Context(), c, ci)
	if err != nil {
		return err
	}
	return ok(w, channelPayload(c, conv))
}

func (a *api) getChannel(w http.ResponseWriter, r *http.Request, c *core.Caller, p httprouter.Params) error {
	conv, err := a.svc.GetConversation(r.Context(), c, p.ByName("channelId"))
	if err != nil {
		return err
	}
	return ok(w, channelPayload(c, conv))
}

func (a *api) updateChannel(w http.ResponseWriter, r *http.Request, c *core.Caller, p httprouter.Params) error {
	var in channelIn
	if err := httpx.DecodeJSON(r, &in, false, false); err != nil {
		return err
	}
	title, avatar, meta, err := in.common()
	if err != nil {
		return err
	}
	conv, err := a.svc.UpdateConversation(r.Context(), c, p.ByName("channelId"), core.ConversationUpdate{Title: title, AvatarURL: avatar, Metadata: meta})
	if err != nil {
		return err
	}
	return ok(w, channelPayload(c, conv))
}

func (a *api) deleteChannel(w http.ResponseWriter, r *http.Request, c *core.Caller, p httprouter.Params) error {
	if err := a.svc.DeleteConversation(r.Context(), c, p.ByName("channelId")); err != nil {
		return err
	}
	return success(w)
}

// success answers Amity's {"status": "success", "data": {"success": true}}.
func success(w http.ResponseWriter) error {
	type data struct {
		Success bool `json:"success"`
	}
	return ok(w, struct {
		Status string `json:"status"`
		Data   data   `json:"data"`
	}{"success", data{true}})
}

// queryChannels lists the caller's channels, most recent activity first.
// Only the caller's own channels are listed (filter all and member mean
// the same); options[token] pages.
func (a *api) queryChannels(w http.ResponseWriter, r *http.Request, c *core.Caller, _ httprouter.Params) error {
	v := r.URL.Query()
	st := listPage{Limit: 10}
	if tok := v.Get("options[token]"); tok != "" {
		if err := a.openToken(c.App(), "channels", tok, &st); err != nil {
			return err
		}
	} else {
		switch f := v.Get("filter"); f {
		case "", "all", "member":
		default:
			return core.Invalidf("filter", "The 'filter' field value %q is not supported; all and member are.", f)
		}
		for _, t := range queryList(v, "types") {
			kinds, err := kindsOf(t)
			if err != nil {
				return err
			}
			st.Kinds = append(st.Kinds, kinds...)
		}
		if err := st.limit(v); err != nil {
			return err
		}
	}
	q := core.ConversationQuery{Page: st.page()}
	for _, k := range st.Kinds {
		q.Kinds = append(q.Kinds, core.ConversationKind(k))
	}
	list, err := a.svc.ListConversations(r.Context(), c, q)
	if err != nil {
		return err
	}
	convs := st.inOrder(list.Items)
	ids := make([]string, len(convs))
	for i, conv := range convs {
		ids[i] = conv.ID
	}
	out := channelPayload(c, convs...)
	out.Paging = a.listPaging(c.App(), "channels", st, ids, list.More)
	return ok(w, out)
}

// listPage is the state a channel or member list's paging token carries:
// a keyset cursor on the list's own order.
type listPage struct {
	Kinds  []string `json:"k,omitempty"`
	After  string   `json:"a,omitempty"`
	Before string   `json:"b,omitempty"`
	Limit  int      `json:"l"`
}

func (st *listPage) limit(v url.Values) error {
	if raw := v.Get("options[limit]"); raw != "" {
		n, err := intOption("options[limit]", raw, 1, 100)
		if err != nil {
			return err
		}
		st.Limit = n
	}
	return nil
}

// page is the core's page: back from Before reads the list from its far
// end.
func (st listPage) page() core.Page {
	return core.Page{After: st.After, Before: st.Before, Reverse: st.Before != "", Limit: st.Limit}
}

// inOrder puts a page read backwards into the list's order.
func (st listPage) inOrder(items []*core.Conversation) []*core.Conversation {
	if st.Before != "" {
		slices.Reverse(items)
	}
	return items
}

// listPaging gives the tokens of the pages on and back from a page whose
// items have these ids, in list order.
func (a *api) listPaging(app *core.App, scope string, st listPage, ids []string, more bool) *wirePaging {
	p := &wirePaging{}
	if len(ids) == 0 {
		return p
	}
	back := st.Before != ""
	if (!back && more) || back {
		n := st
		n.After, n.Before = ids[len(ids)-1], ""
		p.Next = a.sealToken(app, scope, n)
	}
	if (back && more) || st.After != "" {
		b := st
		b.After, b.Before = "", ids[0]
		p.Prev = a.sealToken(app, scope, b)
	}
	return p
}

// kindsOf maps an Amity channel type to the core kinds that read as it.
func kindsOf(t string) ([]string, error) {
	switch t {
	case "conversation":
		return []string{string(core.KindDirect), string(core.KindGroup)}, nil
	case "community", "standard", "private":
		return []string{string(core.KindPublic), string(core.KindGroup)}, nil
	case "live":
		return []string{string(core.KindOpen)}, nil
	case "broadcast":
		return []string{string(core.KindBroadcast)}, nil
	}
	return nil, core.Invalidf("types", "The 'types' field value %q is not a channel type.", t)
}

func (a *api) listChannelsByIDs(w http.ResponseWriter, r *http.Request, c *core.Caller, _ httprouter.Params) error {
	ids := queryList(r.URL.Query(), "channelIds")
	if len(ids) > 100 {
		return core.Invalidf("channelIds", "The 'channelIds' field must contain less than or equal to 100 items.")
	}
	convs, err := a.svc.ConversationsByIDs(r.Context(), c, ids)
	if err != nil {
		return err
	}
	return ok(w, channelPayload(c, convs...))
}

func (a *api) joinChannel(w http.ResponseWriter, r *http.Request, c *core.Caller, p httprouter.Params) error {
	conv, err := a.svc.JoinConversation(r.Context(), c, p.ByName("channelId"))
	if err != nil {
		return err
	}
	return ok(w, channelPayload(c, conv))
}

// leaveChannel answers the caller's membership, now "none".
func (a *api) leaveChannel(w http.ResponseWriter, r *http.Request, c *core.Caller, p httprouter.Params) error {
	id := p.ByName("channelId")
	if err := a.svc.Leave(r.Context(), c, id); err != nil {
		return err
	}
	out := memberPayload(c, id, []*core.Member{{User: c.User(), JoinedAt: a.svc.Now(), LastReadAt: a.svc.Now()}})
	out.ChannelUsers[0].Membership = "none"
	return ok(w, out)
}

func (a *api) listChannelUsers(w http.ResponseWriter, r *http.Request, c *core.Caller, p httprouter.Params) error {
	v := r.URL.Query()
	st := listPage{Limit: 10}
	id := p.ByName("channelId")
	if tok := v.Get("options[token]"); tok != "" {
		if err := a.openToken(c.App(), "members/"+id, tok, &st); err != nil {
			return err
		}
	} else if err := st.limit(v); err != nil {
		return err
	}
	list, err := a.svc.ListMembers(r.Context(), c, id, st.page())
	if err != nil {
		return err
	}
	members := list.Items
	if st.Before != "" {
		slices.Reverse(members)
	}
	ids := make([]string, len(members))
	for i, m := range members {
		ids[i] = m.User.ID
	}
	out := memberPayload(c, id, members)
	out.Paging = a.listPaging(c.App(), "members/"+id, st, ids, list.More)
	return ok(w, out)
}

// addChannelUsers adds members (the SDK's addMembers).
func (a *api) addChannelUsers(w http.ResponseWriter, r *http.Request, c *core.Caller, p httprouter.Params) error {
	var in channelIn
	if err := httpx.DecodeJSON(r, &in, false, false); err != nil {
		return err
	}
	members, err := in.members(1000)
	if err != nil {
		return err
	}
	id := p.ByName("channelId")
	added, err := a.svc.AddMembers(r.Context(), c, id, members)
	if err != nil {
		return err
	}
	return ok(w, memberPayload(c, id, added))
}

// removeChannelUsers removes members named by userIds[] in the query.
func (a *api) removeChannelUsers(w http.ResponseWriter, r *http.Request, c *core.Caller, p httprouter.Params) error {
	ids := queryList(r.URL.Query(), "userIds")
	if len(ids) == 0 {
		var in channelIn
		if err := httpx.DecodeJSON(r, &in, false, true); err != nil {
			return err
		}
		ids = in.UserIDs
	}
	if err := a.svc.RemoveMembers(r.Context(), c, p.ByName("channelId"), ids); err != nil {
		return err
	}
	return success(w)
}

// queryList reads a multi-valued query parameter in the forms clients send:
// repeated (a=x&a=y), with brackets (a[]=x, axios's) and comma-separated.
func queryList(v url.Values, name string) []string {
	var out []string
	for _, key := range []string{name, name + "[]"} {
		for _, raw := range v[key] {
			for _, s := range strings.Split(raw, ",") {
				if s = strings.TrimSpace(s); s != "" {
					out = append(out, s)
				}
			}
		}
	}
	return out
}
