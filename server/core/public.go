package core

import "context"

// AuthAppToken authenticates an app's secret key sent as a plain bearer
// token (App.net's app access token). Unlike AuthSecret, the caller it
// returns is not trusted: it acts as no user and sees what the public
// sees (open conversations, and channels whose readers ACL is public).
func (s *Service) AuthAppToken(ctx context.Context, secret string) (*Caller, error) {
	c, err := s.AuthSecret(ctx, nil, secret)
	if err != nil {
		return nil, err
	}
	return &Caller{App: c.App}, nil
}
