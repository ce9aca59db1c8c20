package server_test

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"runtime"
	"sync"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/wimse-wg/wimse/interop/server"
	"github.com/wimse-wg/wimse/profiles/httpsig"
)

// Short limits, so that every spec ends in well under a second or two.
var testLimits = server.Limits{
	ReadHeaderTimeout: 300 * time.Millisecond,
	ReadTimeout:       400 * time.Millisecond,
	WriteTimeout:      400 * time.Millisecond,
	IdleTimeout:       200 * time.Millisecond,
	MaxConns:          64,
}

// closedWithin is how long a spec waits for the server to close a
// connection it must close: the limits above plus scheduling slack on a
// busy machine.
const closedWithin = 3 * time.Second

// limitedServer runs the reference server (httpsig and wpt profiles) on a
// loopback listener with testLimits, the way `wimse serve` runs it.
type limitedServer struct {
	*harness
	addr string
}

func startLimited() *limitedServer {
	h := newHarness(&clock{t: epoch})
	h.base = configuredBase
	handler, err := server.New(h.config(nil))
	Expect(err).NotTo(HaveOccurred())
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	Expect(err).NotTo(HaveOccurred())
	srv := testLimits.Server(handler, nil)
	go func() { _ = srv.Serve(testLimits.Listener(ln)) }()
	DeferCleanup(srv.Close)
	return &limitedServer{harness: h, addr: ln.Addr().String()}
}

// signedHead is the request line and header of a POST /path signed with
// wit's key over body, announcing contentLength bytes (-1: the body's).
func (s *limitedServer) signedHead(wit string, body []byte, contentLength int) []byte {
	GinkgoHelper()
	req, err := http.NewRequest(http.MethodPost, "http://"+s.addr+"/path", bytes.NewReader(body))
	Expect(err).NotTo(HaveOccurred())
	req.Header.Set("Content-Type", "application/octet-stream")
	signer := &httpsig.Signer{WIT: wit, Key: keys.workload, Alg: "ES256", Now: s.clock.Now}
	_, err = signer.SignRequest(req, body, httpsig.RequestOptions{Audience: configuredBase + "/path"})
	Expect(err).NotTo(HaveOccurred())
	if contentLength < 0 {
		contentLength = len(body)
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "POST /path HTTP/1.1\r\nHost: %s\r\nContent-Length: %d\r\n", s.addr, contentLength)
	for k, vs := range req.Header {
		for _, v := range vs {
			fmt.Fprintf(&b, "%s: %s\r\n", k, v)
		}
	}
	b.WriteString("\r\n")
	return b.Bytes()
}

func (s *limitedServer) dial() net.Conn {
	GinkgoHelper()
	c, err := net.Dial("tcp", s.addr)
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(c.Close)
	return c
}

// untrustedWIT is a WIT of a trust domain the server does not trust.
func (s *limitedServer) untrustedWIT() string {
	return s.signWIT(strangerID, keys.stranger, &keys.workload.PublicKey)
}

// awaitClose reads c until the server closes it (EOF or reset) and returns
// any response read on the way and how long it took to come; it fails if
// the connection is still open after closedWithin.
func awaitClose(c net.Conn) (*http.Response, time.Duration) {
	GinkgoHelper()
	start := time.Now()
	Expect(c.SetReadDeadline(start.Add(closedWithin))).To(Succeed())
	br := bufio.NewReader(c)
	var resp *http.Response
	var took time.Duration
	if r, err := http.ReadResponse(br, nil); err == nil {
		took = time.Since(start)
		_, _ = io.Copy(io.Discard, r.Body)
		r.Body.Close()
		resp = r
	}
	_, err := io.Copy(io.Discard, br)
	var ne net.Error
	Expect(errors.As(err, &ne) && ne.Timeout()).To(BeFalse(), "the server kept the connection open for %s", closedWithin)
	return resp, took
}

var _ = Describe("Resource limits of the reference server", Label("limits"), func() {
	var s *limitedServer
	BeforeEach(func() { s = startLimited() })

	It("answers untrusted credentials without waiting for the 10 MiB body they announce", func() {
		c := s.dial()
		_, err := c.Write(s.signedHead(s.untrustedWIT(), nil, 10<<20))
		Expect(err).NotTo(HaveOccurred())
		resp, took := awaitClose(c)
		Expect(resp).NotTo(BeNil(), "no answer before the connection closed")
		Expect(resp.StatusCode).To(Equal(http.StatusBadRequest))
		Expect(took).To(BeNumerically("<", testLimits.ReadTimeout), "the answer waited for the body")
	})

	It("cuts off a verified request whose body stalls", func() {
		body := bytes.Repeat([]byte("x"), 1000)
		c := s.dial()
		_, err := c.Write(append(s.signedHead(s.wit, body, -1), body[:10]...))
		Expect(err).NotTo(HaveOccurred())
		awaitClose(c)
	})

	It("cuts off a verified request whose body trickles in, however steadily", func() {
		body := bytes.Repeat([]byte("x"), 1000)
		c := s.dial()
		_, err := c.Write(s.signedHead(s.wit, body, -1))
		Expect(err).NotTo(HaveOccurred())
		stop := make(chan struct{})
		defer close(stop)
		go func() {
			for i := 0; i < len(body); i++ {
				select {
				case <-stop:
					return
				case <-time.After(50 * time.Millisecond):
				}
				if _, err := c.Write(body[i : i+1]); err != nil {
					return
				}
			}
		}()
		awaitClose(c)
	})

	It("closes an idle keep-alive connection", func() {
		c := s.dial()
		_, err := io.WriteString(c, "GET /healthz HTTP/1.1\r\nHost: "+s.addr+"\r\n\r\n")
		Expect(err).NotTo(HaveOccurred())
		br := bufio.NewReader(c)
		resp, err := http.ReadResponse(br, nil)
		Expect(err).NotTo(HaveOccurred())
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		Expect(resp.StatusCode).To(Equal(http.StatusOK))
		Expect(resp.Close).To(BeFalse(), "the server did not keep the connection alive")
		Expect(c.SetReadDeadline(time.Now().Add(closedWithin))).To(Succeed())
		_, err = io.Copy(io.Discard, br)
		var ne net.Error
		Expect(errors.As(err, &ne) && ne.Timeout()).To(BeFalse(), "the idle connection was still open after %s", closedWithin)
	})

	It("keeps memory flat under 50 connections each sending all but the last byte of a 10 MiB body", Serial, func() {
		const conns, announced = 50, 10 << 20
		head := s.signedHead(s.untrustedWIT(), nil, announced)
		chunk := make([]byte, 64<<10)
		heapInuse := func() uint64 {
			var m runtime.MemStats
			runtime.ReadMemStats(&m)
			return m.HeapInuse
		}
		runtime.GC()
		before := heapInuse()
		var peak uint64
		done := make(chan struct{})
		sampled := make(chan struct{})
		go func() {
			defer close(sampled)
			for {
				if h := heapInuse(); h > peak {
					peak = h
				}
				select {
				case <-done:
					return
				case <-time.After(5 * time.Millisecond):
				}
			}
		}()
		var wg sync.WaitGroup
		sent := make([]int, conns)
		for i := 0; i < conns; i++ {
			c := s.dial()
			wg.Add(1)
			go func() {
				defer wg.Done()
				_ = c.SetWriteDeadline(time.Now().Add(closedWithin))
				if _, err := c.Write(head); err != nil {
					return
				}
				for sent[i] < announced-1 {
					n := min(len(chunk), announced-1-sent[i])
					w, err := c.Write(chunk[:n])
					sent[i] += w
					if err != nil {
						return // the server answered and closed: the intended outcome
					}
				}
			}()
		}
		wg.Wait()
		close(done)
		<-sampled
		total := 0
		for _, n := range sent {
			total += n
		}
		growth := int64(peak) - int64(before)
		AddReportEntry("heap", fmt.Sprintf("HeapInuse before %.1f MiB, peak %.1f MiB (growth %.1f MiB) while %d connections pushed %.1f MiB of announced 10 MiB bodies",
			mib(before), mib(peak), float64(growth)/(1<<20), conns, float64(total)/(1<<20)))
		GinkgoWriter.Printf("HeapInuse before %.1f MiB, peak %.1f MiB, growth %.1f MiB; clients sent %.1f MiB in all\n",
			mib(before), mib(peak), float64(growth)/(1<<20), float64(total)/(1<<20))
		Expect(growth).To(BeNumerically("<", 32<<20), "the server buffered the bodies")
	})
})

func mib(n uint64) float64 { return float64(n) / (1 << 20) }
