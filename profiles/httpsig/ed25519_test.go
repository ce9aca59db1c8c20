package httpsig_test

import (
	"encoding/base64"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/wimse-wg/wimse/internal/eddsa"
	"github.com/wimse-wg/wimse/internal/reasontest"
	"github.com/wimse-wg/wimse/internal/wimsetest"
	"github.com/wimse-wg/wimse/profiles/httpsig"
	"github.com/wimse-wg/wimse/tokens/wit"
	"github.com/wimse-wg/wimse/wimse"
)

// TestVerifyEd25519SNotReduced: a message signature by the WIT's Ed25519
// key whose S is not reduced (S + L) is rejected with
// httpsig.signature_non_canonical (RFC 8032 §5.1.7), under both names of
// the algorithm.
func TestVerifyEd25519SNotReduced(t *testing.T) {
	now := time.Unix(1767225600, 0)
	issuer, wl := wimsetest.Ed("issuer"), wimsetest.Ed("workload")
	store := wimse.NewTrustStore()
	store.Set(wimse.MustParseTrustDomain("example.org"), wimse.Anchors{Keys: []wimse.IssuerKey{{KeyID: "k", Public: issuer.Public()}}})
	for _, alg := range []string{"EdDSA", "Ed25519"} {
		t.Run(alg, func(t *testing.T) {
			raw, err := (&wit.Signer{Key: issuer, KeyID: "k"}).Sign(wit.Claims{Subject: wimse.MustParseID("wimse://example.org/client"), Expiry: now.Add(time.Hour), Key: wl.Public(), KeyAlg: alg})
			if err != nil {
				t.Fatal(err)
			}
			const body = `{"do stuff":"please"}`
			r, _ := http.NewRequest(http.MethodPost, "https://svc.example/path", strings.NewReader(body))
			r.Header.Set("Content-Type", "application/json")
			s := &httpsig.Signer{WIT: raw, Key: wl, Alg: alg, Now: func() time.Time { return now }}
			if _, err := s.SignRequest(r, []byte(body), httpsig.RequestOptions{Audience: "https://svc.example/path"}); err != nil {
				t.Fatal(err)
			}
			r.RequestURI = "/path"
			label, value, ok := strings.Cut(r.Header.Get("Signature"), "=:")
			if !ok {
				t.Fatalf("Signature %q", r.Header.Get("Signature"))
			}
			sig, err := base64.StdEncoding.DecodeString(strings.TrimSuffix(value, ":"))
			if err != nil || len(sig) != 64 {
				t.Fatalf("signature %q: %v", value, err)
			}
			r.Header.Set("Signature", label+"=:"+base64.StdEncoding.EncodeToString(eddsa.AddL(sig))+":")
			v := &httpsig.Verifier{Trust: store, Policy: wimse.Policy{Now: func() time.Time { return now }}, Audience: httpsig.AudienceFromBase("https://svc.example")}
			_, err = v.Verify(r, []byte(body))
			reasontest.CheckReason(t, err, "httpsig.signature_non_canonical", "")
		})
	}
}
