package db

import (
	"database/sql"
	"strings"

	"parley/server/core"
)

// webhookRow is a row of webhooks.
type webhookRow struct {
	PK        int64          `db:"pk"`
	AppPK     int64          `db:"app_pk"`
	ID        string         `db:"id"`
	URL       string         `db:"url"`
	Types     sql.NullString `db:"types"`
	Secret    string         `db:"secret"`
	CreatedAt int64          `db:"created_at"`
}

const webhookColumns = `pk, app_pk, id, url, types, secret, created_at`

func (r *webhookRow) webhook() *core.Webhook {
	w := &core.Webhook{PK: r.PK, AppPK: r.AppPK, ID: r.ID, URL: r.URL, Secret: r.Secret, CreatedAt: fromMS(r.CreatedAt)}
	if r.Types.Valid && r.Types.String != "" {
		w.Types = strings.Split(r.Types.String, ",")
	}
	return w
}

func webhooks(rows []webhookRow) []*core.Webhook {
	out := make([]*core.Webhook, len(rows))
	for i := range rows {
		out[i] = rows[i].webhook()
	}
	return out
}

// InsertWebhook stores a new webhook and sets its PK (and its ID, when
// empty, to the PK in decimal).
func (t *tx) InsertWebhook(w *core.Webhook) error {
	return t.insertWithID("insert webhook", &w.PK, &w.ID, `
		INSERT INTO webhooks (pk, app_pk, id, url, types, secret, created_at)
		SELECT n, ?, `+idSQL+`, ?, ?, ?, ? FROM `+nextPK("webhooks")+`
		RETURNING pk, id`,
		func(attempt int) []any {
			return append(append([]any{w.AppPK}, idArgs(w.ID, attempt)...),
				w.URL, optText(strings.Join(w.Types, ",")), w.Secret, ms(w.CreatedAt))
		})
}

// WebhookByID returns the app's webhook with the given id.
func (t *tx) WebhookByID(appPK int64, id string) (*core.Webhook, error) {
	var r webhookRow
	if err := t.one("get webhook", "webhook not found", &r,
		`SELECT `+webhookColumns+` FROM webhooks WHERE app_pk = ? AND id = ?`, appPK, id); err != nil {
		return nil, err
	}
	return r.webhook(), nil
}

// ListWebhooks returns the app's webhooks, oldest first.
func (t *tx) ListWebhooks(appPK int64) ([]*core.Webhook, error) {
	var rows []webhookRow
	if err := t.sel(&rows, `SELECT `+webhookColumns+` FROM webhooks WHERE app_pk = ? ORDER BY pk`, appPK); err != nil {
		return nil, dbErr("list webhooks", err)
	}
	return webhooks(rows), nil
}

// AllWebhooks returns every app's webhooks (a small table, read once per
// change to it).
func (t *tx) AllWebhooks() ([]*core.Webhook, error) {
	var rows []webhookRow
	if err := t.sel(&rows, `SELECT `+webhookColumns+` FROM webhooks ORDER BY pk`); err != nil {
		return nil, dbErr("all webhooks", err)
	}
	return webhooks(rows), nil
}

// DeleteWebhook removes the app's webhook.
func (t *tx) DeleteWebhook(appPK int64, id string) error {
	return t.change("delete webhook", "webhook not found", `DELETE FROM webhooks WHERE app_pk = ? AND id = ?`, appPK, id)
}
