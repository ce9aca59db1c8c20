package vectors

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/hkdf"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"embed"
	"encoding/pem"
	"fmt"
	"math/big"
	"sort"

	"github.com/wimse-wg/wimse/wimse"
)

// DefaultSeed is the seed of the committed vectors.
const DefaultSeed = "wimse-vectors-v1"

//go:embed testkeys/*.pem
var rsaKeys embed.FS

// Key is a named test key.
type Key struct {
	Name   string
	Alg    string
	KeyID  string
	Signer crypto.Signer
}

// KeySet holds the named test keys vectors refer to. These are public test
// keys: never trust them outside a test.
type KeySet struct {
	keys map[string]*Key
}

// Get returns a key by name.
func (s *KeySet) Get(name string) (*Key, error) {
	k, ok := s.keys[name]
	if !ok {
		return nil, fmt.Errorf("vectors: unknown key %q", name)
	}
	return k, nil
}

// Names returns the key names, sorted.
func (s *KeySet) Names() []string {
	out := make([]string, 0, len(s.keys))
	for n := range s.keys {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// keySpecs are the test keys: issuers (trusted by the vectors' policy
// unless named other-*), workloads (cnf keys) and strangers.
var keySpecs = []struct{ name, alg, kid string }{
	{"issuer", "ES256", "issuer-es256"},
	{"issuer-es384", "ES384", "issuer-es384"},
	{"issuer-es512", "ES512", "issuer-es512"},
	{"issuer-eddsa", "EdDSA", "issuer-eddsa"},
	{"issuer-rs256", "RS256", "issuer-rs256"},
	{"issuer-ps256", "PS256", "issuer-ps256"},
	{"other-issuer", "ES256", "issuer-es256"},         // same kid as issuer, not trusted
	{"second-issuer", "ES256", "second-issuer-es256"}, // OtherTrustDomain's issuer
	{"workload", "ES256", ""},
	{"workload-es384", "ES384", ""},
	{"workload-es512", "ES512", ""},
	{"workload-eddsa", "EdDSA", ""},
	{"workload-ed25519", "Ed25519", ""},
	{"workload-rs256", "RS256", ""},
	{"workload-ps256", "PS256", ""},
	{"other-workload", "ES256", ""},
	{"server", "ES256", ""}, // the reference server's own WIT key (signed responses)
}

// ServerSubject is the identifier of the reference server's own WIT.
const ServerSubject = "wimse://example.org/workload/server"

// TrustedIssuers are the keys a target must trust (the trust bundle).
var TrustedIssuers = []string{"issuer", "issuer-es384", "issuer-es512", "issuer-eddsa", "issuer-rs256", "issuer-ps256"}

// SecondIssuers are the issuer keys of OtherTrustDomain, the suite's second
// trust domain (NeedSecondTrustDomain): a target that declares it trusts
// these for OtherTrustDomain only, and TrustedIssuers for TrustDomain only.
var SecondIssuers = []string{"second-issuer"}

// IssuerKeysOf returns the issuer keys a target must trust for td:
// TrustedIssuers for TrustDomain, SecondIssuers for OtherTrustDomain,
// none for any other trust domain.
func (s *KeySet) IssuerKeysOf(td string) []wimse.IssuerKey {
	switch td {
	case TrustDomain:
		return s.IssuerKeys()
	case OtherTrustDomain:
		return s.issuerKeys(SecondIssuers)
	}
	return nil
}

// IssuerKeys returns the trusted issuers' public keys (TrustedIssuers), as
// a target must trust them for the vectors' trust domain.
func (s *KeySet) IssuerKeys() []wimse.IssuerKey { return s.issuerKeys(TrustedIssuers) }

func (s *KeySet) issuerKeys(names []string) []wimse.IssuerKey {
	out := make([]wimse.IssuerKey, 0, len(names))
	for _, name := range names {
		k := s.keys[name]
		out = append(out, wimse.IssuerKey{KeyID: k.KeyID, Algorithm: k.Alg, Public: k.Signer.Public()})
	}
	return out
}

// DeriveKeys derives the test keys from seed: EC and Ed25519 keys from
// HKDF-SHA256(seed, name); RSA keys are two fixed keys in testkeys/, since
// Go 1.26 no longer generates RSA keys from a caller's randomness.
func DeriveKeys(seed string) (*KeySet, error) {
	s := &KeySet{keys: map[string]*Key{}}
	rsaIndex := map[string]string{"issuer-rs256": "rsa-1", "issuer-ps256": "rsa-1", "workload-rs256": "rsa-2", "workload-ps256": "rsa-2"}
	for _, sp := range keySpecs {
		var signer crypto.Signer
		var err error
		switch sp.alg {
		case "ES256", "ES384", "ES512":
			signer, err = deriveEC(seed, sp.name, sp.alg)
		case "EdDSA", "Ed25519":
			var b []byte
			b, err = hkdf.Key(sha256.New, []byte(seed), nil, "wimse test key "+sp.name, ed25519.SeedSize)
			signer = ed25519.NewKeyFromSeed(b)
		case "RS256", "PS256":
			signer, err = loadRSA(rsaIndex[sp.name])
		}
		if err != nil {
			return nil, fmt.Errorf("vectors: key %s: %w", sp.name, err)
		}
		s.keys[sp.name] = &Key{Name: sp.name, Alg: sp.alg, KeyID: sp.kid, Signer: signer}
	}
	addForgedKeys(s)
	return s, nil
}

func deriveEC(seed, name, alg string) (*ecdsa.PrivateKey, error) {
	curve := map[string]elliptic.Curve{"ES256": elliptic.P256(), "ES384": elliptic.P384(), "ES512": elliptic.P521()}[alg]
	size := (curve.Params().BitSize + 7) / 8
	raw, err := hkdf.Key(sha256.New, []byte(seed), nil, "wimse test key "+name, size+16)
	if err != nil {
		return nil, err
	}
	// Reduce a wide value mod n-1 and add 1: uniform enough for test keys
	// and always a valid scalar.
	n := new(big.Int).Sub(curve.Params().N, big.NewInt(1))
	d := new(big.Int).Mod(new(big.Int).SetBytes(raw), n)
	d.Add(d, big.NewInt(1))
	scalar := d.FillBytes(make([]byte, size))
	return ecdsa.ParseRawPrivateKey(curve, scalar)
}

func loadRSA(name string) (*rsa.PrivateKey, error) {
	b, err := rsaKeys.ReadFile("testkeys/" + name + ".pem")
	if err != nil {
		return nil, err
	}
	blk, _ := pem.Decode(b)
	if blk == nil {
		return nil, fmt.Errorf("no PEM block in %s", name)
	}
	k, err := x509.ParsePKCS8PrivateKey(blk.Bytes)
	if err != nil {
		return nil, err
	}
	rk, ok := k.(*rsa.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("%s is not an RSA key", name)
	}
	return rk, nil
}
