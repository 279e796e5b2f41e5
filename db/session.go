package db

// DeleteToken removes the token with this hash (a revoked session).
func (t *tx) DeleteToken(hash string) error {
	return t.change("delete token", "token not found", `DELETE FROM tokens WHERE hash = ?`, hash)
}
