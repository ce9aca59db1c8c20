package exchange_test

import (
	"bytes"
	"context"
	"crypto"
	"crypto/elliptic"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/spiffe/go-spiffe/v2/spiffeid"

	"github.com/wimse-wg/wimse/internal/jose"
	"github.com/wimse-wg/wimse/internal/wimsetest"
	"github.com/wimse-wg/wimse/profiles/exchange"
	"github.com/wimse-wg/wimse/tokens/attestation"
	"github.com/wimse-wg/wimse/tokens/oauth"
	"github.com/wimse-wg/wimse/tokens/wit"
	"github.com/wimse-wg/wimse/wimse"
)

// spiffe_wit fixtures: a WIT-SVID of caSPIFFE issued by example.org's
// wit-svid key w1, bound to the instance key.
func waIssuerKey(t testing.TB) crypto.Signer {
	return wimsetest.EC(t, elliptic.P256(), "exchange wit-svid issuer")
}

func waInstanceKey(t testing.TB) crypto.Signer {
	return wimsetest.EC(t, elliptic.P256(), "exchange wit-svid instance")
}

func waTrust(t testing.TB) *wimse.TrustStore {
	s := wimse.NewTrustStore()
	s.Set(wimse.MustParseTrustDomain("example.org"), wimse.Anchors{Keys: []wimse.IssuerKey{{KeyID: "w1", Public: waIssuerKey(t).Public()}}})
	return s
}

// waSVID issues a WIT-SVID; mod may change its claims and signer.
func waSVID(t testing.TB, mod func(*wit.Claims, *wit.Signer)) string {
	t.Helper()
	c := wit.Claims{Subject: wimse.MustParseID(caSPIFFE), Expiry: hxClock().Add(time.Hour), Key: waInstanceKey(t).Public(), KeyAlg: "ES256"}
	s := wit.Signer{Key: waIssuerKey(t), KeyID: "w1", Profile: wit.ProfileSVID, Deterministic: true}
	if mod != nil {
		mod(&c, &s)
	}
	raw, err := s.Sign(c)
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

// waPoP signs a PoP with the instance key; mod may change its claims and
// signer.
func waPoP(t testing.TB, mod func(*attestation.PoPClaims, *attestation.PoPSigner)) string {
	t.Helper()
	c := attestation.PoPClaims{Audience: hxIssuer, ID: "pop-1", IssuedAt: hxClock()}
	s := attestation.PoPSigner{Key: waInstanceKey(t), Deterministic: true}
	if mod != nil {
		mod(&c, &s)
	}
	raw, err := s.Sign(c)
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

func waAuth(t testing.TB) *exchange.AttestationAuthenticator {
	return &exchange.AttestationAuthenticator{
		Verifier: &wit.Verifier{Trust: waTrust(t), Profile: wit.ProfileSVID, Policy: wimse.Policy{Now: hxClock}},
		Issuer:   hxIssuer,
		Replay:   wimse.NewMemoryReplayCache(0),
	}
}

// waChallenges is a challenge source on the test clock.
func waChallenges() *attestation.Challenges {
	return &attestation.Challenges{Key: bytes.Repeat([]byte{0x5a}, 32), Now: hxClock}
}

// attest sets the two fields.
func attest(att, pop string) func(*http.Request) {
	return func(r *http.Request) {
		if att != "" {
			r.Header.Add(attestation.HeaderAttestation, att)
		}
		if pop != "" {
			r.Header.Add(attestation.HeaderPoP, pop)
		}
	}
}

func TestAttestationAuthenticator(t *testing.T) {
	src := waChallenges()
	fresh, err := src.NewChallenge(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	withChallenges := func(a *exchange.AttestationAuthenticator) { a.Challenges = src }
	svid := waSVID(t, nil)
	cases := []struct {
		name       string
		config     func(*exchange.AttestationAuthenticator)
		extra      url.Values
		mods       []func(*http.Request)
		wantCode   string
		wantReason wimse.Reason
		wantHeader bool // a fresh challenge in the answer
	}{
		{name: "ok", mods: []func(*http.Request){attest(svid, waPoP(t, nil))}},
		{name: "ok with client_id", extra: url.Values{"client_id": {caSPIFFE}}, mods: []func(*http.Request){attest(svid, waPoP(t, nil))}},
		{name: "ok with the challenge", config: withChallenges,
			mods: []func(*http.Request){attest(svid, waPoP(t, func(c *attestation.PoPClaims, _ *attestation.PoPSigner) { c.Challenge = fresh }))}},
		{name: "ok known client", config: func(a *exchange.AttestationAuthenticator) {
			a.Known = func(id spiffeid.ID) bool { return id.String() == caSPIFFE }
		}, mods: []func(*http.Request){attest(svid, waPoP(t, nil))}},
		// The attestation.
		{name: "attestation typed oauth-client-attestation+jwt", mods: []func(*http.Request){attest(waSVID(t, func(_ *wit.Claims, s *wit.Signer) {
			s.Profile, s.Type = wit.ProfileWIT, attestation.MediaType
		}), waPoP(t, nil))}, wantCode: oauth.ErrorInvalidClient, wantReason: wimse.ReasonWITTyp},
		{name: "expired WIT-SVID", mods: []func(*http.Request){attest(waSVID(t, func(c *wit.Claims, _ *wit.Signer) {
			c.Expiry = hxClock().Add(-10 * time.Minute)
		}), waPoP(t, nil))}, wantCode: oauth.ErrorInvalidClient, wantReason: wimse.ReasonWITExpired},
		{name: "WIT-SVID signed by an unknown issuer key", mods: []func(*http.Request){attest(waSVID(t, func(_ *wit.Claims, s *wit.Signer) {
			s.Key = wimsetest.EC(t, elliptic.P256(), "exchange rogue issuer")
		}), waPoP(t, nil))}, wantCode: oauth.ErrorInvalidClient, wantReason: wimse.ReasonWITSignature},
		{name: "a WIT with a wimse:// sub", mods: []func(*http.Request){attest(waSVID(t, func(c *wit.Claims, s *wit.Signer) {
			s.Profile, c.Subject = wit.ProfileWIT, wimse.MustParseID("wimse://example.org/workload")
		}), waPoP(t, nil))}, wantCode: oauth.ErrorInvalidClient, wantReason: wimse.ReasonWITSVIDSub},
		{name: "client_id is not sub", extra: url.Values{"client_id": {caStranger}}, mods: []func(*http.Request){attest(svid, waPoP(t, nil))},
			wantCode: oauth.ErrorInvalidClient, wantReason: wimse.ReasonExchangeClientIDMismatch},
		{name: "unknown client", config: func(a *exchange.AttestationAuthenticator) {
			a.Known = func(spiffeid.ID) bool { return false }
		}, mods: []func(*http.Request){attest(svid, waPoP(t, nil))}, wantCode: oauth.ErrorInvalidClient, wantReason: wimse.ReasonExchangeClient},
		// The fields.
		{name: "PoP field missing", mods: []func(*http.Request){attest(svid, "")},
			wantCode: oauth.ErrorInvalidClient, wantReason: wimse.ReasonAttestationPoPMissing},
		{name: "attestation field missing", mods: []func(*http.Request){attest("", waPoP(t, nil))},
			wantCode: oauth.ErrorInvalidClient, wantReason: wimse.ReasonAttestationMissing},
		{name: "two attestation fields", mods: []func(*http.Request){attest(svid, waPoP(t, nil)), attest(svid, "")},
			wantCode: oauth.ErrorInvalidClient, wantReason: wimse.ReasonAttestationMultiple},
		{name: "attestation and DPoP, no PoP", mods: []func(*http.Request){attest(svid, ""), withHeader("DPoP", "a.b.c")},
			wantCode: oauth.ErrorInvalidClient, wantReason: wimse.ReasonAttestationPoPMissing},
		{name: "attestation and client_secret", extra: url.Values{"client_id": {caClient}, "client_secret": {caSecret}}, mods: []func(*http.Request){attest(svid, waPoP(t, nil))},
			wantCode: oauth.ErrorInvalidRequest, wantReason: wimse.ReasonExchangeRequest},
		// The PoP.
		{name: "PoP typ JWT", mods: []func(*http.Request){attest(svid, waPoP(t, func(_ *attestation.PoPClaims, s *attestation.PoPSigner) { s.Type = "JWT" }))},
			wantCode: oauth.ErrorInvalidClient, wantReason: wimse.ReasonAttestationPoPTyp},
		{name: "PoP signed by another key", mods: []func(*http.Request){attest(svid, waPoP(t, func(_ *attestation.PoPClaims, s *attestation.PoPSigner) {
			s.Key = wimsetest.EC(t, elliptic.P256(), "exchange another instance")
		}))}, wantCode: oauth.ErrorInvalidClient, wantReason: wimse.ReasonAttestationPoPSignature},
		{name: "PoP aud is the token endpoint", mods: []func(*http.Request){attest(svid, waPoP(t, func(c *attestation.PoPClaims, _ *attestation.PoPSigner) { c.Audience = hxEndpoint }))},
			wantCode: oauth.ErrorInvalidClient, wantReason: wimse.ReasonAttestationPoPAudMismatch},
		{name: "PoP an hour old", mods: []func(*http.Request){attest(svid, waPoP(t, func(c *attestation.PoPClaims, _ *attestation.PoPSigner) { c.IssuedAt = hxClock().Add(-time.Hour) }))},
			wantCode: oauth.ErrorInvalidClient, wantReason: wimse.ReasonAttestationPoPIatWindow},
		// Challenges.
		{name: "challenge missing", config: withChallenges, mods: []func(*http.Request){attest(svid, waPoP(t, nil))},
			wantCode: attestation.ErrorUseAttestationChallenge, wantReason: wimse.ReasonAttestationChallengeMissing, wantHeader: true},
		{name: "challenge never issued", config: withChallenges,
			mods: []func(*http.Request){attest(svid, waPoP(t, func(c *attestation.PoPClaims, _ *attestation.PoPSigner) {
				c.Challenge = "5c1a9e10-29ff-4c2b-ae73-57c0957c09c4"
			}))},
			wantCode: attestation.ErrorUseAttestationChallenge, wantReason: wimse.ReasonAttestationChallengeInvalid, wantHeader: true},
		{name: "challenge missing, PoP signed by another key", config: withChallenges, mods: []func(*http.Request){attest(svid, waPoP(t, func(_ *attestation.PoPClaims, s *attestation.PoPSigner) {
			s.Key = wimsetest.EC(t, elliptic.P256(), "exchange another instance")
		}))}, wantCode: oauth.ErrorInvalidClient, wantReason: wimse.ReasonAttestationPoPSignature},
		// Configuration.
		{name: "no Issuer", config: func(a *exchange.AttestationAuthenticator) { a.Issuer = "" }, mods: []func(*http.Request){attest(svid, waPoP(t, nil))},
			wantReason: wimse.ReasonInternal},
		{name: "a WIMSE WIT verifier", config: func(a *exchange.AttestationAuthenticator) { a.Verifier.Profile = wit.ProfileWIT }, mods: []func(*http.Request){attest(svid, waPoP(t, nil))},
			wantReason: wimse.ReasonInternal},
		{name: "basic is not this method", mods: []func(*http.Request){basicAuth(caClient, caSecret)},
			wantCode: oauth.ErrorInvalidClient, wantReason: wimse.ReasonExchangeClient},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a := waAuth(t)
			if tc.config != nil {
				tc.config(a)
			}
			c, err := a.AuthenticateClient(context.Background(), caRequest(t, tc.extra, tc.mods...))
			code, reason := outcome(err)
			if code != tc.wantCode || reason != tc.wantReason {
				t.Fatalf("got (%q, %q), want (%q, %q); err = %v", code, reason, tc.wantCode, tc.wantReason, err)
			}
			var e *exchange.Error
			if errors.As(err, &e) {
				got := e.Header.Get(attestation.HeaderChallenge)
				if (got != "") != tc.wantHeader {
					t.Fatalf("challenge field %q, want one: %v", got, tc.wantHeader)
				}
				if got != "" {
					if err := src.CheckChallenge(context.Background(), got); err != nil {
						t.Fatalf("the fresh challenge does not check: %v", err)
					}
				}
			}
			if err != nil {
				return
			}
			if c.ID != caSPIFFE || c.Method != oauth.AuthMethodSPIFFEWIT || !waInstanceKey(t).Public().(interface{ Equal(crypto.PublicKey) bool }).Equal(c.Key) {
				t.Fatalf("client = %+v", c)
			}
		})
	}
}

// A PoP is single-use; a new one from the same client passes.
func TestAttestationReplay(t *testing.T) {
	a := waAuth(t)
	svid := waSVID(t, nil)
	steps := []struct {
		jti  string
		want wimse.Reason
	}{{"once", ""}, {"once", wimse.ReasonAttestationPoPReplayed}, {"twice", ""}}
	for i, s := range steps {
		pop := waPoP(t, func(c *attestation.PoPClaims, _ *attestation.PoPSigner) { c.ID = s.jti })
		_, err := a.AuthenticateClient(context.Background(), caRequest(t, nil, attest(svid, pop)))
		if code, reason := outcome(err); reason != s.want || (err != nil && code != oauth.ErrorInvalidClient) {
			t.Fatalf("step %d: got (%q, %q), want %q", i, code, reason, s.want)
		}
	}
}

// Through the Handler: use_attestation_challenge is 400 with the fresh
// challenge, no-store and the token endpoint's JSON; invalid_client is
// 400 without a WWW-Authenticate challenge (no Authorization field).
func TestAttestationHandlerAnswers(t *testing.T) {
	e := newEnv(t)
	a := waAuth(t)
	a.Challenges = waChallenges()
	e.h.Clients = exchange.Methods{oauth.AuthMethodSPIFFEWIT: a}
	body := form(t).Encode()

	ans := post(t, e.h, body, noAuth, attest(waSVID(t, nil), waPoP(t, nil)))
	ch := ans.header.Get(attestation.HeaderChallenge)
	if ans.status != http.StatusBadRequest || ans.str("error") != attestation.ErrorUseAttestationChallenge || ch == "" ||
		ans.header.Get("Cache-Control") != "no-store" || ans.header.Get("WWW-Authenticate") != "" {
		t.Fatalf("answer %d %v %s", ans.status, ans.header, ans.raw)
	}
	if d := e.last(t); d.Reason != wimse.ReasonAttestationChallengeMissing || d.Error != attestation.ErrorUseAttestationChallenge {
		t.Fatalf("decision %+v", d)
	}

	ans = post(t, e.h, body, noAuth, attest(waSVID(t, nil), waPoP(t, func(c *attestation.PoPClaims, _ *attestation.PoPSigner) { c.Challenge = ch })))
	if ans.status != http.StatusOK || ans.str("access_token") == "" {
		t.Fatalf("with the challenge: %d %s", ans.status, ans.raw)
	}
	if claims := claimsOf(t, ans.str("access_token")); claims["client_id"] != caSPIFFE {
		t.Fatalf("client_id = %v", claims["client_id"])
	}

	ans = post(t, e.h, body, noAuth, attest(waSVID(t, nil), waPoP(t, func(c *attestation.PoPClaims, _ *attestation.PoPSigner) { c.Challenge, c.Audience = ch, hxEndpoint })))
	if ans.status != http.StatusBadRequest || ans.str("error") != oauth.ErrorInvalidClient || ans.header.Get(attestation.HeaderChallenge) != "" {
		t.Fatalf("wrong aud: %d %v %s", ans.status, ans.header, ans.raw)
	}
	if d := e.last(t); d.Reason != wimse.ReasonAttestationPoPAudMismatch {
		t.Fatalf("decision reason %q", d.Reason)
	}
}

// countingServer serves h over httptest and counts token requests.
type countingServer struct {
	*httptest.Server
	calls int
}

func newAttestationSTS(t *testing.T, a *exchange.AttestationAuthenticator) *countingServer {
	t.Helper()
	e := newEnv(t)
	e.h.Clients = exchange.Methods{oauth.AuthMethodSPIFFEWIT: a}
	cs := &countingServer{}
	mux := http.NewServeMux()
	mux.Handle("/token", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		cs.calls++
		e.h.ServeHTTP(w, r)
	}))
	if a.Challenges != nil {
		mux.Handle("/challenge", exchange.ChallengeHandler(a.Challenges))
	}
	cs.Server = httptest.NewServer(mux)
	t.Cleanup(cs.Close)
	return cs
}

// rejectAll is a challenge source that issues challenges and accepts none.
type rejectAll struct{ *attestation.Challenges }

func (rejectAll) CheckChallenge(context.Context, string) error {
	return wimse.Errorf(wimse.ReasonAttestationChallengeInvalid, "test: rejected")
}

// The client end to end: SPIFFEWIT with a challenge endpoint; with the
// retrying Transport (one retry, never a loop); without either.
func TestSPIFFEWITClient(t *testing.T) {
	req := exchange.Request{SubjectToken: subjectToken(t, nil), SubjectTokenType: oauth.TokenTypeAccessToken, Resource: []string{hxBackend}}
	cases := []struct {
		name       string
		challenges exchange.ChallengeSource
		endpoint   bool
		transport  bool
		wantCode   string
		wantCalls  int
		// againCalls is the number of calls after a second exchange.
		againCalls int
	}{
		{name: "no challenges", wantCalls: 1, againCalls: 2},
		{name: "challenge endpoint", challenges: waChallenges(), endpoint: true, wantCalls: 1, againCalls: 2},
		{name: "retry with the answer's challenge, then reuse it", challenges: waChallenges(), transport: true, wantCalls: 2, againCalls: 3},
		{name: "one retry only", challenges: rejectAll{waChallenges()}, transport: true, wantCode: attestation.ErrorUseAttestationChallenge, wantCalls: 2, againCalls: 4},
		{name: "no retry without the transport", challenges: waChallenges(), wantCode: attestation.ErrorUseAttestationChallenge, wantCalls: 1, againCalls: 2},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a := waAuth(t)
			a.Challenges = tc.challenges
			sts := newAttestationSTS(t, a)
			auth := &exchange.SPIFFEWIT{ClientID: caSPIFFE, Audience: hxIssuer, WIT: waSVID(t, nil), Key: waInstanceKey(t), Now: hxClock}
			if tc.endpoint {
				auth.ChallengeURL = sts.URL + "/challenge"
			}
			hc := &http.Client{}
			if tc.transport {
				hc.Transport = auth.Transport(nil)
			}
			c := &exchange.Client{TokenURL: sts.URL + "/token", Auth: auth, HTTPClient: hc}
			resp, err := c.Exchange(context.Background(), req)
			code, _ := outcome(err)
			if code != tc.wantCode || sts.calls != tc.wantCalls {
				t.Fatalf("got %q after %d calls, want %q after %d; err = %v", code, sts.calls, tc.wantCode, tc.wantCalls, err)
			}
			if err == nil && resp.AccessToken == "" {
				t.Fatal("no access token")
			}
			_, err = c.Exchange(context.Background(), req)
			if code, _ := outcome(err); code != tc.wantCode || sts.calls != tc.againCalls {
				t.Fatalf("again: got %q after %d calls, want %q after %d; err = %v", code, sts.calls, tc.wantCode, tc.againCalls, err)
			}
		})
	}
}

func TestSPIFFEWITSource(t *testing.T) {
	var calls int
	auth := &exchange.SPIFFEWIT{Audience: hxIssuer, Now: hxClock, Source: func(context.Context) (string, crypto.Signer, error) {
		calls++
		return waSVID(t, nil), waInstanceKey(t), nil
	}}
	r := httptest.NewRequest(http.MethodPost, hxEndpoint, nil)
	f := url.Values{}
	if err := auth.Authenticate(context.Background(), r, f); err != nil {
		t.Fatal(err)
	}
	pop := r.Header.Get(attestation.HeaderPoP)
	if calls != 1 || r.Header.Get(attestation.HeaderAttestation) == "" || f.Has("client_id") {
		t.Fatalf("calls %d, header %v, form %v", calls, r.Header, f)
	}
	// Each request gets a new PoP.
	r2 := httptest.NewRequest(http.MethodPost, hxEndpoint, nil)
	if err := auth.Authenticate(context.Background(), r2, url.Values{}); err != nil || r2.Header.Get(attestation.HeaderPoP) == pop {
		t.Fatalf("second PoP: %v", err)
	}
	h := headerOf(t, pop)
	if h["typ"] != attestation.PoPMediaType || h["alg"] != "ES256" || len(h) != 2 {
		t.Fatalf("PoP header %v", h)
	}
	if aud := claimsOf(t, pop)["aud"]; aud != hxIssuer {
		t.Fatalf("aud %v", aud)
	}
	for name, bad := range map[string]*exchange.SPIFFEWIT{
		"no audience": {WIT: "a.b.c", Key: waInstanceKey(t)},
		"no key":      {Audience: hxIssuer, WIT: "a.b.c"},
		"source fails": {Audience: hxIssuer, Source: func(context.Context) (string, crypto.Signer, error) {
			return "", nil, errors.New("workload API down")
		}},
		"challenge endpoint down": {Audience: hxIssuer, WIT: "a.b.c", Key: waInstanceKey(t), ChallengeURL: "http://127.0.0.1:1/challenge"},
	} {
		if err := bad.Authenticate(context.Background(), httptest.NewRequest(http.MethodPost, hxEndpoint, nil), url.Values{}); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

func TestChallengeHandler(t *testing.T) {
	src := waChallenges()
	h := exchange.ChallengeHandler(src)
	for _, m := range []string{http.MethodGet, http.MethodPut} {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest(m, "/challenge", nil))
		if w.Code != http.StatusMethodNotAllowed || w.Header().Get("Allow") != http.MethodPost {
			t.Fatalf("%s: %d %v", m, w.Code, w.Header())
		}
	}
	srv := httptest.NewServer(h)
	defer srv.Close()
	c, err := exchange.FetchChallenge(context.Background(), srv.Client(), srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	if err := src.CheckChallenge(context.Background(), c); err != nil {
		t.Fatalf("the served challenge does not check: %v", err)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest(http.MethodPost, "/challenge", strings.NewReader("ignored")))
	if w.Code != http.StatusOK || w.Header().Get("Cache-Control") != "no-store" || w.Header().Get("Content-Type") != "application/json" ||
		!strings.HasPrefix(w.Body.String(), `{"attestation_challenge":"`) {
		t.Fatalf("answer %d %v %s", w.Code, w.Header(), w.Body)
	}
	// A failing source is a 500 server_error, which FetchChallenge reports.
	broken := httptest.NewServer(exchange.ChallengeHandler(&attestation.Challenges{Key: []byte("short")}))
	defer broken.Close()
	_, err = exchange.FetchChallenge(context.Background(), broken.Client(), broken.URL)
	var e *exchange.Error
	if !errors.As(err, &e) || e.Code != "server_error" || e.Status != http.StatusInternalServerError {
		t.Fatalf("broken source: %v", err)
	}
	// Not a challenge response.
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"nonce":"x"}`))
	}))
	defer other.Close()
	var re *exchange.ResponseError
	if _, err := exchange.FetchChallenge(context.Background(), other.Client(), other.URL); !errors.As(err, &re) {
		t.Fatalf("no attestation_challenge: %v", err)
	}
}

// The metadata of an AS that offers spiffe_wit validates with
// WITSVIDAlgorithms, and lists only algorithms the verifier can check.
func TestWITSVIDAlgorithms(t *testing.T) {
	algs := exchange.WITSVIDAlgorithms()
	if want := []string{"RS256", "ES256", "ES384", "ES512", "PS256"}; !slices.Equal(algs, want) {
		t.Fatalf("got %v, want %v", algs, want)
	}
	for _, a := range algs {
		if !jose.IsSupported(a) {
			t.Fatalf("%s is not supported", a)
		}
	}
	m := &exchange.Metadata{
		Issuer: hxIssuer, TokenEndpoint: hxEndpoint, ChallengeEndpoint: hxIssuer + "/challenge",
		GrantTypesSupported:                           []string{oauth.GrantTypeTokenExchange},
		TokenEndpointAuthMethodsSupported:             []string{oauth.AuthMethodSPIFFEWIT, oauth.AuthMethodSPIFFEX509},
		ClientAttestationSigningAlgValuesSupported:    algs,
		ClientAttestationPoPSigningAlgValuesSupported: algs,
	}
	if err := m.Validate(); err != nil {
		t.Fatal(err)
	}
	m.ClientAttestationPoPSigningAlgValuesSupported = nil
	if err := m.Validate(); err == nil {
		t.Fatal("spiffe_wit without the PoP algorithms validated")
	}
}
