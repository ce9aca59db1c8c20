// Package suite adapts the WIMSE conformance vectors to Ginkgo, so a Go
// implementer runs the suite inside their own `go test`, against an
// http.Handler or a URL, with Ginkgo's focus, label and report flags, and
// gets the verdicts of `wimse conformance run` (both go through
// conformance.Runner, with the same target profile).
//
// It plays every revision and profile the runner does: wpt-01 and wpt-02
// (WIT + WPT, draft-ietf-wimse-wpt-01 and -02), http-signature-06 and
// http-signature-07 (WIT + HTTP message signature,
// draft-ietf-wimse-http-signature-06 and -07, signed responses included)
// and mtls (client certificates over mutual TLS,
// draft-ietf-wimse-mutual-tls-03).
//
// In a _test.go file of the implementer's package:
//
//	var _ = suite.Describe(suite.Options{
//		Name:  "my-service",
//		Draft: "wpt-02",
//		Handler: func(env suite.Env) (http.Handler, error) {
//			// env.BaseURL is the audience, env.Trust the suite's issuers.
//			return myservice.New(env.Trust, env.BaseURL), nil
//		},
//		ProfileFile: "testdata/wimse.profile", // what the service declares
//	})
//
//	func TestConformance(t *testing.T) {
//		gomega.RegisterFailHandler(ginkgo.Fail)
//		ginkgo.RunSpecs(t, "WIMSE conformance")
//	}
//
// Then `go test -ginkgo.label-filter='aud && !replay'` or
// `-ginkgo.focus=wpt-wth` select vectors; every vector is one spec, named
// by its ID and labelled with its draft, group and labels. Describe can be
// called once per draft (and per Name) in the same package.
//
// # Outcomes
//
// pass passes; warn and xfail pass with a report entry; unsupported (the
// target's profile does not declare what the vector rests on) is skipped
// with the reason; fail, xpass, error and blocked fail. A blocked spec is
// a rejection whose valid source vector was not accepted (Runner.Play
// plays the source first): its message names the source to fix first.
//
// A failure is reported at the line that called Describe and reads:
//
//	fail wpt-aud-other-path: expected the target to reject (status 401, reason wpt.aud_mismatch), but it answered 200
//	  vector:    aud names another path of the receiver
//	  expected:  reject, status 401, reason wpt.aud_mismatch, WWW-Authenticate WPT
//	  answered:  status 200, body "hello"
//	  flags:     ModifiedParameter
//	  requires:  WPT-AUD (MUST) draft-ietf-wimse-wpt-02 §2: aud matches the request's target URI, ignoring query and fragment
//	  reproduce: go test ./svc -run '^TestConformance$' -ginkgo.focus='WIMSE conformance my-service wpt-02 wpt-aud-other-path:'
//
// The reproduce line is run from the module root; it names the Go test
// that called ginkgo.RunSpecs (read from the goroutine stacks; left out
// when RunSpecs runs in a subtest). Ginkgo shows the failure as one of a
// DeferCleanup node: its Fail takes the location from the stack, which
// holds only this package's frames, while a cleanup node takes its
// caller's location, so the failure, Ginkgo's summary and its
// -ginkgo.github-output annotation all point at the Describe line.
//
// # Trust
//
// Env.Trust binds the suite's issuer keys to the trust domain of the
// suite's WITs (example.org, or the profile's trustDomain) and its second
// issuer key set to the second trust domain (other.example, or the
// profile's secondTrustDomain), and holds the X.509 roots of the mtls
// vectors; Env.JWKS has the same issuer keys as JWK Sets. These are public
// test keys: never trust them outside a test.
package suite
