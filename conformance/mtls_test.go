package conformance_test

import (
	"crypto/tls"
	"crypto/x509"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/wimse-wg/wimse/conformance"
	"github.com/wimse-wg/wimse/interop/server"
	"github.com/wimse-wg/wimse/profiles/mtls"
	"github.com/wimse-wg/wimse/vectors"
	"github.com/wimse-wg/wimse/wimse"
)

var _ = Describe("The runner's mtls vectors", Label("mtls"), func() {
	var suiteTrust *wimse.TrustStore
	var roots *x509.CertPool
	BeforeEach(func() {
		suiteTrust = wimse.NewTrustStore()
		Expect(vectors.AddX509Roots(suiteTrust, set.Requirements.X509Roots)).To(Succeed())
		roots = x509.NewCertPool()
		for _, r := range set.Requirements.X509Roots {
			Expect(roots.AppendCertsFromPEM([]byte(r.Certificate))).To(BeTrue())
		}
	})
	mtlsConfig := func(target string) conformance.Config {
		return conformance.Config{Target: target, Kinds: []string{vectors.KindMTLS}, ServerID: vectors.ServerSubject, Set: set}
	}
	clientVectors := func(keep func(*vectors.Vector) bool) []string {
		var out []string
		for _, v := range set.Vectors() {
			if v.Kind == vectors.KindMTLS && v.Input.Certificates.Role == vectors.RoleClient && keep(v) {
				out = append(out, v.ID)
			}
		}
		return out
	}
	invalid := func(v *vectors.Vector) bool { return v.IsNegative() }

	It("all pass against the in-process reference server, which presents the expected server identity", func(ctx SpecContext) {
		rep, err := server.RunMTLSSuite(ctx, conformance.Config{Set: set}, nil)
		Expect(err).NotTo(HaveOccurred())
		Expect(rep.Conformant).To(BeTrue(), rep.SummaryLine())
		all := clientVectors(func(*vectors.Vector) bool { return true })
		Expect(len(all)).To(BeNumerically(">=", 40))
		Expect(rep.Results).To(HaveLen(len(all) + 1))
		Expect(result(rep, conformance.ServerIdentityCheck).Status).To(Equal(pass))
		for _, id := range clientVectors(invalid) {
			r := result(rep, id)
			Expect(r.Observed.Status).To(BeZero(), id)
			Expect(r.Message).To(ContainSubstring("the target refused the TLS connection: remote error: tls:"), id)
			Expect(r.Draft).To(Equal("mtls"))
		}
	})

	It("fail, every invalid one, against a server that takes any client certificate", func(ctx SpecContext) {
		target := startTLS(okHandler(), &tls.Config{ClientAuth: tls.RequireAnyClientCert})
		rep := run(ctx, mtlsConfig(target))
		want := clientVectors(func(v *vectors.Vector) bool { return v.IsNegative() && v.ID != "mtls-client-no-certificate" })
		Expect(ids(resultsWith(rep, fail))).To(ConsistOf(want))
		Expect(result(rep, "mtls-client-no-certificate").Status).To(Equal(pass))
	})

	It("catch a server with one root pool for every trust domain (issue #335), and one that ignores the URI SAN", func(ctx SpecContext) {
		target := startTLS(okHandler(), &tls.Config{ClientAuth: tls.RequireAndVerifyClientCert, ClientCAs: roots})
		rep := run(ctx, mtlsConfig(target))
		failed := ids(resultsWith(rep, fail))
		for _, id := range []string{"mtls-client-chain-to-other-trust-domain", "mtls-client-other-identifier-chain-to-example-org",
			"mtls-client-chain-through-other-intermediate", "mtls-client-untrusted-trust-domain-trusted-ca",
			"mtls-client-two-uri-sans", "mtls-client-no-uri-san", "mtls-client-non-canonical-percent", "mtls-client-ca-certificate"} {
			Expect(failed).To(ContainElement(id))
		}
		// What crypto/tls checks itself is refused in the handshake.
		for _, id := range []string{"mtls-client-expired-intermediate", "mtls-client-server-auth-only", "mtls-client-unknown-root", "mtls-client-valid"} {
			Expect(result(rep, id).Status).To(Equal(pass), id)
		}
	})

	It("take a 4xx answer after the handshake as a rejection, and score its reason", func(ctx SpecContext) {
		h := mtls.Middleware(suiteTrust)(okHandler())
		target := startTLS(h, &tls.Config{ClientAuth: tls.RequireAnyClientCert})
		cfg := mtlsConfig(target)
		cfg.ScoreReasons = true
		rep := run(ctx, cfg)
		Expect(rep.Conformant).To(BeTrue(), rep.SummaryLine())
		r := result(rep, "mtls-client-two-uri-sans")
		Expect(r.Observed.Status).To(Equal(http.StatusBadRequest))
		Expect(r.Observed.Reason).To(Equal("mtls.uri_san"))
	})

	It("report a target whose certificate does not carry the expected identifier, and give no verdict on the vectors", func(ctx SpecContext) {
		target := startTLS(okHandler(), &tls.Config{ClientAuth: tls.RequireAnyClientCert})
		cfg := mtlsConfig(target)
		cfg.ServerID = "wimse://example.org/workload/another"
		rep := run(ctx, cfg)
		check := result(rep, conformance.ServerIdentityCheck)
		Expect(check.Status).To(Equal(fail))
		Expect(check.Observed.Reason).To(Equal(string(wimse.ReasonMTLSPeerIdentity)))
		Expect(resultsWith(rep, errored)).To(HaveLen(len(rep.Results) - 1))
		Expect(result(rep, "mtls-client-valid").Message).To(ContainSubstring("the runner rejected the target's certificate"))
	})

	It("verify the target's certificate the usual way without a server identifier", func(ctx SpecContext) {
		target := startTLS(okHandler(), &tls.Config{ClientAuth: tls.RequireAnyClientCert})
		cfg := mtlsConfig(strings.Replace(target, "127.0.0.1", "localhost", 1)) // the certificate's DNS-ID
		cfg.ServerID = ""
		cfg.Client = &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots}}}
		rep := run(ctx, cfg)
		Expect(slices.ContainsFunc(rep.Results, func(r conformance.Result) bool { return r.ID == conformance.ServerIdentityCheck })).To(BeFalse())
		Expect(result(rep, "mtls-client-valid").Status).To(Equal(pass))

		cfg.Client = &http.Client{} // system roots: the suite's CA is unknown
		rep, err := conformance.Run(ctx, cfg)
		Expect(err).To(MatchError(conformance.ErrUnreachable), "a target whose certificate the runner cannot verify is a setup error")
		Expect(resultsWith(rep, errored)).To(HaveLen(conformance.UnreachableAfter))
		cfg.KeepGoing = true
		rep = run(ctx, cfg)
		Expect(resultsWith(rep, errored)).To(HaveLen(len(rep.Results)))
	})

	Describe("against a server that requires a WIT and a proof besides the certificate", Label("mtls-credentials"), func() {
		withCredentials := func(target, draft string) conformance.Config {
			cfg := mtlsConfig(target)
			cfg.Profile = conformance.DefaultProfile()
			cfg.Profile.MTLSCredentials = draft
			return cfg
		}
		valid := func(v *vectors.Vector) bool { return !v.IsNegative() }

		It("all pass against the reference server requiring both, with valid credentials of each draft (profile mtlsCredentials)", func(ctx SpecContext) {
			target := startRequireBoth()
			for _, draft := range conformance.AllRevisions {
				rep := run(ctx, withCredentials(target, draft))
				Expect(rep.Conformant).To(BeTrue(), draft+": "+rep.SummaryLine())
				for _, id := range clientVectors(valid) {
					r := result(rep, id)
					Expect(r.Status).To(Equal(pass), draft+" "+id+": "+r.Message)
					Expect(r.Request.Fields).To(ContainElement(WithTransform(func(f [2]string) string { return f[0] }, Equal("Workload-Identity-Token"))), id)
				}
			}
		})

		It("fail every valid vector without them: the reference server requiring both refuses a certificate alone", func(ctx SpecContext) {
			target := startRequireBoth()
			rep := run(ctx, mtlsConfig(target))
			Expect(ids(resultsWith(rep, fail))).To(ConsistOf(clientVectors(valid)))
			Expect(result(rep, "mtls-client-valid").Observed.Status).To(Equal(http.StatusUnauthorized))
		})

		It("fail every invalid one against a server that checks the WIT and proof but takes any certificate: the certificate is the only defect", func(ctx SpecContext) {
			cfg, err := server.SuiteConfig(vectors.DefaultSeed, "https://placeholder")
			Expect(err).NotTo(HaveOccurred())
			trustIssuersForRoots(cfg.Trust)
			var target string
			h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				c := cfg
				c.Audience = strings.TrimSuffix(target, "/path")
				c.Profiles = []string{server.ProfileWPT}
				srv, err := server.New(c)
				if err != nil {
					http.Error(w, err.Error(), http.StatusInternalServerError)
					return
				}
				srv.ServeHTTP(w, r)
			})
			target = startTLS(h, &tls.Config{ClientAuth: tls.RequireAnyClientCert})
			rep := run(ctx, withCredentials(target, "wpt-02"))
			want := clientVectors(func(v *vectors.Vector) bool { return v.IsNegative() && v.ID != "mtls-client-no-certificate" })
			Expect(ids(resultsWith(rep, fail))).To(ConsistOf(want))
			Expect(result(rep, "mtls-client-valid").Status).To(Equal(pass))
		})
	})

	It("need an https target and known kinds", func() {
		_, err := conformance.NewRunner(mtlsConfig("http://127.0.0.1:1/path"))
		Expect(err).To(MatchError(ContainSubstring("https")))
		cfg := mtlsConfig("https://127.0.0.1:1/path")
		cfg.Kinds = []string{"mtls", "carrier-pigeon"}
		_, err = conformance.NewRunner(cfg)
		Expect(err).To(MatchError(ContainSubstring("carrier-pigeon")))
	})
})

// startTLS serves h over TLS with cfg and the reference server's
// certificate, and returns the target URL.
func startTLS(h http.Handler, cfg *tls.Config) string {
	GinkgoHelper()
	cert, err := vectors.MTLSServerCertificate(vectors.DefaultSeed)
	Expect(err).NotTo(HaveOccurred())
	cfg.Certificates = []tls.Certificate{cert}
	srv := httptest.NewUnstartedServer(h)
	srv.TLS = cfg
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // refused handshakes
	srv.StartTLS()
	DeferCleanup(srv.Close)
	return srv.URL + "/path"
}

func okHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, "ok") })
}

// startRequireBoth starts the reference server over TLS with the mtls,
// wpt and httpsig profiles and RequireMTLS: a client needs a valid client
// certificate (the suite's X.509 roots, each for its trust domain) and a
// WIT with a proof (the suite's issuer keys, trusted for the roots' trust
// domains too). It returns the target URL.
func startRequireBoth() string {
	GinkgoHelper()
	cert, err := vectors.MTLSServerCertificate(vectors.DefaultSeed)
	Expect(err).NotTo(HaveOccurred())
	roots, err := vectors.MTLSRoots(vectors.DefaultSeed)
	Expect(err).NotTo(HaveOccurred())
	run, err := server.StartLoopbackTLS(func(base string) (server.Config, error) {
		c, err := server.SuiteConfig(vectors.DefaultSeed, base)
		if err != nil {
			return c, err
		}
		c.Profiles = []string{server.ProfileMTLS, server.ProfileWPT, server.ProfileHTTPSig}
		c.RequireMTLS = true
		trustIssuersForRoots(c.Trust)
		return c, vectors.AddX509Roots(c.Trust, roots)
	}, cert, nil)
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(run.Close)
	return run.URL + "/path"
}

// trustIssuersForRoots trusts the suite's issuer keys for the trust domain
// of every X.509 root of the suite, so that a WIT for a certificate's
// identifier verifies.
func trustIssuersForRoots(store *wimse.TrustStore) {
	GinkgoHelper()
	keys, err := vectors.DeriveKeys(vectors.DefaultSeed)
	Expect(err).NotTo(HaveOccurred())
	for _, r := range set.Requirements.X509Roots {
		td := wimse.MustParseTrustDomain(r.TrustDomain)
		a, _ := store.Anchors(td)
		a.Keys = keys.IssuerKeys()
		store.Set(td, a)
	}
}
