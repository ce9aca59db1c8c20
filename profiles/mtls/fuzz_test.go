package mtls_test

import (
	"crypto/x509"
	"testing"

	"github.com/wimse-wg/wimse/profiles/mtls"
	"github.com/wimse-wg/wimse/wimse"
)

// FuzzVerifyPeer feeds concatenated DER certificates to VerifyPeer in both
// roles: it must not panic, and every rejection carries a known reason.
func FuzzVerifyPeer(f *testing.F) {
	p := getPKI(f)
	seed := func(certs ...*x509.Certificate) {
		var b []byte
		for _, c := range certs {
			b = append(b, c.Raw...)
		}
		f.Add(b)
	}
	for _, c := range verifyCases() {
		seed(c.build(f, p)...)
	}
	seed(issue(f, p.inter, spec(appID)).Chain...)
	seed(p.ca.Cert)
	f.Add([]byte{})
	opts := []mtls.Option{mtls.WithDNSName("server.example.org"), mtls.WithExpectedID(wimse.MustParseID(serverID))}
	f.Fuzz(func(t *testing.T, der []byte) {
		chain, err := x509.ParseCertificates(der)
		if err != nil {
			return
		}
		for _, role := range []mtls.Role{mtls.Client, mtls.Server} {
			for _, o := range [][]mtls.Option{nil, opts} {
				id, err := mtls.VerifyPeer(chain, p.store, role, now, o...)
				if err != nil {
					if r := wimse.ReasonOf(err); !r.Known() || r == wimse.ReasonInternal {
						t.Fatalf("reason %q for %v", r, err)
					}
					continue
				}
				if id.IsZero() || id.TrustDomain() != tdExample && id.TrustDomain() != tdOther {
					t.Fatalf("accepted %q", id)
				}
			}
		}
	})
}
