package core

// PasswordWork is the PBKDF2 iterations the service's password checks
// have run.
func (s *Service) PasswordWork() int64 { return s.passwords.work.Load() }
