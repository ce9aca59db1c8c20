package mtls_test

import (
	"crypto/x509"
	"sync"
	"testing"
	"time"

	"github.com/wimse-wg/wimse/profiles/mtls/mtlstest"
	"github.com/wimse-wg/wimse/wimse"
)

// now is the pinned time of every test; certificates are valid around it.
var now = time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)

func clock() time.Time { return now }

const (
	appID    = "spiffe://example.org/ns/default/sa/app"
	serverID = "spiffe://example.org/ns/default/sa/server"
)

var (
	tdExample   = wimse.MustParseTrustDomain("example.org")
	tdOther     = wimse.MustParseTrustDomain("other.org")
	tdUntrusted = wimse.MustParseTrustDomain("untrusted.org")
	tdKeysOnly  = wimse.MustParseTrustDomain("keys-only.org")
)

// pki is the test PKI: trust domains example.org and other.org are trusted
// for X.509, keys-only.org only has WIT keys, untrusted.org is not trusted.
type pki struct {
	store *wimse.TrustStore
	// ca is example.org's root; inter an intermediate under it.
	ca, inter *mtlstest.CA
	// interExpired and interFuture are intermediates of ca outside their
	// validity period at now.
	interExpired, interFuture *mtlstest.CA
	// other is other.org's root.
	other *mtlstest.CA
	// rogue is a second example.org CA that is not in the store.
	rogue *mtlstest.CA
	// untrusted and keysOnly issue for trust domains without X.509 anchors.
	untrusted, keysOnly *mtlstest.CA
}

var fixture = sync.OnceValues(func() (*pki, error) {
	p := &pki{}
	start := now.Add(-24 * time.Hour)
	var err error
	must := func(ca *mtlstest.CA, e error) *mtlstest.CA {
		if err == nil {
			err = e
		}
		return ca
	}
	p.ca = must(mtlstest.NewCA(tdExample, start))
	p.inter = must(mtlstest.NewCA(tdExample, start, mtlstest.WithParent(p.ca)))
	if err != nil {
		return nil, err
	}
	p.interExpired = must(mtlstest.NewCA(tdExample, start, mtlstest.WithParent(p.ca),
		mtlstest.WithSeed("expired intermediate"), mtlstest.WithValidity(start, now.Add(-time.Minute))))
	p.interFuture = must(mtlstest.NewCA(tdExample, start, mtlstest.WithParent(p.ca),
		mtlstest.WithSeed("future intermediate"), mtlstest.WithValidity(now.Add(time.Minute), now.Add(48*time.Hour))))
	p.other = must(mtlstest.NewCA(tdOther, start))
	p.rogue = must(mtlstest.NewCA(tdExample, start, mtlstest.WithSeed("rogue")))
	p.untrusted = must(mtlstest.NewCA(tdUntrusted, start))
	p.keysOnly = must(mtlstest.NewCA(tdKeysOnly, start))
	if err != nil {
		return nil, err
	}
	p.store = mtlstest.TrustStore(p.ca, p.other)
	p.store.Set(tdKeysOnly, wimse.Anchors{})
	return p, nil
})

func getPKI(t testing.TB) *pki {
	t.Helper()
	p, err := fixture()
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// spec is a SPIRE-shaped leaf for uris, valid for an hour either side of now.
func spec(uris ...string) mtlstest.LeafSpec {
	return mtlstest.LeafSpec{URIs: uris, NotBefore: now.Add(-time.Hour), NotAfter: now.Add(time.Hour)}
}

func issue(t testing.TB, ca *mtlstest.CA, s mtlstest.LeafSpec) *mtlstest.Leaf {
	t.Helper()
	l, err := mtlstest.NewLeaf(ca, s)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func chainOf(t testing.TB, ca *mtlstest.CA, s mtlstest.LeafSpec) []*x509.Certificate {
	t.Helper()
	return issue(t, ca, s).Chain
}
