package core

import "context"

// RemoveFile deletes a file as DeleteFile does and returns its description
// as it was (App.net answers a delete with the deleted file).
func (s *Service) RemoveFile(ctx context.Context, c *Caller, id string) (*File, error) {
	f, err := s.GetFile(ctx, c, id)
	if err != nil {
		return nil, err
	}
	if err := s.DeleteFile(ctx, c, KeyRef(f.PK)); err != nil {
		return nil, err
	}
	return f, nil
}
