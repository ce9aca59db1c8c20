package wit_test

import (
	"testing"

	"github.com/wimse-wg/wimse/internal/mutant"
	"github.com/wimse-wg/wimse/internal/wimsetest"
	"github.com/wimse-wg/wimse/wimse"
)

// twoDomains trusts example.com with its issuer key (kid k1, the
// baseline's) and other.example with an issuer key of its own (kid o1).
func twoDomains(t testing.TB, f *witFixture) {
	t.Helper()
	f.anchors["other.example"] = wimse.Anchors{Keys: []wimse.IssuerKey{{KeyID: "o1", Public: wimsetest.For(t, "ES256", "other-issuer").Public()}}}
}

// signedByOther signs with other.example's issuer key under kid.
func signedByOther(kid any) func(testing.TB, *witFixture) {
	return func(t testing.TB, f *witFixture) {
		f.key = wimsetest.For(t, "ES256", "other-issuer")
		setHeader("kid", kid)(t, f)
	}
}

func all(ms ...func(testing.TB, *witFixture)) func(testing.TB, *witFixture) {
	return func(t testing.TB, f *witFixture) {
		for _, m := range ms {
			m(t, f)
		}
	}
}

// TestVerifyKeysStayInTheirTrustDomain: the issuer key comes from the
// anchors of the subject's own trust domain only (creds-02 §5.1.3: take the
// trust domain from sub, use that domain's trust anchors); a key another
// trusted trust domain publishes never verifies a WIT of this one, whatever
// its kid says (issue 9, item 1).
func TestVerifyKeysStayInTheirTrustDomain(t *testing.T) {
	otherSub := setClaim("sub", "wimse://other.example/admin")
	runWITCases(t, []witCase{
		{name: "own key of the first domain", mutate: twoDomains},
		{name: "own key of the second domain", mutate: all(twoDomains, otherSub, signedByOther("o1"))},
		{name: "second domain's WIT signed by the first domain's key under its kid",
			mutate: all(twoDomains, otherSub), want: wimse.ReasonWITKeyTrustDomain},
		{name: "first domain's WIT signed by the second domain's key under its kid",
			mutate: all(twoDomains, signedByOther("o1")), want: wimse.ReasonWITKeyTrustDomain},
		{name: "second domain's WIT signed by the first domain's key without kid",
			mutate: all(twoDomains, otherSub, setHeader("kid", nil)), want: wimse.ReasonWITSignature},
		{name: "both domains use one kid, the other domain's key signs",
			mutate: all(twoDomains, otherSub, func(t testing.TB, f *witFixture) {
				f.anchors["other.example"] = wimse.Anchors{Keys: []wimse.IssuerKey{{KeyID: "k1", Public: wimsetest.For(t, "ES256", "other-issuer").Public()}}}
			}), want: wimse.ReasonWITSignature},
		{name: "kid of no trusted domain", mutate: all(twoDomains, otherSub, setHeader("kid", "nobody")), want: wimse.ReasonWITKeyUnknown},
		{name: "untrusted domain signed by a trusted domain's key",
			mutate: all(twoDomains, setClaim("sub", "wimse://untrusted.example/admin")), want: wimse.ReasonWITTrustDomain},
	})
}

// TestKeyTrustDomainMutant: with the wit.key_trust_domain check off (the
// self-test's mutant), a verifier pools the issuer keys of every trusted
// trust domain, as an implementation with one key set for all would, both
// on first verification and when a cached WIT is checked again.
func TestKeyTrustDomainMutant(t *testing.T) {
	f := baseWIT(t)
	twoDomains(t, f)
	setClaim("sub", "wimse://other.example/admin")(t, f)
	mutant.Put(&f.policy, mutant.New(string(wimse.ReasonWITKeyTrustDomain)))
	raw := f.token(t)
	now := witNow
	v, _ := cachedVerifier(t, f, 0, &now)
	for i := range 2 {
		if _, err := v.Verify(raw); err != nil {
			t.Fatalf("verification %d with the mutant: %v, want the pooled key to verify", i+1, err)
		}
	}
}
