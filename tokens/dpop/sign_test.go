package dpop_test

import (
	"testing"
	"time"

	"github.com/wimse-wg/wimse/internal/reasontest"
	"github.com/wimse-wg/wimse/internal/wimsetest"
	"github.com/wimse-wg/wimse/tokens/dpop"
	"github.com/wimse-wg/wimse/wimse"
)

// TestSignerRoundTrip: what the Signer makes, the Verifier accepts, for
// every default algorithm, with and without access token and nonce.
func TestSignerRoundTrip(t *testing.T) {
	for _, alg := range dpop.DefaultAlgorithms() {
		t.Run(alg, func(t *testing.T) {
			s := &dpop.Signer{Key: wimsetest.For(t, alg, "client"), Alg: alg, Now: clock(now)}
			raw, err := s.NewProof("GET", "https://rs.example/x?y=1#z", "at", "n1")
			if err != nil {
				t.Fatal(err)
			}
			v := &dpop.Verifier{Now: clock(now + 5)}
			p, err := v.Verify(raw, "GET", "https://rs.example/x", "at")
			if err != nil {
				t.Fatal(err)
			}
			jkt, err := s.JKT()
			if err != nil || p.JKT != jkt || p.URI != "https://rs.example/x" || p.Nonce != "n1" || len(p.ID) != 22 {
				t.Errorf("proof %+v; signer jkt %q, %v", p, jkt, err)
			}
			_, err = v.Verify(raw, "GET", "https://rs.example/x", "other")
			reasontest.CheckReason(t, err, wimse.ReasonDPoPATHMismatch, "")
		})
	}
}

func TestSignerErrors(t *testing.T) {
	if _, err := (&dpop.Signer{}).NewProof("POST", tokenURL, "", ""); err == nil {
		t.Error("no key: no error")
	}
	if _, err := (&dpop.Signer{}).JKT(); err == nil {
		t.Error("JKT without key: no error")
	}
	s := &dpop.Signer{Key: ecKey(t), Now: time.Now}
	if _, err := s.NewProof("", tokenURL, "", ""); err == nil {
		t.Error("no method: no error")
	}
	if _, err := (&dpop.Signer{Key: ecKey(t), Alg: "EdDSA"}).NewProof("POST", tokenURL, "", ""); err == nil {
		t.Error("alg unfit for the key: no error")
	}
}
