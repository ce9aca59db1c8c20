package exchange_test

import (
	"context"
	"crypto"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"math/big"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/wimse-wg/wimse/internal/wimsetest"
	"github.com/wimse-wg/wimse/profiles/exchange"
	"github.com/wimse-wg/wimse/tokens/accesstoken"
	"github.com/wimse-wg/wimse/tokens/confirmation"
	"github.com/wimse-wg/wimse/tokens/dpop"
	"github.com/wimse-wg/wimse/tokens/oauth"
	"github.com/wimse-wg/wimse/wimse"
)

var nonceKey = []byte(strings.Repeat("n", 32))

func dpopKey(t testing.TB) crypto.Signer {
	return wimsetest.EC(t, elliptic.P256(), "exchange dpop client")
}

// dpopEnv is newEnv with DPoP on: a replay cache, and nonces when withNonces.
func dpopEnv(t testing.TB, withNonces bool) *env {
	t.Helper()
	e := newEnv(t)
	cfg := &exchange.DPoPConfig{Verifier: &dpop.Verifier{Replay: &wimse.MemoryReplayCache{}}, TokenURL: hxEndpoint}
	if withNonces {
		src := &dpop.NonceSource{Key: nonceKey}
		cfg.Verifier.Nonces, cfg.Nonces = src, src
	}
	e.h.DPoP = cfg
	return e
}

// dpopProof is a proof of the test DPoP key at hxNow, changed by mod.
func dpopProof(t testing.TB, key crypto.Signer, htm, htu, accessToken, nonce string) string {
	t.Helper()
	raw, err := (&dpop.Signer{Key: key, Now: hxClock}).NewProof(htm, htu, accessToken, nonce)
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

func jktOf(t testing.TB, key crypto.Signer) string {
	t.Helper()
	jkt, err := dpop.Thumbprint(key.Public())
	if err != nil {
		t.Fatal(err)
	}
	return jkt
}

func cnfOf(t testing.TB, a answer) map[string]any {
	t.Helper()
	c, _ := claimsOf(t, a.str("access_token"))["cnf"].(map[string]any)
	return c
}

// TestDPoPTokenEndpoint: the token endpoint's DPoP rules (RFC 9449 §4.3,
// §5), each with its reason.
func TestDPoPTokenEndpoint(t *testing.T) {
	key := dpopKey(t)
	good := func(t testing.TB) string { return dpopProof(t, key, "POST", hxEndpoint, "", "") }
	signed := func(mod func(h, c map[string]any)) func(t testing.TB) string {
		return func(t testing.TB) string {
			jwk, _ := confirmationJWK(t, key)
			h := map[string]any{"typ": "dpop+jwt", "jwk": jwk}
			c := map[string]any{"jti": "j1", "htm": "POST", "htu": hxEndpoint, "iat": hxNow}
			mod(h, c)
			return signJWT(t, key, h, c)
		}
	}
	tests := []struct {
		name       string
		proofs     []func(testing.TB) string
		wantCode   string // "" : issued
		wantType   string
		wantReason wimse.Reason
	}{
		{name: "valid proof binds cnf.jkt", proofs: []func(testing.TB) string{good}, wantType: oauth.AccessTokenTypeDPoP},
		{name: "no proof is a bearer token", wantType: oauth.AccessTokenTypeBearer},
		{name: "htu with a query", proofs: []func(testing.TB) string{func(t testing.TB) string { return dpopProof(t, key, "POST", hxEndpoint+"?x=1", "", "") }}, wantType: oauth.AccessTokenTypeDPoP},
		{name: "typ JWT", proofs: []func(testing.TB) string{signed(func(h, _ map[string]any) { h["typ"] = "JWT" })}, wantCode: oauth.ErrorInvalidDPoPProof, wantReason: wimse.ReasonDPoPTyp},
		{name: "jwk private", proofs: []func(testing.TB) string{signed(func(h, _ map[string]any) { h["jwk"].(map[string]any)["d"] = "AAAA" })}, wantCode: oauth.ErrorInvalidDPoPProof, wantReason: wimse.ReasonDPoPJWKPrivate},
		{name: "htm GET", proofs: []func(testing.TB) string{func(t testing.TB) string { return dpopProof(t, key, "GET", hxEndpoint, "", "") }}, wantCode: oauth.ErrorInvalidDPoPProof, wantReason: wimse.ReasonDPoPHTMMismatch},
		{name: "htu another path", proofs: []func(testing.TB) string{func(t testing.TB) string { return dpopProof(t, key, "POST", hxIssuer+"/other", "", "") }}, wantCode: oauth.ErrorInvalidDPoPProof, wantReason: wimse.ReasonDPoPHTUMismatch},
		{name: "iat an hour old", proofs: []func(testing.TB) string{signed(func(_, c map[string]any) { c["iat"] = hxNow - 3600 })}, wantCode: oauth.ErrorInvalidDPoPProof, wantReason: wimse.ReasonDPoPIatStale},
		{name: "two DPoP headers", proofs: []func(testing.TB) string{good, good}, wantCode: oauth.ErrorInvalidDPoPProof, wantReason: wimse.ReasonDPoPMultiple},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := dpopEnv(t, false)
			var mods []func(*http.Request)
			for _, p := range tt.proofs {
				mods = append(mods, withHeader("DPoP", p(t)))
			}
			a := post(t, e.h, form(t).Encode(), mods...)
			if a.header.Get("Cache-Control") != "no-store" {
				t.Errorf("Cache-Control %q", a.header.Get("Cache-Control"))
			}
			d := e.last(t)
			if tt.wantCode != "" {
				if a.status != http.StatusBadRequest || a.str("error") != tt.wantCode || d.Reason != tt.wantReason || d.Binding != "" {
					t.Fatalf("got %d %q, reason %q, binding %q; want 400 %q, %q", a.status, a.str("error"), d.Reason, d.Binding, tt.wantCode, tt.wantReason)
				}
				return
			}
			if a.status != http.StatusOK || a.str("token_type") != tt.wantType {
				t.Fatalf("got %d %s", a.status, a.raw)
			}
			cnf := cnfOf(t, a)
			if tt.wantType == oauth.AccessTokenTypeDPoP {
				if cnf["jkt"] != jktOf(t, key) || len(cnf) != 1 || d.Binding != exchange.BindingDPoP {
					t.Errorf("cnf %v, binding %q", cnf, d.Binding)
				}
			} else if cnf != nil || d.Binding != "" {
				t.Errorf("bearer token with cnf %v, binding %q", cnf, d.Binding)
			}
		})
	}
}

// TestDPoPReplay: an accepted proof is refused the second time (RFC 9449
// §11.1).
func TestDPoPReplay(t *testing.T) {
	e := dpopEnv(t, false)
	p := dpopProof(t, dpopKey(t), "POST", hxEndpoint, "", "")
	if a := post(t, e.h, form(t).Encode(), withHeader("DPoP", p)); a.status != http.StatusOK {
		t.Fatalf("first: %s", a.raw)
	}
	a := post(t, e.h, form(t).Encode(), withHeader("DPoP", p))
	if a.str("error") != oauth.ErrorInvalidDPoPProof || e.last(t).Reason != wimse.ReasonDPoPReplayed {
		t.Fatalf("replay: %s, reason %q", a.raw, e.last(t).Reason)
	}
}

// TestDPoPIgnoredWithoutConfig: a Handler without DPoP ignores the header
// (RFC 9449 §5) and issues a bearer token.
func TestDPoPIgnoredWithoutConfig(t *testing.T) {
	e := newEnv(t)
	a := post(t, e.h, form(t).Encode(), withHeader("DPoP", "not even a JWT"))
	if a.status != http.StatusOK || a.str("token_type") != oauth.AccessTokenTypeBearer || cnfOf(t, a) != nil {
		t.Fatalf("got %s", a.raw)
	}
}

func TestDPoPMisconfigured(t *testing.T) {
	e := newEnv(t)
	e.h.DPoP = &exchange.DPoPConfig{Verifier: &dpop.Verifier{}} // no TokenURL
	a := post(t, e.h, form(t).Encode())
	if a.status != http.StatusInternalServerError || e.last(t).Reason != wimse.ReasonInternal {
		t.Fatalf("got %d %s", a.status, a.raw)
	}
	e.h.DPoP = &exchange.DPoPConfig{Verifier: &dpop.Verifier{Nonces: &dpop.NonceSource{Key: nonceKey}}, TokenURL: hxEndpoint} // no Nonces issuer
	a = post(t, e.h, form(t).Encode(), withHeader("DPoP", dpopProof(t, dpopKey(t), "POST", hxEndpoint, "", "")))
	if a.status != http.StatusInternalServerError {
		t.Fatalf("nonces without issuer: got %d %s", a.status, a.raw)
	}
}

// TestDPoPNonce: a server that requires nonces answers use_dpop_nonce with
// a DPoP-Nonce (RFC 9449 §8) and sends a fresh one with every token.
func TestDPoPNonce(t *testing.T) {
	key := dpopKey(t)
	src := &dpop.NonceSource{Key: nonceKey}
	stale, _ := src.NewNonce(time.Unix(hxNow-2*int64(dpop.DefaultNoncePeriod/time.Second), 0))
	current, _ := src.NewNonce(hxClock())
	tests := []struct {
		name       string
		nonce      string
		wantReason wimse.Reason // "": issued
	}{
		{name: "current nonce", nonce: current},
		{name: "no nonce", wantReason: wimse.ReasonDPoPNonceMissing},
		{name: "stale nonce", nonce: stale, wantReason: wimse.ReasonDPoPNonceInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := dpopEnv(t, true)
			a := post(t, e.h, form(t).Encode(), withHeader("DPoP", dpopProof(t, key, "POST", hxEndpoint, "", tt.nonce)))
			if got := a.header.Get("DPoP-Nonce"); got != current {
				t.Errorf("DPoP-Nonce %q, want %q", got, current)
			}
			if a.header.Get("Cache-Control") != "no-store" {
				t.Error("no Cache-Control: no-store")
			}
			if tt.wantReason == "" {
				if a.status != http.StatusOK || a.str("token_type") != oauth.AccessTokenTypeDPoP {
					t.Fatalf("got %s", a.raw)
				}
				return
			}
			if a.status != http.StatusBadRequest || a.str("error") != oauth.ErrorUseDPoPNonce || e.last(t).Reason != tt.wantReason {
				t.Fatalf("got %d %s, reason %q; want use_dpop_nonce %q", a.status, a.raw, e.last(t).Reason, tt.wantReason)
			}
		})
	}
}

// clientCert is a self-signed client certificate of label.
func clientCert(t testing.TB, label string) *x509.Certificate {
	t.Helper()
	key := wimsetest.EC(t, elliptic.P256(), label)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: label},
		NotBefore: time.Unix(hxNow-3600, 0), NotAfter: time.Unix(hxNow+3600, 0)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// withMTLS makes e's client authentication report cert as the client's
// mutual TLS certificate (as spiffe_x509 or tls_client_auth would).
func withMTLS(e *env, cert *x509.Certificate) {
	e.h.Clients = exchange.ClientAuthenticatorFunc(func(ctx context.Context, r *http.Request) (exchange.ClientIdentity, error) {
		c, err := clients(ctx, r)
		c.Certificate = cert
		return c, err
	})
}

func x5t(c *x509.Certificate) string {
	sum := sha256.Sum256(c.Raw)
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// TestCertificateBinding: RFC 8705 §3 with BindCertificate, and DPoP
// winning over the certificate.
func TestCertificateBinding(t *testing.T) {
	cert := clientCert(t, "client a")
	tests := []struct {
		name        string
		bind        bool
		dpop        bool
		wantCnf     map[string]any
		wantType    string
		wantBinding string
	}{
		{name: "certificate-bound", bind: true, wantCnf: map[string]any{"x5t#S256": x5t(cert)}, wantType: oauth.AccessTokenTypeBearer, wantBinding: exchange.BindingMTLS},
		{name: "BindCertificate off", wantType: oauth.AccessTokenTypeBearer},
		{name: "DPoP wins", bind: true, dpop: true, wantCnf: map[string]any{"jkt": jktOf(t, dpopKey(t))}, wantType: oauth.AccessTokenTypeDPoP, wantBinding: exchange.BindingDPoP},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := dpopEnv(t, false)
			withMTLS(e, cert)
			e.h.BindCertificate = tt.bind
			var mods []func(*http.Request)
			if tt.dpop {
				mods = append(mods, withHeader("DPoP", dpopProof(t, dpopKey(t), "POST", hxEndpoint, "", "")))
			}
			a := post(t, e.h, form(t).Encode(), mods...)
			if a.status != http.StatusOK || a.str("token_type") != tt.wantType {
				t.Fatalf("got %d %s", a.status, a.raw)
			}
			cnf := cnfOf(t, a)
			if len(cnf) != len(tt.wantCnf) || (tt.wantCnf != nil && cnf[firstKey(tt.wantCnf)] != tt.wantCnf[firstKey(tt.wantCnf)]) {
				t.Errorf("cnf %v, want %v", cnf, tt.wantCnf)
			}
			if d := e.last(t); d.Binding != tt.wantBinding {
				t.Errorf("binding %q, want %q", d.Binding, tt.wantBinding)
			}
		})
	}
}

func firstKey(m map[string]any) string {
	for k := range m {
		return k
	}
	return ""
}

// TestBoundSubjectToken: an access token bound by cnf is accepted as
// subject token only with the request's proof of that key or certificate.
func TestBoundSubjectToken(t *testing.T) {
	key, other := dpopKey(t), wimsetest.EC(t, elliptic.P256(), "another dpop key")
	cert, otherCert := clientCert(t, "client a"), clientCert(t, "client b")
	jktBound := subjectToken(t, func(c *accesstoken.Claims) {
		c.Confirmation, _ = confirmation.JKT(key.Public())
	})
	certBound := subjectToken(t, func(c *accesstoken.Claims) { c.Confirmation = confirmation.X5TS256(cert) })
	bearer := subjectToken(t, nil)
	tests := []struct {
		name       string
		subject    string
		proof      func(t testing.TB) string // nil: no DPoP header
		cert       *x509.Certificate
		wantReason wimse.Reason // "": issued
	}{
		{name: "dpop-bound with its key and ath", subject: jktBound, proof: func(t testing.TB) string { return dpopProof(t, key, "POST", hxEndpoint, jktBound, "") }},
		{name: "dpop-bound without proof", subject: jktBound, wantReason: wimse.ReasonCnfUnconfirmed},
		{name: "dpop-bound with another key", subject: jktBound, proof: func(t testing.TB) string { return dpopProof(t, other, "POST", hxEndpoint, jktBound, "") }, wantReason: wimse.ReasonCnfMismatch},
		{name: "dpop-bound without ath", subject: jktBound, proof: func(t testing.TB) string { return dpopProof(t, key, "POST", hxEndpoint, "", "") }, wantReason: wimse.ReasonDPoPATHMissing},
		{name: "dpop-bound with ath of another token", subject: jktBound, proof: func(t testing.TB) string { return dpopProof(t, key, "POST", hxEndpoint, bearer, "") }, wantReason: wimse.ReasonDPoPATHMismatch},
		{name: "dpop-bound with only a certificate", subject: jktBound, cert: cert, wantReason: wimse.ReasonCnfUnconfirmed},
		{name: "certificate-bound with its certificate", subject: certBound, cert: cert},
		{name: "certificate-bound with another certificate", subject: certBound, cert: otherCert, wantReason: wimse.ReasonCnfMismatch},
		{name: "certificate-bound without certificate", subject: certBound, wantReason: wimse.ReasonCnfUnconfirmed},
		{name: "certificate-bound with only a DPoP proof", subject: certBound, proof: func(t testing.TB) string { return dpopProof(t, key, "POST", hxEndpoint, certBound, "") }, wantReason: wimse.ReasonCnfUnconfirmed},
		{name: "bearer with a certificate", subject: bearer, cert: cert},
		{name: "bearer with a DPoP proof", subject: bearer, proof: func(t testing.TB) string { return dpopProof(t, key, "POST", hxEndpoint, bearer, "") }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := dpopEnv(t, false)
			withMTLS(e, tt.cert)
			f := form(t)
			f.Set("subject_token", tt.subject)
			var mods []func(*http.Request)
			if tt.proof != nil {
				mods = append(mods, withHeader("DPoP", tt.proof(t)))
			}
			a := post(t, e.h, f.Encode(), mods...)
			d := e.last(t)
			if tt.wantReason == "" {
				if a.status != http.StatusOK {
					t.Fatalf("got %d %s, reason %q", a.status, a.raw, d.Reason)
				}
				return
			}
			if a.status != http.StatusBadRequest || a.str("error") != oauth.ErrorInvalidRequest || d.Reason != tt.wantReason {
				t.Fatalf("got %d %s, reason %q; want invalid_request %q", a.status, a.raw, d.Reason, tt.wantReason)
			}
		})
	}
}

func TestDPoPMetadata(t *testing.T) {
	cfg := &exchange.DPoPConfig{Verifier: &dpop.Verifier{}, TokenURL: hxEndpoint}
	m := &exchange.Metadata{
		Issuer: hxIssuer, TokenEndpoint: hxEndpoint,
		GrantTypesSupported:                   []string{oauth.GrantTypeTokenExchange},
		TokenEndpointAuthMethodsSupported:     []string{oauth.AuthMethodClientSecretBasic},
		DPoPSigningAlgValuesSupported:         cfg.SigningAlgValues(),
		TLSClientCertificateBoundAccessTokens: true,
	}
	if err := m.Validate(); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(m.DPoPSigningAlgValuesSupported, " "); got != "ES256 EdDSA RS256 PS256" {
		t.Errorf("dpop_signing_alg_values_supported %q", got)
	}
	if (*exchange.DPoPConfig)(nil).SigningAlgValues() != nil {
		t.Error("no DPoP: algorithms listed")
	}
}
