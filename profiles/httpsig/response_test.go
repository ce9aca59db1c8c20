package httpsig_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/wimse-wg/wimse/internal/wimsetest"
	"github.com/wimse-wg/wimse/profiles/httpsig"
	"github.com/wimse-wg/wimse/profiles/httpsig/rfc9421"
	"github.com/wimse-wg/wimse/tokens/wit"
	"github.com/wimse-wg/wimse/wimse"
)

// responseFixture is a trust domain with a client and a server WIT.
type responseFixture struct {
	store    *wimse.TrustStore
	now      time.Time
	server   *httpsig.Signer
	req      rfc9421.Message
	reqNonce string
}

func newResponseFixture(t *testing.T) *responseFixture {
	t.Helper()
	now := time.Unix(1767225600, 0)
	issuer := wimsetest.EC(t, elliptic.P256(), "issuer")
	store := wimse.NewTrustStore()
	store.Set(wimse.MustParseTrustDomain("example.org"), wimse.Anchors{Keys: []wimse.IssuerKey{{KeyID: "k", Public: issuer.Public()}}})
	mint := func(sub string, key *ecdsa.PrivateKey) string {
		w, err := (&wit.Signer{Key: issuer, KeyID: "k", Deterministic: true}).Sign(wit.Claims{Subject: wimse.MustParseID(sub), Expiry: now.Add(time.Hour), Key: key.Public()})
		if err != nil {
			t.Fatal(err)
		}
		return w
	}
	sk := wimsetest.EC(t, elliptic.P256(), "server")
	f := &responseFixture{store: store, now: now,
		server: &httpsig.Signer{WIT: mint("wimse://example.org/server", sk), Key: sk, Alg: "ES256", Now: func() time.Time { return now }}}
	// The request the response answers.
	ck := wimsetest.EC(t, elliptic.P256(), "client")
	r, _ := http.NewRequest(http.MethodGet, "https://svc.example/a?b=1", nil)
	client := &httpsig.Signer{WIT: mint("wimse://example.org/client", ck), Key: ck, Alg: "ES256", Now: func() time.Time { return now }}
	nonce, err := client.SignRequest(r, nil, httpsig.RequestOptions{Audience: "https://svc.example/a", SignResponse: true})
	if err != nil {
		t.Fatal(err)
	}
	f.req, f.reqNonce = rfc9421.FromRequest(r, "https"), nonce
	return f
}

func (f *responseFixture) check(required bool, nonce string) httpsig.ResponseCheck {
	return httpsig.ResponseCheck{WIT: &wit.Verifier{Trust: f.store, Policy: wimse.Policy{Now: func() time.Time { return f.now }}},
		Request: f.req, Nonce: nonce, Required: required, Revision: wimse.RevisionHTTPSig07}
}

// TestVerifyResponse covers the client's response rules (-07 §3.5): a
// required signature must be there, echo the nonce, cover the required
// components and the body, verify, and be in its window; an optional one
// may be absent but must verify when present.
func TestVerifyResponse(t *testing.T) {
	f := newResponseFixture(t)
	body := []byte("No ice cream today.\n")
	signed := func(t *testing.T, echo string) http.Header {
		h := http.Header{"Content-Type": {"text/plain"}}
		if err := f.server.SignResponse(h, 404, body, f.req, wimse.RevisionHTTPSig07, echo); err != nil {
			t.Fatal(err)
		}
		return h
	}
	for _, tc := range []struct {
		name     string
		header   func(t *testing.T) http.Header
		body     []byte
		required bool
		want     wimse.Reason
	}{
		{"signed, required", func(t *testing.T) http.Header { return signed(t, f.reqNonce) }, body, true, ""},
		{"signed, optional", func(t *testing.T) http.Header { return signed(t, f.reqNonce) }, body, false, ""},
		{"unsigned, required", func(*testing.T) http.Header { return http.Header{} }, body, true, wimse.ReasonHTTPSigResponseUnsigned},
		{"unsigned, optional (a middlebox may strip it)", func(*testing.T) http.Header { return http.Header{} }, body, false, ""},
		{"another nonce echoed", func(t *testing.T) http.Header { return signed(t, "someone-else") }, body, true, wimse.ReasonHTTPSigReqNonce},
		{"optional signature echoing another nonce", func(t *testing.T) http.Header { return signed(t, "someone-else") }, body, false, wimse.ReasonHTTPSigReqNonce},
		{"body changed after signing", func(t *testing.T) http.Header { return signed(t, f.reqNonce) }, []byte("Plenty of ice cream.\n"), true, wimse.ReasonHTTPSigDigestMismatch},
		{"content-type changed after signing", func(t *testing.T) http.Header {
			h := signed(t, f.reqNonce)
			h.Set("Content-Type", "text/html")
			return h
		}, body, true, wimse.ReasonHTTPSigSignature},
		{"server WIT replaced", func(t *testing.T) http.Header {
			h := signed(t, f.reqNonce)
			h.Set(httpsig.HeaderWIT, "not.a.wit")
			return h
		}, body, true, wimse.ReasonWITMalformed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := httpsig.VerifyResponse(404, tc.header(t), tc.body, f.check(tc.required, f.reqNonce))
			if got := wimse.ReasonOf(err); got != tc.want {
				t.Errorf("reason %q, want %q (%v)", got, tc.want, err)
			}
		})
	}
	t.Run("status changed after signing", func(t *testing.T) {
		_, err := httpsig.VerifyResponse(200, signed(t, f.reqNonce), body, f.check(true, f.reqNonce))
		if got := wimse.ReasonOf(err); got != wimse.ReasonHTTPSigSignature {
			t.Errorf("reason %q, want %q", got, wimse.ReasonHTTPSigSignature)
		}
	})
	t.Run("expired", func(t *testing.T) {
		c := f.check(true, f.reqNonce)
		c.WIT.Policy.Now = func() time.Time { return f.now.Add(10 * time.Minute) }
		_, err := httpsig.VerifyResponse(404, signed(t, f.reqNonce), body, c)
		if got := wimse.ReasonOf(err); got != wimse.ReasonHTTPSigExpired {
			t.Errorf("reason %q, want %q", got, wimse.ReasonHTTPSigExpired)
		}
	})
}

// TestVerifyResponseEveryProblem: a response with several independent
// defects names each of them, the first in check order first.
func TestVerifyResponseEveryProblem(t *testing.T) {
	f := newResponseFixture(t)
	body := []byte("No ice cream today.\n")
	h := http.Header{"Content-Type": {"text/plain"}}
	if err := f.server.SignResponse(h, 404, body, f.req, wimse.RevisionHTTPSig07, "someone-else"); err != nil {
		t.Fatal(err)
	}
	// Two defects: another nonce echoed, and the body changed after signing.
	_, err := httpsig.VerifyResponse(404, h, []byte("Plenty of ice cream.\n"), f.check(true, f.reqNonce))
	if got := wimse.ReasonOf(err); got != wimse.ReasonHTTPSigReqNonce {
		t.Errorf("first reason %q, want %q (%v)", got, wimse.ReasonHTTPSigReqNonce, err)
	}
	got := reasons(err)
	want := []wimse.Reason{wimse.ReasonHTTPSigReqNonce, wimse.ReasonHTTPSigDigestMismatch}
	if !slices.Equal(got, want) {
		t.Errorf("reasons %v, want %v", got, want)
	}
	if msg := err.Error(); strings.Contains(msg, "\n") {
		t.Errorf("message spans several lines: %q", msg)
	}

	// A WIT that does not verify: the signature is not checked under it,
	// but the other problems are still named.
	h.Set(httpsig.HeaderWIT, "not.a.wit")
	_, err = httpsig.VerifyResponse(404, h, body, f.check(true, f.reqNonce))
	if got, want := reasons(err), []wimse.Reason{wimse.ReasonWITMalformed, wimse.ReasonHTTPSigReqNonce}; !slices.Equal(got, want) {
		t.Errorf("reasons %v, want %v", got, want)
	}
}

// reasons lists the reason of every *wimse.Error err joins (one level).
func reasons(err error) []wimse.Reason {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		var out []wimse.Reason
		for _, e := range j.Unwrap() {
			out = append(out, wimse.ReasonOf(e))
		}
		return out
	}
	return []wimse.Reason{wimse.ReasonOf(err)}
}
