package accesstoken_test

import (
	"crypto/elliptic"
	"fmt"
	"testing"
	"time"

	"github.com/wimse-wg/wimse/internal/wimsetest"
	"github.com/wimse-wg/wimse/tokens/accesstoken"
	"github.com/wimse-wg/wimse/tokens/confirmation"
	"github.com/wimse-wg/wimse/tokens/delegation"
	"github.com/wimse-wg/wimse/tokens/scope"
	"github.com/wimse-wg/wimse/wimse"
)

// An STS issues a DPoP-bound delegation token; the resource server verifies
// it with the key of the request's DPoP proof, and refuses it as Bearer.
func Example() {
	t := &testing.T{}
	stsKey := wimsetest.EC(t, elliptic.P256(), "example sts")
	dpopKey := &wimsetest.EC(t, elliptic.P256(), "example dpop").PublicKey
	issued := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

	cnf, _ := confirmation.JKT(dpopKey)
	signer := &accesstoken.Signer{Key: stsKey, KeyID: "2026-01", Deterministic: true}
	raw, err := signer.Sign(accesstoken.Claims{
		Issuer: "https://sts.example.com", Subject: "user@example.com", ClientID: "wimse://example.com/agent",
		ID: "tok-1", Audience: []string{"https://api.example.com"}, IssuedAt: issued, Expiry: issued.Add(5 * time.Minute),
		Scope: scope.MustParse("orders:read"), Act: delegation.Chain{{Subject: "wimse://example.com/agent"}},
		Confirmation: cnf,
	})
	if err != nil {
		fmt.Println(err)
		return
	}

	trust := wimse.NewTrustStore()
	trust.Set(wimse.MustParseTrustDomain("sts.example.com"), wimse.Anchors{
		Issuers: []string{"https://sts.example.com"},
		Keys:    []wimse.IssuerKey{{KeyID: "2026-01", Public: stsKey.Public()}},
	})
	v := &accesstoken.Verifier{Trust: trust, Audiences: []string{"https://api.example.com"},
		Policy: wimse.Policy{Now: func() time.Time { return issued.Add(time.Minute) }}}

	tok, err := v.Verify(raw, confirmation.Key(dpopKey))
	if err != nil {
		fmt.Println(wimse.ReasonOf(err))
		return
	}
	actor, _ := tok.Act.Current()
	fmt.Println(tok.Subject, "via", actor.Subject, "scope", tok.Scope)

	_, err = v.Verify(raw, nil)
	fmt.Println(wimse.ReasonOf(err))

	v.Policy.Now = func() time.Time { return issued.Add(time.Hour) }
	_, err = v.Verify(raw, confirmation.Key(dpopKey))
	fmt.Println(wimse.ReasonOf(err))
	// Output:
	// user@example.com via wimse://example.com/agent scope orders:read
	// cnf.unconfirmed
	// accesstoken.expired
}
