package exchange_test

import (
	"context"
	"crypto"
	"crypto/elliptic"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/spiffe/go-spiffe/v2/bundle/jwtbundle"
	"github.com/spiffe/go-spiffe/v2/spiffeid"

	"github.com/wimse-wg/wimse/internal/wimsetest"
	"github.com/wimse-wg/wimse/profiles/exchange"
	"github.com/wimse-wg/wimse/tokens/accesstoken"
	"github.com/wimse-wg/wimse/tokens/jwtgrant"
	"github.com/wimse-wg/wimse/tokens/oauth"
	"github.com/wimse-wg/wimse/wimse"
)

const (
	caClient   = "https://classic.example.com"
	caSecret   = "s3cr3t+with:odd/chars%"
	caJWT      = "https://jwt-client.example.com"
	caSPIFFE   = "spiffe://example.org/workload"
	caStranger = "spiffe://example.org/stranger"
)

func caPolicy() wimse.Policy { return wimse.Policy{Now: hxClock} }

func caClientKey(t testing.TB) crypto.Signer {
	return wimsetest.EC(t, elliptic.P256(), "exchange clientauth jwt")
}

// assertion is a private_key_jwt client assertion of caJWT for aud.
func assertion(t testing.TB, aud, jti string) string {
	t.Helper()
	raw, err := (&jwtgrant.Signer{Key: caClientKey(t), KeyID: "c1"}).SignClientAssertion(jwtgrant.Claims{
		Issuer: caJWT, Audience: aud, ID: jti, IssuedAt: hxClock(), Expiry: hxClock().Add(time.Minute),
	})
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

// svidFor is a JWT-SVID of sub for aud, signed with the example.org key.
func svidFor(t testing.TB, sub, aud string) string {
	t.Helper()
	raw, err := (&jwtgrant.Signer{Key: svidKey(t), KeyID: "s1", Type: "JWT"}).SignGrant(jwtgrant.Claims{
		Issuer: "https://oidc.example.org", Subject: sub, Audience: aud, IssuedAt: hxClock(), Expiry: hxClock().Add(5 * time.Minute),
	})
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

func caSecrets() *exchange.ClientSecrets {
	return exchange.NewClientSecrets(map[string]string{caClient: caSecret, "other": "x"})
}

func caPrivateKeyJWT(t testing.TB) *exchange.PrivateKeyJWTAuthenticator {
	return &exchange.PrivateKeyJWTAuthenticator{Verifier: &jwtgrant.Verifier{
		Issuer: hxIssuer,
		Keys:   jwtgrant.StaticKeys{caJWT: {{KeyID: "c1", Public: caClientKey(t).Public()}}},
		Policy: caPolicy(),
		Replay: wimse.NewMemoryReplayCache(0),
	}}
}

func caJWTSPIFFE(t testing.TB) *exchange.JWTSPIFFEAuthenticator {
	return &exchange.JWTSPIFFEAuthenticator{
		Verifier: &jwtgrant.SPIFFEVerifier{
			Issuer:  hxIssuer,
			Bundles: jwtbundle.NewSet(jwtbundle.FromJWTAuthorities(spiffeid.RequireTrustDomainFromString("example.org"), map[string]crypto.PublicKey{"s1": svidKey(t).Public()})),
			Policy:  caPolicy(),
		},
		Known: func(id spiffeid.ID) bool { return id.String() == caSPIFFE },
	}
}

func caMethods(t testing.TB) exchange.Methods {
	s := caSecrets()
	return exchange.Methods{
		oauth.AuthMethodClientSecretBasic: s,
		oauth.AuthMethodClientSecretPost:  s,
		oauth.AuthMethodPrivateKeyJWT:     caPrivateKeyJWT(t),
		oauth.AuthMethodSPIFFEJWT:         caJWTSPIFFE(t),
	}
}

// tokenForm is a well-formed token exchange request plus extra parameters.
func tokenForm(extra url.Values) url.Values {
	f := url.Values{
		"grant_type":         {oauth.GrantTypeTokenExchange},
		"subject_token":      {"opaque"},
		"subject_token_type": {oauth.TokenTypeAccessToken},
	}
	for k, vs := range extra {
		f[k] = vs
	}
	return f
}

// basicAuth sets Basic credentials, form-encoded first (RFC 6749 §2.3.1).
func basicAuth(id, secret string) func(*http.Request) {
	return func(r *http.Request) { r.SetBasicAuth(url.QueryEscape(id), url.QueryEscape(secret)) }
}

// caRequest is a parsed token request, as the Handler passes it.
func caRequest(t testing.TB, extra url.Values, mods ...func(*http.Request)) *http.Request {
	t.Helper()
	r := httptest.NewRequest(http.MethodPost, hxEndpoint, strings.NewReader(tokenForm(extra).Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for _, m := range mods {
		m(r)
	}
	if err := r.ParseForm(); err != nil {
		t.Fatal(err)
	}
	return r
}

// outcome is the OAuth error code and wimse reason of err ("" for nil).
func outcome(err error) (code string, reason wimse.Reason) {
	if err == nil {
		return "", ""
	}
	var e *exchange.Error
	if errors.As(err, &e) {
		code = e.Code
	}
	return code, wimse.ReasonOf(err)
}

func TestClientAuthenticators(t *testing.T) {
	pk := caPrivateKeyJWT(t)
	cases := []struct {
		name       string
		auth       exchange.ClientAuthenticator
		extra      url.Values
		mods       []func(*http.Request)
		wantID     string
		wantMethod string
		wantCode   string
		wantReason wimse.Reason
	}{
		// client_secret_basic
		{name: "basic ok", auth: caSecrets(), mods: []func(*http.Request){basicAuth(caClient, caSecret)},
			wantID: caClient, wantMethod: oauth.AuthMethodClientSecretBasic},
		{name: "basic wrong secret", auth: caSecrets(), mods: []func(*http.Request){basicAuth(caClient, caSecret+"x")},
			wantCode: oauth.ErrorInvalidClient, wantReason: wimse.ReasonExchangeClient},
		{name: "basic unknown client", auth: caSecrets(), mods: []func(*http.Request){basicAuth("nobody", caSecret)},
			wantCode: oauth.ErrorInvalidClient, wantReason: wimse.ReasonExchangeClient},
		{name: "basic not form-decoded by client", auth: caSecrets(), mods: []func(*http.Request){func(r *http.Request) { r.SetBasicAuth(caClient, caSecret) }},
			wantCode: oauth.ErrorInvalidClient, wantReason: wimse.ReasonExchangeClient},
		{name: "basic malformed", auth: caSecrets(), mods: []func(*http.Request){func(r *http.Request) { r.Header.Set("Authorization", "Basic !!!") }},
			wantCode: oauth.ErrorInvalidClient, wantReason: wimse.ReasonExchangeClient},
		{name: "basic client_id mismatch", auth: caSecrets(), extra: url.Values{"client_id": {"other"}}, mods: []func(*http.Request){basicAuth(caClient, caSecret)},
			wantCode: oauth.ErrorInvalidClient, wantReason: wimse.ReasonExchangeClient},
		// client_secret_post
		{name: "post ok", auth: caSecrets(), extra: url.Values{"client_id": {caClient}, "client_secret": {caSecret}},
			wantID: caClient, wantMethod: oauth.AuthMethodClientSecretPost},
		{name: "post wrong secret", auth: caSecrets(), extra: url.Values{"client_id": {caClient}, "client_secret": {"nope"}},
			wantCode: oauth.ErrorInvalidClient, wantReason: wimse.ReasonExchangeClient},
		{name: "post without client_id", auth: caSecrets(), extra: url.Values{"client_secret": {caSecret}},
			wantCode: oauth.ErrorInvalidClient, wantReason: wimse.ReasonExchangeClient},
		{name: "secrets: basic and post", auth: caSecrets(), extra: url.Values{"client_id": {caClient}, "client_secret": {caSecret}}, mods: []func(*http.Request){basicAuth(caClient, caSecret)},
			wantCode: oauth.ErrorInvalidRequest, wantReason: wimse.ReasonExchangeRequest},
		{name: "secrets: basic and assertion", auth: caSecrets(), extra: url.Values{"client_assertion_type": {oauth.ClientAssertionTypeJWTBearer}, "client_assertion": {"x.y.z"}}, mods: []func(*http.Request){basicAuth(caClient, caSecret)},
			wantCode: oauth.ErrorInvalidRequest, wantReason: wimse.ReasonExchangeRequest},
		{name: "secrets: no method", auth: caSecrets(),
			wantCode: oauth.ErrorInvalidClient, wantReason: wimse.ReasonExchangeClient},
		// private_key_jwt
		{name: "private_key_jwt ok", auth: caPrivateKeyJWT(t), extra: url.Values{"client_id": {caJWT}, "client_assertion_type": {oauth.ClientAssertionTypeJWTBearer}, "client_assertion": {assertion(t, hxIssuer, "j1")}},
			wantID: caJWT, wantMethod: oauth.AuthMethodPrivateKeyJWT},
		{name: "private_key_jwt without client_id", auth: caPrivateKeyJWT(t), extra: url.Values{"client_assertion_type": {oauth.ClientAssertionTypeJWTBearer}, "client_assertion": {assertion(t, hxIssuer, "j1")}},
			wantID: caJWT, wantMethod: oauth.AuthMethodPrivateKeyJWT},
		{name: "private_key_jwt wrong aud", auth: caPrivateKeyJWT(t), extra: url.Values{"client_assertion_type": {oauth.ClientAssertionTypeJWTBearer}, "client_assertion": {assertion(t, hxEndpoint, "j1")}},
			wantCode: oauth.ErrorInvalidClient, wantReason: wimse.ReasonJWTGrantAudMismatch},
		{name: "private_key_jwt client_id mismatch", auth: caPrivateKeyJWT(t), extra: url.Values{"client_id": {caClient}, "client_assertion_type": {oauth.ClientAssertionTypeJWTBearer}, "client_assertion": {assertion(t, hxIssuer, "j1")}},
			wantCode: oauth.ErrorInvalidClient, wantReason: wimse.ReasonJWTGrantClientIDMismatch},
		{name: "private_key_jwt assertion without type", auth: caPrivateKeyJWT(t), extra: url.Values{"client_assertion": {assertion(t, hxIssuer, "j1")}},
			wantCode: oauth.ErrorInvalidRequest, wantReason: wimse.ReasonExchangeRequest},
		{name: "private_key_jwt given a JWT-SVID type", auth: caPrivateKeyJWT(t), extra: url.Values{"client_assertion_type": {oauth.ClientAssertionTypeJWTSPIFFE}, "client_assertion": {assertion(t, hxIssuer, "j1")}},
			wantCode: oauth.ErrorInvalidClient, wantReason: wimse.ReasonExchangeClient},
		{name: "private_key_jwt and post", auth: pk, extra: url.Values{"client_id": {caJWT}, "client_secret": {"x"}, "client_assertion_type": {oauth.ClientAssertionTypeJWTBearer}, "client_assertion": {assertion(t, hxIssuer, "j9")}},
			wantCode: oauth.ErrorInvalidRequest, wantReason: wimse.ReasonExchangeRequest},
		// spiffe_jwt
		{name: "spiffe_jwt ok", auth: caJWTSPIFFE(t), extra: url.Values{"client_id": {caSPIFFE}, "client_assertion_type": {oauth.ClientAssertionTypeJWTSPIFFE}, "client_assertion": {svidFor(t, caSPIFFE, hxIssuer)}},
			wantID: caSPIFFE, wantMethod: oauth.AuthMethodSPIFFEJWT},
		{name: "spiffe_jwt wrong aud", auth: caJWTSPIFFE(t), extra: url.Values{"client_assertion_type": {oauth.ClientAssertionTypeJWTSPIFFE}, "client_assertion": {svidFor(t, caSPIFFE, hxEndpoint)}},
			wantCode: oauth.ErrorInvalidClient, wantReason: wimse.ReasonJWTGrantAudMismatch},
		{name: "spiffe_jwt client_id mismatch", auth: caJWTSPIFFE(t), extra: url.Values{"client_id": {caStranger}, "client_assertion_type": {oauth.ClientAssertionTypeJWTSPIFFE}, "client_assertion": {svidFor(t, caSPIFFE, hxIssuer)}},
			wantCode: oauth.ErrorInvalidClient, wantReason: wimse.ReasonJWTGrantClientIDMismatch},
		{name: "spiffe_jwt unknown client", auth: caJWTSPIFFE(t), extra: url.Values{"client_assertion_type": {oauth.ClientAssertionTypeJWTSPIFFE}, "client_assertion": {svidFor(t, caStranger, hxIssuer)}},
			wantCode: oauth.ErrorInvalidClient, wantReason: wimse.ReasonExchangeClient},
		// Methods
		{name: "methods basic", auth: caMethods(t), mods: []func(*http.Request){basicAuth(caClient, caSecret)},
			wantID: caClient, wantMethod: oauth.AuthMethodClientSecretBasic},
		{name: "methods post", auth: caMethods(t), extra: url.Values{"client_id": {caClient}, "client_secret": {caSecret}},
			wantID: caClient, wantMethod: oauth.AuthMethodClientSecretPost},
		{name: "methods private_key_jwt", auth: caMethods(t), extra: url.Values{"client_assertion_type": {oauth.ClientAssertionTypeJWTBearer}, "client_assertion": {assertion(t, hxIssuer, "m1")}},
			wantID: caJWT, wantMethod: oauth.AuthMethodPrivateKeyJWT},
		{name: "methods spiffe_jwt", auth: caMethods(t), extra: url.Values{"client_assertion_type": {oauth.ClientAssertionTypeJWTSPIFFE}, "client_assertion": {svidFor(t, caSPIFFE, hxIssuer)}},
			wantID: caSPIFFE, wantMethod: oauth.AuthMethodSPIFFEJWT},
		{name: "methods basic and assertion", auth: caMethods(t), extra: url.Values{"client_assertion_type": {oauth.ClientAssertionTypeJWTBearer}, "client_assertion": {assertion(t, hxIssuer, "m2")}}, mods: []func(*http.Request){basicAuth(caClient, caSecret)},
			wantCode: oauth.ErrorInvalidRequest, wantReason: wimse.ReasonExchangeRequest},
		{name: "methods basic and post", auth: caMethods(t), extra: url.Values{"client_id": {caClient}, "client_secret": {caSecret}}, mods: []func(*http.Request){basicAuth(caClient, caSecret)},
			wantCode: oauth.ErrorInvalidRequest, wantReason: wimse.ReasonExchangeRequest},
		{name: "methods post and attestation", auth: caMethods(t), extra: url.Values{"client_id": {caClient}, "client_secret": {caSecret}}, mods: []func(*http.Request){func(r *http.Request) { r.Header.Set(exchange.HeaderClientAttestation, "a.b.c") }},
			wantCode: oauth.ErrorInvalidRequest, wantReason: wimse.ReasonExchangeRequest},
		{name: "methods none", auth: caMethods(t), mods: []func(*http.Request){func(r *http.Request) { r.Header.Set("Authorization", "Bearer abc") }},
			wantCode: oauth.ErrorInvalidClient, wantReason: wimse.ReasonExchangeClient},
		{name: "methods not enabled: spiffe_wit", auth: caMethods(t), mods: []func(*http.Request){func(r *http.Request) { r.Header.Set(exchange.HeaderClientAttestation, "a.b.c") }},
			wantCode: oauth.ErrorInvalidClient, wantReason: wimse.ReasonExchangeClient},
		{name: "methods not enabled: spiffe_x509", auth: caMethods(t), mods: []func(*http.Request){func(r *http.Request) {
			r.TLS = &tls.ConnectionState{PeerCertificates: []*x509.Certificate{{}}}
		}},
			wantCode: oauth.ErrorInvalidClient, wantReason: wimse.ReasonExchangeClient},
		{name: "methods unknown assertion type", auth: caMethods(t), extra: url.Values{"client_assertion_type": {"urn:example:other"}, "client_assertion": {"x"}},
			wantCode: oauth.ErrorInvalidClient, wantReason: wimse.ReasonExchangeClient},
		{name: "methods unknown client", auth: caMethods(t), mods: []func(*http.Request){basicAuth("nobody", "x")},
			wantCode: oauth.ErrorInvalidClient, wantReason: wimse.ReasonExchangeClient},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := caRequest(t, tc.extra, tc.mods...)
			c, err := tc.auth.AuthenticateClient(context.Background(), r)
			code, reason := outcome(err)
			if code != tc.wantCode || reason != tc.wantReason {
				t.Fatalf("got (%q, %q), want (%q, %q); err = %v", code, reason, tc.wantCode, tc.wantReason, err)
			}
			if err != nil {
				if strings.Contains(fmt.Sprintf("%v %+v %#v", err, err, err), caSecret) {
					t.Fatalf("the error shows the secret: %v", err)
				}
				return
			}
			if c.ID != tc.wantID || c.Method != tc.wantMethod {
				t.Fatalf("client = %+v, want ID %q method %q", c, tc.wantID, tc.wantMethod)
			}
		})
	}
}

// Unknown client and wrong secret look the same to the client; the
// recorded cause tells them apart.
func TestClientSecretsNoEnumeration(t *testing.T) {
	s := caSecrets()
	_, errUnknown := s.AuthenticateClient(context.Background(), caRequest(t, nil, basicAuth("nobody", caSecret)))
	_, errWrong := s.AuthenticateClient(context.Background(), caRequest(t, nil, basicAuth(caClient, "wrong")))
	var eu, ew *exchange.Error
	if !errors.As(errUnknown, &eu) || !errors.As(errWrong, &ew) {
		t.Fatalf("errors: %v, %v", errUnknown, errWrong)
	}
	if eu.Code != ew.Code || eu.Description != ew.Description {
		t.Fatalf("answers differ: %q/%q vs %q/%q", eu.Code, eu.Description, ew.Code, ew.Description)
	}
	if eu.Err.Error() == ew.Err.Error() {
		t.Fatalf("causes should differ for the log: %v", eu.Err)
	}
	if got := fmt.Sprintf("%v %#v", exchange.HashSecret(caSecret), exchange.HashSecret(caSecret)); strings.Contains(got, "0x") || !strings.Contains(got, "redacted") {
		t.Fatalf("SecretHash printed as %q", got)
	}
}

func TestPrivateKeyJWTReplay(t *testing.T) {
	a := caPrivateKeyJWT(t)
	extra := url.Values{"client_assertion_type": {oauth.ClientAssertionTypeJWTBearer}, "client_assertion": {assertion(t, hxIssuer, "once")}}
	if _, err := a.AuthenticateClient(context.Background(), caRequest(t, extra)); err != nil {
		t.Fatalf("first use: %v", err)
	}
	_, err := a.AuthenticateClient(context.Background(), caRequest(t, extra))
	if code, reason := outcome(err); code != oauth.ErrorInvalidClient || reason != wimse.ReasonJWTGrantReplayed {
		t.Fatalf("replay: got (%q, %q), want (invalid_client, jwtgrant.replayed)", code, reason)
	}
}

func TestMethodsNames(t *testing.T) {
	got := caMethods(t).Names()
	want := []string{oauth.AuthMethodClientSecretBasic, oauth.AuthMethodClientSecretPost, oauth.AuthMethodPrivateKeyJWT, oauth.AuthMethodSPIFFEJWT}
	if !slices.Equal(got, want) {
		t.Fatalf("Names() = %v, want %v", got, want)
	}
}

// Through the Handler: a failed Basic authentication is 401 with a Basic
// challenge (RFC 6749 §5.2); a failed body authentication is 400 without
// one; two methods are 400 invalid_request. No secret reaches the body.
func TestClientAuthHandlerStatus(t *testing.T) {
	var recorded []exchange.Decision
	h := &exchange.Handler{
		Issuer:  hxIssuer,
		Signer:  &accesstoken.Signer{Key: stsKey(t), KeyID: "k1"},
		Clients: caMethods(t),
		OnDecision: func(_ context.Context, d exchange.Decision) error {
			recorded = append(recorded, d)
			return nil
		},
		Now: hxClock,
	}
	cases := []struct {
		name      string
		extra     url.Values
		mods      []func(*http.Request)
		status    int
		code      string
		reason    wimse.Reason
		challenge string
	}{
		{name: "basic wrong secret", mods: []func(*http.Request){basicAuth(caClient, "wrong-"+caSecret)},
			status: http.StatusUnauthorized, code: oauth.ErrorInvalidClient, reason: wimse.ReasonExchangeClient,
			challenge: `Basic realm="token", error="invalid_client"`},
		{name: "post wrong secret", extra: url.Values{"client_id": {caClient}, "client_secret": {"wrong-" + caSecret}},
			status: http.StatusBadRequest, code: oauth.ErrorInvalidClient, reason: wimse.ReasonExchangeClient},
		{name: "basic and post", extra: url.Values{"client_id": {caClient}, "client_secret": {caSecret}}, mods: []func(*http.Request){basicAuth(caClient, caSecret)},
			status: http.StatusBadRequest, code: oauth.ErrorInvalidRequest, reason: wimse.ReasonExchangeRequest},
		{name: "no method", status: http.StatusBadRequest, code: oauth.ErrorInvalidClient, reason: wimse.ReasonExchangeClient},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodPost, hxEndpoint, strings.NewReader(tokenForm(tc.extra).Encode()))
			r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			for _, m := range tc.mods {
				m(r)
			}
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			if w.Code != tc.status {
				t.Fatalf("status %d, want %d; body %s", w.Code, tc.status, w.Body)
			}
			if got := w.Header().Get("WWW-Authenticate"); got != tc.challenge {
				t.Fatalf("WWW-Authenticate %q, want %q", got, tc.challenge)
			}
			if !strings.Contains(w.Body.String(), `"error":"`+tc.code+`"`) {
				t.Fatalf("body %s, want error %s", w.Body, tc.code)
			}
			if strings.Contains(w.Body.String(), caSecret) {
				t.Fatalf("body shows the secret: %s", w.Body)
			}
			if d := recorded[len(recorded)-1]; d.Error != tc.code || d.Reason != tc.reason {
				t.Fatalf("decision (%q, %q), want (%q, %q)", d.Error, d.Reason, tc.code, tc.reason)
			}
		})
	}
}
