package sceyt

import (
	"encoding/json"
	"net/http"
	"strings"

	"github.com/julienschmidt/httprouter"

	"parley/server/core"
	"parley/server/httpx"
)

// Users, keyed by username (the user id every dialect sees).

type userIn struct {
	Username  string          `json:"username"`
	FirstName *string         `json:"first_name"`
	LastName  *string         `json:"last_name"`
	Avatar    string          `json:"avatar"`
	Metadata  json.RawMessage `json:"metadata"`
}

// displayName joins first and last name; keep is the current name, whose
// halves stand in for the ones not given.
func (in *userIn) displayName(keep string) string {
	first, last := splitName(keep)
	if in.FirstName != nil {
		first = strings.TrimSpace(*in.FirstName)
	}
	if in.LastName != nil {
		last = strings.TrimSpace(*in.LastName)
	}
	return strings.TrimSpace(first + " " + last)
}

func (a *api) createUser(w http.ResponseWriter, r *http.Request, c *core.Caller, p httprouter.Params) error {
	var in userIn
	if err := httpx.DecodeJSON(r, &in, false, false); err != nil {
		return err
	}
	if strings.TrimSpace(in.Username) == "" {
		return core.Invalidf("username", "username is required")
	}
	meta, err := metadataIn("metadata", in.Metadata)
	if err != nil {
		return err
	}
	u, err := a.svc.CreateUser(r.Context(), c, core.UserInput{ID: in.Username, Username: in.Username,
		DisplayName: in.displayName(""), AvatarURL: in.Avatar, Metadata: meta})
	if core.ErrorCode(err) == core.ECONFLICT {
		return core.Errorf(core.ECONFLICT, "username %q is taken", in.Username)
	}
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusCreated, toWireUser(u))
	return nil
}

func (a *api) getUser(w http.ResponseWriter, r *http.Request, c *core.Caller, p httprouter.Params) error {
	u, err := a.svc.GetUser(r.Context(), c, p.ByName("username"))
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, toWireUser(u))
	return nil
}

// listUsers lists the app's users: {count, links, users}. The total is not
// counted, so links.last is null; next is there while a page is full.
func (a *api) listUsers(w http.ResponseWriter, r *http.Request, c *core.Caller, p httprouter.Params) error {
	pg, err := readPaging(r, 50)
	if err != nil {
		return err
	}
	list, err := a.svc.ListUsers(r.Context(), c, pg.core())
	if err != nil {
		return err
	}
	users := list.Items
	out := struct {
		Count int        `json:"count"`
		Links wireLinks  `json:"links"`
		Users []wireUser `json:"users"`
	}{Count: len(users), Links: newEncoder(r, p.ByName("appId")).links(r, pg, -1, list.More),
		Users: make([]wireUser, len(users))}
	for i, u := range users {
		out.Users[i] = toWireUser(u)
	}
	httpx.WriteJSON(w, http.StatusOK, out)
	return nil
}

// updateUser changes first_name, last_name, avatar and metadata (the
// username is the key and does not change).
func (a *api) updateUser(w http.ResponseWriter, r *http.Request, c *core.Caller, p httprouter.Params) error {
	var in userIn
	if err := httpx.DecodeJSON(r, &in, false, false); err != nil {
		return err
	}
	if in.Username != "" && in.Username != p.ByName("username") {
		return core.Invalidf("username", "a username cannot change")
	}
	meta, err := metadataIn("metadata", in.Metadata)
	if err != nil {
		return err
	}
	up := core.UserInput{AvatarURL: in.Avatar, Metadata: meta}
	if in.FirstName != nil || in.LastName != nil {
		cur, err := a.svc.GetUser(r.Context(), c, p.ByName("username"))
		if err != nil {
			return err
		}
		up.DisplayName = in.displayName(cur.DisplayName)
	}
	u, err := a.svc.UpdateUser(r.Context(), c, p.ByName("username"), up)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, toWireUser(u))
	return nil
}

func (a *api) deleteUser(w http.ResponseWriter, r *http.Request, c *core.Caller, p httprouter.Params) error {
	if err := a.svc.DeleteUser(r.Context(), c, p.ByName("username")); err != nil {
		return err
	}
	return noContent(w)
}
