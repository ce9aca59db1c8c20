package httpwpt_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"
	"time"

	"github.com/wimse-wg/wimse/profiles/httpwpt"
	"github.com/wimse-wg/wimse/tokens/wit"
	"github.com/wimse-wg/wimse/tokens/wpt"
	"github.com/wimse-wg/wimse/wimse"
)

// The receiver of every unit test: its public base URL comes from
// configuration, and requests target base + path.
const (
	testBase   = "https://workload.example.com"
	testTarget = testBase + "/path"
	testBearer = "16_mAd0GiwaZokU26_0902100"
)

// testEpoch is the fixed "now" of the unit tests. Tokens are minted
// relative to it and expiry is tested by moving the verifier's clock.
var testEpoch = time.Date(2026, time.March, 2, 10, 0, 0, 0, time.UTC)

// fixture is one trust domain (example.com) with an ES256 Identity Server
// key, one ES256 workload and its WIT.
type fixture struct {
	issuer   *ecdsa.PrivateKey
	workload *ecdsa.PrivateKey
	store    *wimse.TrustStore
	subject  wimse.ID
	wit      string
	now      time.Time
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	f := &fixture{
		issuer:   mustKey(t),
		workload: mustKey(t),
		store:    wimse.NewTrustStore(),
		subject:  wimse.MustParseID("wimse://example.com/service/caller"),
		now:      testEpoch,
	}
	f.store.Set(wimse.MustParseTrustDomain("example.com"), wimse.Anchors{
		Keys: []wimse.IssuerKey{{KeyID: "k1", Public: &f.issuer.PublicKey}},
	})
	f.wit = f.signWIT(t, f.subject, f.issuer, "k1")
	return f
}

func mustKey(t testing.TB) *ecdsa.PrivateKey {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// signWIT issues a one-hour WIT for sub bound to the fixture's workload key.
func (f *fixture) signWIT(t testing.TB, sub wimse.ID, issuer *ecdsa.PrivateKey, kid string) string {
	t.Helper()
	s, err := (&wit.Signer{Key: issuer, KeyID: kid}).Sign(wit.Claims{
		Subject:  sub,
		IssuedAt: testEpoch.Add(-time.Minute),
		Expiry:   testEpoch.Add(time.Hour),
		Key:      &f.workload.PublicKey,
	})
	if err != nil {
		t.Fatalf("sign WIT: %v", err)
	}
	return s
}

// signWPT signs a proof for f.wit and testTarget, valid for one minute,
// after mutate has edited the claims.
func (f *fixture) signWPT(t testing.TB, mutate func(*wpt.Claims)) string {
	t.Helper()
	jti, err := wpt.NewID(nil)
	if err != nil {
		t.Fatal(err)
	}
	c := wpt.Claims{Audience: testTarget, Expiry: f.now.Add(time.Minute), ID: jti, WITHash: wit.Hash(f.wit)}
	if mutate != nil {
		mutate(&c)
	}
	s, err := (&wpt.Signer{Key: f.workload}).Sign(c)
	if err != nil {
		t.Fatalf("sign WPT: %v", err)
	}
	return s
}

// verifier returns a Verifier for the fixture with a fresh replay cache, no
// WIT cache and the fixture's clock; opts adjust it.
func (f *fixture) verifier(opts ...func(*httpwpt.Verifier)) *httpwpt.Verifier {
	v := &httpwpt.Verifier{
		Trust:    f.store,
		Policy:   wimse.Policy{Now: func() time.Time { return f.now }},
		Replay:   wimse.NewMemoryReplayCache(0),
		Audience: httpwpt.AudienceFromBase(testBase),
	}
	for _, o := range opts {
		o(v)
	}
	return v
}

// withRevisions restricts the accepted carriages.
func withRevisions(revs ...wimse.Revision) func(*httpwpt.Verifier) {
	return func(v *httpwpt.Verifier) { v.Policy.Revisions = revs }
}

// header builds a header from name/value pairs with Header.Add, so a name
// given twice becomes two field lines.
func header(kv ...string) http.Header {
	h := http.Header{}
	for i := 0; i+1 < len(kv); i += 2 {
		h.Add(kv[i], kv[i+1])
	}
	return h
}

// request returns a POST to testTarget carrying h.
func request(h http.Header) *http.Request {
	r := httptest.NewRequest(http.MethodPost, testTarget, nil)
	r.Header = h
	return r
}

// verdict is what a test compares: the reason, and for a rejection the
// status and challenge Verifier.Status chooses; for an acceptance the
// carriage.
type verdict struct {
	Reason    wimse.Reason
	Status    int
	Challenge bool
	Revision  wimse.Revision
}

func judge(v *httpwpt.Verifier, r *http.Request) verdict {
	p, err := v.Verify(r)
	if err != nil {
		status, challenge := v.Status(err)
		return verdict{Reason: wimse.ReasonOf(err), Status: status, Challenge: challenge}
	}
	return verdict{Revision: p.Revision}
}

// rejected and accepted build expected verdicts.
func rejected(r wimse.Reason, status int, challenge bool) verdict {
	return verdict{Reason: r, Status: status, Challenge: challenge}
}

func accepted(rev wimse.Revision) verdict { return verdict{Revision: rev} }

// mustRejection asserts that err is a *httpwpt.Rejection.
func mustRejection(t testing.TB, err error) *httpwpt.Rejection {
	t.Helper()
	var rj *httpwpt.Rejection
	if !errors.As(err, &rj) {
		t.Fatalf("error %v (%T) is not a *httpwpt.Rejection", err, err)
	}
	return rj
}

func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
