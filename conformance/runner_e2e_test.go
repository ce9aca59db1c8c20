package conformance_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/wimse-wg/wimse/conformance"
	"github.com/wimse-wg/wimse/interop/server"
	"github.com/wimse-wg/wimse/vectors"
	"github.com/wimse-wg/wimse/wimse"
)

const (
	draft01 = "wpt-01"
	draft02 = "wpt-02"

	pass        = conformance.StatusPass
	fail        = conformance.StatusFail
	warn        = conformance.StatusWarn
	xfail       = conformance.StatusXFail
	xpass       = conformance.StatusXPass
	unsupported = conformance.StatusUnsupported
	errored     = conformance.StatusError
	blocked     = conformance.StatusBlocked
)

// set is the embedded vector set, loaded once and handed to every run.
var set *vectors.Set

var _ = BeforeSuite(func() {
	var err error
	set, err = vectors.Load(vectors.FS)
	Expect(err).NotTo(HaveOccurred())
})

var _ = Describe("The conformance runner", func() {
	Describe("against the in-process reference server", Label("runner"), func() {
		DescribeTable("passes every vector it plays, and declares unsupported exactly those that need a policy the default profile cannot state",
			func(ctx SpecContext, draft string) {
				target := startReference(nil) + "/path"
				start := time.Now()
				rep := run(ctx, config(target, draft))
				elapsed := time.Since(start)

				Expect(elapsed).To(BeNumerically("<", 5*time.Second), "the whole run")
				Expect(ids(resultsWith(rep, unsupported))).To(ConsistOf(ids(requestVectors(draft, needsPolicyVariant))))
				Expect(ids(requestVectors(draft, needsPolicyVariant))).To(ContainElements(
					"wit-typ-legacy-s2s06", "wit-iss-allowed", "wit-iss-not-allowed", "wit-iss-absent-allowlist"))
				Expect(mismatches(rep, draft, func(v *vectors.Vector) conformance.Status {
					if needsPolicyVariant(v) {
						return unsupported
					}
					return pass
				})).To(BeEmpty())
				Expect(rep.Summary.Total).To(Equal(len(requestVectors(draft, nil))), "every request vector of the draft is played")
				Expect(rep.Conformant).To(BeTrue())
				Expect(rep.Target.URL).To(Equal(target))
				Expect(rep.Vectors.Digest).To(Equal(set.Digest))
			},
			Entry("wpt-02", SpecTimeout(10*time.Second), draft02),
			Entry("wpt-01", SpecTimeout(10*time.Second), draft01),
		)

		It("stops promptly, even when a client holds a connection it never used", func() {
			r, err := server.StartLoopback(func(base string) (server.Config, error) {
				return server.SuiteConfig(vectors.DefaultSeed, base)
			}, nil)
			Expect(err).NotTo(HaveOccurred())
			// What http.Transport leaves behind when a connection it dialed
			// for a request was not needed after all: about one run of 25
			// vectors in six, with the runner's default client.
			c, err := net.Dial("tcp", strings.TrimPrefix(r.URL, "http://"))
			Expect(err).NotTo(HaveOccurred())
			DeferCleanup(c.Close)
			closed := make(chan error, 1)
			go func() { closed <- r.Close() }()
			select {
			case err := <-closed:
				Expect(err).NotTo(HaveOccurred())
			case <-time.After(500 * time.Millisecond):
				Fail("Running.Close has not returned after 500 ms: http.Server.Shutdown waits for a connection that never sent " +
					"a request (net/http counts a new connection active for 5 s), and gives up after 2 s with context deadline exceeded")
			}
		})
	})

	Describe("against deliberately broken peers", Label("scoring"), func() {
		It("fails every negative vector of a peer that accepts everything (a SHOULD only warns), and the run is not conformant",
			func(ctx SpecContext) {
				rep := run(ctx, config(peer(acceptAll)+"/path", draft02))
				Expect(mismatches(rep, draft02, func(v *vectors.Vector) conformance.Status {
					switch {
					case needsPolicyVariant(v):
						return unsupported
					case v.Result == vectors.ResultInvalid && isShould(v):
						return warn
					case v.Result == vectors.ResultInvalid:
						return fail
					}
					return pass // valid, or acceptable either way
				})).To(BeEmpty())
				for _, r := range resultsWith(rep, fail) {
					Expect(r.Message).To(HavePrefix("expected the target to reject"), r.ID)
					Expect(r.Observed.Status).To(Equal(http.StatusOK), r.ID)
				}
				Expect(len(resultsWith(rep, fail))).To(BeNumerically(">", 100))
				Expect(rep.Conformant).To(BeFalse())
			})

		It("fails every valid vector of a peer that rejects everything with 401 and a WPT challenge, and passes none: every rejection is blocked behind its failing source", func(ctx SpecContext) {
			rep := run(ctx, config(peer(rejectAll)+"/path", draft02))
			Expect(mismatches(rep, draft02, func(v *vectors.Vector) conformance.Status {
				switch {
				case needsPolicyVariant(v):
					return unsupported
				case v.Result == vectors.ResultValid:
					return fail
				case sends(v) > 1:
					return fail // its first, valid send was rejected: the stateful check could not run
				}
				Expect(v.Mutation).NotTo(BeNil(), "%s: every negative or acceptable vector names its valid source", v.ID)
				return blocked // a rejection proves nothing while its source is rejected too
			})).To(BeEmpty())
			Expect(resultsWith(rep, pass)).To(BeEmpty(), "a server that answers 401 to everything passes nothing")
			Expect(rep.Blockers).NotTo(BeEmpty())
			Expect(rep.Blockers[0].Status).To(Equal(fail))
			for _, r := range resultsWith(rep, blocked) {
				Expect(r.Source).To(Equal(vector(r.ID).Mutation.From), r.ID)
				Expect(r.Message).To(ContainSubstring("its valid source "+r.Source+" was not accepted (fail, status 401)"), r.ID)
			}
			for _, r := range resultsWith(rep, fail) {
				v := vector(r.ID)
				if sends(v) > 1 {
					Expect(r.Message).To(ContainSubstring("the stateful check could not run"), r.ID)
				} else {
					Expect(r.Message).To(HavePrefix("expected the target to accept"), r.ID)
				}
			}
			Expect(rep.Conformant).To(BeFalse())
		})

		It("only warns for a peer that rejects correctly but always with 400 and no challenge (wpt-02 wants 401 + WPT)", func(ctx SpecContext) {
			rep := run(ctx, config(peer(badSignalling)+"/path", draft02))
			Expect(mismatches(rep, draft02, func(v *vectors.Vector) conformance.Status {
				switch {
				case needsPolicyVariant(v):
					return unsupported
				case v.Expect.Verdict == "accept", signalled(v, draft02, http.StatusBadRequest, ""):
					return pass
				case v.Result == vectors.ResultAcceptable && result(rep, v.ID).Observed.Status == http.StatusOK:
					// Acceptable either way: some canonicalization vectors
					// change nothing on a loopback IP target (an upper-case
					// IP), so the reference server accepts them.
					return pass
				}
				return warn
			})).To(BeEmpty())
			Expect(resultsWith(rep, fail)).To(BeEmpty())
			Expect(len(resultsWith(rep, warn))).To(BeNumerically(">", 100))
			for _, r := range resultsWith(rep, warn) {
				Expect(r.Message).To(HavePrefix("right verdict, but status 400 instead of 401"), r.ID)
			}
			Expect(rep.Conformant).To(BeTrue(), "right verdicts with wrong signalling are warnings, not failures")
		})

		It("scores a peer that never answers as error, never fail, within a bounded time", Label("timeout"), func(ctx SpecContext) {
			stop := make(chan struct{})
			target := peer(func(string) http.Handler {
				return http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
					// Read the request, so that net/http notices the
					// runner giving up and cancels the request context.
					_, _ = io.Copy(io.Discard, r.Body)
					select {
					case <-r.Context().Done():
					case <-stop:
					}
				})
			}) + "/path"
			DeferCleanup(func() { close(stop) }) // runs before the server's Close
			cfg := config(target, draft02)
			cfg.LabelFilter = "encoding || wth"
			cfg.Timeout = 200 * time.Millisecond
			cfg.Parallel = 16
			cfg.KeepGoing = true // see the next spec for the default

			start := time.Now()
			rep := run(ctx, cfg)
			elapsed := time.Since(start)

			Expect(rep.Summary.Total).To(BeNumerically("~", 20, 5))
			for _, r := range rep.Results {
				Expect(r.Status).To(Equal(errored), r.ID)
				Expect(r.Message).To(HavePrefix("timeout:"), r.ID)
				Expect(r.Observed.Status).To(BeZero(), r.ID)
			}
			Expect(elapsed).To(BeNumerically("<", 2*time.Second), "20 vectors, 16 at a time, 200 ms each")
			Expect(rep.Conformant).To(BeFalse())
		}, SpecTimeout(10*time.Second))

		It("scores a closed port as error with KeepGoing", func(ctx SpecContext) {
			cfg := config("http://"+closedPort()+"/path", draft02)
			cfg.LabelFilter = "baseline"
			cfg.KeepGoing = true
			rep := run(ctx, cfg)
			Expect(len(rep.Results)).To(BeNumerically(">", conformance.UnreachableAfter))
			for _, r := range rep.Results {
				Expect(r.Status).To(Equal(errored), r.ID)
				Expect(r.Message).To(HavePrefix("transport:"), r.ID)
			}
			Expect(rep.Conformant).To(BeFalse())
		})

		It("stops with ErrUnreachable after the first transport errors of a run, reporting only those", func(ctx SpecContext) {
			cfg := config("http://"+closedPort()+"/path", draft02)
			cfg.Parallel = 1
			rep, err := conformance.Run(ctx, cfg)
			Expect(err).To(MatchError(conformance.ErrUnreachable))
			Expect(rep.Results).To(HaveLen(conformance.UnreachableAfter))
			for _, r := range rep.Results {
				Expect(r.Status).To(Equal(errored), r.ID)
			}
			Expect(rep.Conformant).To(BeFalse())
		})

		It("fails a valid vector on which the target closes the connection, and only warns for a negative one", func(ctx SpecContext) {
			target := peer(func(string) http.Handler {
				return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
					c, _, err := http.NewResponseController(w).Hijack()
					if err == nil {
						_ = c.Close()
					}
				})
			}) + "/path"
			cfg := config(target, draft02)
			cfg.IDs = []string{"wit-typ-jwt"}
			rep := run(ctx, cfg)
			Expect(statuses(rep)).To(Equal(map[string]conformance.Status{"wit-valid-es256": fail, "wit-typ-jwt": blocked}))
			Expect(result(rep, "wit-valid-es256").Message).To(Equal("the target closed the connection on a valid request instead of answering it"))
			Expect(result(rep, "wit-valid-es256").Observed.Closed).To(BeTrue())
		})
	})

	Describe("expected failures", Label("scoring", "expected-failures"), func() {
		var target string
		BeforeEach(func() { target = peer(acceptAll) + "/path" })

		It("turns a listed failure into xfail, and the run stays conformant if nothing else fails", func(ctx SpecContext) {
			cfg := config(target, draft02)
			cfg.IDs = []string{"wit-typ-jwt", "wpt-valid-es256"}
			cfg.ExpectedFailures = map[string]string{"wit-typ-jwt": "typ not checked yet (issue 7)"}
			rep := run(ctx, cfg)
			Expect(statuses(rep)).To(Equal(map[string]conformance.Status{"wit-typ-jwt": xfail, "wpt-valid-es256": pass, "wit-valid-es256": pass}),
				"the source of wit-typ-jwt is played too")
			Expect(result(rep, "wit-typ-jwt").ExpectedFailure).To(Equal("typ not checked yet (issue 7)"))
			Expect(rep.Conformant).To(BeTrue())
			Expect(rep.SummaryLine()).To(Equal("3 passed, 0 failed, 0 skipped"))
		})

		It("turns a listed vector that passes into xpass, which breaks conformance", func(ctx SpecContext) {
			cfg := config(target, draft02)
			cfg.IDs = []string{"wpt-valid-es256"}
			cfg.ExpectedFailures = map[string]string{"wpt-valid-es256": "was broken once"}
			rep := run(ctx, cfg)
			Expect(statuses(rep)).To(Equal(map[string]conformance.Status{"wpt-valid-es256": xpass}))
			Expect(result(rep, "wpt-valid-es256").Message).To(ContainSubstring("remove it from the expected-failures file"))
			Expect(rep.Conformant).To(BeFalse())
			Expect(rep.SummaryLine()).To(Equal("0 passed, 1 failed, 0 skipped"))
		})

		It("adds an xpass telling to remove an entry whose vector was not played", func(ctx SpecContext) {
			cfg := config(target, draft02)
			cfg.IDs = []string{"wpt-valid-es256"}
			cfg.ExpectedFailures = map[string]string{
				"no-such-vector": "retired long ago",
				"wit-typ-jwt":    "exists, but not selected",
				"wpt01-valid":    "exists, but not in this draft",
			}
			rep := run(ctx, cfg)
			Expect(statuses(rep)).To(Equal(map[string]conformance.Status{
				"wpt-valid-es256": pass, "no-such-vector": xpass, "wit-typ-jwt": xpass, "wpt01-valid": xpass,
			}))
			for _, id := range []string{"no-such-vector", "wit-typ-jwt", "wpt01-valid"} {
				Expect(result(rep, id).Message).To(ContainSubstring("remove the entry"), id)
			}
			Expect(rep.Conformant).To(BeFalse())
		})

		It("never turns an infrastructure error into an xfail", func(ctx SpecContext) {
			cfg := config("http://"+closedPort()+"/path", draft02)
			cfg.IDs = []string{"wit-typ-jwt"}
			cfg.ExpectedFailures = map[string]string{"wit-typ-jwt": "typ not checked yet"}
			rep := run(ctx, cfg)
			Expect(statuses(rep)).To(Equal(map[string]conformance.Status{"wit-typ-jwt": errored, "wit-valid-es256": errored}))
			Expect(rep.Conformant).To(BeFalse())
		})
	})

	Describe("strict mode", Label("scoring", "strict"), func() {
		It("warns for a peer that accepts replays, and fails it with Strict", func(ctx SpecContext) {
			cfg := config(peer(forgetful)+"/path", draft02)
			cfg.LabelFilter = "replay"
			rep := run(ctx, cfg)
			Expect(statuses(rep)).To(Equal(map[string]conformance.Status{"wpt-replay": warn, "wpt-valid-es256": pass}))
			Expect(result(rep, "wpt-replay").Message).To(ContainSubstring("a SHOULD: a failure with --strict"))
			Expect(rep.Conformant).To(BeTrue())
			Expect(rep.Target.Strict).To(BeFalse())

			cfg.Strict = true
			rep = run(ctx, cfg)
			Expect(statuses(rep)).To(Equal(map[string]conformance.Status{"wpt-replay": fail, "wpt-valid-es256": pass}))
			Expect(rep.Conformant).To(BeFalse())
			Expect(rep.Target.Strict).To(BeTrue())
		})

		DescribeTable("scores every SHOULD-level negative vector against a peer that accepts everything",
			func(ctx SpecContext, strict bool, want conformance.Status) {
				should := requestVectors(draft02, func(v *vectors.Vector) bool {
					return v.Result == vectors.ResultInvalid && isShould(v)
				})
				Expect(ids(should)).To(ContainElements("wpt-replay", "wpt-exp-far-future"))
				cfg := config(peer(acceptAll)+"/path", draft02)
				cfg.IDs, cfg.Strict = ids(should), strict
				rep := run(ctx, cfg)
				sources := map[string]bool{}
				for _, v := range should {
					sources[v.Mutation.From] = true
				}
				Expect(rep.Summary.Total).To(Equal(len(should)+len(sources)), "the sources are played too")
				Expect(rep.Summary.Counts[want]).To(Equal(len(should)), "%v", statuses(rep))
				Expect(rep.Summary.Counts[pass]).To(Equal(len(sources)), "%v", statuses(rep))
			},
			Entry("as warn without Strict", false, warn),
			Entry("as fail with Strict", true, fail),
		)

		It("leaves a signalling warning a warning under Strict", func(ctx SpecContext) {
			cfg := config(peer(badSignalling)+"/path", draft02)
			cfg.IDs, cfg.Strict = []string{"wit-typ-jwt", "wpt-exp-far-future"}, true
			rep := run(ctx, cfg)
			Expect(statuses(rep)).To(Equal(map[string]conformance.Status{"wit-typ-jwt": warn, "wpt-exp-far-future": warn,
				"wit-valid-es256": pass, "wpt-valid-es256": pass}))
		})
	})

	Describe("selection", Label("selection"), func() {
		// selected builds a runner (which contacts nobody) and returns the
		// IDs it selected.
		selected := func(draft string, mod func(*conformance.Config)) []string {
			GinkgoHelper()
			cfg := config("http://127.0.0.1:9/path", draft)
			mod(&cfg)
			r, err := conformance.NewRunner(cfg)
			Expect(err).NotTo(HaveOccurred())
			return ids(r.Selected())
		}
		text := func(v *vectors.Vector) string { return v.ID + " " + v.Comment }

		It("plays every request vector of the draft by default, and only those", func() {
			for _, draft := range []string{draft01, draft02} {
				got := selected(draft, func(*conformance.Config) {})
				Expect(got).To(Equal(ids(requestVectors(draft, nil))), draft)
				Expect(got).To(ContainElement("wpt-valid-es256"))
			}
			Expect(selected(draft02, func(*conformance.Config) {})).NotTo(ContainElement(HavePrefix("wpt01-")))
			Expect(selected(draft01, func(*conformance.Config) {})).NotTo(ContainElement(HavePrefix("wpt02-")))
		})

		It("narrows to IDs, in file order, leaving out IDs of the other draft", func() {
			Expect(selected(draft02, func(c *conformance.Config) {
				c.IDs = []string{"wpt-valid-es256", "wpt01-valid", "wit-typ-jwt", "no-such-vector"}
			})).To(Equal([]string{"wit-typ-jwt", "wpt-valid-es256"}))
		})

		It("narrows with Focus, matched against the ID and the comment", func() {
			focus := regexp.MustCompile(`valid`)
			want := ids(requestVectors(draft02, func(v *vectors.Vector) bool { return focus.MatchString(text(v)) }))
			Expect(selected(draft02, func(c *conformance.Config) { c.Focus = focus })).To(Equal(want))
			Expect(want).To(ContainElements("wpt-valid-es256", "wit-valid-es256"))

			byComment := regexp.MustCompile(`Txn-Token`)
			got := selected(draft02, func(c *conformance.Config) { c.Focus = byComment })
			Expect(got).NotTo(BeEmpty())
			for _, id := range got {
				Expect(vector(id).Comment).To(MatchRegexp(`Txn-Token`), id)
			}
		})

		It("leaves out Skip matches, also together with Focus", func() {
			all := requestVectors(draft02, nil)
			got := selected(draft02, func(c *conformance.Config) { c.Skip = regexp.MustCompile(`^wit-`) })
			Expect(got).NotTo(ContainElement(HavePrefix("wit-")))
			Expect(got).To(HaveLen(len(all) - len(requestVectors(draft02, func(v *vectors.Vector) bool { return strings.HasPrefix(v.ID, "wit-") }))))

			got = selected(draft02, func(c *conformance.Config) {
				c.Focus, c.Skip = regexp.MustCompile(`^wpt-valid-`), regexp.MustCompile(`-es\d+ `)
			})
			Expect(got).To(ConsistOf("wpt-valid-eddsa", "wpt-valid-ed25519", "wpt-valid-rs256", "wpt-valid-ps256"))
		})

		It("narrows with a Ginkgo label filter", func() {
			Expect(selected(draft02, func(c *conformance.Config) { c.LabelFilter = "replay" })).To(Equal([]string{"wpt-replay"}))
			Expect(selected(draft02, func(c *conformance.Config) { c.LabelFilter = "carriage && !wpt-02" })).To(Equal(
				ids(requestVectors(draft02, func(v *vectors.Vector) bool {
					return slices.Contains(v.Labels, "carriage") && !slices.Contains(v.Labels, "wpt-02")
				}))))
			Expect(selected(draft02, func(c *conformance.Config) { c.LabelFilter = "typ || tth" })).To(Equal(
				ids(requestVectors(draft02, func(v *vectors.Vector) bool {
					return slices.Contains(v.Labels, "typ") || slices.Contains(v.Labels, "tth")
				}))))
		})

		DescribeTable("returns ErrNoVectors for an empty selection, and sends nothing",
			func(ctx SpecContext, mod func(*conformance.Config)) {
				var requests atomic.Int64
				target := peer(func(string) http.Handler {
					return http.HandlerFunc(func(http.ResponseWriter, *http.Request) { requests.Add(1) })
				}) + "/path"
				cfg := config(target, draft02)
				mod(&cfg)
				rep, err := conformance.Run(ctx, cfg)
				Expect(err).To(MatchError(conformance.ErrNoVectors))
				Expect(rep.Results).To(BeEmpty())
				Expect(requests.Load()).To(BeZero())
			},
			Entry("label filter", func(c *conformance.Config) { c.LabelFilter = "no-such-label" }),
			Entry("unknown ID", func(c *conformance.Config) { c.IDs = []string{"no-such-vector"} }),
			Entry("ID of the other draft", func(c *conformance.Config) { c.IDs = []string{"wpt01-valid"} }),
			Entry("focus", func(c *conformance.Config) { c.Focus = regexp.MustCompile(`^matches nothing$`) }),
			Entry("skip everything", func(c *conformance.Config) { c.Skip = regexp.MustCompile(``) }),
		)

		DescribeTable("rejects an invalid configuration before playing anything",
			func(mod func(*conformance.Config)) {
				cfg := config("http://127.0.0.1:9/path", draft02)
				mod(&cfg)
				_, err := conformance.NewRunner(cfg)
				Expect(err).To(HaveOccurred())
				Expect(err).NotTo(MatchError(conformance.ErrNoVectors))
			},
			Entry("no target", func(c *conformance.Config) { c.Target = "" }),
			Entry("not http(s)", func(c *conformance.Config) { c.Target = "ftp://127.0.0.1/path" }),
			Entry("relative target", func(c *conformance.Config) { c.Target = "/path" }),
			Entry("unknown draft", func(c *conformance.Config) { c.Draft = "wpt-03" }),
			Entry("bad label filter", func(c *conformance.Config) { c.LabelFilter = "((typ" }),
		)
	})

	Describe("target profiles", Label("profiles"), func() {
		const (
			acmeTD      = "acme.test"
			acmeSubject = "spiffe://acme.test/ns/a/sa/b"
		)
		// acme is the reference server trusting the suite's issuer keys for
		// acme.test instead of example.org; it records the subjects it
		// authenticated.
		acme := func(subjects *sync.Map) func(base string) http.Handler {
			return func(base string) http.Handler {
				c, err := server.SuiteConfig(vectors.DefaultSeed, base)
				Expect(err).NotTo(HaveOccurred())
				c.Trust = trustStore(acmeTD)
				h, err := server.New(c)
				Expect(err).NotTo(HaveOccurred())
				return recordSubjects(h, subjects)
			}
		}
		acmeProfile := func() *conformance.Profile {
			d := conformance.DefaultProfile()
			return &conformance.Profile{TrustDomain: acmeTD, Subject: acmeSubject, IssuerAlgorithms: d.IssuerAlgorithms, ProofAlgorithms: d.ProofAlgorithms}
		}

		It("reports a valid vector that needs an algorithm the profile does not declare as unsupported, naming the field", func(ctx SpecContext) {
			cfg := config(startReference(nil)+"/path", draft02)
			cfg.Profile = &conformance.Profile{}
			cfg.IDs = []string{"wit-valid-issuer-es384", "wpt-valid-es256"}
			rep := run(ctx, cfg)
			Expect(statuses(rep)).To(Equal(map[string]conformance.Status{"wit-valid-issuer-es384": unsupported, "wpt-valid-es256": pass}))
			Expect(result(rep, "wit-valid-issuer-es384").Message).To(ContainSubstring("profile issuerAlgorithms; only ES256 is mandatory"))
		})

		It("passes the baseline valid vectors minted for the profile's trust domain and subject", func(ctx SpecContext) {
			var subjects sync.Map
			cfg := config(peer(acme(&subjects))+"/path", draft02)
			cfg.Profile = acmeProfile()
			cfg.Focus = regexp.MustCompile(`valid`)
			rep := run(ctx, cfg)
			baseline := 0
			for _, r := range rep.Results {
				if v := vector(r.ID); v.Result == vectors.ResultValid && slices.Contains(v.Flags, "Baseline") && !needsPolicyVariant(v) &&
					!slices.Contains(v.Labels, "oth") && !needsSecondTrustDomain(v) {
					baseline++
					Expect(r.Status).To(Equal(pass), "%s: %s", r.ID, r.Message)
				}
			}
			Expect(baseline).To(BeNumerically(">=", 10))
			_, ok := subjects.Load(acmeSubject)
			Expect(ok).To(BeTrue(), "the peer authenticated %s", acmeSubject)
			_, ok = subjects.Load(vectors.Subject)
			Expect(ok).To(BeFalse(), "the peer never saw the vectors' default subject")
		})

		It("fails those vectors against a peer that trusts only example.org, so the profile is what made them pass", func(ctx SpecContext) {
			cfg := config(startReference(nil)+"/path", draft02)
			cfg.Profile = acmeProfile()
			cfg.IDs = []string{"wit-valid-es256", "wpt-valid-es256"}
			rep := run(ctx, cfg)
			Expect(statuses(rep)).To(Equal(map[string]conformance.Status{"wit-valid-es256": fail, "wpt-valid-es256": fail}))
		})

		It("reports the labels the profile declares unsupported as unsupported, and plays the rest", func(ctx SpecContext) {
			cfg := config(startReference(nil)+"/path", draft02)
			cfg.Profile.Unsupported = []string{"oth"}
			cfg.LabelFilter = "oth || baseline"
			rep := run(ctx, cfg)
			oth := ids(requestVectors(draft02, func(v *vectors.Vector) bool { return slices.Contains(v.Labels, "oth") }))
			Expect(oth).NotTo(BeEmpty())
			Expect(ids(resultsWith(rep, unsupported))).To(ConsistOf(oth))
			for _, r := range resultsWith(rep, unsupported) {
				Expect(r.Message).To(ContainSubstring(`label "oth" unsupported`), r.ID)
				Expect(r.Request).To(BeNil(), "%s was not sent", r.ID)
			}
			Expect(len(resultsWith(rep, pass))).To(Equal(rep.Summary.Total - len(oth)))
			Expect(rep.Conformant).To(BeTrue())
			Expect(rep.SummaryLine()).To(HaveSuffix(fmt.Sprintf(", 0 failed, %d skipped", len(oth))))
		})

		DescribeTable("plays a vector that needs a receiver policy when the profile declares that policy",
			func(ctx SpecContext, draft string, id string, declare func(*conformance.Profile), configure func(*server.Config)) {
				base := startReference(configure)
				cfg := config(base+"/path", draft)
				cfg.IDs = []string{id}
				rep := run(ctx, cfg)
				Expect(statuses(rep)).To(Equal(map[string]conformance.Status{id: unsupported}), "undeclared: its source is not played either")

				declare(cfg.Profile)
				rep = run(ctx, cfg)
				Expect(result(rep, id).Status).To(Equal(pass), "%+v", rep.Results)
				if v := vector(id); v.Mutation != nil && !slices.Contains(v.Policy.Revisions, draft) {
					Expect(rep.Results).To(HaveLen(1), "a refusal of the carriage played is judged without its source")
				} else if v.Mutation != nil {
					Expect(rep.Results).To(HaveLen(2), "the vector and its source")
					Expect(result(rep, v.Mutation.From).Status).To(Equal(pass))
				}
				Expect(rep.Conformant).To(BeTrue())
			},
			Entry("legacy typ", draft02, "wit-typ-legacy-s2s06",
				func(p *conformance.Profile) { p.LegacyTyp = true },
				func(c *server.Config) {
					c.Policy.Revisions = []wimse.Revision{wimse.RevisionWPT01, wimse.RevisionWPT02, wimse.RevisionS2S06}
				}),
			Entry("iss allow-list", draft02, "wit-iss-not-allowed",
				func(p *conformance.Profile) { p.Issuers = []string{"https://issuer.example.org"} },
				func(c *server.Config) {
					td := wimse.MustParseTrustDomain(vectors.TrustDomain)
					a, _ := c.Trust.Anchors(td)
					a.Issuers = []string{"https://issuer.example.org"}
					c.Trust.Set(td, a)
				}),
			Entry("the wpt-02 carriage only", draft01, "wpt01-carriage-not-accepted",
				func(p *conformance.Profile) { p.Revisions = []string{draft02} },
				func(c *server.Config) { c.Policy.Revisions = []wimse.Revision{wimse.RevisionWPT02} }),
		)

		It("plays the vectors of keys crossing trust domains only against a declared second trust domain, and fails a peer that gives every trust domain every key", func(ctx SpecContext) {
			crossing := []string{"wit-second-trust-domain", "wit-trust-domain-foreign-key", "wit-trust-domain-foreign-key-no-kid", "wit-trust-domain-second-key"}
			cfg := config(startReference(nil)+"/path", draft02)
			cfg.IDs = crossing
			cfg.Profile.SecondTrustDomain = ""
			rep := run(ctx, cfg)
			for _, id := range crossing {
				Expect(result(rep, id).Status).To(Equal(unsupported), id)
				Expect(result(rep, id).Message).To(ContainSubstring("profile secondTrustDomain"), id)
			}

			cfg.Profile.SecondTrustDomain = vectors.OtherTrustDomain
			rep = run(ctx, cfg)
			Expect(statuses(rep)).To(HaveLen(len(crossing) + 1)) // and the source wit-valid-es256
			for _, r := range rep.Results {
				Expect(r.Status).To(Equal(pass), "%s: %s", r.ID, r.Message)
			}

			keys, err := vectors.DeriveKeys(vectors.DefaultSeed)
			Expect(err).NotTo(HaveOccurred())
			// A deployment's own name for the second trust domain: the
			// profile maps other.example onto it, which is not trusted.
			partner := wimse.MustParseTrustDomain("partner.test")
			cfg.Target = startReference(func(c *server.Config) {
				c.Trust = wimse.NewTrustStore()
				c.Trust.Set(wimse.MustParseTrustDomain(vectors.TrustDomain), wimse.Anchors{Keys: keys.IssuerKeysOf(vectors.TrustDomain)})
				c.Trust.Set(partner, wimse.Anchors{Keys: keys.IssuerKeysOf(vectors.OtherTrustDomain)})
			}) + "/path"
			rep = run(ctx, cfg)
			Expect(result(rep, "wit-second-trust-domain").Status).To(Equal(fail), "other.example is not trusted there")
			cfg.Profile.SecondTrustDomain = partner.String()
			rep = run(ctx, cfg)
			for _, r := range rep.Results {
				Expect(r.Status).To(Equal(pass), "%s: %s", r.ID, r.Message)
			}
			Expect(rep.Conformant).To(BeTrue())
			cfg.Profile.SecondTrustDomain = vectors.OtherTrustDomain

			pooled := append(keys.IssuerKeysOf(vectors.TrustDomain), keys.IssuerKeysOf(vectors.OtherTrustDomain)...)
			cfg.Target = startReference(func(c *server.Config) {
				for _, td := range []string{vectors.TrustDomain, vectors.OtherTrustDomain} {
					c.Trust.Set(wimse.MustParseTrustDomain(td), wimse.Anchors{Keys: pooled})
				}
			}) + "/path"
			rep = run(ctx, cfg)
			Expect(result(rep, "wit-trust-domain-foreign-key").Status).To(Equal(fail))
			Expect(result(rep, "wit-trust-domain-second-key").Status).To(Equal(fail))
			Expect(rep.Conformant).To(BeFalse())
		})

		It("is not conformant when nothing selected is inside the claimed profile", func(ctx SpecContext) {
			var requests atomic.Int64
			target := peer(func(string) http.Handler {
				return http.HandlerFunc(func(http.ResponseWriter, *http.Request) { requests.Add(1) })
			}) + "/path"
			cfg := config(target, draft02)
			cfg.Profile.Unsupported = []string{"replay"}
			cfg.LabelFilter = "replay"
			rep := run(ctx, cfg)
			Expect(statuses(rep)).To(Equal(map[string]conformance.Status{"wpt-replay": unsupported}))
			Expect(rep.Conformant).To(BeFalse())
			Expect(requests.Load()).To(BeZero())
		})
	})

	Describe("reports", Label("reports"), func() {
		It("never print the values of Headers, though every request carried them", func(ctx SpecContext) {
			const secret = "secret-value-123"
			var carried, missing atomic.Int64
			target := peer(func(base string) http.Handler {
				ref := reference(base)
				return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					if r.Header.Get("X-Api-Key") == secret {
						carried.Add(1)
					} else {
						missing.Add(1)
					}
					ref.ServeHTTP(w, r)
				})
			}) + "/path"
			cfg := config(target, draft02)
			cfg.Headers = [][2]string{{"X-Api-Key", secret}}
			// An xpass puts a result with its request into the problem
			// sections of every format.
			cfg.ExpectedFailures = map[string]string{"wpt-valid-es256": "forces evidence into every format"}
			rep := run(ctx, cfg)
			Expect(result(rep, "wpt-valid-es256").Status).To(Equal(xpass))
			Expect(missing.Load()).To(BeZero())
			Expect(carried.Load()).To(BeNumerically(">=", rep.Summary.Total-rep.Summary.Counts[unsupported]))

			out := render(rep)
			for format, text := range out {
				Expect(text).NotTo(ContainSubstring(secret), format)
			}
			Expect(out["json"]).To(ContainSubstring(`"X-Api-Key",`))
			Expect(out["json"]).To(ContainSubstring(`[redacted]`))
			Expect(out["html"]).To(ContainSubstring(`X-Api-Key`))
			Expect(out["junit"]).To(ContainSubstring(`X-Api-Key`))
		})

		It("never print the password of a Target URL", func(ctx SpecContext) {
			hostPort := strings.TrimPrefix(startReference(nil), "http://")
			cfg := config("http://user:pw@"+hostPort+"/path", draft02)
			cfg.ExpectedFailures = map[string]string{"wpt-valid-es256": "forces evidence into every format"}
			rep := run(ctx, cfg)
			Expect(result(rep, "wpt-valid-es256").Status).To(Equal(xpass))
			Expect(rep.Target.URL).To(Equal("http://" + hostPort + "/path"))
			expectNoPassword(render(rep), "http://"+hostPort+"/path")
		})

		It("never print the password of a Target URL that cannot be reached", func(ctx SpecContext) {
			hostPort := closedPort()
			cfg := config("http://user:pw@"+hostPort+"/path", draft02)
			cfg.LabelFilter = "baseline"
			rep, err := conformance.Run(ctx, cfg)
			Expect(err).To(MatchError(conformance.ErrUnreachable))
			Expect(rep.Summary.Counts[errored]).To(Equal(rep.Summary.Total))
			expectNoPassword(render(rep), "http://"+hostPort+"/path")
		})
	})
})

// config is a run of the default profile against target.
func config(target, draft string) conformance.Config {
	return conformance.Config{Target: target, Draft: draft, Profile: conformance.DefaultProfile(), Set: set}
}

func run(ctx context.Context, cfg conformance.Config) *conformance.Report {
	GinkgoHelper()
	rep, err := conformance.Run(ctx, cfg)
	Expect(err).NotTo(HaveOccurred())
	return rep
}

// startReference starts the reference server in-process on loopback with
// the suite's configuration, changed by configure, and returns its base URL.
func startReference(configure func(*server.Config)) string {
	GinkgoHelper()
	r, err := server.StartLoopback(func(base string) (server.Config, error) {
		c, err := server.SuiteConfig(vectors.DefaultSeed, base)
		if err == nil && configure != nil {
			configure(&c)
		}
		return c, err
	}, nil)
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(func() error {
		// The runner's default client leaves behind connections it dialed
		// but never used; Running.Close would wait 2 s for them and fail
		// (see the spec "stops promptly").
		http.DefaultTransport.(*http.Transport).CloseIdleConnections()
		return r.Close()
	})
	return r.URL
}

// peer serves the handler made for its base URL on loopback and returns
// that base URL.
func peer(handler func(base string) http.Handler) string {
	GinkgoHelper()
	srv := httptest.NewUnstartedServer(nil)
	base := "http://" + srv.Listener.Addr().String()
	srv.Config.Handler = handler(base)
	srv.Start()
	DeferCleanup(srv.Close)
	return base
}

// reference is the reference server's handler with the suite's
// configuration.
func reference(base string) http.Handler {
	GinkgoHelper()
	c, err := server.SuiteConfig(vectors.DefaultSeed, base)
	Expect(err).NotTo(HaveOccurred())
	h, err := server.New(c)
	Expect(err).NotTo(HaveOccurred())
	return h
}

// acceptAll is a peer that checks nothing.
func acceptAll(string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"subject":"anyone"}`)
	})
}

// rejectAll is a peer that accepts nothing, with the wpt-02 signalling.
func rejectAll(string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("WWW-Authenticate", "WPT")
		w.Header().Set("Content-Type", "application/problem+json")
		w.WriteHeader(http.StatusUnauthorized)
		_, _ = io.WriteString(w, `{"type":"about:blank","reason":"nope"}`)
	})
}

// badSignalling is the reference server with every rejection turned into
// a 400 without a challenge: right verdicts, wpt-01 signalling under wpt-02.
func badSignalling(base string) http.Handler {
	ref := reference(base)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ref.ServeHTTP(status400{w}, r)
	})
}

type status400 struct{ http.ResponseWriter }

func (w status400) WriteHeader(code int) {
	if code >= 300 {
		w.Header().Del("WWW-Authenticate")
		code = http.StatusBadRequest
	}
	w.ResponseWriter.WriteHeader(code)
}

// forgetful is the reference server with a fresh replay cache for every
// request: it checks everything but replays.
func forgetful(base string) http.Handler {
	GinkgoHelper()
	c, err := server.SuiteConfig(vectors.DefaultSeed, base)
	Expect(err).NotTo(HaveOccurred())
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h, err := server.New(c)
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		h.ServeHTTP(w, r)
	})
}

// recordSubjects records the subject of every request h accepted.
func recordSubjects(h http.Handler, subjects *sync.Map) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		var ok server.Response
		if rec.Code == http.StatusOK && json.Unmarshal(rec.Body.Bytes(), &ok) == nil {
			subjects.Store(ok.Subject, true)
		}
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.WriteHeader(rec.Code)
		_, _ = w.Write(rec.Body.Bytes())
	})
}

// trustStore trusts the suite's issuer keys for trust domain td.
func trustStore(td string) *wimse.TrustStore {
	GinkgoHelper()
	keys, err := vectors.DeriveKeys(vectors.DefaultSeed)
	Expect(err).NotTo(HaveOccurred())
	store := wimse.NewTrustStore()
	store.Set(wimse.MustParseTrustDomain(td), wimse.Anchors{Keys: keys.IssuerKeys()})
	return store
}

// closedPort returns a loopback host:port nobody listens on.
func closedPort() string {
	GinkgoHelper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	Expect(err).NotTo(HaveOccurred())
	addr := ln.Addr().String()
	Expect(ln.Close()).To(Succeed())
	return addr
}

// render renders a report in every format.
func render(rep *conformance.Report) map[string]string {
	GinkgoHelper()
	out := map[string]string{}
	for format, write := range map[string]func(io.Writer, *conformance.Report) error{
		"json": conformance.WriteJSON, "junit": conformance.WriteJUnit,
		"markdown": conformance.WriteMarkdown, "html": conformance.WriteHTML,
	} {
		var b bytes.Buffer
		Expect(write(&b, rep)).To(Succeed(), format)
		Expect(b.Len()).To(BeNumerically(">", 0), format)
		out[format] = b.String()
	}
	back, err := conformance.ReadJSON(strings.NewReader(out["json"]))
	Expect(err).NotTo(HaveOccurred())
	Expect(back.Results).To(HaveLen(len(rep.Results)))
	Expect(back.Conformant).To(Equal(rep.Conformant))
	Expect(xml.Unmarshal([]byte(out["junit"]), new(struct{}))).To(Succeed())
	return out
}

// expectNoPassword checks that no report shows the userinfo user:pw, in
// any form, and that each names the target without it. ("pw" alone may
// occur by chance in the base64url of a token.)
func expectNoPassword(out map[string]string, redacted string) {
	GinkgoHelper()
	basic := base64.StdEncoding.EncodeToString([]byte("user:pw"))
	for format, text := range out {
		for _, leak := range []string{"user:pw", "pw@", "user@", basic[:len(basic)-2]} {
			Expect(text).NotTo(ContainSubstring(leak), format)
		}
		Expect(text).To(ContainSubstring(redacted), format)
	}
}

// requestVectors returns the request vectors of a draft that keep accepts
// (nil: all), in file order: what the runner selects with no filter.
func requestVectors(draft string, keep func(*vectors.Vector) bool) []*vectors.Vector {
	var out []*vectors.Vector
	for _, v := range set.Vectors() {
		if v.Kind == vectors.KindRequest && v.AppliesTo(draft) && (keep == nil || keep(v)) {
			out = append(out, v)
		}
	}
	return out
}

// needsPolicyVariant says whether a vector assumes a receiver policy that
// the default profile cannot state for the reference server: the legacy
// s2s-06 typ values, an iss allow-list, or a carriage refused by policy.
// Such a vector is unsupported unless the profile declares that policy.
func needsPolicyVariant(v *vectors.Vector) bool {
	p := v.Policy
	if p == nil {
		return false
	}
	refuses := len(p.Revisions) > 0 && (!slices.Contains(p.Revisions, draft01) || !slices.Contains(p.Revisions, draft02))
	return len(p.Issuers) > 0 || slices.Contains(p.Revisions, "s2s-06") || refuses || p.WITSVID
}

// needsSecondTrustDomain says whether a vector needs the target to trust
// the suite's second trust domain (profile secondTrustDomain).
func needsSecondTrustDomain(v *vectors.Vector) bool {
	return v.Needs != nil && slices.Contains(v.Needs.Policy, vectors.NeedSecondTrustDomain)
}

func isShould(v *vectors.Vector) bool { return slices.Contains(v.Flags, "ShouldLevel") }

func sends(v *vectors.Vector) int {
	if v.Template == nil {
		return 1
	}
	return max(v.Template.Sends, 1)
}

// signalled says whether an answer carries the signalling a vector
// expects under a draft.
func signalled(v *vectors.Vector, draft string, status int, challenge string) bool {
	s := v.Expect.Signal[draft]
	return s.Status == status && s.WWWAuthenticate == challenge
}

func vector(id string) *vectors.Vector {
	GinkgoHelper()
	v, ok := set.Find(id)
	Expect(ok).To(BeTrue(), "no vector %s", id)
	return v
}

func ids[T *vectors.Vector | conformance.Result](xs []T) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		switch x := any(x).(type) {
		case *vectors.Vector:
			out[i] = x.ID
		case conformance.Result:
			out[i] = x.ID
		}
	}
	return out
}

func resultsWith(rep *conformance.Report, st conformance.Status) []conformance.Result {
	var out []conformance.Result
	for _, r := range rep.Results {
		if r.Status == st {
			out = append(out, r)
		}
	}
	return out
}

func statuses(rep *conformance.Report) map[string]conformance.Status {
	out := map[string]conformance.Status{}
	for _, r := range rep.Results {
		out[r.ID] = r.Status
	}
	return out
}

func result(rep *conformance.Report, id string) conformance.Result {
	GinkgoHelper()
	for _, r := range rep.Results {
		if r.ID == id {
			return r
		}
	}
	Fail("no result for " + id)
	return conformance.Result{}
}

// mismatches lists, one line each, the results whose status is not the
// one want gives for their vector, with the runner's message.
func mismatches(rep *conformance.Report, draft string, want func(*vectors.Vector) conformance.Status) []string {
	GinkgoHelper()
	var out []string
	for _, r := range rep.Results {
		Expect(r.Draft).To(Equal(draft))
		if w := want(vector(r.ID)); r.Status != w {
			out = append(out, fmt.Sprintf("%s: %s, want %s (%s)", r.ID, r.Status, w, r.Message))
		}
	}
	return out
}
