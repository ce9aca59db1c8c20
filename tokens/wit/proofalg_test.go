package wit_test

import (
	"crypto/elliptic"
	"testing"
	"time"

	"github.com/wimse-wg/wimse/internal/wimsetest"
	"github.com/wimse-wg/wimse/tokens/wit"
	"github.com/wimse-wg/wimse/wimse"
)

// TestProofAlgorithms: a trust domain's ProofAlgorithms restricts
// cnf.jwk.alg (http-signature-07 §3.1), also for a WIT already cached.
func TestProofAlgorithms(t *testing.T) {
	issuer := wimsetest.EC(t, elliptic.P256(), "issuer")
	now := time.Unix(1767225600, 0)
	mint := func(alg string) string {
		tok, err := (&wit.Signer{Key: issuer, KeyID: "k", Deterministic: true}).Sign(wit.Claims{
			Subject: wimse.MustParseID("wimse://example.org/a"), Expiry: now.Add(time.Hour),
			Key: wimsetest.For(t, alg, "workload").Public(), KeyAlg: alg,
		})
		if err != nil {
			t.Fatal(err)
		}
		return tok
	}
	td := wimse.MustParseTrustDomain("example.org")
	store := wimse.NewTrustStore()
	anchors := wimse.Anchors{Keys: []wimse.IssuerKey{{KeyID: "k", Public: issuer.Public()}}, ProofAlgorithms: []string{"ES256"}}
	store.Set(td, anchors)
	v := &wit.Verifier{Trust: store, Policy: wimse.Policy{Now: func() time.Time { return now }}, Cache: wit.NewCache(0)}
	for _, tc := range []struct {
		alg  string
		want wimse.Reason
	}{{"ES256", ""}, {"EdDSA", wimse.ReasonWITCnfAlg}, {"ES384", wimse.ReasonWITCnfAlg}} {
		_, err := v.Verify(mint(tc.alg))
		if got := wimse.ReasonOf(err); got != tc.want {
			t.Errorf("%s: reason %q, want %q", tc.alg, got, tc.want)
		}
	}
	// A cached ES256 WIT is rejected once ES256 leaves the list.
	anchors.ProofAlgorithms = []string{"EdDSA"}
	store.Set(td, anchors)
	if _, err := v.Verify(mint("ES256")); wimse.ReasonOf(err) != wimse.ReasonWITCnfAlg {
		t.Errorf("cached WIT after the list changed: %v, want %s", err, wimse.ReasonWITCnfAlg)
	}
}
