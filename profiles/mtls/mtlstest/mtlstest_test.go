package mtlstest

import (
	"bytes"
	"crypto/x509"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/wimse-wg/wimse/wimse"
)

var now = time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)

func build(t testing.TB) (root, inter *CA, leaf *Leaf) {
	t.Helper()
	td := wimse.MustParseTrustDomain("example.org")
	root, err := NewCA(td, now)
	if err != nil {
		t.Fatal(err)
	}
	inter, err = NewCA(td, now, WithParent(root))
	if err != nil {
		t.Fatal(err)
	}
	leaf, err = NewLeaf(inter, LeafSpec{
		URIs:      []string{"spiffe://example.org/ns/default/sa/app"},
		DNSNames:  []string{"app.example.org"},
		NotBefore: now, NotAfter: now.Add(time.Hour),
	})
	if err != nil {
		t.Fatal(err)
	}
	return root, inter, leaf
}

// TestDeterministic: two runs give byte-identical DER (RFC 6979 signatures,
// HKDF-derived keys, fixed serials and times), so vectors can be regenerated.
func TestDeterministic(t *testing.T) {
	r1, i1, l1 := build(t)
	r2, i2, l2 := build(t)
	for _, c := range []struct {
		name string
		a, b *x509.Certificate
	}{{"root", r1.Cert, r2.Cert}, {"intermediate", i1.Cert, i2.Cert}, {"leaf", l1.Cert, l2.Cert}} {
		if !bytes.Equal(c.a.Raw, c.b.Raw) {
			t.Errorf("%s: DER differs between runs", c.name)
		}
	}
	if !l1.Key.Equal(l2.Key) {
		t.Error("leaf key differs between runs")
	}
}

func TestShape(t *testing.T) {
	root, inter, leaf := build(t)
	if got, want := leaf.Cert.KeyUsage, SPIREKeyUsage; got != want {
		t.Errorf("leaf key usage: got %v, want %v", got, want)
	}
	if diff := cmp.Diff(SPIREExtKeyUsage(), leaf.Cert.ExtKeyUsage); diff != "" {
		t.Errorf("leaf EKU (-want +got):\n%s", diff)
	}
	if leaf.Cert.IsCA || !root.Cert.IsCA || !inter.Cert.IsCA {
		t.Error("basic constraints are wrong")
	}
	if got, want := root.Cert.URIs[0].String(), "spiffe://example.org"; got != want {
		t.Errorf("CA URI SAN: got %q, want %q", got, want)
	}
	if got, want := len(leaf.Chain), 2; got != want {
		t.Errorf("leaf chain length: got %d, want %d", got, want)
	}
	if inter.Root != root.Cert {
		t.Error("intermediate's root is not the root")
	}
	if _, err := leaf.Cert.Verify(x509.VerifyOptions{
		Roots:         pool(root.Cert),
		Intermediates: pool(inter.Cert),
		CurrentTime:   now,
		KeyUsages:     []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	}); err != nil {
		t.Errorf("leaf does not verify: %v", err)
	}
}

func TestVerbatimURIs(t *testing.T) {
	for _, uri := range []string{"spiffe://EXAMPLE.org/app", "wimse://example.org/service/%70ayment"} {
		l, err := NewLeaf(nil, LeafSpec{URIs: []string{uri}, NotBefore: now, NotAfter: now.Add(time.Hour)})
		if err != nil {
			t.Fatalf("%s: %v", uri, err)
		}
		if got := l.Cert.URIs[0].String(); got != uri {
			t.Errorf("got %q, want %q", got, uri)
		}
	}
}

func pool(certs ...*x509.Certificate) *x509.CertPool {
	p := x509.NewCertPool()
	for _, c := range certs {
		p.AddCert(c)
	}
	return p
}
