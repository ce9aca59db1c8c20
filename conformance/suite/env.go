package suite

import (
	"crypto/tls"
	"encoding/json"
	"fmt"
	"time"

	"github.com/wimse-wg/wimse/conformance"
	"github.com/wimse-wg/wimse/internal/jose"
	"github.com/wimse-wg/wimse/profiles/httpsig"
	"github.com/wimse-wg/wimse/tokens/wit"
	"github.com/wimse-wg/wimse/vectors"
	"github.com/wimse-wg/wimse/wimse"
)

// Env is what Options.Handler gets to build the handler under test. Every
// key and certificate in it is a public test credential derived from the
// suite's seed: never trust them outside a test.
type Env struct {
	// BaseURL is where the handler is served, scheme://127.0.0.1:port
	// without a trailing slash: its audience base (for example
	// httpwpt.AudienceFromBase(env.BaseURL)). The specs request
	// BaseURL + "/path" unless the profile names another path.
	BaseURL string
	// Trust is a new trust store holding the suite's issuer keys, each set
	// bound to its own trust domain (workload-creds-02 §5.1.3): the keys of
	// vectors.KeySet.IssuerKeys for the profile's TrustDomain
	// (vectors.TrustDomain by default) and the second issuer key set for
	// its SecondTrustDomain (vectors.OtherTrustDomain by default); and the
	// X.509 roots of the mtls vectors (vectors.MTLSRoots), each for its own
	// trust domain. It is the handler's to keep and change.
	Trust *wimse.TrustStore
	// JWKS maps each trust domain of Trust that has issuer keys to its
	// issuer keys as a JWK Set (RFC 7517 §5), the document `wimse
	// conformance trust-bundle` prints: for handlers configured from key
	// files or a JWKS endpoint rather than a wimse.TrustStore.
	JWKS map[string][]byte
	// ResponseSigner signs responses of the HTTP signature profile (the
	// http-signature vectors that send wimse-sign-response) with the
	// server's own WIT: one for vectors.ServerSubject, issued an hour
	// long by the suite's issuer, which the runner trusts unless
	// Options.Config.ResponseTrust says otherwise.
	ResponseSigner *httpsig.Signer
	// Certificate is the certificate served over TLS (Options.TLS,
	// DraftMTLS); nil over plain HTTP.
	Certificate *tls.Certificate
}

// newEnv builds the environment of a handler served at base under cfg.
func newEnv(base string, cfg conformance.Config, cert *tls.Certificate) (Env, error) {
	seed := cfg.Seed
	if seed == "" {
		seed = vectors.DefaultSeed
	}
	keys, err := vectors.DeriveKeys(seed)
	if err != nil {
		return Env{}, err
	}
	prof := cfg.Profile
	if prof == nil {
		prof = &conformance.Profile{}
	}
	env := Env{BaseURL: base, Trust: wimse.NewTrustStore(), JWKS: map[string][]byte{}, Certificate: cert}
	for _, b := range []struct{ td, as string }{
		{vectors.TrustDomain, prof.TrustDomain},
		{vectors.OtherTrustDomain, prof.SecondTrustDomain},
	} {
		name := b.as
		if name == "" {
			name = b.td
		}
		td, err := wimse.ParseTrustDomain(name)
		if err != nil {
			return Env{}, fmt.Errorf("suite: trust domain %q: %w", name, err)
		}
		issuers := keys.IssuerKeysOf(b.td)
		env.Trust.Set(td, wimse.Anchors{Keys: issuers})
		if env.JWKS[td.String()], err = jwks(issuers); err != nil {
			return Env{}, err
		}
	}
	roots, err := vectors.MTLSRoots(seed)
	if err != nil {
		return Env{}, err
	}
	if err := vectors.AddX509Roots(env.Trust, roots); err != nil {
		return Env{}, err
	}
	if env.ResponseSigner, err = responseSigner(keys, cfg.Now); err != nil {
		return Env{}, err
	}
	return env, nil
}

// jwks renders issuer keys as a JWK Set.
func jwks(keys []wimse.IssuerKey) ([]byte, error) {
	out := make([]map[string]any, 0, len(keys))
	for _, k := range keys {
		pub, err := jose.PublicJWKJSON(k.Public, k.Algorithm, k.KeyID)
		if err != nil {
			return nil, fmt.Errorf("suite: issuer key %s: %w", k.KeyID, err)
		}
		out = append(out, pub)
	}
	return json.Marshal(map[string]any{"keys": out})
}

// responseSigner is the server's response signer: its WIT for
// vectors.ServerSubject, issued by the suite's issuer for an hour from now,
// and the key bound to it.
func responseSigner(keys *vectors.KeySet, now func() time.Time) (*httpsig.Signer, error) {
	issuer, err := keys.Get("issuer")
	if err != nil {
		return nil, err
	}
	sk, err := keys.Get("server")
	if err != nil {
		return nil, err
	}
	t := time.Now()
	if now != nil {
		t = now()
	}
	token, err := (&wit.Signer{Key: issuer.Signer, Alg: issuer.Alg, KeyID: issuer.KeyID}).Sign(wit.Claims{
		Subject: wimse.MustParseID(vectors.ServerSubject), Issuer: "https://issuer.example.org",
		IssuedAt: t.Add(-time.Minute), Expiry: t.Add(time.Hour), Key: sk.Signer.Public(), KeyAlg: sk.Alg,
	})
	if err != nil {
		return nil, fmt.Errorf("suite: the server's WIT: %w", err)
	}
	return &httpsig.Signer{WIT: token, Key: sk.Signer, Alg: sk.Alg, Now: now}, nil
}
