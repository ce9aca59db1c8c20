package mtls_test

import (
	"testing"

	"github.com/wimse-wg/wimse/internal/mutant"
	"github.com/wimse-wg/wimse/profiles/mtls"
	"github.com/wimse-wg/wimse/wimse"
)

// mutantOutcome is the reason a rejected verifyCase gets with its own
// reason's check disabled (WithMutant): "" when the mutant accepts it.
// Cases not listed keep their reason: nothing can follow the check, or the
// reason is not mutable.
var mutantOutcome = map[string]wimse.Reason{
	"two URI SANs":                                "",
	"non-canonical identifier (%70)":              "",
	"upper-case trust domain":                     "",
	"untrusted trust domain":                      wimse.ReasonMTLSChain, // borrowed roots, none of them its CA
	"trust domain without X.509 roots":            wimse.ReasonMTLSChain,
	"unexpected trust domain":                     "",
	"expected identifier in another trust domain": wimse.ReasonMTLSPeerIdentity,
	"expired":                    "",
	"not yet valid":              "",
	"expired intermediate":       "",
	"not yet valid intermediate": "",
	"identifier in A, chain to B's root (#335)": "",
	"identifier in B, chain to A's root (#335)": "",
	"self-signed leaf":                          "",
	"wrong root":                                "",
	"intermediate not sent":                     "",
	"server-only cert used as client":           "",
	"client-only cert used as server":           "",
	"EKU without TLS purposes":                  "",
	"CA certificate as leaf":                    "",
	"leaf with keyCertSign":                     "",
	"key usage without digitalSignature":        "",
	"server identity mismatch":                  "",
	"identifier differs only by path prefix":    "",
	"authorizer denies":                         "",
	"authorizer denies with a plain error":      "",
	"authorizer's own reason is kept":           "",
	"DNS-ID mismatch":                           "",
	"DNS-ID required, none present":             "",
}

// TestVerifyPeerMutant: with its own reason's check disabled, each rejected
// case gets mutantOutcome; with another check disabled, or none, it keeps
// its reason.
func TestVerifyPeerMutant(t *testing.T) {
	p := getPKI(t)
	seen := map[string]bool{}
	for _, c := range verifyCases() {
		if c.wantReason == "" {
			continue
		}
		t.Run(c.name, func(t *testing.T) {
			chain := c.build(t, p)
			want, listed := mutantOutcome[c.name]
			if !listed {
				want = c.wantReason
			} else {
				seen[c.name] = true
				if !mutant.Known(string(c.wantReason)) {
					t.Errorf("%s is listed, but %s is not mutable", c.name, c.wantReason)
				}
			}
			for _, m := range []*mutant.Set{nil, mutant.New(), mutant.New("wit.expired", "mtls.no_certificate")} {
				_, err := mtls.VerifyPeer(chain, p.store, c.role, now, append(c.opts, mtls.WithMutant(m))...)
				if got := wimse.ReasonOf(err); got != c.wantReason {
					t.Errorf("mutant %v: got %q, want %q", m, got, c.wantReason)
				}
			}
			id, err := mtls.VerifyPeer(chain, p.store, c.role, now, append(c.opts, mtls.WithMutant(mutant.New(string(c.wantReason))))...)
			if got := wimse.ReasonOf(err); got != want {
				t.Errorf("%s disabled: got %q (%v), want %q", c.wantReason, got, err, want)
			}
			if err == nil && id.IsZero() {
				t.Error("accepted without an identifier")
			}
		})
	}
	for name := range mutantOutcome {
		if !seen[name] {
			t.Errorf("mutantOutcome lists %q, which is no rejected case", name)
		}
	}
}

// TestMutantPeerChain: the validity mutants verify copies of the
// certificates, but the Peer carries the certificates presented.
func TestMutantPeerChain(t *testing.T) {
	p := getPKI(t)
	leaf := issue(t, p.interExpired, spec(appID))
	var got *mtls.Peer
	_, err := mtls.VerifyPeer(leaf.Chain, p.store, mtls.Client, now,
		mtls.WithMutant(mutant.New(string(wimse.ReasonMTLSExpired), string(wimse.ReasonMTLSNotYetValid))),
		mtls.WithAuthorizer(func(peer *mtls.Peer) error {
			got = peer
			return nil
		}))
	if err != nil {
		t.Fatal(err)
	}
	if got.Certificate != leaf.Cert || len(got.Chain) != 3 || got.Chain[0] != leaf.Cert || got.Chain[1] != leaf.Chain[1] || got.Chain[2] != p.ca.Cert {
		t.Errorf("peer chain is not the certificates presented and the root")
	}
}
