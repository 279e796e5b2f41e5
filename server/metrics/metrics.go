// Package metrics is Parley's Prometheus surface: one registry per
// instance (tests run several in one process), the collectors the server
// and its parts feed, and the /metrics handler.
package metrics

import (
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"parley/server/core"
)

// Sources are read at each scrape. Nil functions leave their metric out.
type Sources struct {
	QueueDepth  func() float64 // writes waiting for or inside the writer
	CacheHits   func() float64 // message cache hits so far
	CacheMisses func() float64 // message cache misses so far
	AuthHits    func() float64 // credential look-ups answered from memory
	AuthMisses  func() float64 // credential look-ups read from the database
	DBBytes     func() float64 // bytes of the database
	BlobBytes   func() float64 // bytes of the stored files
	Subscribers func() float64 // subscriptions to the event hub
}

// Metrics holds one instance's collectors.
type Metrics struct {
	reg      *prometheus.Registry
	requests *prometheus.HistogramVec
	sent     prometheus.Counter
	batches  prometheus.Histogram
	// EventStreams counts the open event streams (SSE, WebSocket, long
	// polls): each transport adds one when a stream opens and subtracts it
	// when it closes.
	EventStreams prometheus.Gauge
}

// New makes the collectors and registers them, with the Go runtime's and
// the process's.
func New(src Sources) *Metrics {
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "parley_http_request_duration_seconds",
			Help:    "HTTP requests by dialect, route pattern and status, with their latency.",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 10},
		}, []string{"dialect", "route", "status"}),
		sent: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "parley_messages_sent_total",
			Help: "Messages committed (every dialect, broadcast copies included).",
		}),
		batches: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "parley_db_commit_batch_writes",
			Help:    "Writes committed together in one group-commit transaction.",
			Buckets: []float64{1, 2, 4, 8, 16, 32, 64, 128, 256},
		}),
		EventStreams: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "parley_event_streams_open",
			Help: "Event streams open now.",
		}),
	}
	m.reg.MustRegister(m.requests, m.sent, m.batches, m.EventStreams,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	gauge := func(name, help string, f func() float64) {
		if f != nil {
			m.reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: name, Help: help}, f))
		}
	}
	counter := func(name, help string, labels prometheus.Labels, f func() float64) {
		if f != nil {
			m.reg.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{Name: name, Help: help, ConstLabels: labels}, f))
		}
	}
	gauge("parley_db_write_queue_depth", "Writes waiting for or inside the database writer.", src.QueueDepth)
	gauge("parley_db_bytes", "Bytes of the database (file and WAL, or pages in memory).", src.DBBytes)
	gauge("parley_blob_bytes", "Bytes of the stored files.", src.BlobBytes)
	gauge("parley_event_subscribers", "Subscriptions to the event hub.", src.Subscribers)
	counter("parley_cache_hits_total", "Look-ups answered from a cache.", prometheus.Labels{"cache": "messages"}, src.CacheHits)
	counter("parley_cache_misses_total", "Look-ups a cache could not answer.", prometheus.Labels{"cache": "messages"}, src.CacheMisses)
	counter("parley_cache_hits_total", "Look-ups answered from a cache.", prometheus.Labels{"cache": "credentials"}, src.AuthHits)
	counter("parley_cache_misses_total", "Look-ups a cache could not answer.", prometheus.Labels{"cache": "credentials"}, src.AuthMisses)
	return m
}

// Handler serves the registry in the Prometheus text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
}

// ObserveRequest records one answered request.
func (m *Metrics) ObserveRequest(dialect, route string, status int, d time.Duration) {
	m.requests.WithLabelValues(dialect, route, strconv.Itoa(status)).Observe(d.Seconds())
}

// ObserveBatch records the size of one group-committed batch.
func (m *Metrics) ObserveBatch(writes int) { m.batches.Observe(float64(writes)) }

// Publisher counts the messages next is told of, then hands every event on.
func (m *Metrics) Publisher(next core.Publisher) core.Publisher {
	return countingPublisher{m: m, next: next}
}

type countingPublisher struct {
	m    *Metrics
	next core.Publisher
}

func (p countingPublisher) Publish(e core.Event) {
	if e.Type == core.EventMessageCreated {
		p.m.sent.Inc()
	}
	p.next.Publish(e)
}
