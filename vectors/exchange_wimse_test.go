package vectors_test

import (
	"testing"
	"time"

	"github.com/wimse-wg/wimse/tokens/wit"
	"github.com/wimse-wg/wimse/tokens/wpt"
	"github.com/wimse-wg/wimse/vectors"
	"github.com/wimse-wg/wimse/wimse"
)

// TestExchangeWPTBase: the wpt token base of wi-valid is a WPT that the
// reference verifiers accept for the WIT minted beside it as subject
// token (wth its hash, aud the token endpoint URL, signed by its cnf
// key), and the wth, aud and alg vectors are refused by the WPT check
// they target.
func TestExchangeWPTBase(t *testing.T) {
	s := loadSet(t)
	keys, err := vectors.DeriveKeys(vectors.DefaultSeed)
	if err != nil {
		t.Fatal(err)
	}
	issuer, err := keys.Get("issuer")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Unix(vectors.FrozenNow, 0)
	policy := wimse.Policy{Now: func() time.Time { return now }}
	trust := wimse.NewTrustStore()
	trust.Set(wimse.MustParseTrustDomain(vectors.TrustDomain), wimse.Anchors{Keys: []wimse.IssuerKey{{KeyID: issuer.KeyID, Public: issuer.Signer.Public()}}})
	values := vectors.DefaultExchangeValues()
	for id, want := range map[string]wimse.Reason{
		"wi-valid": "", "wi-short-lived": "",
		"wi-wpt-wth-mismatch": wimse.ReasonWPTWTHMismatch, "wi-wpt-aud-other": wimse.ReasonWPTAudMismatch,
		"wi-wpt-alg-mismatch": wimse.ReasonWPTAlgMismatch, "wi-wpt-other-key": wimse.ReasonWPTSignature,
	} {
		v, ok := s.Find(id)
		if !ok {
			t.Fatalf("%s: no such vector", id)
		}
		m, err := vectors.MaterializeExchange(v.Exchange, vectors.ExchangeEnv{Now: now, Keys: keys,
			JTI: func(name string) string { return id + "-" + name }, Values: values})
		if err != nil {
			t.Fatalf("%s: %v", id, err)
		}
		if len(m.Headers) != 1 || m.Headers[0][0] != "Workload-Proof-Token" || m.Headers[0][1] != m.Tokens["wpt"] {
			t.Fatalf("%s: headers %v", id, m.Headers)
		}
		w, err := (&wit.Verifier{Trust: trust, Policy: policy}).Verify(m.Tokens["subject"])
		if err != nil {
			t.Fatalf("%s: the WIT: %v", id, err)
		}
		_, err = (&wpt.Verifier{Policy: policy}).Verify(m.Tokens["wpt"], wpt.Expect{Revision: wimse.RevisionWPT01, Audience: values[vectors.ValueTokenEndpoint], WIT: w})
		if got := wimse.ReasonOf(err); got != want {
			t.Errorf("%s: the WPT: %v (reason %q), want %q", id, err, got, want)
		}
	}
}
