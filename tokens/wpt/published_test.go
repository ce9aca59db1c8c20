package wpt_test

import (
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"os"
	"testing"
	"time"

	"github.com/wimse-wg/wimse/internal/reasontest"

	"github.com/google/go-cmp/cmp"

	"github.com/wimse-wg/wimse/internal/jose"
	"github.com/wimse-wg/wimse/internal/wimsetest"
	"github.com/wimse-wg/wimse/tokens/wit"
	"github.com/wimse-wg/wimse/tokens/wpt"
	"github.com/wimse-wg/wimse/wimse"
)

// publishedAt is inside the lifetime of every published WPT (exp 1745510016,
// 2025-04-24T15:53:36Z) and WIT (exp 1745512510).
const publishedAt = 1745509900

const publishedAccessToken = "16_mAd0GiwaZokU26_0902100"

// exampleStore trusts example.com with the creds-02 "June 5" issuer key.
func exampleStore(t testing.TB) *wimse.TrustStore {
	t.Helper()
	data, err := os.ReadFile("testdata/issuer-june5.jwks")
	if err != nil {
		t.Fatal(err)
	}
	keys, err := wimse.ParseJWKSet(data)
	if err != nil {
		t.Fatal(err)
	}
	s := wimse.NewTrustStore()
	s.Set(wimse.MustParseTrustDomain("example.com"), wimse.Anchors{Keys: keys})
	return s
}

// publishedWIT verifies a published WIT at publishedAt.
func publishedWIT(t testing.TB, name string) *wit.Token {
	t.Helper()
	v := &wit.Verifier{Trust: exampleStore(t), Policy: wimse.Policy{Now: wimsetest.Clock(publishedAt)}}
	tok, err := v.Verify(readFile(t, name))
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return tok
}

// workloadKey is the published workload key of the drafts' examples.
func workloadKey(t testing.TB) ed25519.PrivateKey {
	t.Helper()
	signer, _, _, err := jose.ParsePrivateJWK([]byte(readFile(t, "testdata/workload-example.jwk")))
	if err != nil {
		t.Fatalf("ParsePrivateJWK: %v", err)
	}
	k, ok := signer.(ed25519.PrivateKey)
	if !ok {
		t.Fatalf("workload key is %T, want ed25519.PrivateKey", signer)
	}
	d, _ := base64.RawURLEncoding.DecodeString("sdLX8yCYKqo_XvGBLn-ZWeKT7llYeeQpgeCaXVxb5kY")
	if !k.Equal(ed25519.NewKeyFromSeed(d)) {
		t.Fatal("ParsePrivateJWK and ed25519.NewKeyFromSeed disagree on the published key")
	}
	return k
}

// TestPublishedExamples verifies the published WIT + WPT pairs and
// re-signs each WPT's claims with the published workload key through
// wpt.Signer, which must reproduce the published token byte for byte
// (Ed25519 is deterministic and jose.Marshal sorts members as the drafts do).
func TestPublishedExamples(t *testing.T) {
	tests := []struct {
		name     string
		wit, wpt string
		expect   func(*wpt.Expect)
		claims   wpt.Claims // without WITHash, filled from the WIT
		known    []string
	}{
		{
			name: "wpt-02 §2 Figure 5", wit: "testdata/wpt-02-example.wit", wpt: "testdata/wpt-02-example.wpt",
			expect: func(e *wpt.Expect) { e.Revision = wimse.RevisionWPT02 },
			claims: wpt.Claims{Audience: "https://workload.example.com/path", Expiry: time.Unix(1745510016, 0), ID: "__bwc4ESC3acc2LTC1-_x"},
		},
		{
			name: "wpt-01 §3 with ath", wit: "testdata/creds-02-example.wit", wpt: "testdata/wpt-01-example.wpt",
			expect: func(e *wpt.Expect) {
				e.Revision = wimse.RevisionWPT01
				e.AccessToken = ptr(publishedAccessToken)
			},
			claims: wpt.Claims{Audience: "https://workload.example.com/path", Expiry: time.Unix(1745510016, 0), ID: "__bwc4ESC3acc2LTC1-_x",
				AccessTokenHash: "CL4wjfpRmNf-bdYIbYLnV9d5rMARGwKYE10wUwzC0jI"},
		},
		{
			name: "wpt-01 token under wpt-02 rules: ath ignored", wit: "testdata/creds-02-example.wit", wpt: "testdata/wpt-01-example.wpt",
			expect: func(e *wpt.Expect) { e.Revision = wimse.RevisionWPT02 },
			claims: wpt.Claims{Audience: "https://workload.example.com/path", Expiry: time.Unix(1745510016, 0), ID: "__bwc4ESC3acc2LTC1-_x",
				AccessTokenHash: "CL4wjfpRmNf-bdYIbYLnV9d5rMARGwKYE10wUwzC0jI"},
		},
		{
			name: "oth proposal of PR #227 (unpublished)", wit: "testdata/pr227-oth-example.wit", wpt: "testdata/pr227-oth-example.wpt",
			expect: func(e *wpt.Expect) {
				e.Revision = wimse.RevisionWPT01
				e.AccessToken = ptr(publishedAccessToken)
				e.OtherTokens = map[string]string{"x-custom-token": "some-example-other-token"}
				e.KnownOther = func(n string) bool { return n == "x-custom-token" }
			},
			claims: wpt.Claims{Audience: "https://workload.example.com/path", Expiry: time.Unix(1745510016, 0), ID: "Cb1fCa3cFESC_x-24CLTL",
				AccessTokenHash:  "CL4wjfpRmNf-bdYIbYLnV9d5rMARGwKYE10wUwzC0jI",
				OtherTokenHashes: map[string]string{"x-custom-token": "x-Uy6Ch_xn3AbUVKDjPMQQugtcn2erLWrkvVWAmKl1k"}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			witTok := publishedWIT(t, tc.wit)
			raw := readFile(t, tc.wpt)
			e := wpt.Expect{Audience: "https://workload.example.com/path", WIT: witTok}
			tc.expect(&e)
			v := &wpt.Verifier{Policy: wimse.Policy{Now: wimsetest.Clock(publishedAt)}, Replay: wimse.NewMemoryReplayCache(0)}
			tok, err := v.Verify(raw, e)
			if err != nil {
				t.Fatalf("Verify: %v", err)
			}
			if tok.WITHash != witTok.Hash || tok.ID != tc.claims.ID {
				t.Errorf("wth %q, jti %q; want %q, %q", tok.WITHash, tok.ID, witTok.Hash, tc.claims.ID)
			}
			_, err = v.Verify(raw, e)
			reasontest.CheckReason(t, err, wimse.ReasonWPTReplayed, raw)

			c := tc.claims
			c.WITHash = witTok.Hash
			got, err := (&wpt.Signer{Key: workloadKey(t), Alg: witTok.Confirmation.Alg}).Sign(c)
			if err != nil {
				t.Fatalf("Sign: %v", err)
			}
			if diff := cmp.Diff(raw, got); diff != "" {
				t.Errorf("re-signed WPT differs from the published one (-published +got):\n%s", diff)
			}
		})
	}
}

// TestPublishedNegative derives rejections from the published vectors
// (negative cases the drafts' rules imply).
func TestPublishedNegative(t *testing.T) {
	tests := []struct {
		name     string
		wit, wpt string
		at       int64
		expect   func(*wpt.Expect)
		want     wimse.Reason
	}{
		{name: "wpt-02 proof with the creds-02 WIT", wit: "testdata/creds-02-example.wit", wpt: "testdata/wpt-02-example.wpt",
			at: publishedAt, want: wimse.ReasonWPTWTHMismatch},
		{name: "wpt-01 proof with the wpt-02 WIT", wit: "testdata/wpt-02-example.wit", wpt: "testdata/wpt-01-example.wpt",
			at: publishedAt, want: wimse.ReasonWPTWTHMismatch},
		{name: "wpt-02 proof after exp + skew", wit: "testdata/wpt-02-example.wit", wpt: "testdata/wpt-02-example.wpt",
			at: 1745510016 + 60, want: wimse.ReasonWPTExpired},
		{name: "wpt-02 proof too early (exp beyond 5 min + skew)", wit: "testdata/wpt-02-example.wit", wpt: "testdata/wpt-02-example.wpt",
			at: 1745510016 - 361, want: wimse.ReasonWPTExpTooFar},
		{name: "wpt-02 proof for another audience", wit: "testdata/wpt-02-example.wit", wpt: "testdata/wpt-02-example.wpt",
			at: publishedAt, expect: func(e *wpt.Expect) { e.Audience = "https://workload.example.com/other" }, want: wimse.ReasonWPTAudMismatch},
		{name: "wpt-01 proof without its access token", wit: "testdata/creds-02-example.wit", wpt: "testdata/wpt-01-example.wpt",
			at: publishedAt, expect: func(e *wpt.Expect) { e.Revision = wimse.RevisionWPT01 }, want: wimse.ReasonWPTATHMismatch},
		{name: "wpt-01 proof with another access token", wit: "testdata/creds-02-example.wit", wpt: "testdata/wpt-01-example.wpt",
			at: publishedAt, expect: func(e *wpt.Expect) {
				e.Revision = wimse.RevisionWPT01
				e.AccessToken = ptr("Bearer " + publishedAccessToken)
			}, want: wimse.ReasonWPTATHMismatch},
		{name: "wpt-02 proof with a Txn-Token it does not cover", wit: "testdata/wpt-02-example.wit", wpt: "testdata/wpt-02-example.wpt",
			at: publishedAt, expect: func(e *wpt.Expect) { e.TxnToken = ptr("txn") }, want: wimse.ReasonWPTTTHMissing},
		{name: "oth proof without its context token", wit: "testdata/pr227-oth-example.wit", wpt: "testdata/pr227-oth-example.wpt",
			at: publishedAt, expect: func(e *wpt.Expect) { e.KnownOther = func(string) bool { return true } }, want: wimse.ReasonWPTOTHMismatch},
		{name: "oth proof at a receiver that knows no context token", wit: "testdata/pr227-oth-example.wit", wpt: "testdata/pr227-oth-example.wpt",
			at: publishedAt, expect: func(e *wpt.Expect) {
				e.OtherTokens = map[string]string{"x-custom-token": "some-example-other-token"}
			}, want: wimse.ReasonWPTOTHUnknown},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			raw := readFile(t, tc.wpt)
			e := wpt.Expect{Revision: wimse.RevisionWPT02, Audience: "https://workload.example.com/path", WIT: publishedWIT(t, tc.wit)}
			if tc.expect != nil {
				tc.expect(&e)
			}
			_, err := (&wpt.Verifier{Policy: wimse.Policy{Now: wimsetest.Clock(tc.at)}}).Verify(raw, e)
			reasontest.CheckReason(t, err, tc.want, raw)
		})
	}
}

// TestPublishedClaims decodes the published wpt-02 proof: exactly the
// four claims of wpt-02 Figure 3.
func TestPublishedClaims(t *testing.T) {
	raw := readFile(t, "testdata/wpt-02-example.wpt")
	b, err := base64.RawURLEncoding.DecodeString(segment(raw, 1))
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"aud": "https://workload.example.com/path",
		"exp": float64(1745510016),
		"jti": "__bwc4ESC3acc2LTC1-_x",
		"wth": "X9wiPgq3jlSGzAegHCGhNO1lJgUbDoI1Mjkat5QHJB0",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("claims (-want +got):\n%s", diff)
	}
}
