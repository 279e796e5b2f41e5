package core

// AuthCacheStats returns how many credential look-ups the core answered
// from memory and how many it had to read, since it started (for metrics).
func (s *Service) AuthCacheStats() (hits, misses int64) {
	return s.auth.hits.Load(), s.auth.misses.Load()
}
