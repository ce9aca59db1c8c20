package server_test

import (
	"net/http"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/wimse-wg/wimse/interop/server"
	"github.com/wimse-wg/wimse/profiles/httpsig"
	"github.com/wimse-wg/wimse/profiles/httpwpt"
	"github.com/wimse-wg/wimse/wimse"
)

// Issue 9, item 7: one sender used to fill the shared replay cache, and
// every sender then got 503. The server's clock moves; nothing sleeps.
var _ = Describe("Replay-cache fairness: a per-sender quota", Label("replay"), func() {
	var (
		clk *clock
		h   *harness
	)
	BeforeEach(func() {
		clk = &clock{t: epoch}
		h = startPlain(clk, []func(*server.Config){func(c *server.Config) {
			c.ReplayCacheSize, c.ReplaySenderQuota = 8, 2
		}})
	})
	AfterEach(func() { expectHygiene(h) })

	asOther := func(tr *httpwpt.Transport) { tr.WIT = h.signWIT(otherID, keys.issuer, &keys.workload.PublicKey) }

	It("refuses a sender over its quota with 429, alone: another sender still gets through", Label("wpt-02"), func() {
		expectAccepted(h.send(h.signed(w02, "/path")), callerID, w02)
		expectAccepted(h.send(h.signed(w02, "/path")), callerID, w02)
		expectProblem(h.send(h.signed(w02, "/path")), http.StatusTooManyRequests, false, wimse.ReasonReplaySenderQuota)
		expectAccepted(h.send(h.signed(w02, "/path", asOther)), otherID, w02)
	})

	It("still detects a replay from a sender at its quota", Label("wpt-01"), func() {
		req := h.signed(w01, "/path")
		expectAccepted(h.send(req), callerID, w01)
		expectAccepted(h.send(h.signed(w01, "/path")), callerID, w01)
		expectProblem(h.send(req), http.StatusBadRequest, false, wimse.ReasonWPTReplayed)
		expectProblem(h.send(h.signed(w01, "/path")), http.StatusTooManyRequests, false, wimse.ReasonReplaySenderQuota)
	})

	It("serves the sender again once its own entries expire", Label("wpt-02"), func() {
		expectAccepted(h.send(h.signed(w02, "/path")), callerID, w02)
		expectAccepted(h.send(h.signed(w02, "/path")), callerID, w02)
		expectProblem(h.send(h.signed(w02, "/path")), http.StatusTooManyRequests, false, wimse.ReasonReplaySenderQuota)
		// A proof's entry lives until its exp plus the clock skew.
		clk.Advance(httpwpt.DefaultProofLifetime + wimse.DefaultClockSkew + time.Second)
		expectAccepted(h.send(h.signed(w02, "/path")), callerID, w02)
	})

	It("applies the quota to HTTP message signatures too", Label("http-signature-07"), func() {
		signed := func(wit string) *http.Request {
			GinkgoHelper()
			req := h.request(http.MethodGet, "/path", nil)
			signer := &httpsig.Signer{WIT: wit, Key: keys.workload, Alg: "ES256", Now: clk.Now}
			_, err := signer.SignRequest(req, nil, httpsig.RequestOptions{Audience: configuredBase + "/path"})
			Expect(err).NotTo(HaveOccurred())
			return req
		}
		carriage := wimse.RevisionHTTPSig07
		expectAccepted(h.send(signed(h.wit)), callerID, carriage)
		expectAccepted(h.send(signed(h.wit)), callerID, carriage)
		r := h.send(signed(h.wit))
		Expect(r.StatusCode).To(Equal(http.StatusTooManyRequests), string(r.body))
		Expect(r.body).To(ContainSubstring(`"reason":"` + string(wimse.ReasonReplaySenderQuota) + `"`))
		other := h.signWIT(otherID, keys.issuer, &keys.workload.PublicKey)
		expectAccepted(h.send(signed(other)), otherID, carriage)
	})
})
