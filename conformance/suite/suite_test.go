package suite_test

// This file uses the adapter as a fresh module would: exported API only,
// no helper copied from the adapter. It runs the adapter against the
// reference server's handler, built with its exported constructors, for
// every revision and profile the runner plays, and checks that every spec
// outside the profile's unsupported set passes.

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/onsi/ginkgo/v2"
	"github.com/onsi/ginkgo/v2/types"
	"github.com/onsi/gomega"

	"github.com/wimse-wg/wimse/conformance"
	"github.com/wimse-wg/wimse/conformance/suite"
	"github.com/wimse-wg/wimse/interop/server"
	"github.com/wimse-wg/wimse/vectors"
	"github.com/wimse-wg/wimse/wimse"
)

// referenceConfig is the reference server's configuration for the
// adapter's environment: its suite configuration (policy, oth fields,
// problem details) with the adapter's trust store and response signer,
// for profiles (nil: WPT and HTTP signatures).
func referenceConfig(env suite.Env, profiles ...string) (server.Config, error) {
	c, err := server.SuiteConfig(vectors.DefaultSeed, env.BaseURL)
	if err != nil {
		return c, err
	}
	c.Trust, c.ResponseSigner, c.Profiles = env.Trust, env.ResponseSigner, profiles
	return c, nil
}

// reference builds the reference server's handler.
func reference(profiles ...string) func(suite.Env) (http.Handler, error) {
	return func(env suite.Env) (http.Handler, error) {
		c, err := referenceConfig(env, profiles...)
		if err != nil {
			return nil, err
		}
		return server.New(c)
	}
}

// referenceFromJWKS builds the reference server with a trust store of its
// own, read from the JWK Sets the adapter gives, as a server configured
// from key files would.
func referenceFromJWKS(env suite.Env) (http.Handler, error) {
	c, err := referenceConfig(env)
	if err != nil {
		return nil, err
	}
	c.Trust = wimse.NewTrustStore()
	for td, set := range env.JWKS {
		keys, err := wimse.ParseJWKSet(set)
		if err != nil {
			return nil, err
		}
		c.Trust.Set(wimse.MustParseTrustDomain(td), wimse.Anchors{Keys: keys})
	}
	return server.New(c)
}

// referenceTLS is the reference server's own listener configuration for
// the mtls profile (server.TLSConfig).
func referenceTLS(env suite.Env) (*tls.Config, error) {
	c, err := referenceConfig(env, server.ProfileMTLS)
	if err != nil {
		return nil, err
	}
	return server.TLSConfig(c, *env.Certificate), nil
}

// selfSigned is a certificate of the tester's own: the runner trusts it
// because the adapter serves it.
func selfSigned() *tls.Certificate {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		panic(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "self-signed"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), DNSNames: []string{"svc.example"}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		panic(err)
	}
	return &tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
}

var (
	_ = suite.Describe(suite.Options{Name: "reference", Draft: "wpt-02", Handler: reference(), Profile: conformance.DefaultProfile()})
	// The same declared policy, read from a profile file as
	// `wimse conformance run --target-config` reads it.
	_ = suite.Describe(suite.Options{Name: "reference", Draft: "wpt-01", Handler: reference(), ProfileFile: "testdata/reference.profile"})
	_ = suite.Describe(suite.Options{Name: "reference", Draft: "http-signature-07", Handler: reference(), Profile: conformance.DefaultProfile()})
	// Over TLS with the suite's certificate.
	_ = suite.Describe(suite.Options{Name: "reference", Draft: "http-signature-06", Handler: reference(), Profile: conformance.DefaultProfile(),
		TLS: &suite.TLS{}})
	// Mutual TLS (implies TLS), with the reference server's own listener
	// configuration.
	_ = suite.Describe(suite.Options{Name: "reference", Draft: suite.DraftMTLS, Handler: reference(server.ProfileMTLS), Profile: conformance.DefaultProfile(),
		TLS: &suite.TLS{Config: referenceTLS}})
	// Trusting the suite's issuers through their JWK Sets.
	_ = suite.Describe(suite.Options{Name: "reference-jwks", Draft: "wpt-02", Handler: referenceFromJWKS, Profile: conformance.DefaultProfile()})
	// Over TLS with a certificate of the tester's own.
	_ = suite.Describe(suite.Options{Name: "reference-own-certificate", Draft: "wpt-02", Handler: reference(), Profile: conformance.DefaultProfile(),
		TLS: &suite.TLS{Certificate: selfSigned()}})
)

// Every spec passes, or is skipped as unsupported by the declared profile;
// every container played some.
var _ = ginkgo.ReportAfterSuite("every spec outside the unsupported set passes", func(r ginkgo.Report) {
	// A run with -ginkgo.focus, -ginkgo.skip or -ginkgo.label-filter plays
	// a few specs and skips the others.
	filtered := len(r.SuiteConfig.FocusStrings)+len(r.SuiteConfig.SkipStrings) > 0 || r.SuiteConfig.LabelFilter != ""
	passed := map[string]int{}
	for _, s := range r.SpecReports {
		if s.LeafNodeType != types.NodeTypeIt {
			continue
		}
		switch s.State {
		case types.SpecStatePassed:
			passed[s.ContainerHierarchyTexts[0]]++
		case types.SpecStateSkipped:
			if !strings.HasPrefix(s.Failure.Message, "unsupported: ") && !filtered {
				ginkgo.Fail(s.FullText() + " was skipped, not as unsupported: " + s.Failure.Message)
			}
		default:
			ginkgo.Fail(s.FullText() + ": " + s.State.String() + ": " + s.Failure.Message)
		}
	}
	if filtered {
		return
	}
	containers := []string{"WIMSE conformance reference-jwks wpt-02", "WIMSE conformance reference-own-certificate wpt-02"}
	for _, d := range suite.Drafts() {
		containers = append(containers, "WIMSE conformance reference "+d)
	}
	for _, c := range containers {
		if passed[c] == 0 {
			ginkgo.Fail("no spec of " + c + " passed")
		}
	}
})

// TestSuiteAgainstReference runs the adapter against the reference server:
// every vector in the claimed profile passes, as with `wimse conformance
// run`.
func TestSuiteAgainstReference(t *testing.T) {
	gomega.RegisterFailHandler(ginkgo.Fail)
	ginkgo.RunSpecs(t, "WIMSE conformance adapter")
}
