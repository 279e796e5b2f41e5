package amity

import (
	"net/http"
	"time"
	"unicode/utf8"

	"github.com/julienschmidt/httprouter"

	"parley/server/core"
	"parley/server/httpx"
)

// sessionTTL is how long an access token lives: 30 days, as Amity's.
const sessionTTL = 30 * 24 * time.Hour

type sessionIn struct {
	UserID      string  `json:"userId"`
	DeviceID    string  `json:"deviceId"`
	DisplayName *string `json:"displayName"`
	AuthToken   *string `json:"authToken"`
	DeviceInfo  *struct {
		Kind       string `json:"kind"`
		Model      string `json:"model"`
		SDKVersion string `json:"sdkVersion"`
	} `json:"deviceInfo"`
}

// check applies the document's limits on a session request.
func (in *sessionIn) check() error {
	if err := checkLen("userId", in.UserID, 1, 50); err != nil {
		return err
	}
	if err := checkLen("deviceId", in.DeviceID, 1, 150); err != nil {
		return err
	}
	if in.DisplayName != nil {
		if err := checkLen("displayName", *in.DisplayName, 0, 100); err != nil {
			return err
		}
	}
	if in.AuthToken != nil {
		if err := checkLen("authToken", *in.AuthToken, 1, 100); err != nil {
			return err
		}
	}
	if d := in.DeviceInfo; d != nil {
		switch d.Kind {
		case "", "ios", "android", "web", "node":
		default:
			return core.Invalidf("deviceInfo.kind", "The 'deviceInfo.kind' field must be one of ios, android, web, node.")
		}
		if err := checkLen("deviceInfo.model", d.Model, 0, 100); err != nil {
			return err
		}
		if err := checkLen("deviceInfo.sdkVersion", d.SDKVersion, 0, 30); err != nil {
			return err
		}
	}
	return nil
}

// checkLen words a length limit as Amity's validator does.
func checkLen(field, s string, min, max int) error {
	n := utf8.RuneCountInString(s)
	if n < min {
		if min == 1 {
			return core.Invalidf(field, "The '%s' field is required.", field)
		}
		return core.Invalidf(field, "The '%s' field length must be greater than or equal to %d characters long.", field, min)
	}
	if n > max {
		return core.Invalidf(field, "The '%s' field length must be less than or equal to %d characters long.", field, max)
	}
	return nil
}

type wireSession struct {
	AccessToken  string     `json:"accessToken"`
	RefreshToken *string    `json:"refreshToken"`
	IssuedAt     string     `json:"issuedAt"`
	ExpiresAt    string     `json:"expiresAt"`
	Users        []wireUser `json:"users"`
	Files        []wireFile `json:"files"`
}

// createSession registers a session: the user is created when missing and
// gets an access token. Amity's secure mode (authToken from a server) is
// not kept: the token is accepted and not checked (README.md).
func (a *api) createSession(w http.ResponseWriter, r *http.Request, c *core.Caller, _ httprouter.Params) error {
	var in sessionIn
	if err := httpx.DecodeJSON(r, &in, false, false); err != nil {
		return err
	}
	if err := in.check(); err != nil {
		return err
	}
	si := core.SessionInput{UserID: in.UserID, TTL: sessionTTL}
	if in.DisplayName != nil {
		si.DisplayName = *in.DisplayName
	}
	t, _, err := a.svc.OpenSession(r.Context(), c, si)
	if err != nil {
		return err
	}
	return ok(w, wireSession{AccessToken: t.Token, IssuedAt: isoTime(t.CreatedAt), ExpiresAt: isoTime(t.ExpiresAt),
		Users: []wireUser{toWireUser(c.App(), t.User)}, Files: []wireFile{}})
}

// verifySession answers a valid token (authentication did the work).
func (a *api) verifySession(w http.ResponseWriter, _ *http.Request, _ *core.Caller, _ httprouter.Params) error {
	return ok(w, struct {
		LastCachePurge *string `json:"lastCachePurge"`
	}{})
}

// deleteSession revokes the access token the request carries.
func (a *api) deleteSession(w http.ResponseWriter, r *http.Request, _ *core.Caller, _ httprouter.Params) error {
	token, err := bearer(r)
	if err != nil {
		return err
	}
	if err := a.svc.RevokeToken(r.Context(), token); err != nil {
		return err
	}
	return ok(w, struct {
		Success bool `json:"success"`
	}{true})
}

// chatSettings answers the network's chat settings, which the SDK reads at
// login. Message previews are off: Parley keeps no preview cache.
func (a *api) chatSettings(w http.ResponseWriter, _ *http.Request, _ *core.Caller, _ httprouter.Params) error {
	type flag struct {
		Enabled          bool `json:"enabled"`
		IsIncludeDeleted bool `json:"isIncludeDeleted"`
	}
	return ok(w, struct {
		Enabled bool `json:"enabled"`
		Mention struct {
			IsAllowMentionedChannelEnabled bool `json:"isAllowMentionedChannelEnabled"`
		} `json:"mention"`
		MessagePreview                        flag `json:"messagePreview"`
		IsAllowAdminViewConversationMessage   bool `json:"isAllowAdminViewConversationMessage"`
		IsAllowAdminManageConversationMessage bool `json:"isAllowAdminManageConversationMessage"`
	}{Enabled: true, IsAllowAdminViewConversationMessage: true, IsAllowAdminManageConversationMessage: true})
}
