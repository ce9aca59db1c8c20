package server_test

import (
	"bytes"
	"net/http"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/wimse-wg/wimse/interop/server"
	"github.com/wimse-wg/wimse/profiles/httpwpt"
	"github.com/wimse-wg/wimse/wimse"
)

const (
	w01 = wimse.RevisionWPT01
	w02 = wimse.RevisionWPT02
)

// scenario builds a request that the server must reject, sent with
// carriage rev. It may send earlier requests itself (a replay).
type scenario func(h *harness, rev wimse.Revision) *http.Request

// proofField is the field a revision carries the proof in.
func proofField(rev wimse.Revision) string {
	if rev == w01 {
		return httpwpt.HeaderWPT
	}
	return "Authorization"
}

// Failure scenarios shared by both carriages; the carriage decides only the
// signalling (wpt-02 §2.1: 401 + challenge; wpt-01 §3: 400).
var (
	expiredWIT scenario = func(h *harness, rev wimse.Revision) *http.Request {
		h.clock.Advance(time.Hour + 2*time.Minute) // past exp + 60 s skew
		return h.signed(rev, "/path")
	}
	untrustedWIT scenario = func(h *harness, rev wimse.Revision) *http.Request {
		return h.signed(rev, "/path", func(tr *httpwpt.Transport) {
			tr.WIT = h.signWIT(strangerID, keys.stranger, &keys.workload.PublicKey)
		})
	}
	forgedWIT scenario = func(h *harness, rev wimse.Revision) *http.Request {
		return h.signed(rev, "/path", func(tr *httpwpt.Transport) {
			tr.WIT = h.signWIT(callerID, keys.stranger, &keys.workload.PublicKey)
		})
	}
	missingWIT scenario = func(h *harness, rev wimse.Revision) *http.Request {
		req := h.signed(rev, "/path")
		req.Header.Del(httpwpt.HeaderWIT)
		return req
	}
	swappedWIT scenario = func(h *harness, rev wimse.Revision) *http.Request {
		req := h.signed(rev, "/path")
		req.Header.Set(httpwpt.HeaderWIT, h.signWIT(otherID, keys.issuer, &keys.workload.PublicKey))
		return req
	}
	otherPath scenario = func(h *harness, rev wimse.Revision) *http.Request {
		return h.signed(rev, "/path", func(tr *httpwpt.Transport) {
			tr.Audience = func(*http.Request) string { return h.base + "/other" }
		})
	}
	dialedHost scenario = func(h *harness, rev wimse.Revision) *http.Request {
		// aud from the URL the client dialed (http://127.0.0.1:port/path),
		// not the configured base.
		return h.signed(rev, "/path", func(tr *httpwpt.Transport) { tr.Audience = nil })
	}
	expiredProof scenario = func(h *harness, rev wimse.Revision) *http.Request {
		req := h.signed(rev, "/path")
		h.clock.Advance(3 * time.Minute) // 1 min lifetime + 60 s skew, and more
		return req
	}
	farFutureProof scenario = func(h *harness, rev wimse.Revision) *http.Request {
		return h.signed(rev, "/path", func(tr *httpwpt.Transport) { tr.Lifetime = time.Hour })
	}
	wrongKey scenario = func(h *harness, rev wimse.Revision) *http.Request {
		return h.signed(rev, "/path", func(tr *httpwpt.Transport) { tr.Key = keys.otherWorkload })
	}
	notAJWT scenario = func(h *harness, rev wimse.Revision) *http.Request {
		req := h.signed(rev, "/path")
		if rev == w01 {
			req.Header.Set(httpwpt.HeaderWPT, "not-a-jwt")
		} else {
			req.Header.Set("Authorization", "WPT not-a-jwt")
		}
		return req
	}
	twoProofs scenario = func(h *harness, rev wimse.Revision) *http.Request {
		req := h.signed(rev, "/path")
		second := h.signed(rev, "/path")
		req.Header.Add(proofField(rev), second.Header.Get(proofField(rev)))
		return req
	}
	replayed scenario = func(h *harness, rev wimse.Revision) *http.Request {
		req := h.signed(rev, "/path")
		expectAccepted(h.send(req), callerID, rev)
		return req
	}
	unboundTxnToken scenario = func(h *harness, rev wimse.Revision) *http.Request {
		req := h.signed(rev, "/path")
		req.Header.Set(httpwpt.HeaderTxnToken, "txn-token-added-after-signing")
		return req
	}
	changedTxnToken scenario = func(h *harness, rev wimse.Revision) *http.Request {
		req := h.request(http.MethodGet, "/path", nil)
		req.Header.Set(httpwpt.HeaderTxnToken, "txn-token-as-signed")
		Expect(h.transport(rev).Authenticate(req)).To(Succeed())
		req.Header.Set(httpwpt.HeaderTxnToken, "txn-token-substituted")
		return req
	}
)

// rejections lists the failure classes every carriage must reject.
func rejections() []TableEntry {
	return []TableEntry{
		Entry("an expired WIT", expiredWIT, wimse.ReasonWITExpired, Label("wit")),
		Entry("a WIT from an untrusted trust domain", untrustedWIT, wimse.ReasonWITTrustDomain, Label("wit")),
		Entry("a WIT not signed by the trust domain's issuer key", forgedWIT, wimse.ReasonWITSignature, Label("wit")),
		Entry("no WIT", missingWIT, wimse.ReasonWITMissing, Label("wit")),
		Entry("a WIT other than the one the proof hashes (wth)", swappedWIT, wimse.ReasonWPTWTHMismatch, Label("wit")),
		Entry("a proof for another path", otherPath, wimse.ReasonWPTAudMismatch, Label("audience")),
		Entry("a proof for the address the client dialed", dialedHost, wimse.ReasonWPTAudMismatch, Label("audience")),
		Entry("an expired proof", expiredProof, wimse.ReasonWPTExpired),
		Entry("a proof expiring unreasonably far in the future", farFutureProof, wimse.ReasonWPTExpTooFar),
		Entry("a proof not signed with the WIT's key", wrongKey, wimse.ReasonWPTSignature),
		Entry("a proof that is not a JWT", notAJWT, wimse.ReasonWPTMalformed),
		Entry("two proofs", twoProofs, wimse.ReasonWPTMultiple),
		Entry("a replayed proof", replayed, wimse.ReasonWPTReplayed, Label("replay")),
		Entry("a Txn-Token the proof does not bind (tth)", unboundTxnToken, wimse.ReasonWPTTTHMissing),
		Entry("a Txn-Token other than the one the proof binds (tth)", changedTxnToken, wimse.ReasonWPTTTHMismatch),
	}
}

// expectHygiene checks that nothing the client sent as a credential shows
// up in the server's logs or in a response body (wpt-02 §3.1.5).
func expectHygiene(h *harness) {
	GinkgoHelper()
	if h == nil {
		return
	}
	logs := h.logs.String()
	bodies := h.rt.responseBodies()
	for _, secret := range h.rt.sentSecrets() {
		Expect(logs).NotTo(ContainSubstring(secret), "the server logged a credential")
		for _, b := range bodies {
			Expect(b).NotTo(ContainSubstring(secret), "a response echoed a credential")
		}
	}
}

var _ = Describe("The reference server over plain HTTP on loopback", func() {
	var (
		clk  *clock
		mods []func(*server.Config)
		h    *harness
	)
	BeforeEach(func() {
		clk = &clock{t: epoch}
		mods = nil
		h = nil
	})
	JustBeforeEach(func() { h = startPlain(clk, mods) })
	AfterEach(func() { expectHygiene(h) })

	Describe("the wpt-02 carriage (Authorization: WPT)", Label("wpt-02"), func() {
		It("accepts a valid WIT with a fresh proof and answers 200 with the subject, trust domain and carriage", func() {
			req := h.request(http.MethodPost, "/path", strings.NewReader(`{"do stuff":"please"}`))
			req.Header.Set("Content-Type", "application/json")
			expectAccepted(do(h.client(w02), req), callerID, w02)
		})

		It("accepts consecutive requests, each with a proof of its own", Label("replay"), func() {
			c := h.client(w02)
			for range 3 {
				expectAccepted(do(c, h.request(http.MethodGet, "/path", nil)), callerID, w02)
			}
		})

		It("accepts the scheme in any case and more than one space before the token", func() {
			for _, prefix := range []string{"wpt ", "Wpt ", "WPT   "} {
				req := h.signed(w02, "/path")
				req.Header.Set("Authorization", prefix+strings.TrimPrefix(req.Header.Get("Authorization"), "WPT "))
				expectAccepted(h.send(req), callerID, w02)
			}
		})

		DescribeTable("rejects a request with 401, a WPT challenge and a problem body naming the reason",
			func(s scenario, reason wimse.Reason) {
				expectProblem(h.send(s(h, w02)), http.StatusUnauthorized, true, reason)
			},
			rejections(),
			Entry("a bare WPT scheme", scenario(func(h *harness, _ wimse.Revision) *http.Request {
				req := h.signed(w02, "/path")
				req.Header.Set("Authorization", "WPT")
				return req
			}), wimse.ReasonWPTMalformed),
			Entry("padding in the token", scenario(func(h *harness, _ wimse.Revision) *http.Request {
				req := h.signed(w02, "/path")
				req.Header.Set("Authorization", req.Header.Get("Authorization")+"=")
				return req
			}), wimse.ReasonWPTMalformed),
			Entry("a bearer token beside the proof", scenario(func(h *harness, _ wimse.Revision) *http.Request {
				req := h.signed(w02, "/path")
				req.Header.Add("Authorization", "Bearer some-access-token")
				return req
			}), wimse.ReasonWPTMultiple),
		)
	})

	Describe("the wpt-01 carriage (Workload-Proof-Token)", Label("wpt-01"), func() {
		It("accepts a valid WIT with a fresh proof and answers 200 with the subject, trust domain and carriage", func() {
			req := h.request(http.MethodPost, "/path", strings.NewReader(`{"do stuff":"please"}`))
			req.Header.Set("Content-Type", "application/json")
			expectAccepted(do(h.client(w01), req), callerID, w01)
		})

		It("accepts a bearer token in the same request when the proof binds it with ath", func() {
			req := h.request(http.MethodGet, "/path", nil)
			req.Header.Set("Authorization", "Bearer 16_mAd0GiwaZokU26_0902100")
			expectAccepted(do(h.client(w01), req), callerID, w01)
		})

		DescribeTable("rejects a request with 400, no challenge and a problem body naming the reason",
			func(s scenario, reason wimse.Reason) {
				expectProblem(h.send(s(h, w01)), http.StatusBadRequest, false, reason)
			},
			rejections(),
			Entry("a bearer token the proof does not bind (ath)", scenario(func(h *harness, _ wimse.Revision) *http.Request {
				req := h.signed(w01, "/path")
				req.Header.Set("Authorization", "Bearer 16_mAd0GiwaZokU26_0902100")
				return req
			}), wimse.ReasonWPTATHMissing),
		)
	})

	Describe("a request carrying both carriages", Label("wpt-01", "wpt-02"), func() {
		It("is rejected with 400 request.mixed_carriage and no challenge", func() {
			req := h.signed(w02, "/path")
			req.Header.Set(httpwpt.HeaderWPT, strings.TrimPrefix(req.Header.Get("Authorization"), "WPT "))
			expectProblem(h.send(req), http.StatusBadRequest, false, wimse.ReasonRequestMixedCarriage)
		})
	})

	Describe("a request without a proof", func() {
		It("is answered 401 with a WPT challenge and wpt.missing", Label("wpt-02"), func() {
			req := h.request(http.MethodGet, "/path", nil)
			req.Header.Set(httpwpt.HeaderWIT, h.wit)
			expectProblem(h.send(req), http.StatusUnauthorized, true, wimse.ReasonWPTMissing)
		})

		It("is answered 401 with a WPT challenge when it carries only a bearer token", Label("wpt-02"), func() {
			req := h.request(http.MethodGet, "/path", nil)
			req.Header.Set("Authorization", "Bearer 16_mAd0GiwaZokU26_0902100")
			expectProblem(h.send(req), http.StatusUnauthorized, true, wimse.ReasonWPTMissing)
		})

		Context("when the server accepts only wpt-01", Label("wpt-01"), func() {
			BeforeEach(func() {
				mods = append(mods, func(c *server.Config) { c.Policy.Revisions = []wimse.Revision{w01} })
			})

			It("is answered 400 without a challenge", func() {
				expectProblem(h.send(h.request(http.MethodGet, "/path", nil)), http.StatusBadRequest, false, wimse.ReasonWPTMissing)
			})

			It("still accepts a wpt-01 request", func() {
				expectAccepted(do(h.client(w01), h.request(http.MethodGet, "/path", nil)), callerID, w01)
			})

			It("rejects a wpt-02 request with 400 request.carriage_not_accepted", Label("wpt-02"), func() {
				expectProblem(h.send(h.signed(w02, "/path")), http.StatusBadRequest, false, wimse.ReasonRequestCarriageNotAccepted)
			})
		})
	})

	Describe("WIT failures when the server follows creds-02 §5.2 (WITFailureStatus400)", Label("wit", "wpt-02"), func() {
		BeforeEach(func() {
			mods = append(mods, func(c *server.Config) { c.WITFailureStatus400 = true })
		})

		It("answers an expired WIT on a wpt-02 request with 400 and no challenge", func() {
			expectProblem(h.send(expiredWIT(h, w02)), http.StatusBadRequest, false, wimse.ReasonWITExpired)
		})

		It("answers a WIT from an untrusted trust domain with 400 and no challenge", func() {
			expectProblem(h.send(untrustedWIT(h, w02)), http.StatusBadRequest, false, wimse.ReasonWITTrustDomain)
		})

		It("still answers a proof failure with 401 and a challenge", func() {
			expectProblem(h.send(wrongKey(h, w02)), http.StatusUnauthorized, true, wimse.ReasonWPTSignature)
		})
	})

	Describe("the WIT", Label("wit"), func() {
		It("is rejected once it expires, even after the server has cached it", func() {
			c := h.client(w02)
			expectAccepted(do(c, h.request(http.MethodGet, "/path", nil)), callerID, w02)
			clk.Advance(time.Hour + 2*time.Minute)
			expectProblem(do(c, h.request(http.MethodGet, "/path", nil)), http.StatusUnauthorized, true, wimse.ReasonWITExpired)
		})

		It("is rejected once its issuer key is rotated out of the trust store, even after the server has cached it", func() {
			c := h.client(w02)
			expectAccepted(do(c, h.request(http.MethodGet, "/path", nil)), callerID, w02)
			h.store.Set(callerID.TrustDomain(), wimse.Anchors{
				Keys: []wimse.IssuerKey{{KeyID: "k2", Public: &keys.stranger.PublicKey}},
			})
			expectProblem(do(c, h.request(http.MethodGet, "/path", nil)), http.StatusUnauthorized, true, wimse.ReasonWITKeyUnknown)
		})

		It("from an untrusted trust domain is rejected even when its proof is valid", func() {
			expectProblem(h.send(untrustedWIT(h, w02)), http.StatusUnauthorized, true, wimse.ReasonWITTrustDomain)
		})

		It("is rejected when sent twice", func() {
			req := h.signed(w02, "/path")
			req.Header.Add(httpwpt.HeaderWIT, h.wit)
			expectProblem(h.send(req), http.StatusUnauthorized, true, wimse.ReasonWITMultiple)
		})
	})

	Describe("the audience", Label("audience"), func() {
		It("comes from configuration: a proof for the configured base URL is accepted whatever Host and X-Forwarded-Host say", func() {
			req := h.signed(w02, "/path")
			req.Host = "evil.example"
			req.Header.Set("X-Forwarded-Host", "evil.example")
			expectAccepted(h.send(req), callerID, w02)
		})

		It("rejects a proof minted for the host the request names", func() {
			req := h.signed(w02, "/path", func(tr *httpwpt.Transport) {
				tr.Audience = func(r *http.Request) string { return "https://evil.example" + r.URL.EscapedPath() }
			})
			req.Host = "evil.example"
			req.Header.Set("X-Forwarded-Host", "evil.example")
			expectProblem(h.send(req), http.StatusUnauthorized, true, wimse.ReasonWPTAudMismatch)
		})

		It("rejects a proof for another path of the same server", func() {
			expectProblem(h.send(otherPath(h, w02)), http.StatusUnauthorized, true, wimse.ReasonWPTAudMismatch)
		})

		It("leaves the query out of the target URI", func() {
			expectAccepted(do(h.client(w02), h.request(http.MethodGet, "/path?page=2", nil)), callerID, w02)
		})
	})

	Describe("replay protection", Label("replay"), func() {
		It("rejects the same headers sent twice: the second request is wpt.replayed", Label("wpt-02"), func() {
			req := h.signed(w02, "/path")
			expectAccepted(h.send(req), callerID, w02)
			expectProblem(h.send(req), http.StatusUnauthorized, true, wimse.ReasonWPTReplayed)
		})

		It("rejects a replayed wpt-01 proof with 400", Label("wpt-01"), func() {
			req := h.signed(w01, "/path")
			expectAccepted(h.send(req), callerID, w01)
			expectProblem(h.send(req), http.StatusBadRequest, false, wimse.ReasonWPTReplayed)
		})

		It("shares one replay cache between the carriages", Label("wpt-01", "wpt-02"), func() {
			req := h.signed(w02, "/path")
			expectAccepted(h.send(req), callerID, w02)
			again := h.request(http.MethodGet, "/path", nil)
			again.Header.Set(httpwpt.HeaderWIT, h.wit)
			again.Header.Set(httpwpt.HeaderWPT, strings.TrimPrefix(req.Header.Get("Authorization"), "WPT "))
			expectProblem(h.send(again), http.StatusBadRequest, false, wimse.ReasonWPTReplayed)
		})

		It("rejects a proof replayed after its lifetime as expired", Label("wpt-02"), func() {
			req := h.signed(w02, "/path")
			expectAccepted(h.send(req), callerID, w02)
			clk.Advance(3 * time.Minute)
			expectProblem(h.send(req), http.StatusUnauthorized, true, wimse.ReasonWPTExpired)
		})

		It("scopes jti to the sender: another workload may use the same jti", Label("wpt-02"), func() {
			zeros := func(tr *httpwpt.Transport) { tr.Rand = bytes.NewReader(make([]byte, 16)) }
			expectAccepted(h.send(h.signed(w02, "/path", zeros)), callerID, w02)
			other := h.signed(w02, "/path", zeros, func(tr *httpwpt.Transport) {
				tr.WIT = h.signWIT(otherID, keys.issuer, &keys.workload.PublicKey)
			})
			expectAccepted(h.send(other), otherID, w02)
			expectProblem(h.send(h.signed(w02, "/path", zeros)), http.StatusUnauthorized, true, wimse.ReasonWPTReplayed)
		})
	})

	Describe("context tokens", func() {
		It("accepts a Txn-Token bound to the proof with tth", Label("wpt-02"), func() {
			req := h.request(http.MethodGet, "/path", nil)
			req.Header.Set(httpwpt.HeaderTxnToken, "txn-token-of-the-end-user")
			expectAccepted(do(h.client(w02), req), callerID, w02)
		})

		It("accepts a Txn-Token bound with tth on a wpt-01 request", Label("wpt-01"), func() {
			req := h.request(http.MethodGet, "/path", nil)
			req.Header.Set(httpwpt.HeaderTxnToken, "txn-token-of-the-end-user")
			expectAccepted(do(h.client(w01), req), callerID, w01)
		})

		It("rejects two Txn-Token fields with 400 request.context_token_multiple", func() {
			req := h.request(http.MethodGet, "/path", nil)
			req.Header.Set(httpwpt.HeaderTxnToken, "txn-token-of-the-end-user")
			Expect(h.transport(w02).Authenticate(req)).To(Succeed())
			req.Header.Add(httpwpt.HeaderTxnToken, "txn-token-of-the-end-user")
			expectProblem(h.send(req), http.StatusBadRequest, false, wimse.ReasonRequestContextTokenMultiple)
		})

		Context("with X-Custom-Token configured as a context-token field", func() {
			BeforeEach(func() {
				mods = append(mods, func(c *server.Config) { c.ContextTokenFields = []string{"X-Custom-Token"} })
			})

			It("accepts it when the proof binds it with oth", func() {
				req := h.request(http.MethodGet, "/path", nil)
				req.Header.Set("X-Custom-Token", "some-example-other-token")
				c := h.client(w02, func(tr *httpwpt.Transport) { tr.ContextTokenFields = []string{"X-Custom-Token"} })
				expectAccepted(do(c, req), callerID, w02)
			})

			It("rejects it when oth does not cover it", func() {
				req := h.request(http.MethodGet, "/path", nil)
				req.Header.Set("X-Custom-Token", "some-example-other-token")
				expectProblem(do(h.client(w02), req), http.StatusUnauthorized, true, wimse.ReasonWPTOTHMissing)
			})
		})
	})

	Describe("logging", func() {
		It("never writes the WIT, the WPT or the Authorization value, on success or on failure", Label("wpt-01", "wpt-02"), func() {
			bearer := h.request(http.MethodGet, "/path", nil)
			bearer.Header.Set("Authorization", "Bearer 16_mAd0GiwaZokU26_0902100")
			expectAccepted(do(h.client(w01), bearer), callerID, w01)
			expectAccepted(do(h.client(w02), h.request(http.MethodGet, "/path", nil)), callerID, w02)
			expectProblem(h.send(notAJWT(h, w02)), http.StatusUnauthorized, true, wimse.ReasonWPTMalformed)
			expectProblem(h.send(wrongKey(h, w01)), http.StatusBadRequest, false, wimse.ReasonWPTSignature)
			expectProblem(h.send(untrustedWIT(h, w02)), http.StatusUnauthorized, true, wimse.ReasonWITTrustDomain)
			expectProblem(h.send(otherPath(h, w02)), http.StatusUnauthorized, true, wimse.ReasonWPTAudMismatch)
			mixed := h.signed(w02, "/path")
			mixed.Header.Set(httpwpt.HeaderWPT, strings.TrimPrefix(mixed.Header.Get("Authorization"), "WPT "))
			expectProblem(h.send(mixed), http.StatusBadRequest, false, wimse.ReasonRequestMixedCarriage)
			expectProblem(h.send(replayed(h, w02)), http.StatusUnauthorized, true, wimse.ReasonWPTReplayed)

			logs := h.logs.String()
			// The log is not empty: it names each outcome by reason.
			for _, want := range []string{"request authenticated", "request rejected", "wpt.malformed",
				"wpt.signature", "wit.trust_domain", "wpt.aud_mismatch", "request.mixed_carriage", "wpt.replayed"} {
				Expect(logs).To(ContainSubstring(want))
			}
			Expect(h.rt.sentSecrets()).NotTo(BeEmpty())
			expectHygiene(h)
		})
	})

	Describe("GET /healthz", func() {
		It("answers 200 without credentials", func() {
			r := h.send(h.request(http.MethodGet, "/healthz", nil))
			Expect(r.StatusCode).To(Equal(http.StatusOK))
			Expect(string(r.body)).To(Equal("ok\n"))
		})

		It("is the only path served without credentials", func() {
			expectProblem(h.send(h.request(http.MethodGet, "/healthz/x", nil)), http.StatusUnauthorized, true, wimse.ReasonWPTMissing)
			expectProblem(h.send(h.request(http.MethodPost, "/healthz", nil)), http.StatusUnauthorized, true, wimse.ReasonWPTMissing)
		})
	})
})

var _ = Describe("The reference server over TLS on loopback", func() {
	var h *harness
	BeforeEach(func() { h = startTLS(&clock{t: epoch}, nil) })
	AfterEach(func() { expectHygiene(h) })

	It("accepts a wpt-02 request from a client that trusts its certificate and uses the target URI as aud", Label("wpt-02"), func() {
		req := h.request(http.MethodPost, "/path", strings.NewReader(`{"do stuff":"please"}`))
		expectAccepted(do(h.client(w02), req), callerID, w02)
	})

	It("accepts a wpt-01 request the same way", Label("wpt-01"), func() {
		expectAccepted(do(h.client(w01), h.request(http.MethodGet, "/path", nil)), callerID, w01)
	})

	It("rejects a replayed proof over a new connection", Label("wpt-02", "replay"), func() {
		req := h.signed(w02, "/path")
		expectAccepted(h.send(req), callerID, w02)
		h.srv.CloseClientConnections()
		expectProblem(h.send(req), http.StatusUnauthorized, true, wimse.ReasonWPTReplayed)
	})

	It("accepts a request for the bare origin, whose target URI has the path /", Label("wpt-02", "audience"), func() {
		expectAccepted(do(h.client(w02), h.request(http.MethodGet, "", nil)), callerID, w02)
	})
})
