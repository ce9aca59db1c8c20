package jose

import (
	"crypto"
	"crypto/ed25519"
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

type equaler interface{ Equal(crypto.PublicKey) bool }

// TestPublicJWKRoundTrip: PublicJWKJSON output parses back to the same key,
// alg and kid, for every supported key type.
func TestPublicJWKRoundTrip(t *testing.T) {
	for _, alg := range allAlgs {
		t.Run(alg, func(t *testing.T) {
			pub := keyFor(t, alg).Public()
			m, err := PublicJWKJSON(pub, alg, "kid-"+alg)
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range privateMembers {
				if _, ok := m[p]; ok {
					t.Errorf("PublicJWKJSON has private member %q", p)
				}
			}
			b, err := Marshal(m)
			if err != nil {
				t.Fatal(err)
			}
			k, err := ParsePublicJWK(b)
			if err != nil {
				t.Fatalf("ParsePublicJWK(%s): %v", b, err)
			}
			if k.Alg != alg || k.Kid != "kid-"+alg || !pub.(equaler).Equal(k.Key) {
				t.Errorf("ParsePublicJWK = %+v, want alg %q kid %q and the same key", k, alg, "kid-"+alg)
			}
		})
	}
}

func TestParsePublicJWK(t *testing.T) {
	const x = `"x":"1CXXvflN_LVVsIsYXsUvB03JmlGWeCHqQVuouCF92bg"`
	okp := func(extra string) string { return `{"kty":"OKP","crv":"Ed25519",` + x + extra + `}` }
	tests := []struct {
		name    string
		in      string
		want    Code
		wantAlg string
	}{
		{name: "Ed25519 without alg", in: okp("")},
		{name: "Ed25519 with alg", in: okp(`,"alg":"EdDSA"`), wantAlg: "EdDSA"},
		{name: "alg none is an unsupported alg", in: okp(`,"alg":"none"`), want: CodeKeyAlg},
		{name: "alg unknown to jwx is an unsupported alg", in: okp(`,"alg":"XS256"`), want: CodeKeyAlg},
		{name: "private d", in: okp(`,"d":"sdLX8yCYKqo_XvGBLn-ZWeKT7llYeeQpgeCaXVxb5kY"`), want: CodeKeyPrivate},
		{name: "private member k", in: okp(`,"k":"AA"`), want: CodeKeyPrivate},
		{name: "private member p", in: okp(`,"p":"AA"`), want: CodeKeyPrivate},
		{name: "oth member", in: okp(`,"oth":[]`), want: CodeKeyPrivate},
		{name: "kty oct", in: `{"kty":"oct","k":"c2VjcmV0"}`, want: CodeKeyPrivate},
		{name: "kty missing", in: `{"crv":"Ed25519",` + x + `}`, want: CodeKey},
		{name: "kty number", in: `{"kty":1,"crv":"Ed25519",` + x + `}`, want: CodeKey},
		{name: "kty unknown", in: `{"kty":"XYZ",` + x + `}`, want: CodeKey},
		{name: "alg number", in: okp(`,"alg":1`), want: CodeKeyAlg},
		{name: "kid number", in: okp(`,"kid":1`), want: CodeKey},
		{name: "x not base64url", in: `{"kty":"OKP","crv":"Ed25519","x":"!!"}`, want: CodeKey},
		{name: "x missing", in: `{"kty":"OKP","crv":"Ed25519"}`, want: CodeKey},
		{name: "X25519", in: `{"kty":"OKP","crv":"X25519",` + x + `}`, want: CodeKey},
		{name: "EC without y", in: `{"kty":"EC","crv":"P-256","x":"kXqnA2Op7hgd4zRMbw0iFcc_hDxUxhojxOFVGjE2gks"}`, want: CodeKey},
		{name: "EC point off the curve", in: `{"kty":"EC","crv":"P-256","x":"kXqnA2Op7hgd4zRMbw0iFcc_hDxUxhojxOFVGjE2gks","y":"n__VndPMR021-59UAs0b9qDTFT-EZtT6xSNs_xFskLA"}`, want: CodeKey},
		{name: "EC June 5", in: `{"kty":"EC","kid":"June 5","crv":"P-256","x":"kXqnA2Op7hgd4zRMbw0iFcc_hDxUxhojxOFVGjE2gks","y":"n__VndPMR021-59UAs0b9qDTFT-EZtT6xSNs_xFskLo"}`},
		{name: "duplicate member", in: okp(`,"crv":"Ed25519"`), want: CodeDuplicateMember},
		{name: "array", in: `[` + okp("") + `]`, want: CodeMalformed},
		{name: "invalid UTF-8", in: okp(",\"kid\":\"\xff\""), want: CodeMalformed},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			k, err := ParsePublicJWK([]byte(tc.in))
			checkCode(t, err, tc.want)
			if err == nil && (k.Key == nil || k.Alg != tc.wantAlg) {
				t.Errorf("ParsePublicJWK = %+v, want a key with alg %q", k, tc.wantAlg)
			}
		})
	}
}

// TestParsePrivateJWK reads the workload key the drafts publish for their
// examples and round-trips every key type through PrivateJWKJSON.
func TestParsePrivateJWK(t *testing.T) {
	signer, alg, kid, err := ParsePrivateJWK([]byte(`{"kty":"OKP","crv":"Ed25519",` +
		`"x":"1CXXvflN_LVVsIsYXsUvB03JmlGWeCHqQVuouCF92bg","d":"sdLX8yCYKqo_XvGBLn-ZWeKT7llYeeQpgeCaXVxb5kY"}`))
	if err != nil {
		t.Fatal(err)
	}
	m, err := PublicJWKJSON(signer.Public(), "", "")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(map[string]any{"kty": "OKP", "crv": "Ed25519", "x": "1CXXvflN_LVVsIsYXsUvB03JmlGWeCHqQVuouCF92bg"}, m); diff != "" {
		t.Errorf("public part of the published key (-want +got):\n%s", diff)
	}
	if _, ok := signer.(ed25519.PrivateKey); !ok || alg != "" || kid != "" {
		t.Errorf("ParsePrivateJWK = %T, %q, %q", signer, alg, kid)
	}

	for _, a := range allAlgs {
		t.Run(a, func(t *testing.T) {
			key := keyFor(t, a)
			b, err := PrivateJWKJSON(key, a, "k")
			if err != nil {
				t.Fatal(err)
			}
			got, gotAlg, gotKid, err := ParsePrivateJWK(b)
			if err != nil {
				t.Fatal(err)
			}
			if gotAlg != a || gotKid != "k" || !key.Public().(equaler).Equal(got.Public()) {
				t.Errorf("round trip = %q, %q, same key %v", gotAlg, gotKid, key.Public().(equaler).Equal(got.Public()))
			}
		})
	}

	pub, err := PublicJWKJSON(edKey("jose").Public(), "EdDSA", "")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(pub)
	if _, _, _, err := ParsePrivateJWK(b); err == nil {
		t.Error("ParsePrivateJWK accepted a public key")
	}
	if _, _, _, err := ParsePrivateJWK([]byte(`{"kty":"oct","k":"c2VjcmV0"}`)); err == nil {
		t.Error("ParsePrivateJWK accepted a symmetric key")
	}
	if _, _, _, err := ParsePrivateJWK([]byte(strings.Repeat("{", 3))); err == nil {
		t.Error("ParsePrivateJWK accepted malformed JSON")
	}
}
