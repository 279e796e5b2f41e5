package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"
)

// Fanout is the fanout scenario's figures: WebSocket subscribers of GET
// /events, all in one conversation, while one user sends at a steady rate.
type Fanout struct {
	Subscribers    int     `json:"subscribers"`
	Messages       int     `json:"messages"`
	RatePerSec     float64 `json:"ratePerSec"`
	Receipts       int     `json:"receipts"` // (message, subscriber) pairs received
	Missing        int     `json:"missing"`
	Closed         int     `json:"closed"` // streams the server ended early (slow consumers)
	P50MS          float64 `json:"p50Ms"`
	P90MS          float64 `json:"p90Ms"`
	P99MS          float64 `json:"p99Ms"`
	MaxMS          float64 `json:"maxMs"`
	SendP50MS      float64 `json:"sendP50Ms"` // the POST alone
	ConnectSeconds float64 `json:"connectSeconds"`
	RSSBeforeMB    float64 `json:"rssBeforeMB"` // idle server, no stream
	RSSIdleMB      float64 `json:"rssIdleMB"`   // with every stream open, idle
	KBPerConn      float64 `json:"kbPerConn"`   // (RSSIdle - RSSBefore) / subscribers
	RSSPeakMB      float64 `json:"rssPeakMB"`   // while sending
	ServerCPU      float64 `json:"serverCpu"`   // cores, while sending
	ClientCPU      float64 `json:"clientCpu"`
	OtherCPU       float64 `json:"otherCpu"` // the rest of the machine, while sending
}

// fanoutConv is the one conversation of the fanout scenario.
const fanoutConv = "room"

// fanout starts an instance whose one conversation has every subscriber as
// a member, opens a WebSocket stream per subscriber, measures the server's
// memory idle, then sends cfg.FanoutRate messages a second for
// cfg.Duration and measures, for every message and subscriber, the time
// from before the send's request to the event's arrival.
func (b *bench) fanout(ctx context.Context) (*Fanout, error) {
	n := b.cfg.FanoutSubscribers
	dir := filepath.Join(b.tmp, "fanout")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	doc := fixtureDoc{Apps: []fixtureApp{{ID: appID, Name: "Bench", PublicKey: publicKey, SecretKey: secretKey}}}
	app := &doc.Apps[0]
	conv := fixtureConv{ID: fanoutConv, Kind: "group", Title: "Everyone", Owner: userID(0)}
	for i := range n { // user 0, a subscriber too, sends
		app.Users = append(app.Users, fixtureUser{ID: userID(i), Username: userID(i), DisplayName: fmt.Sprintf("User %d", i), Token: userToken(i)})
		conv.Members = append(conv.Members, fixtureMember{User: userID(i)})
	}
	app.Conversations = []fixtureConv{conv}
	data, _ := json.Marshal(doc)
	fixtures := filepath.Join(dir, "fixtures.json")
	if err := os.WriteFile(fixtures, data, 0o644); err != nil {
		return nil, err
	}
	inst, err := start(ctx, b.bin, dir, "serve", "--ephemeral", "--addr", "127.0.0.1:0", "--admin-token", adminToken,
		"--log-level", "warn", "--fixtures", fixtures)
	if err != nil {
		return nil, err
	}
	defer inst.stop()
	fo := &Fanout{Subscribers: n, RatePerSec: b.cfg.FanoutRate}
	time.Sleep(500 * time.Millisecond) // let start-up garbage settle
	fo.RSSBeforeMB = float64(statusKB(inst.pid, "VmRSS")) / 1024

	messages := int(b.cfg.FanoutRate * b.cfg.Duration.Seconds())
	sentAt := make([]atomic.Int64, messages) // unix nanos before each send began
	var received, closed atomic.Int64
	lat := make([][]time.Duration, n)
	conns := make([]*websocket.Conn, n)
	streamCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	var readers sync.WaitGroup
	defer readers.Wait()
	t0 := time.Now()
	sem := make(chan struct{}, 32) // connections opened at once
	var dialErr atomic.Value
	var dialing sync.WaitGroup
	ws := "ws" + strings.TrimPrefix(inst.base, "http") + "/events?access_token="
	for i := range n {
		sem <- struct{}{}
		dialing.Go(func() {
			defer func() { <-sem }()
			dctx, dcancel := context.WithTimeout(ctx, 30*time.Second)
			defer dcancel()
			c, _, err := websocket.Dial(dctx, ws+userToken(i), nil)
			if err != nil {
				dialErr.Store(err)
				return
			}
			conns[i] = c
		})
	}
	dialing.Wait()
	if err, _ := dialErr.Load().(error); err != nil {
		for _, c := range conns {
			if c != nil {
				c.CloseNow()
			}
		}
		return nil, fmt.Errorf("fanout: open a stream: %w", err)
	}
	fo.ConnectSeconds = time.Since(t0).Seconds()
	for i, c := range conns {
		readers.Go(func() {
			defer c.CloseNow()
			for {
				_, data, err := c.Read(streamCtx)
				now := time.Now()
				if err != nil {
					if websocket.CloseStatus(err) != -1 {
						closed.Add(1)
					}
					return
				}
				var ev struct {
					Type string
					Data struct{ Message struct{ ID string } }
				}
				if json.Unmarshal(data, &ev) != nil || ev.Type != "message.created" {
					continue
				}
				k, err := strconv.Atoi(strings.TrimPrefix(ev.Data.Message.ID, "f"))
				if err != nil || k < 0 || k >= messages {
					continue
				}
				lat[i] = append(lat[i], now.Sub(time.Unix(0, sentAt[k].Load())))
				received.Add(1)
			}
		})
	}
	time.Sleep(time.Second) // idle streams: what do they cost?
	fo.RSSIdleMB = float64(statusKB(inst.pid, "VmRSS")) / 1024
	fo.KBPerConn = (fo.RSSIdleMB - fo.RSSBeforeMB) * 1024 / float64(n)
	progress("fanout: %d streams open in %.1fs; server RSS %.0f MB before, %.0f MB with them idle (%.1f KB each)",
		n, fo.ConnectSeconds, fo.RSSBeforeMB, fo.RSSIdleMB, fo.KBPerConn)

	hc, _ := newHTTPClient(1)
	auth := "Bearer " + base64.StdEncoding.EncodeToString([]byte(userToken(0)))
	smp := sample(inst.pid)
	cpu0, self0, all0 := cpuTime(inst.pid), selfCPU(), busyCPU()
	began := time.Now()
	var sendLat []time.Duration
	tick := time.NewTicker(time.Duration(float64(time.Second) / b.cfg.FanoutRate))
	for k := range messages {
		<-tick.C
		body := fmt.Sprintf(`{"id": "f%06d", "conversationId": %q, "body": "fan-out %d"}`, k, fanoutConv, k)
		req, _ := http.NewRequestWithContext(ctx, "POST", inst.base+"/v2/messages/send", bytes.NewReader([]byte(body)))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Public-Key", publicKey)
		req.Header.Set("Authorization", auth)
		start := time.Now()
		sentAt[k].Store(start.UnixNano())
		resp, err := hc.Do(req)
		if err != nil {
			tick.Stop()
			return nil, fmt.Errorf("fanout: send: %w", err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusCreated {
			tick.Stop()
			return nil, fmt.Errorf("fanout: send answered %s", resp.Status)
		}
		sendLat = append(sendLat, time.Since(start))
	}
	tick.Stop()
	want := int64(messages * n)
	for deadline := time.Now().Add(10 * time.Second); received.Load() < want && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond)
	}
	wall := time.Since(began).Seconds()
	fo.ServerCPU = (cpuTime(inst.pid) - cpu0).Seconds() / wall
	fo.ClientCPU = (selfCPU() - self0).Seconds() / wall
	fo.OtherCPU = max(0, (busyCPU()-all0).Seconds()/wall-fo.ServerCPU-fo.ClientCPU)
	fo.RSSPeakMB = float64(smp.stop()) / 1024
	cancel()
	readers.Wait()

	var all []time.Duration
	for _, l := range lat {
		all = append(all, l...)
	}
	slices.Sort(all)
	slices.Sort(sendLat)
	fo.Messages, fo.Receipts, fo.Missing, fo.Closed = messages, len(all), int(want)-len(all), int(closed.Load())
	if len(all) > 0 {
		fo.P50MS, fo.P90MS, fo.P99MS, fo.MaxMS = ms(pct(all, 50)), ms(pct(all, 90)), ms(pct(all, 99)), ms(all[len(all)-1])
	}
	if len(sendLat) > 0 {
		fo.SendP50MS = ms(pct(sendLat, 50))
	}
	return fo, nil
}

func pct(sorted []time.Duration, p int) time.Duration { return sorted[(len(sorted)-1)*p/100] }
