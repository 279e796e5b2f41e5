package amity

import (
	"net/http"

	"github.com/julienschmidt/httprouter"

	"parley/server/core"
	"parley/server/httpx"
)

// Markers: a member's read position and unread count (v1 markers, which
// the SDK reads, and v3 seen, which moves them). They are the core's read
// positions, so unread counts agree with every other dialect.

type wireEntityMarker struct {
	UserID      string `json:"userId"`
	EntityID    string `json:"entityId"`
	UnreadCount int    `json:"unreadCount"`
	IsDeleted   bool   `json:"isDeleted"`
	IsMentioned bool   `json:"isMentioned"`
	Membership  string `json:"membership"`
	CreatedAt   string `json:"createdAt"`
	UpdatedAt   string `json:"updatedAt"`
}

type wireFeedMarker struct {
	UserID             string `json:"userId"`
	EntityID           string `json:"entityId"`
	FeedID             string `json:"feedId"`
	ReadToSegment      int64  `json:"readToSegment"`
	DeliveredToSegment int64  `json:"deliveredToSegment"`
	UnreadCount        int    `json:"unreadCount"`
	LastMentionSegment *int64 `json:"lastMentionSegment"`
	IsMentioned        bool   `json:"isMentioned"`
	CreatedAt          string `json:"createdAt"`
	UpdatedAt          string `json:"updatedAt"`
}

type wireFeed struct {
	EntityID    string `json:"entityId"`
	FeedID      string `json:"feedId"`
	LastSegment int64  `json:"lastSegment"`
	IsDeleted   bool   `json:"isDeleted"`
	CreatedAt   string `json:"createdAt"`
	UpdatedAt   string `json:"updatedAt"`
}

type wireMarkers struct {
	ContentMarkers    *[]struct{}        `json:"contentMarkers,omitempty"`
	UserMarkers       []struct{}         `json:"userMarkers"`
	UserEntityMarkers []wireEntityMarker `json:"userEntityMarkers"`
	UserFeedMarkers   []wireFeedMarker   `json:"userFeedMarkers"`
	FeedMarkers       []wireFeed         `json:"feedMarkers"`
}

// markers answers the caller's markers of conversations: one channel
// marker, one marker of its one feed, and the feed's last segment each.
func markers(c *core.Caller, convs []*core.Conversation) wireMarkers {
	out := wireMarkers{UserMarkers: []struct{}{}, UserEntityMarkers: []wireEntityMarker{}, UserFeedMarkers: []wireFeedMarker{},
		FeedMarkers: []wireFeed{}}
	for _, conv := range convs {
		out.FeedMarkers = append(out.FeedMarkers, wireFeed{EntityID: conv.ID, FeedID: conv.ID, LastSegment: conv.LastSeq,
			CreatedAt: isoTime(conv.CreatedAt), UpdatedAt: isoTime(conv.LastActivityAt)})
		if c.User() == nil {
			continue
		}
		em := wireEntityMarker{UserID: c.User().ID, EntityID: conv.ID, Membership: "non-member",
			CreatedAt: isoTime(conv.CreatedAt), UpdatedAt: isoTime(conv.CreatedAt)}
		if me := conv.Me; me != nil {
			cu := toWireChannelUser(conv.ID, me)
			em.Membership, em.UnreadCount, em.CreatedAt, em.UpdatedAt = "member", conv.Unread, cu.CreatedAt, cu.UpdatedAt
			out.UserFeedMarkers = append(out.UserFeedMarkers, wireFeedMarker{UserID: c.User().ID, EntityID: conv.ID, FeedID: conv.ID,
				ReadToSegment: me.ReadSeq, DeliveredToSegment: conv.LastSeq, UnreadCount: conv.Unread,
				CreatedAt: cu.CreatedAt, UpdatedAt: cu.UpdatedAt})
		}
		out.UserEntityMarkers = append(out.UserEntityMarkers, em)
	}
	return out
}

func (a *api) channelMarkers(w http.ResponseWriter, r *http.Request, c *core.Caller, _ httprouter.Params) error {
	ids := queryList(r.URL.Query(), "channelIds")
	if len(ids) > 100 {
		return core.Invalidf("channelIds", "The 'channelIds' field must contain less than or equal to 100 items.")
	}
	convs, err := a.svc.ConversationsByIDs(r.Context(), c, ids)
	if err != nil {
		return err
	}
	return ok(w, markers(c, convs))
}

// markChannelRead reads every message of the channel (the SDK sends no body).
func (a *api) markChannelRead(w http.ResponseWriter, r *http.Request, c *core.Caller, p httprouter.Params) error {
	conv, err := a.svc.ReadConversation(r.Context(), c, p.ByName("channelId"), core.ReadInput{})
	if err != nil {
		return err
	}
	return ok(w, markers(c, []*core.Conversation{conv}))
}

// messageMarkers answers read receipts of messages. Parley keeps read
// positions, not receipts per message: the lists are empty (README.md).
func (a *api) messageMarkers(w http.ResponseWriter, _ *http.Request, _ *core.Caller, _ httprouter.Params) error {
	none := []struct{}{}
	out := markers(&core.Caller{}, nil)
	out.ContentMarkers = &none
	return ok(w, out)
}

// seen moves the caller's read position up to a segment.
func (a *api) seen(w http.ResponseWriter, r *http.Request, c *core.Caller, p httprouter.Params) error {
	var in struct {
		ReadToSegment *float64 `json:"readToSegment"`
	}
	if err := httpx.DecodeJSON(r, &in, false, false); err != nil {
		return err
	}
	if in.ReadToSegment == nil || *in.ReadToSegment < 1 || *in.ReadToSegment != float64(int64(*in.ReadToSegment)) {
		return core.Invalidf("readToSegment", "The 'readToSegment' field must be a whole number from 1.")
	}
	conv, err := a.svc.ReadConversation(r.Context(), c, p.ByName("channelId"), core.ReadInput{Seq: int64(*in.ReadToSegment)})
	if err != nil {
		return err
	}
	return ok(w, channelPayload(c, conv))
}
