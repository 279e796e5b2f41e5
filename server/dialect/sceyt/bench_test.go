package sceyt_test

import (
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"runtime"
	"runtime/metrics"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/spf13/afero"

	"parley/server/testenv"
)

// patternReader yields n bytes of a pattern that starts with seed, without
// ever holding them: the client streams as the server does.
type patternReader struct {
	n, off int64
	seed   byte
}

func (p *patternReader) Read(b []byte) (int, error) {
	if p.off >= p.n {
		return 0, io.EOF
	}
	b = b[:min(int64(len(b)), p.n-p.off)]
	for i := range b {
		b[i] = byte(p.off+int64(i)) ^ p.seed
	}
	p.off += int64(len(b))
	return len(b), nil
}

// heapSampler records the largest heap (live and not yet collected
// objects) seen while it runs, above the heap when it started.
type heapSampler struct {
	base, peak atomic.Uint64
	stop       chan struct{}
	done       sync.WaitGroup
}

const heapMetric = "/memory/classes/heap/objects:bytes"

func readHeap() uint64 {
	s := []metrics.Sample{{Name: heapMetric}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

func startHeapSampler() *heapSampler {
	runtime.GC()
	h := &heapSampler{stop: make(chan struct{})}
	h.base.Store(readHeap())
	h.done.Add(1)
	go func() {
		defer h.done.Done()
		t := time.NewTicker(200 * time.Microsecond)
		defer t.Stop()
		for {
			if v := readHeap(); v > h.peak.Load() {
				h.peak.Store(v)
			}
			select {
			case <-h.stop:
				return
			case <-t.C:
			}
		}
	}()
	return h
}

// Stop returns the peak heap growth in bytes.
func (h *heapSampler) Stop() uint64 {
	close(h.stop)
	h.done.Wait()
	if p, b := h.peak.Load(), h.base.Load(); p > b {
		return p - b
	}
	return 0
}

// transfer uploads size bytes through POST /v1/demo/files and downloads
// them again, returning both durations.
func transfer(b *testing.B, env *testenv.Env, size int64, seed byte) (up, down time.Duration) {
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	go func() {
		part, err := mw.CreateFormFile("file", "big.bin")
		if err == nil {
			_, err = io.Copy(part, &patternReader{n: size, seed: seed})
		}
		if err == nil {
			err = mw.Close()
		}
		pw.CloseWithError(err)
	}()
	req, _ := http.NewRequest("POST", env.URL+"/v1/demo/files?from=alice", pr)
	req.Header.Set("Authorization", "Bearer demo-secret")
	req.Header.Set("Content-Type", mw.FormDataContentType())
	start := time.Now()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	var out struct {
		URL  string `json:"url"`
		Size int64  `json:"size"`
	}
	err = json.NewDecoder(resp.Body).Decode(&out)
	resp.Body.Close()
	up = time.Since(start)
	if err != nil || resp.StatusCode != http.StatusCreated || out.Size != size {
		b.Fatalf("upload: %d %+v %v", resp.StatusCode, out, err)
	}
	req, _ = http.NewRequest("GET", out.URL, nil)
	req.Header.Set("Authorization", "Bearer demo-secret")
	start = time.Now()
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	n, err := io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	down = time.Since(start)
	if err != nil || n != size {
		b.Fatalf("download: %d bytes, %v", n, err)
	}
	return up, down
}

// BenchmarkFileTransfer uploads and downloads 1 MB and 10 MB files through
// the Sceyt endpoints, on a real disk, reporting MB/s each way and the
// peak heap growth during a transfer. Uploads and downloads stream, so the
// peak must not grow with the file: 10 MB may not take more than a few MB
// over what 1 MB takes.
func BenchmarkFileTransfer(b *testing.B) {
	peaks := map[int]float64{}
	for _, mb := range []int{1, 10} {
		b.Run(fmt.Sprintf("%dMB", mb), func(b *testing.B) {
			env := testenv.New(b, testenv.WithFs(afero.NewBasePathFs(afero.NewOsFs(), b.TempDir())))
			size := int64(mb) << 20
			var up, down time.Duration
			var peak uint64
			i := 0
			for b.Loop() {
				i++
				h := startHeapSampler()
				u, d := transfer(b, env, size, byte(i))
				peak = max(peak, h.Stop())
				up, down = up+u, down+d
			}
			mbs := float64(size) / (1 << 20) * float64(i)
			b.ReportMetric(mbs/up.Seconds(), "upload-MB/s")
			b.ReportMetric(mbs/down.Seconds(), "download-MB/s")
			b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
			peaks[mb] = float64(peak) / (1 << 20)
		})
	}
	if p1, p10 := peaks[1], peaks[10]; p1 > 0 && p10 > p1+4 {
		b.Errorf("peak heap grows with the file: %.1f MB for 1 MB, %.1f MB for 10 MB", p1, p10)
	}
}
