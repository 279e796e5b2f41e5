package appnet

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"

	"parley/server/core"
	"parley/server/httpx"
)

// wireACL is one of a channel's access lists, with the caller's own right.
type wireACL struct {
	AnyUser   bool     `json:"any_user"`
	Immutable bool     `json:"immutable"`
	Public    bool     `json:"public"`
	UserIDs   []string `json:"user_ids"`
	You       bool     `json:"you"`
}

func toWireACL(a core.ACL, you bool) wireACL {
	out := wireACL{AnyUser: a.AnyUser, Immutable: a.Immutable, Public: a.Public, UserIDs: make([]string, len(a.UserPKs)), You: you}
	for i, pk := range a.UserPKs {
		out.UserIDs[i] = id(pk)
	}
	return out
}

type wireChannelCounts struct {
	Messages    int `json:"messages"`
	Subscribers int `json:"subscribers"`
}

// wireChannel is App.net's Channel object (final docs).
type wireChannel struct {
	ID              string            `json:"id"`
	Type            string            `json:"type"`
	Owner           *wireUser         `json:"owner,omitempty"`
	Readers         wireACL           `json:"readers"`
	Writers         wireACL           `json:"writers"`
	Editors         wireACL           `json:"editors"`
	Annotations     []wireAnnotation  `json:"annotations,omitempty"`
	Counts          wireChannelCounts `json:"counts"`
	HasUnread       bool              `json:"has_unread"`
	IsInactive      bool              `json:"is_inactive"`
	RecentMessageID string            `json:"recent_message_id,omitempty"`
	RecentMessage   *wireMessage      `json:"recent_message,omitempty"`
	Marker          *wireMarker       `json:"marker,omitempty"`
	YouSubscribed   bool              `json:"you_subscribed"`
	YouCanEdit      bool              `json:"you_can_edit"`
	YouMuted        bool              `json:"you_muted"`
	PaginationID    string            `json:"pagination_id,omitempty"`
}

// channelOptions are the general parameters of channel answers.
type channelOptions struct {
	annotations   bool // include_annotations or include_channel_annotations
	recentMessage bool // include_recent_message
	marker        bool // include_marker
	message       messageOptions
	paginated     bool
}

func channelParams(r *http.Request) (channelOptions, error) {
	var o channelOptions
	var err error
	for _, name := range []string{"include_annotations", "include_channel_annotations"} {
		on, err := flag(r, name, false)
		if err != nil {
			return o, err
		}
		o.annotations = o.annotations || on
	}
	if o.recentMessage, err = flag(r, "include_recent_message", false); err != nil {
		return o, err
	}
	if o.marker, err = flag(r, "include_marker", false); err != nil {
		return o, err
	}
	o.message, err = messageParams(r)
	return o, err
}

// channelType is the type App.net sees: the channel's own, or for a
// conversation made elsewhere, net.app.core.pm for a direct one and
// io.parley.<kind> for the others.
func channelType(conv *core.Conversation) string {
	switch {
	case conv.Type != "":
		return conv.Type
	case conv.Kind == core.KindDirect:
		return core.PMType
	}
	return "io.parley." + string(conv.Kind)
}

func toWireChannel(app *core.App, ch *core.Channel, o channelOptions) wireChannel {
	a := ch.Access
	if a == nil {
		a = &core.Access{}
	}
	out := wireChannel{ID: id(ch.PK), Type: channelType(ch.Conversation), Owner: toWireUser(ch.Owner),
		Readers: toWireACL(a.Readers, ch.CanRead), Writers: toWireACL(a.Writers, ch.CanWrite),
		Editors:   wireACL{Immutable: true, UserIDs: []string{}, You: ch.CanEdit},
		Counts:    wireChannelCounts{Subscribers: ch.MemberCount},
		HasUnread: ch.Unread > 0, IsInactive: !a.InactiveAt.IsZero(), YouSubscribed: ch.Me != nil,
		YouCanEdit: ch.CanEdit, YouMuted: ch.Muted}
	if m := ch.LastMessage; m != nil {
		out.Counts.Messages = int(m.Seq)
		out.RecentMessageID = id(m.PK)
		if o.recentMessage {
			wm := toWireMessage(app, m, o.message)
			out.RecentMessage = &wm
		}
	}
	if o.annotations {
		out.Annotations = make([]wireAnnotation, len(a.Annotations))
		for i, x := range a.Annotations {
			out.Annotations[i] = wireAnnotation{Type: x.Type, Value: x.Value}
		}
	}
	if o.marker && ch.Me != nil {
		out.Marker = channelMarker(ch.Conversation)
	}
	if o.paginated {
		out.PaginationID = out.ID
	}
	return out
}

func toWireChannels(app *core.App, chs []*core.Channel, o channelOptions) []wireChannel {
	out := make([]wireChannel, len(chs))
	for i, ch := range chs {
		out[i] = toWireChannel(app, ch, o)
	}
	return out
}

// aclInput is an access list as a client sends it.
type aclInput struct {
	AnyUser   bool     `json:"any_user"`
	Immutable bool     `json:"immutable"`
	Public    bool     `json:"public"`
	UserIDs   []flexID `json:"user_ids"`
}

func (in *aclInput) core(field string) (*core.ACLInput, error) {
	if in == nil {
		return nil, nil
	}
	out := &core.ACLInput{AnyUser: in.AnyUser, Public: in.Public, Immutable: in.Immutable}
	if len(in.UserIDs) > core.MaxACLUsers {
		return nil, core.Invalidf(field, "%s.user_ids lists %d users; at most %d are allowed", field, len(in.UserIDs), core.MaxACLUsers)
	}
	for _, u := range in.UserIDs {
		ref, err := userRef(field, string(u))
		if err != nil {
			return nil, err
		}
		out.Users = append(out.Users, ref)
	}
	return out, nil
}

// channelInput is the body of a channel create or update.
type channelInput struct {
	Type        string            `json:"type"`
	Readers     *aclInput         `json:"readers"`
	Writers     *aclInput         `json:"writers"`
	Annotations []json.RawMessage `json:"annotations"`
}

// channelAnnotations checks channel annotations; on update, one without
// a value removes its type.
func channelAnnotations(list []json.RawMessage, update bool) ([]core.Annotation, error) {
	raw, err := checkAnnotationList(list, update)
	if err != nil {
		return nil, err
	}
	out := make([]core.Annotation, len(raw))
	for i, a := range raw {
		out[i] = core.Annotation{Type: a.Type}
		if len(a.Value) > 0 {
			out[i].Value = a.Value
		}
	}
	return out, nil
}

// listChannels is GET /stream/0/channels: the caller's subscribed
// channels, most recent message first; with ids=, the channels named.
func (a *api) listChannels(w http.ResponseWriter, r *http.Request, c *core.Caller) error {
	o, err := channelParams(r)
	if err != nil {
		return err
	}
	if r.URL.Query().Has("ids") {
		refs, err := idList(r)
		if err != nil {
			return err
		}
		var chs []*core.Channel
		if len(refs) > 0 {
			if chs, err = a.svc.GetChannels(r.Context(), c, refs); err != nil {
				return err
			}
		}
		return ok(w, r, toWireChannels(c.App(), chs, o))
	}
	if c.User() == nil {
		return userTokenRequired()
	}
	return a.channelList(w, r, c, o, core.ChannelQuery{})
}

// channelList answers a list of the caller's channels.
func (a *api) channelList(w http.ResponseWriter, r *http.Request, c *core.Caller, o channelOptions, q core.ChannelQuery) error {
	count, err := countParam(r)
	if err != nil {
		return err
	}
	q.Count = count
	if raw := r.URL.Query().Get("before_id"); raw != "" {
		// The channels after that one in the list (older activity).
		if q.After, err = parseKey("before_id", raw); err != nil {
			return err
		}
	}
	chs, more, err := a.svc.ListChannels(r.Context(), c, q)
	if err != nil {
		return err
	}
	o.paginated = true
	out := toWireChannels(c.App(), chs, o)
	m := meta{More: &more}
	if len(out) > 0 {
		m.MaxID, m.MinID = out[0].PaginationID, out[len(out)-1].PaginationID
	}
	return okPage(w, r, out, m)
}

// countParam reads count for lists without cursors: 1 to 200, default 20.
func countParam(r *http.Request) (int, error) {
	raw := r.URL.Query().Get("count")
	if raw == "" {
		return defaultCount, nil
	}
	n, err := strconv.Atoi(raw)
	if err != nil || n < 1 || n > 200 {
		return 0, core.Invalidf("count", "count must be an integer from 1 to 200, not %q", raw)
	}
	return n, nil
}

// idList reads ids= (at most 200); ids that cannot be keys name nothing
// and are dropped.
func idList(r *http.Request) ([]string, error) {
	raw := httpx.QueryList(r, "ids")
	if len(raw) > maxIDs {
		return nil, core.Invalidf("ids", "ids lists %d ids; at most %d are allowed", len(raw), maxIDs)
	}
	var refs []string
	for _, s := range raw {
		if ref, err := parseKey("ids", s); err == nil {
			refs = append(refs, ref)
		}
	}
	return refs, nil
}

// createChannel is POST /stream/0/channels.
func (a *api) createChannel(w http.ResponseWriter, r *http.Request, c *core.Caller) error {
	o, err := channelParams(r)
	if err != nil {
		return err
	}
	var body channelInput
	if err := httpx.DecodeJSON(r, &body, false, false); err != nil {
		return err
	}
	in := core.ChannelInput{Type: body.Type}
	for _, l := range []struct {
		name string
		in   *aclInput
		dst  *core.ACLInput
	}{{"readers", body.Readers, &in.Readers}, {"writers", body.Writers, &in.Writers}} {
		acl, err := l.in.core(l.name)
		if err != nil {
			return err
		}
		if acl != nil {
			*l.dst = *acl
		}
	}
	if in.Annotations, err = channelAnnotations(body.Annotations, false); err != nil {
		return err
	}
	ch, err := a.svc.CreateChannel(r.Context(), c, in)
	if err != nil {
		return err
	}
	return ok(w, r, toWireChannel(c.App(), ch, o))
}

// getChannel is GET /stream/0/channels/{channel_id}.
func (a *api) getChannel(w http.ResponseWriter, r *http.Request, c *core.Caller) error {
	return a.oneChannel(w, r, c, a.svc.GetChannel)
}

// deactivateChannel is DELETE /stream/0/channels/{channel_id}.
func (a *api) deactivateChannel(w http.ResponseWriter, r *http.Request, c *core.Caller) error {
	return a.oneChannel(w, r, c, a.svc.DeactivateChannel)
}

// subscribe is POST /stream/0/channels/{channel_id}/subscribe.
func (a *api) subscribe(w http.ResponseWriter, r *http.Request, c *core.Caller) error {
	return a.oneChannel(w, r, c, func(ctx context.Context, c *core.Caller, ch string) (*core.Channel, error) {
		return a.svc.Subscribe(ctx, c, ch, true)
	})
}

// unsubscribe is DELETE /stream/0/channels/{channel_id}/subscribe.
func (a *api) unsubscribe(w http.ResponseWriter, r *http.Request, c *core.Caller) error {
	return a.oneChannel(w, r, c, func(ctx context.Context, c *core.Caller, ch string) (*core.Channel, error) {
		return a.svc.Subscribe(ctx, c, ch, false)
	})
}

// mute is POST /stream/0/channels/{channel_id}/mute.
func (a *api) mute(w http.ResponseWriter, r *http.Request, c *core.Caller) error {
	return a.oneChannel(w, r, c, func(ctx context.Context, c *core.Caller, ch string) (*core.Channel, error) {
		return a.svc.MuteChannel(ctx, c, ch, true)
	})
}

// unmute is DELETE /stream/0/channels/{channel_id}/mute.
func (a *api) unmute(w http.ResponseWriter, r *http.Request, c *core.Caller) error {
	return a.oneChannel(w, r, c, func(ctx context.Context, c *core.Caller, ch string) (*core.Channel, error) {
		return a.svc.MuteChannel(ctx, c, ch, false)
	})
}

// updateChannel is PUT /stream/0/channels/{channel_id}: readers, writers
// and annotations.
func (a *api) updateChannel(w http.ResponseWriter, r *http.Request, c *core.Caller) error {
	var body channelInput
	if err := httpx.DecodeJSON(r, &body, false, false); err != nil {
		return err
	}
	var in core.ChannelUpdate
	var err error
	if in.Readers, err = body.Readers.core("readers"); err != nil {
		return err
	}
	if in.Writers, err = body.Writers.core("writers"); err != nil {
		return err
	}
	if in.Annotations, err = channelAnnotations(body.Annotations, true); err != nil {
		return err
	}
	return a.oneChannel(w, r, c, func(ctx context.Context, c *core.Caller, ch string) (*core.Channel, error) {
		return a.svc.UpdateChannel(ctx, c, ch, in)
	})
}

// oneChannel reads the path's channel and the general parameters, makes
// the one core call and answers the channel.
func (a *api) oneChannel(w http.ResponseWriter, r *http.Request, c *core.Caller,
	call func(context.Context, *core.Caller, string) (*core.Channel, error)) error {
	ref, err := pathKey("channel", r.PathValue("channel_id"))
	if err != nil {
		return err
	}
	o, err := channelParams(r)
	if err != nil {
		return err
	}
	ch, err := call(r.Context(), c, ref)
	if err != nil {
		return err
	}
	return ok(w, r, toWireChannel(c.App(), ch, o))
}

// listSubscribers is GET /stream/0/channels/{channel_id}/subscribers.
func (a *api) listSubscribers(w http.ResponseWriter, r *http.Request, c *core.Caller) error {
	users, skip, more, err := a.subscribers(r, c)
	if err != nil {
		return err
	}
	out := make([]*wireUser, len(users))
	for i, u := range users {
		out[i] = toWireUser(u)
		out[i].PaginationID = strconv.Itoa(skip + i + 1)
	}
	m := meta{More: &more}
	if len(out) > 0 {
		m.MaxID, m.MinID = out[0].PaginationID, out[len(out)-1].PaginationID
	}
	return okPage(w, r, out, m)
}

// listSubscriberIDs is GET /stream/0/channels/{channel_id}/subscribers/ids.
func (a *api) listSubscriberIDs(w http.ResponseWriter, r *http.Request, c *core.Caller) error {
	users, skip, more, err := a.subscribers(r, c)
	if err != nil {
		return err
	}
	out := make([]string, len(users))
	for i, u := range users {
		out[i] = id(u.PK)
	}
	m := meta{More: &more}
	if len(out) > 0 {
		m.MaxID, m.MinID = strconv.Itoa(skip+1), strconv.Itoa(skip+len(out))
	}
	return okPage(w, r, out, m)
}

// subscribers reads a page of a channel's subscribers. Their pagination
// ids are positions in subscription order, so before_id (a previous
// page's min_id) continues after that position.
// subscriberIDsOf is GET /stream/0/channels/subscribers/ids?ids=: the
// subscriber ids of several channels, by channel id; unknown and hidden
// channels are left out.
func (a *api) subscriberIDsOf(w http.ResponseWriter, r *http.Request, c *core.Caller) error {
	refs, err := idList(r)
	if err != nil {
		return err
	}
	if len(refs) == 0 {
		return core.Invalidf("ids", "ids must list at least one channel id")
	}
	keys, err := a.svc.SubscriberKeys(r.Context(), c, refs)
	if err != nil {
		return err
	}
	out := make(map[string][]string, len(keys))
	for ch, users := range keys {
		ids := make([]string, len(users))
		for i, u := range users {
			ids[i] = id(u)
		}
		out[id(ch)] = ids
	}
	return ok(w, r, out)
}

func (a *api) subscribers(r *http.Request, c *core.Caller) ([]*core.User, int, bool, error) {
	ref, err := pathKey("channel", r.PathValue("channel_id"))
	if err != nil {
		return nil, 0, false, err
	}
	count, err := countParam(r)
	if err != nil {
		return nil, 0, false, err
	}
	skip := 0
	if raw := r.URL.Query().Get("before_id"); raw != "" {
		if skip, err = strconv.Atoi(raw); err != nil || skip < 0 {
			return nil, 0, false, core.Invalidf("before_id", "before_id must be a pagination_id of this list, not %q", raw)
		}
	}
	users, more, err := a.svc.Subscribers(r.Context(), c, ref, skip, count)
	return users, skip, more, err
}

// listOwnChannels is GET /stream/0/users/me/channels: the channels the
// caller created.
func (a *api) listOwnChannels(w http.ResponseWriter, r *http.Request, c *core.Caller) error {
	o, err := channelParams(r)
	if err != nil {
		return err
	}
	return a.channelList(w, r, c, o, core.ChannelQuery{Owned: true, AllMuted: true})
}

// listMutedChannels is GET /stream/0/users/me/channels/muted.
func (a *api) listMutedChannels(w http.ResponseWriter, r *http.Request, c *core.Caller) error {
	o, err := channelParams(r)
	if err != nil {
		return err
	}
	return a.channelList(w, r, c, o, core.ChannelQuery{Muted: true})
}

// numUnreadPM is GET /stream/0/users/me/channels/pm/num_unread: how many
// private-message channels hold unread messages.
func (a *api) numUnreadPM(w http.ResponseWriter, r *http.Request, c *core.Caller) error {
	n, err := a.svc.UnreadDirectCount(r.Context(), c)
	if err != nil {
		return err
	}
	return ok(w, r, n)
}
