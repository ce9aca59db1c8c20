package sts_test

// BenchmarkLoopbackThroughput serves an Init deployment over real loopback
// TCP with the TLS configuration sts.Init writes (HTTPS, HTTP/1.1 with
// keep-alive, client certificates asked for, none sent), the audit log
// durable, and fires b.N exchanges (those of BenchmarkExchange, signed
// before the timer starts) from N concurrent clients, each with its own
// connection, opened before the timer starts. It reports requests per
// second and the p50 and p99 latency of one exchange as the client sees
// it. The clients run in the same process on the same cores as the
// server: cpu-ns/op (Linux) is the CPU time of both sides per request.
//
// Give a fixed number of requests with -benchtime:
//
//	go test -run '^$' -bench 'LoopbackThroughput' -benchtime 1000x -count 5 ./interop/sts/
//
// Sub-benchmarks: audit=sqlite (the default of sts.Init: three durable
// transactions per exchange) and audit=file (audit.log, one fsync per
// exchange), each with clients=1, 4 and 16.

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wimse-wg/wimse/interop/sts"
	"github.com/wimse-wg/wimse/profiles/exchange"
)

func BenchmarkLoopbackThroughput(b *testing.B) {
	for _, a := range benchAudits {
		if a.tmpfs {
			continue // durable audit logs only
		}
		for _, n := range []int{1, 4, 16} {
			b.Run(fmt.Sprintf("audit=%s/clients=%d", a.name, n), func(b *testing.B) {
				benchThroughput(b, a, n)
			})
		}
	}
}

func benchThroughput(b *testing.B, a benchAudit, clients int) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	s := newBenchSTS(b, benchDir(b, a), ln.Addr().String(), a)
	ts := httptest.NewUnstartedServer(s.srv)
	ts.Listener.Close()
	ts.Listener = ln
	ts.TLS = s.srv.TLSConfig()
	ts.StartTLS()
	b.Cleanup(ts.Close) // runs before the server's Close (cleanups are LIFO)
	pem, err := os.ReadFile(s.d.CA)
	if err != nil {
		b.Fatal(err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		b.Fatal("no CA certificate in " + s.d.CA)
	}
	if !strings.HasPrefix(s.tokenURL, "https://"+ln.Addr().String()+"/") {
		b.Fatalf("token endpoint %s is not the listener %s", s.tokenURL, ln.Addr())
	}

	// One client per goroutine, each with one connection, handshaken
	// before the timer starts.
	hcs := make([]*http.Client, clients)
	for i := range hcs {
		tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}, MaxIdleConnsPerHost: 1, MaxConnsPerHost: 1}
		b.Cleanup(tr.CloseIdleConnections)
		hcs[i] = &http.Client{Transport: tr, Timeout: time.Minute}
		resp, err := hcs[i].Get(strings.TrimSuffix(s.tokenURL, sts.TokenPath) + sts.JWKSPath)
		if err != nil {
			b.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	calls := s.calls(b, b.N)

	var next atomic.Int64
	var failed atomic.Pointer[error]
	lat := make([][]time.Duration, clients)
	var wg sync.WaitGroup
	b.ResetTimer()
	cpu := startCPU()
	start := time.Now()
	for i, hc := range hcs {
		wg.Go(func() {
			for {
				j := int(next.Add(1)) - 1
				if j >= len(calls) || failed.Load() != nil {
					return
				}
				t0 := time.Now()
				err := benchPost(hc, s.tokenURL, calls[j])
				lat[i] = append(lat[i], time.Since(t0))
				if err != nil {
					failed.CompareAndSwap(nil, &err)
					return
				}
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	cpu.report(b)
	if err := failed.Load(); err != nil {
		b.Fatal(*err)
	}
	all := slices.Concat(lat...)
	slices.Sort(all)
	ms := func(q float64) float64 {
		return float64(all[min(len(all)-1, int(q*float64(len(all))))]) / float64(time.Millisecond)
	}
	b.ReportMetric(float64(len(all))/elapsed.Seconds(), "req/s")
	b.ReportMetric(ms(0.50), "p50-ms")
	b.ReportMetric(ms(0.99), "p99-ms")
}

// benchPost sends one token request over hc and checks it succeeded.
func benchPost(hc *http.Client, tokenURL string, c benchCall) error {
	r, err := http.NewRequest(http.MethodPost, tokenURL, strings.NewReader(c.body))
	if err != nil {
		return err
	}
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r.Header.Set(exchange.HeaderWPT, c.proof)
	resp, err := hc.Do(r)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), `"access_token"`) {
		return fmt.Errorf("token endpoint: %d %s", resp.StatusCode, body)
	}
	return nil
}
