package core

// The policy: the only place that decides who may do what. Every decision is
// allow(caller, action, standing): the caller (who, proven by the core), the
// action, and the standing of the caller towards what it acts on (the
// conversation, the caller's membership, team role, the message, the member
// or user acted on). It answers nil or an *Error. Service methods gather the
// standing and ask; none decides a right inline.
//
// A trusted caller without a user (the app's own secret, or Parley's admin
// acting in the app) may do anything in its app. Every other caller acts as
// a user and has that user's rights; an untrusted caller without a user (an
// anonymous or app-token read) may only read what is open to anyone.

// action names what a caller asks to do.
type action int

const (
	actRead               action = iota // see a conversation and its messages
	actPost                             // send a message to the conversation
	actJoin                             // add oneself as a plain member
	actGrant                            // add a member with, or give a member, standing.role
	actRemove                           // remove standing.target from the conversation
	actSeeMessage                       // see standing.msg
	actEdit                             // change standing.msg
	actRecall                           // delete standing.msg for everyone
	actHide                             // delete standing.msg for oneself
	actPin                              // pin or unpin a message
	actReact                            // add or remove one's reaction
	actMarkRead                         // move one's read position
	actCreateConversation               // create a conversation (standing.conv is the new one)
	actChooseOwner                      // name another user as a new conversation's owner
	actListConversations                // list conversations (one's own, or the app's)
	actCreateUser                       // create a user
	actDeleteUser                       // delete a user
	actIssueToken                       // issue a user's token
	actEditProfile                      // change standing.user's profile
	actCreateTeam                       // create a team
	actUnread                           // count one's unread messages
	actForward                          // forward messages
	actBroadcast                        // broadcast a message
	actActAs                            // act as another user of the app
	actAdmin                            // manage apps: Parley's admin only
	actDeleteOwn                        // delete standing.msg where only its creator may (App.net)
	actEditChannel                      // change a channel's access lists, annotations, activity
	actSubscribe                        // subscribe to a channel, or leave it (standing.me set)
	actMute                             // mute or unmute a channel for oneself
	actUpdateConversation               // change a conversation's description
	actDeleteConversation               // delete a conversation with its messages
	actUpload                           // upload a file
	actSeeFile                          // see standing.file and its bytes
	actDeleteFile                       // delete standing.file
	actManageWebhooks                   // register, list and remove the app's webhooks
	actInspect                          // search every message of an app, bound what it keeps: Parley's admin only
	actInherit                          // count as a member of a channel that takes its team's members
	actSeeTeam                          // see a team and its channels
	actAdministerTeam                   // manage a team: its name, members and channels, bot messages
	actFlag                             // flag or unflag a message for moderators
	actClearFlags                       // clear every flag of a message
	actSeeReadStates                    // see every member's read state of a conversation: the app itself
)

// Standing is the one input of the policy besides the caller and action:
// everything about the caller's relation to what it acts on. Fields that do
// not apply to an action stay zero. New rules (channel ACLs, bans) add their
// facts here, never a check at a call site.
type standing struct {
	conv     *Conversation
	me       *Member // the caller's membership; nil: not a member
	teamRole Role    // the caller's role in the conversation's team; "": none
	msg      *Message
	hidden   bool    // msg is hidden for the caller (deleted for them)
	target   *Member // the member acted on
	role     Role    // the role granted
	user     *User   // the user acted on
	banned   bool    // the caller is banned from the conversation
	newcomer bool    // with actGrant: the member is being added
	machine  bool    // with actPost: the message is machine-only
	file     *File   // the file acted on
	attached bool    // with actSeeFile: the caller sees a message attaching file
	// teamMembers is how many members the team has (0: open to every user);
	// administers is how many teams the caller administers.
	teamMembers int
	administers int
}

// appWide reports whether the caller acts as the app itself.
func appWide(c *Caller) bool { return c.trusted && c.user == nil }

// forbidden and needUser are the policy's two refusals.
func forbidden(format string, args ...any) error { return Errorf(EFORBIDDEN, format, args...) }

func needUser(what string) error { return Invalidf("userId", "%s needs an acting user", what) }

// allow decides whether the caller may take the action.
func allow(c *Caller, a action, st *standing) error {
	if st == nil {
		st = &standing{}
	}
	if a == actAdmin || a == actInspect {
		return c.asAdmin()
	}
	if st.banned && !appWide(c) {
		return forbidden("you are banned from this conversation")
	}
	switch a {
	case actRead:
		return canRead(c, st)
	case actPost:
		if err := canRead(c, st); err != nil {
			return err
		}
		if c.user == nil {
			return needUser("sending a message")
		}
		if st.conv.Kind == KindBroadcast && !appWide(c) && !manages(st.me) {
			return forbidden("only admins post in a broadcast conversation")
		}
		if st.conv.Kind == KindChannel && !appWide(c) {
			if err := channelWrite(c, st.conv); err != nil {
				return err
			}
		}
		if st.machine && st.conv.Kind == KindDirect {
			return Invalidf("machine_only", "private message channels do not take machine-only messages")
		}
		return nil
	case actJoin:
		if c.user == nil {
			return needUser("joining")
		}
		if st.conv.Kind == KindDirect {
			return forbidden("a direct conversation takes no new members")
		}
		if st.conv.Kind == KindPublic || st.conv.Kind == KindOpen || appWide(c) || manages(st.me) {
			return nil
		}
		return forbidden("only conversation admins may add members to this conversation")
	case actGrant:
		return canGrant(c, st)
	case actRemove:
		return canRemove(c, st)
	case actSeeMessage:
		return canSee(c, st)
	case actEdit:
		if c.user == nil || st.msg.OwnerPK != c.user.PK {
			return forbidden("only the sender may edit a message")
		}
		if st.msg.Deleted() {
			return Errorf(ECONFLICT, "the message was deleted")
		}
		return nil
	case actRecall:
		if st.msg.Deleted() {
			return nil // recalling twice changes nothing
		}
		if (c.user != nil && st.msg.OwnerPK == c.user.PK) || appWide(c) || manages(st.me) {
			return nil
		}
		return forbidden("only the sender or a conversation admin may delete a message for everyone")
	case actHide:
		if c.user == nil {
			return needUser("deleting a message for yourself")
		}
		if st.conv.Kind == KindPublic || st.conv.Kind == KindOpen {
			return forbidden("messages of a public conversation cannot be deleted for one user")
		}
		return nil
	case actPin:
		if st.msg != nil && st.msg.Deleted() {
			return Errorf(ECONFLICT, "the message was deleted")
		}
		if appWide(c) || manages(st.me) {
			return nil
		}
		return forbidden("only conversation admins may pin messages")
	case actReact:
		if c.user == nil {
			return needUser("reacting")
		}
		if st.msg != nil && st.msg.Deleted() {
			return Errorf(ECONFLICT, "the message was deleted")
		}
		return nil
	case actMarkRead:
		if c.user == nil {
			return needUser("marking read")
		}
		if st.me == nil {
			return ErrNotMember
		}
		return nil
	case actCreateConversation:
		if c.user == nil && !appWide(c) {
			return forbidden("a user or the app must create conversations")
		}
		if st.conv != nil && st.conv.Kind == KindDirect && c.user == nil && !appWide(c) {
			return needUser("a direct conversation")
		}
		return nil
	case actChooseOwner:
		if appWide(c) {
			return nil
		}
		return forbidden("only the app may name another owner; a user owns what they create")
	case actListConversations:
		if c.user != nil || appWide(c) {
			return nil
		}
		return forbidden("no user to list conversations for")
	case actCreateTeam:
		// The app, or a user who administers a team already (the creator
		// becomes the new team's admin).
		if appWide(c) || (c.user != nil && st.administers > 0) {
			return nil
		}
		return forbidden("only team admins may create teams")
	case actInherit:
		if c.user != nil && inheritedMember(st.teamRole, st.teamMembers) {
			return nil
		}
		return Errorf(ENOTFOUND, "conversation not found")
	case actSeeTeam:
		// A team one may not see answers as if it did not exist.
		if appWide(c) || inheritedMember(st.teamRole, st.teamMembers) {
			return nil
		}
		return Errorf(ENOTFOUND, "team not found")
	case actAdministerTeam:
		if appWide(c) || st.teamRole.CanManage() {
			return nil
		}
		return forbidden("only team admins may do this")
	case actCreateUser, actDeleteUser, actIssueToken, actManageWebhooks:
		if appWide(c) {
			return nil
		}
		return forbidden("only the app may %s", appOnly[a])
	case actActAs:
		if c.trusted {
			return nil
		}
		return forbidden("only the app may act as another user")
	case actEditProfile:
		if appWide(c) || (c.user != nil && st.user != nil && c.user.PK == st.user.PK) {
			return nil
		}
		return forbidden("users change their own profile only")
	case actDeleteOwn:
		if c.user == nil || st.msg.OwnerPK != c.user.PK {
			return forbidden("only the creator may delete a message")
		}
		return nil
	case actEditChannel:
		if st.conv.Kind != KindChannel {
			return forbidden("only channels created as channels can be changed here")
		}
		if appWide(c) || (c.user != nil && st.conv.OwnerPK == c.user.PK) {
			return nil
		}
		return forbidden("only the channel's owner may change it")
	case actSubscribe:
		if c.user == nil {
			return needUser("subscribing")
		}
		if st.me != nil || st.conv.Kind == KindChannel {
			return canRead(c, st) // a subscriber may always leave
		}
		return allow(c, actJoin, st)
	case actMute:
		if c.user == nil {
			return needUser("muting")
		}
		return canRead(c, st)
	case actUpdateConversation:
		if appWide(c) || manages(st.me) {
			return nil
		}
		return forbidden("only conversation admins may change a conversation")
	case actDeleteConversation:
		if appWide(c) || (st.me != nil && st.me.Role == RoleOwner) {
			return nil
		}
		return forbidden("only the owner may delete a conversation")
	case actFlag:
		if c.user == nil {
			return needUser("flagging")
		}
		return nil
	case actSeeReadStates:
		if appWide(c) {
			return nil
		}
		return forbidden("only the app sees every member's read state")
	case actClearFlags:
		if appWide(c) || manages(st.me) {
			return nil
		}
		return forbidden("only conversation moderators may clear flags")
	case actUpload:
		if c.user == nil && !appWide(c) {
			return needUser("uploading a file")
		}
		return nil
	case actSeeFile:
		if appWide(c) || st.attached || (c.user != nil && st.file.OwnerPK == c.user.PK) {
			return nil
		}
		return Errorf(ENOTFOUND, "file not found")
	case actDeleteFile:
		if appWide(c) || (c.user != nil && st.file.OwnerPK == c.user.PK) {
			return nil
		}
		return forbidden("only the uploader may delete a file")
	case actUnread:
		if c.user == nil {
			return needUser("counting unread messages")
		}
		return nil
	case actForward, actBroadcast:
		if c.user == nil && a == actForward {
			return needUser("forwarding")
		}
		if c.user == nil {
			return needUser("broadcasting")
		}
		return nil
	}
	return forbidden("not allowed")
}

// actingUser checks that a caller built by the core acts as a user, for
// the calls that act for one user only (their channels, their messages).
func actingUser(c *Caller, what string) error {
	if err := c.inApp(); err != nil {
		return err
	}
	if c.user == nil {
		return needUser(what)
	}
	return nil
}

// appOnly names what only the app itself does, for its refusals.
var appOnly = map[action]string{
	actCreateUser: "create users", actDeleteUser: "delete users", actIssueToken: "issue tokens", actCreateTeam: "create teams",
	actManageWebhooks: "manage webhooks",
}

// manages reports whether a membership administers its conversation: as
// its admin, or as an admin of its team who is a member (team admins read
// and manage a channel only as its members: the channel's privacy holds
// against them).
func manages(me *Member) bool { return me != nil && (me.Role.CanManage() || me.TeamRole.CanManage()) }

// canRead decides whether the caller sees the conversation and its messages.
// A conversation the caller may not even discover answers as if it did not
// exist, so that no refusal tells a stranger what is there; a public one,
// which anyone may find and join, is refused as such.
func canRead(c *Caller, st *standing) error {
	switch {
	case appWide(c):
		return nil
	case st.conv.Kind == KindChannel:
		return channelRead(c, st.conv)
	case st.me != nil, st.conv.Kind == KindOpen:
		return nil
	case st.conv.Kind == KindPublic:
		return ErrNotMember
	}
	return Errorf(ENOTFOUND, "conversation not found")
}

// ErrNotMember refuses a caller who is not a member where membership is
// needed (dialects with a code of their own for it test for it).
var ErrNotMember = Errorf(EFORBIDDEN, "not a member of this conversation; join it first")

// canGrant decides whether the caller may give a member a role. One owner
// per conversation: a conversation that has an owner gets no second one,
// ownership is only handed over (by the owner or the app, which the core
// does as one change), and the owner's role changes only that way.
func canGrant(c *Caller, st *standing) error {
	if st.conv.Kind == KindDirect {
		return forbidden("a direct conversation takes no new members or roles")
	}
	if !appWide(c) && !manages(st.me) {
		return forbidden("only conversation admins may do this")
	}
	isOwner := appWide(c) || (st.me != nil && st.me.Role == RoleOwner)
	switch {
	case st.role == RoleOwner && st.newcomer && st.conv.OwnerPK != 0:
		return forbidden("a conversation has one owner; hand ownership over to a member instead")
	case st.role == RoleOwner && !isOwner:
		return forbidden("only the owner may hand over ownership")
	case st.target != nil && st.target.Role == RoleOwner && st.role != RoleOwner:
		return forbidden("the owner's role changes only by handing ownership over")
	}
	return nil
}

// canRemove decides whether the caller may remove the target member.
func canRemove(c *Caller, st *standing) error {
	if c.user != nil && st.target.UserPK == c.user.PK {
		return nil // leaving is always allowed; the app hands over an owner's conversation
	}
	if !appWide(c) && !manages(st.me) {
		return forbidden("only conversation admins may do this")
	}
	if st.conv.Kind == KindDirect && !appWide(c) {
		return forbidden("members of a direct conversation leave by themselves")
	}
	if st.target.Role == RoleOwner && !appWide(c) {
		return forbidden("the owner cannot be removed")
	}
	return nil
}

// canSee decides whether the caller sees one message: recipients-only
// messages are seen by their sender and recipients; hidden copies stay
// hidden. A caller with no user (an anonymous or app-token read) sees only
// messages meant for everyone.
func canSee(c *Caller, st *standing) error {
	if appWide(c) {
		return nil
	}
	m := st.msg
	if st.hidden {
		return Errorf(ENOTFOUND, "message not found")
	}
	if len(m.Recipients) == 0 {
		return nil
	}
	if c.user == nil {
		return Errorf(ENOTFOUND, "message not found")
	}
	if m.OwnerPK == c.user.PK {
		return nil
	}
	for _, id := range m.Recipients {
		if id == c.user.ID {
			return nil
		}
	}
	return Errorf(ENOTFOUND, "message not found")
}

// readMoves decides whether a read position moves from one message key to
// another: only forward, unless the client asks to move it back (App.net's
// reset_read_id).
func readMoves(from, to int64, reset bool) bool {
	return to > from || (reset && to != from)
}

// CanSeeEmail decides whether the caller sees a user's email address: the
// user themself and the app's own servers (proven by its secret) do; other
// users do not.
func CanSeeEmail(c *Caller, u *User) bool {
	return c.trusted || (c.user != nil && c.user.PK == u.PK)
}

// canUpload decides whether the caller may upload a file: any user of the
// app, or the app itself.
func canUpload(c *Caller) error {
	if c.user == nil && !appWide(c) {
		return Errorf(EUNAUTHENTICATED, "uploading a file needs a user or the app's secret")
	}
	return nil
}

// canSeeFile decides whether the caller sees a file: the app itself, its
// uploader, and whoever sees a message that attaches it (attached).
func canSeeFile(c *Caller, f *File, attached bool) error {
	if appWide(c) || attached || (c.user != nil && f.OwnerPK == c.user.PK) {
		return nil
	}
	return Errorf(ENOTFOUND, "file not found")
}

// canDeleteFile decides whether the caller may delete a file: its uploader
// or the app.
func canDeleteFile(c *Caller, f *File) error {
	if appWide(c) || (c.user != nil && f.OwnerPK == c.user.PK) {
		return nil
	}
	return Errorf(EFORBIDDEN, "only the uploader may delete a file")
}

// Teams. A team's members see the team; a team without members is open to
// every user of the app. A team channel either has its own member list or
// inherits its team's members (and so is open to all when the team is).
// Team owners and admins administer the team and its channels.

// inheritedMember decides whether a user belongs to a team (or to a channel
// that inherits its team's members), from the user's team role ("" when
// not a team member) and the team's member count.
func inheritedMember(teamRole Role, teamMembers int) bool {
	return teamRole != "" || teamMembers == 0
}
