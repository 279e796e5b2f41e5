package amity

import (
	"net/http"

	"github.com/julienschmidt/httprouter"

	"parley/server/core"
	"parley/server/httpx"
)

// Reactions: Amity reacts to any document by reference; Parley's documents
// are messages, so referenceType must be "message". The counts are the
// core's: every dialect sees the same reactions.

type reactionIn struct {
	ReferenceID      string `json:"referenceId"`
	ReferenceType    string `json:"referenceType"`
	ReactionName     string `json:"reactionName"`
	ReferenceVersion *int   `json:"referenceVersion"`
}

func (in *reactionIn) check(needName bool) error {
	if err := checkLen("referenceId", in.ReferenceID, 1, 900); err != nil {
		return err
	}
	switch in.ReferenceType {
	case "message":
	case "":
		return core.Invalidf("referenceType", "The 'referenceType' field is required.")
	case "post", "comment", "story":
		return core.Invalidf("referenceType", "Only messages take reactions here; %ss do not exist.", in.ReferenceType)
	default:
		return core.Invalidf("referenceType", "The 'referenceType' field must be one of message, post, comment, story.")
	}
	min := 0
	if needName {
		min = 1
	}
	return checkLen("reactionName", in.ReactionName, min, 100)
}

// reactionID names one user's reaction of one name to a message. Ids
// never hold a slash; the name, which may, comes last.
func reactionID(messageID, userID, name string) string { return messageID + "/" + userID + "/" + name }

func (a *api) addReaction(w http.ResponseWriter, r *http.Request, c *core.Caller, _ httprouter.Params) error {
	var in reactionIn
	if err := httpx.DecodeJSON(r, &in, false, false); err != nil {
		return err
	}
	if err := in.check(true); err != nil {
		return err
	}
	if err := a.svc.AddReaction(r.Context(), c, in.ReferenceID, in.ReactionName); err != nil {
		return err
	}
	return ok(w, struct {
		AddedID string `json:"addedId"`
	}{reactionID(in.ReferenceID, c.User().ID, in.ReactionName)})
}

// removeReaction takes its arguments in the query (the document's) or in a
// JSON body (the SDK's).
func (a *api) removeReaction(w http.ResponseWriter, r *http.Request, c *core.Caller, _ httprouter.Params) error {
	v := r.URL.Query()
	in := reactionIn{ReferenceID: v.Get("referenceId"), ReferenceType: v.Get("referenceType"), ReactionName: v.Get("reactionName")}
	if in.ReferenceID == "" {
		if err := httpx.DecodeJSON(r, &in, false, true); err != nil {
			return err
		}
	}
	if err := in.check(true); err != nil {
		return err
	}
	if err := a.svc.RemoveReaction(r.Context(), c, in.ReferenceID, in.ReactionName); err != nil {
		return err
	}
	return ok(w, struct {
		RemovedID string `json:"removedId"`
	}{reactionID(in.ReferenceID, c.User().ID, in.ReactionName)})
}

type wireReactor struct {
	ReactionName   string `json:"reactionName"`
	UserID         string `json:"userId"`
	UserPublicID   string `json:"userPublicId"`
	UserInternalID string `json:"userInternalId"`
	ReactionID     string `json:"reactionId"`
	CreatedAt      string `json:"createdAt"`
	UpdatedAt      string `json:"updatedAt"`
}

type wireReaction struct {
	ReferenceID   string        `json:"referenceId"`
	ReferenceType string        `json:"referenceType"`
	Reactors      []wireReactor `json:"reactors"`
}

type wireReactions struct {
	Reactions []wireReaction `json:"reactions"`
	Users     []wireUser     `json:"users"`
	Files     []wireFile     `json:"files"`
	Paging    *wirePagingV5  `json:"paging,omitempty"`
}

// reactionPage is the state a reaction list's token carries.
type reactionPage struct {
	Ref   string `json:"r"`
	Name  string `json:"n,omitempty"`
	Skip  int    `json:"s"`
	Limit int    `json:"l"`
}

// reactors lists who reacted to a message; v2 wraps the answer in
// {status, data}.
func (a *api) reactors(w http.ResponseWriter, r *http.Request, c *core.Caller, v2 bool) error {
	v := r.URL.Query()
	in := reactionIn{ReferenceID: v.Get("referenceId"), ReferenceType: v.Get("referenceType"), ReactionName: v.Get("reactionName")}
	if err := in.check(false); err != nil {
		return err
	}
	st := reactionPage{Ref: in.ReferenceID, Name: in.ReactionName, Limit: 20}
	if tok := v.Get("options[token]"); tok != "" {
		if err := a.openToken(c.App(), "reactions", tok, &st); err != nil {
			return err
		}
		if st.Ref != in.ReferenceID || st.Limit < 1 {
			return errInvalidToken
		}
	} else if raw := v.Get("options[limit]"); raw != "" {
		n, err := intOption("options[limit]", raw, 1, 100)
		if err != nil {
			return err
		}
		st.Limit = n
	}
	m, list, err := a.svc.ListReactors(r.Context(), c, st.Ref, st.Name, core.Page{Skip: st.Skip, Limit: st.Limit + 1})
	if err != nil {
		return err
	}
	paging := &wirePagingV5{}
	if len(list) > st.Limit {
		list = list[:st.Limit]
		next := st
		next.Skip += st.Limit
		paging.Next = a.sealToken(c.App(), "reactions", next)
	}
	if st.Skip > 0 {
		prev := st
		prev.Skip = max(0, st.Skip-st.Limit)
		paging.Previous = a.sealToken(c.App(), "reactions", prev)
	}
	users := newUserSet(c.App())
	reaction := wireReaction{ReferenceID: m.ID, ReferenceType: "message", Reactors: []wireReactor{}}
	for _, x := range list {
		users.add(x.User)
		t := isoTime(x.CreatedAt)
		reaction.Reactors = append(reaction.Reactors, wireReactor{ReactionName: x.Name, UserID: x.User.ID, UserPublicID: x.User.ID,
			UserInternalID: x.User.ID, ReactionID: reactionID(m.ID, x.User.ID, x.Name), CreatedAt: t, UpdatedAt: t})
	}
	out := wireReactions{Reactions: []wireReaction{reaction}, Users: users.list, Files: []wireFile{}}
	if v2 {
		return ok(w, struct {
			Status string        `json:"status"`
			Data   wireReactions `json:"data"`
		}{"success", out})
	}
	out.Paging = paging
	return ok(w, out)
}

func (a *api) listReactionsV2(w http.ResponseWriter, r *http.Request, c *core.Caller, _ httprouter.Params) error {
	return a.reactors(w, r, c, true)
}

func (a *api) listReactionsV3(w http.ResponseWriter, r *http.Request, c *core.Caller, _ httprouter.Params) error {
	return a.reactors(w, r, c, false)
}
