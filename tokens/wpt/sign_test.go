package wpt_test

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/wimse-wg/wimse/internal/reasontest"

	"github.com/google/go-cmp/cmp"

	"github.com/wimse-wg/wimse/internal/wimsetest"
	"github.com/wimse-wg/wimse/tokens/wit"
	"github.com/wimse-wg/wimse/tokens/wpt"
	"github.com/wimse-wg/wimse/wimse"
)

func baseClaims(tok *wit.Token) wpt.Claims {
	return wpt.Claims{Audience: testAud, Expiry: time.Unix(wptNow+60, 0), ID: "wpt-jti-1", WITHash: tok.Hash}
}

// TestSignerRoundTrip: what Signer issues, Verifier accepts, for every
// algorithm, with every optional binding.
func TestSignerRoundTrip(t *testing.T) {
	for _, alg := range wimsetest.AllAlgs {
		t.Run(alg, func(t *testing.T) {
			t.Parallel()
			witTok := makeWIT(t, testSub, alg)
			c := baseClaims(witTok)
			c.AccessTokenHash = wit.Hash("at")
			c.TxnTokenHash = wit.Hash("tt")
			c.OtherTokenHashes = map[string]string{"x-o": wit.Hash("ot")}
			raw, err := (&wpt.Signer{Key: wimsetest.For(t, alg, "workload"), Alg: witTok.Confirmation.Alg}).Sign(c)
			if err != nil {
				t.Fatalf("Sign: %v", err)
			}
			e := wpt.Expect{
				Revision: wimse.RevisionWPT01, Audience: testAud, WIT: witTok,
				AccessToken: ptr("at"), TxnToken: ptr("tt"),
				OtherTokens: map[string]string{"x-o": "ot"}, KnownOther: func(n string) bool { return n == "x-o" },
			}
			tok, err := (&wpt.Verifier{Policy: wimse.Policy{Now: wimsetest.Clock(wptNow)}}).Verify(raw, e)
			if err != nil {
				t.Fatalf("Verify: %v", err)
			}
			if tok.Algorithm != alg || tok.Type != wpt.MediaType {
				t.Errorf("alg %q typ %q, want %q %q", tok.Algorithm, tok.Type, alg, wpt.MediaType)
			}
		})
	}
}

// TestSignerDefaults: "" Alg defaults by key type, optional claims are
// omitted, Extra cannot replace registered claims, and Type overrides typ.
func TestSignerDefaults(t *testing.T) {
	witTok := makeWIT(t, testSub, "EdDSA")
	c := baseClaims(witTok)
	c.Extra = map[string]any{"aud": "https://attacker.example/", "jti": "x", "example.com/x": 1}
	raw, err := (&wpt.Signer{Key: wimsetest.Ed("workload")}).Sign(c)
	if err != nil {
		t.Fatal(err)
	}
	tok, err := (&wpt.Verifier{Policy: wimse.Policy{Now: wimsetest.Clock(wptNow)}}).Verify(raw,
		wpt.Expect{Revision: wimse.RevisionWPT02, Audience: testAud, WIT: witTok})
	if err != nil {
		t.Fatalf("Verify: %v", err)
	}
	var names []string
	for k := range tok.Claims {
		names = append(names, k)
	}
	if diff := cmp.Diff([]string{"aud", "example.com/x", "exp", "jti", "wth"}, names, cmpSortStrings); diff != "" {
		t.Errorf("claims (-want +got):\n%s", diff)
	}
	if tok.Audience != testAud || tok.ID != "wpt-jti-1" || tok.Algorithm != "EdDSA" {
		t.Errorf("aud %q jti %q alg %q: Extra replaced a registered claim or alg did not default", tok.Audience, tok.ID, tok.Algorithm)
	}

	legacy, err := (&wpt.Signer{Key: wimsetest.Ed("workload"), Type: wpt.LegacyMediaType}).Sign(baseClaims(witTok))
	if err != nil {
		t.Fatal(err)
	}
	v := &wpt.Verifier{Policy: wimse.Policy{Now: wimsetest.Clock(wptNow)}}
	e := wpt.Expect{Revision: wimse.RevisionWPT02, Audience: testAud, WIT: witTok}
	_, err = v.Verify(legacy, e)
	reasontest.CheckReason(t, err, wimse.ReasonWPTTyp, legacy)
	v.Policy.Revisions = []wimse.Revision{wimse.RevisionS2S06}
	_, err = v.Verify(legacy, e)
	reasontest.CheckReason(t, err, "", legacy)
}

func TestSignerErrors(t *testing.T) {
	witTok := makeWIT(t, testSub, "EdDSA")
	tests := []struct {
		name   string
		signer wpt.Signer
		mutate func(*wpt.Claims)
	}{
		{name: "no key", signer: wpt.Signer{}},
		{name: "no audience", signer: wpt.Signer{Key: wimsetest.Ed("workload")}, mutate: func(c *wpt.Claims) { c.Audience = "" }},
		{name: "no expiry", signer: wpt.Signer{Key: wimsetest.Ed("workload")}, mutate: func(c *wpt.Claims) { c.Expiry = time.Time{} }},
		{name: "no jti", signer: wpt.Signer{Key: wimsetest.Ed("workload")}, mutate: func(c *wpt.Claims) { c.ID = "" }},
		{name: "no wth", signer: wpt.Signer{Key: wimsetest.Ed("workload")}, mutate: func(c *wpt.Claims) { c.WITHash = "" }},
		{name: "alg none", signer: wpt.Signer{Key: wimsetest.Ed("workload"), Alg: "none"}},
		{name: "alg does not fit the key", signer: wpt.Signer{Key: wimsetest.Ed("workload"), Alg: "ES256"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := baseClaims(witTok)
			if tc.mutate != nil {
				tc.mutate(&c)
			}
			if raw, err := tc.signer.Sign(c); err == nil {
				t.Errorf("Sign succeeded with %q; want an error", raw)
			}
		})
	}
}

// TestSignerDeterministic: with Deterministic set, proofs are reproducible
// for every algorithm and still verify.
func TestSignerDeterministic(t *testing.T) {
	for _, alg := range wimsetest.AllAlgs {
		t.Run(alg, func(t *testing.T) {
			witTok := makeWIT(t, testSub, alg)
			s := &wpt.Signer{Key: wimsetest.For(t, alg, "workload"), Alg: alg, Deterministic: true}
			a, err := s.Sign(baseClaims(witTok))
			if err != nil {
				t.Fatal(err)
			}
			b, err := s.Sign(baseClaims(witTok))
			if err != nil {
				t.Fatal(err)
			}
			if a != b {
				t.Errorf("deterministic proofs differ:\n%s\n%s", a, b)
			}
			_, err = (&wpt.Verifier{Policy: wimse.Policy{Now: wimsetest.Clock(wptNow)}}).Verify(a,
				wpt.Expect{Revision: wimse.RevisionWPT02, Audience: testAud, WIT: witTok})
			reasontest.CheckReason(t, err, "", a)
		})
	}
}

func TestNewID(t *testing.T) {
	id, err := wpt.NewID(bytes.NewReader(bytes.Repeat([]byte{0xfb}, 16)))
	if err != nil {
		t.Fatal(err)
	}
	if want := strings.Repeat("-_v7", 5) + "-w"; id != want {
		t.Errorf("NewID(0xfb...) = %q, want %q", id, want)
	}
	a, err := wpt.NewID(nil)
	if err != nil {
		t.Fatal(err)
	}
	b, err := wpt.NewID(nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(a) != 22 || len(b) != 22 || a == b {
		t.Errorf("NewID(nil) = %q, %q: want two different 22-character ids", a, b)
	}
	if _, err := wpt.NewID(bytes.NewReader(make([]byte, 15))); !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("NewID(short reader) error = %v, want io.ErrUnexpectedEOF", err)
	}
}
