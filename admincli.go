package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"
)

// clientFlags are the flags of the commands that call a running server.
type clientFlags struct {
	addr, token string
}

func (c *clientFlags) define(fs *flag.FlagSet, withToken bool) {
	fs.StringVar(&c.addr, "addr", "127.0.0.1:8080", "the server's listen address (0.0.0.0 reaches it on 127.0.0.1)")
	if withToken {
		fs.StringVar(&c.token, "admin-token", "", "an admin token of the server")
	}
}

// call sends an admin API request and decodes a 2xx answer into out.
func (c *clientFlags) call(ctx context.Context, method, path string, out any) error {
	if c.token == "" {
		return usagef("an admin token is needed (--admin-token or PARLEY_ADMIN_TOKEN)")
	}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, clientURL(c.addr)+path, nil)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return err
	}
	if resp.StatusCode/100 != 2 {
		var e struct {
			Error struct{ Message string } `json:"error"`
		}
		if json.Unmarshal(body, &e) == nil && e.Error.Message != "" {
			return fmt.Errorf("%s %s: %d: %s", method, path, resp.StatusCode, e.Error.Message)
		}
		return fmt.Errorf("%s %s: %s", method, path, resp.Status)
	}
	if out == nil || len(body) == 0 {
		return nil
	}
	return json.Unmarshal(body, out)
}

func runHealthcheck(ctx context.Context, env *cliEnv, args []string) error {
	fs := newFlagSet("healthcheck")
	var c clientFlags
	c.define(fs, false)
	_, pos, err := parse(fs, env, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("unexpected arguments: %v", pos)
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, "GET", clientURL(c.addr)+"/readyz", nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("not ready: %s", resp.Status)
	}
	return nil
}

func runApps(ctx context.Context, env *cliEnv, args []string) error {
	fs := newFlagSet("apps")
	var c clientFlags
	c.define(fs, true)
	_, pos, err := parse(fs, env, args)
	if err != nil {
		return err
	}
	if len(pos) != 2 || pos[0] != "rotate-secret" {
		return usagef("use: apps rotate-secret APP")
	}
	var app struct {
		ID        string `json:"id"`
		PublicKey string `json:"publicKey"`
		SecretKey string `json:"secretKey"`
	}
	if err := c.call(ctx, "POST", "/admin/v1/apps/"+url.PathEscape(pos[1])+"/rotate-secret", &app); err != nil {
		return err
	}
	fmt.Fprintf(env.stdout, "app %s\n  public key: %s\n  secret key: %s\n", app.ID, app.PublicKey, app.SecretKey)
	return nil
}

func runTokens(ctx context.Context, env *cliEnv, args []string) error {
	fs := newFlagSet("tokens")
	var c clientFlags
	c.define(fs, true)
	_, pos, err := parse(fs, env, args)
	if err != nil {
		return err
	}
	sub := ""
	if len(pos) > 0 {
		sub, pos = pos[0], pos[1:]
	}
	type token struct {
		ID        string `json:"id"`
		Origin    string `json:"origin"`
		Token     string `json:"token"`
		CreatedAt string `json:"createdAt"`
	}
	switch {
	case sub == "list" && len(pos) == 0:
		var tokens []token
		if err := c.call(ctx, "GET", "/admin/v1/tokens", &tokens); err != nil {
			return err
		}
		for _, t := range tokens {
			fmt.Fprintf(env.stdout, "%s  %-5s  %s\n", t.ID, t.Origin, t.CreatedAt)
		}
	case sub == "create" && len(pos) == 0:
		var t token
		if err := c.call(ctx, "POST", "/admin/v1/tokens", &t); err != nil {
			return err
		}
		fmt.Fprintf(env.stdout, "admin token %s: %s\n", t.ID, t.Token)
	case sub == "revoke" && len(pos) == 1:
		if err := c.call(ctx, "DELETE", "/admin/v1/tokens/"+url.PathEscape(pos[0]), nil); err != nil {
			return err
		}
		fmt.Fprintf(env.stdout, "revoked admin token %s\n", pos[0])
	default:
		return usagef("use: tokens list | tokens create | tokens revoke ID")
	}
	return nil
}
