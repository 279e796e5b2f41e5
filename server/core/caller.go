package core

// Caller is who a request acts as: an app and, usually, one of its users.
// Only the core builds one, from a verified credential (Authenticate) or as
// Parley's admin; its fields cannot be set from outside, so a dialect can
// neither forge a caller nor raise one's rights. The policy decides from it.
type Caller struct {
	app  *App
	user *User // the acting user; nil when the app acts as itself, or anonymous
	// trusted is true when the request proved the app's secret or Parley's
	// admin token. A trusted caller without a user manages the whole app;
	// with a user it acts as that user, under the user's own rights.
	trusted bool
	// admin is true for Parley's admin token: it manages apps, and with an
	// app it is that app's trusted caller.
	admin bool
}

// App returns the app the caller belongs to (nil for Parley's admin acting
// on no app).
func (c *Caller) App() *App { return c.app }

// User returns the acting user, nil when the app acts as itself or the
// caller is anonymous.
func (c *Caller) User() *User { return c.user }

// UserID returns the acting user's id, "" when there is none.
func (c *Caller) UserID() string {
	if c.user == nil {
		return ""
	}
	return c.user.ID
}

// Trusted reports whether the caller proved the app's secret or Parley's
// admin token.
func (c *Caller) Trusted() bool { return c.trusted }

// Admin reports whether the caller holds Parley's admin token.
func (c *Caller) Admin() bool { return c.admin }

// inApp checks that the caller was built by the core for an app: a zero
// Caller made outside the core has no app and is refused everywhere.
func (c *Caller) inApp() error {
	if c == nil || c.app == nil {
		return Errorf(EUNAUTHENTICATED, "no authenticated caller")
	}
	return nil
}

// asAdmin checks that the caller holds Parley's admin token.
func (c *Caller) asAdmin() error {
	if c == nil || !c.admin {
		return Errorf(EFORBIDDEN, "only Parley's admin may do this")
	}
	return nil
}

// StartupCaller returns Parley's admin caller for the process's own start-up
// (loading --fixtures, the first app) and for tests, where no request and
// so no credential exists. No request path may call it: server/arch_test.go
// checks that dialects and the admin API never do.
func (s *Service) StartupCaller() *Caller { return &Caller{admin: true} }
