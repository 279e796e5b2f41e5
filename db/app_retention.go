package db

import (
	"time"

	"parley/server/core"
)

type retentionRow struct {
	AppPK       int64 `db:"app_pk"`
	MaxMessages int   `db:"max_messages"`
	MaxAgeMS    int64 `db:"max_age_ms"`
}

func (r retentionRow) retention() core.Retention {
	return core.Retention{MaxMessages: r.MaxMessages, MaxAge: time.Duration(r.MaxAgeMS) * time.Millisecond}
}

// AppRetention returns the app's own retention bounds, and false when it
// has none.
func (t *tx) AppRetention(appPK int64) (core.Retention, bool, error) {
	var rows []retentionRow
	if err := t.sel(&rows, `SELECT app_pk, max_messages, max_age_ms FROM app_retention WHERE app_pk = ?`, appPK); err != nil {
		return core.Retention{}, false, dbErr("get app retention", err)
	}
	if len(rows) == 0 {
		return core.Retention{}, false, nil
	}
	return rows[0].retention(), true, nil
}

// AppRetentions returns the own retention bounds of every app that has
// them, by app key.
func (t *tx) AppRetentions() (map[int64]core.Retention, error) {
	var rows []retentionRow
	if err := t.sel(&rows, `SELECT app_pk, max_messages, max_age_ms FROM app_retention`); err != nil {
		return nil, dbErr("list app retention", err)
	}
	out := make(map[int64]core.Retention, len(rows))
	for _, r := range rows {
		out[r.AppPK] = r.retention()
	}
	return out, nil
}

// SetAppRetention gives the app its own retention bounds (a max age is
// kept in whole milliseconds).
func (t *tx) SetAppRetention(appPK int64, r core.Retention) error {
	_, err := t.exec(`INSERT INTO app_retention (app_pk, max_messages, max_age_ms) VALUES (?, ?, ?)
		ON CONFLICT (app_pk) DO UPDATE SET max_messages = excluded.max_messages, max_age_ms = excluded.max_age_ms`,
		appPK, r.MaxMessages, r.MaxAge.Milliseconds())
	return dbErr("set app retention", err)
}

// DeleteAppRetention returns the app to the instance's bounds.
func (t *tx) DeleteAppRetention(appPK int64) error {
	_, err := t.exec(`DELETE FROM app_retention WHERE app_pk = ?`, appPK)
	return dbErr("delete app retention", err)
}
