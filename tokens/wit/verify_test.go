package wit_test

import (
	"crypto"
	"encoding/base64"
	"math/big"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/wimse-wg/wimse/internal/reasontest"

	"github.com/google/go-cmp/cmp"

	"github.com/wimse-wg/wimse/internal/wimsetest"
	"github.com/wimse-wg/wimse/tokens/wit"
	"github.com/wimse-wg/wimse/wimse"
)

type witCase struct {
	name   string
	mutate func(t testing.TB, f *witFixture)
	want   wimse.Reason // "" means the WIT verifies
}

func runWITCases(t *testing.T, cases []witCase) {
	t.Helper()
	seen := map[string]bool{}
	for _, tc := range cases {
		if seen[tc.name] {
			t.Fatalf("duplicate case name %q", tc.name)
		}
		seen[tc.name] = true
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := baseWIT(t)
			if tc.mutate != nil {
				tc.mutate(t, f)
			}
			raw := f.token(t)
			tok, err := f.verifier(len(raw)).Verify(raw)
			reasontest.CheckReason(t, err, tc.want, raw)
			if err == nil && (tok == nil || tok.Raw != raw || tok.Hash != wit.Hash(raw)) {
				t.Fatalf("Verify returned %+v for a valid token", tok)
			}
		})
	}
}

// set returns a mutator that sets (or, with a nil value, deletes) a claim.
func setClaim(name string, v any) func(testing.TB, *witFixture) {
	return func(_ testing.TB, f *witFixture) {
		if v == nil {
			delete(f.claims, name)
			return
		}
		f.claims[name] = v
	}
}

func setHeader(name string, v any) func(testing.TB, *witFixture) {
	return func(_ testing.TB, f *witFixture) {
		if v == nil {
			delete(f.header, name)
			return
		}
		f.header[name] = v
	}
}

func setJWK(name string, v any) func(testing.TB, *witFixture) {
	return func(_ testing.TB, f *witFixture) {
		if v == nil {
			delete(f.jwk(), name)
			return
		}
		f.jwk()[name] = v
	}
}

func at(sec int64) func(testing.TB, *witFixture) {
	return func(_ testing.TB, f *witFixture) { f.policy.Now = wimsetest.Clock(sec) }
}

// TestVerifyAlgorithms: every supported issuer algorithm and every supported
// cnf.jwk.alg verifies (creds-02 §5.1.1, §5.1.2).
func TestVerifyAlgorithms(t *testing.T) {
	var cases []witCase
	for _, alg := range wimsetest.AllAlgs {
		cases = append(cases,
			witCase{name: "issuer " + alg, mutate: func(t testing.TB, f *witFixture) { f.setIssuer(t, alg) }},
			witCase{name: "cnf " + alg, mutate: func(t testing.TB, f *witFixture) { f.setCnf(t, alg) }},
		)
	}
	runWITCases(t, cases)
}

// TestVerifyHeader covers W1–W3 and W5 on the JOSE header: typ, alg, crit,
// key references and kid.
func TestVerifyHeader(t *testing.T) {
	legacyPolicy := func(_ testing.TB, f *witFixture) {
		f.policy.Revisions = []wimse.Revision{wimse.RevisionS2S06, wimse.RevisionWPT01, wimse.RevisionWPT02}
	}
	runWITCases(t, []witCase{
		{name: "baseline"},
		// typ (W2, RFC 8725 §3.11).
		{name: "typ missing", mutate: setHeader("typ", nil), want: wimse.ReasonWITTyp},
		{name: "typ empty", mutate: setHeader("typ", ""), want: wimse.ReasonWITTyp},
		{name: "typ JWT", mutate: setHeader("typ", "JWT"), want: wimse.ReasonWITTyp},
		{name: "typ wpt+jwt", mutate: setHeader("typ", "wpt+jwt"), want: wimse.ReasonWITTyp},
		{name: "typ wit+jwt suffix", mutate: setHeader("typ", "x-wit+jwt"), want: wimse.ReasonWITTyp},
		{name: "typ not a string", mutate: setHeader("typ", 1), want: wimse.ReasonWITTyp},
		{name: "typ application/wit+jwt", mutate: setHeader("typ", "application/wit+jwt")},
		{name: "typ upper case", mutate: setHeader("typ", "WIT+JWT")},
		{name: "typ APPLICATION/WIT+JWT", mutate: setHeader("typ", "APPLICATION/WIT+JWT")},
		{name: "typ legacy rejected by default", mutate: setHeader("typ", "wimse-id+jwt"), want: wimse.ReasonWITTyp},
		{name: "typ legacy accepted with s2s-06", mutate: func(t testing.TB, f *witFixture) {
			setHeader("typ", "wimse-id+jwt")(t, f)
			legacyPolicy(t, f)
		}},
		{name: "typ application/ legacy accepted with s2s-06", mutate: func(t testing.TB, f *witFixture) {
			setHeader("typ", "application/wimse-id+jwt")(t, f)
			legacyPolicy(t, f)
		}},
		{name: "typ legacy rejected when only wpt revisions listed", mutate: func(t testing.TB, f *witFixture) {
			setHeader("typ", "wimse-id+jwt")(t, f)
			f.policy.Revisions = []wimse.Revision{wimse.RevisionWPT02}
		}, want: wimse.ReasonWITTyp},
		{name: "typ wit+jwt accepted with s2s-06", mutate: legacyPolicy},

		// alg (W3).
		{name: "alg missing", mutate: setHeader("alg", nil), want: wimse.ReasonWITAlg},
		{name: "alg not a string", mutate: setHeader("alg", 256), want: wimse.ReasonWITAlg},
		{name: "alg none", mutate: setHeader("alg", "none"), want: wimse.ReasonWITAlg},
		{name: "alg none with empty signature", mutate: func(t testing.TB, f *witFixture) {
			f.header["alg"] = "none"
			f.post = func(raw string) string { return raw[:strings.LastIndexByte(raw, '.')+1] }
		}, want: wimse.ReasonWITMalformed},
		{name: "alg lower case es256", mutate: setHeader("alg", "es256"), want: wimse.ReasonWITAlg},
		{name: "alg HS256 keyed with the issuer public key", mutate: func(t testing.TB, f *witFixture) {
			f.header["alg"] = "HS256"
			f.sign = wimsetest.HMACOverPublicKey(f.key.Public())
		}, want: wimse.ReasonWITAlg},
		{name: "alg HS256 enabled in policy", mutate: func(t testing.TB, f *witFixture) {
			f.header["alg"] = "HS256"
			f.sign = wimsetest.HMACOverPublicKey(f.key.Public())
			f.policy.Algorithms = []string{"ES256", "HS256"}
		}, want: wimse.ReasonWITAlg},
		{name: "alg none enabled in policy", mutate: func(t testing.TB, f *witFixture) {
			f.header["alg"] = "none"
			f.policy.Algorithms = []string{"ES256", "none"}
		}, want: wimse.ReasonWITAlg},
		{name: "alg RS384 unsupported", mutate: func(t testing.TB, f *witFixture) {
			f.setIssuer(t, "RS256")
			f.header["alg"] = "RS384"
		}, want: wimse.ReasonWITAlg},
		{name: "alg not in Policy.Algorithms", mutate: func(_ testing.TB, f *witFixture) {
			f.policy.Algorithms = []string{"ES384", "EdDSA"}
		}, want: wimse.ReasonWITAlg},
		{name: "alg in Policy.Algorithms", mutate: func(_ testing.TB, f *witFixture) {
			f.policy.Algorithms = []string{"EdDSA", "ES256"}
		}},
		{name: "alg not in Anchors.Algorithms", mutate: func(_ testing.TB, f *witFixture) {
			a := f.anchors["example.com"]
			a.Algorithms = []string{"EdDSA"}
			f.anchors["example.com"] = a
		}, want: wimse.ReasonWITAlg},
		{name: "alg in Anchors.Algorithms", mutate: func(_ testing.TB, f *witFixture) {
			a := f.anchors["example.com"]
			a.Algorithms = []string{"ES256"}
			f.anchors["example.com"] = a
		}},
		{name: "ES256 header with a P-384 issuer key", mutate: func(t testing.TB, f *witFixture) {
			f.setIssuer(t, "ES384")
			f.header["alg"], f.signAlg = "ES256", "ES256"
		}, want: wimse.ReasonWITSignature},
		{name: "EdDSA header with a P-256 issuer key", mutate: setHeader("alg", "EdDSA"), want: wimse.ReasonWITSignature},
		{name: "issuer key restricted to another alg", mutate: func(_ testing.TB, f *witFixture) {
			f.anchors["example.com"].Keys[0].Algorithm = "ES384"
		}, want: wimse.ReasonWITSignature},
		{name: "issuer key restricted to the token alg", mutate: func(_ testing.TB, f *witFixture) {
			f.anchors["example.com"].Keys[0].Algorithm = "ES256"
		}},

		// crit and key references (RFC 7515 §4.1.11, RFC 8725 §3.10).
		{name: "crit", mutate: setHeader("crit", []string{"exp"}), want: wimse.ReasonWITCrit},
		{name: "crit empty", mutate: setHeader("crit", []string{}), want: wimse.ReasonWITCrit},
		{name: "jku", mutate: setHeader("jku", "https://attacker.example/jwks"), want: wimse.ReasonWITHeaderKey},
		{name: "x5u", mutate: setHeader("x5u", "https://attacker.example/cert.pem"), want: wimse.ReasonWITHeaderKey},
		{name: "jwk", mutate: func(t testing.TB, f *witFixture) {
			f.header["jwk"] = jwkOf(t, f.key.Public(), "ES256")
		}, want: wimse.ReasonWITHeaderKey},
		{name: "x5c", mutate: setHeader("x5c", []string{"MIIB"}), want: wimse.ReasonWITHeaderKey},
		{name: "b64 false", mutate: setHeader("b64", false), want: wimse.ReasonWITMalformed},
		{name: "unknown header member ignored", mutate: setHeader("x-custom", map[string]any{"a": 1})},

		// kid (W5).
		{name: "kid unknown", mutate: setHeader("kid", "k2"), want: wimse.ReasonWITKeyUnknown},
		{name: "kid case differs", mutate: setHeader("kid", "K1"), want: wimse.ReasonWITKeyUnknown},
		{name: "kid not a string", mutate: setHeader("kid", 1), want: wimse.ReasonWITMalformed},
		{name: "kid absent, one key", mutate: setHeader("kid", nil)},
		{name: "kid absent, two keys", mutate: func(t testing.TB, f *witFixture) {
			delete(f.header, "kid")
			a := f.anchors["example.com"]
			a.Keys = append(a.Keys, wimse.IssuerKey{KeyID: "k2", Public: wimsetest.For(t, "ES256", "issuer-2").Public()})
			f.anchors["example.com"] = a
		}, want: wimse.ReasonWITKeyUnknown},
		{name: "kid absent, no keys", mutate: func(t testing.TB, f *witFixture) {
			delete(f.header, "kid")
			f.anchors["example.com"] = wimse.Anchors{}
		}, want: wimse.ReasonWITKeyUnknown},
		{name: "kid selects the second of two keys", mutate: func(t testing.TB, f *witFixture) {
			a := f.anchors["example.com"]
			a.Keys = append([]wimse.IssuerKey{{KeyID: "k0", Public: wimsetest.For(t, "ES256", "issuer-0").Public()}}, a.Keys...)
			f.anchors["example.com"] = a
		}},
		{name: "kid selects a key of another alg", mutate: func(t testing.TB, f *witFixture) {
			a := f.anchors["example.com"]
			a.Keys = []wimse.IssuerKey{{KeyID: "k1", Public: wimsetest.Ed("issuer").Public()}}
			f.anchors["example.com"] = a
		}, want: wimse.ReasonWITSignature},
		{name: "kid of another trust domain", mutate: func(t testing.TB, f *witFixture) {
			// The key is trusted, but for other.example: keys never cross domains.
			f.anchors["other.example"] = f.anchors["example.com"]
			f.anchors["example.com"] = wimse.Anchors{Keys: []wimse.IssuerKey{{KeyID: "k2", Public: f.key.Public()}}}
		}, want: wimse.ReasonWITKeyTrustDomain},
	})
}

// TestVerifySignature covers W6: the signature is checked with the selected
// trust anchor.
func TestVerifySignature(t *testing.T) {
	runWITCases(t, []witCase{
		{name: "signed by another key", mutate: func(t testing.TB, f *witFixture) {
			f.key = wimsetest.For(t, "ES256", "attacker")
		}, want: wimse.ReasonWITSignature},
		{name: "signed by the workload key", mutate: func(t testing.TB, f *witFixture) {
			f.setCnf(t, "ES256")
			f.key = wimsetest.For(t, "ES256", "workload")
		}, want: wimse.ReasonWITSignature},
		{name: "tampered payload", mutate: func(t testing.TB, f *witFixture) {
			c := map[string]any{}
			for k, v := range f.claims {
				c[k] = v
			}
			c["sub"] = "wimse://example.com/admin"
			f.post = withSegment(1, b64(mustMarshal(t, c)))
		}, want: wimse.ReasonWITSignature},
		{name: "tampered header", mutate: func(t testing.TB, f *witFixture) {
			h := map[string]any{"alg": "ES256", "typ": "application/wit+jwt", "kid": "k1"}
			f.post = withSegment(0, b64(mustMarshal(t, h)))
		}, want: wimse.ReasonWITSignature},
		{name: "signature bit flipped", mutate: func(_ testing.TB, f *witFixture) {
			f.post = func(raw string) string {
				sig, _ := base64.RawURLEncoding.DecodeString(segment(raw, 2))
				sig[10] ^= 1
				return withSegment(2, b64(sig))(raw)
			}
		}, want: wimse.ReasonWITSignature},
		{name: "signature of the wrong length", mutate: func(_ testing.TB, f *witFixture) {
			f.post = dropLast(2) // 86 -> 84 characters: 63 bytes, valid base64url
		}, want: wimse.ReasonWITSignature},
		{name: "signature all zero", mutate: func(_ testing.TB, f *witFixture) {
			f.post = withSegment(2, b64(make([]byte, 64)))
		}, want: wimse.ReasonWITSignature},
		{name: "signature ASN.1 DER instead of raw r||s", mutate: func(_ testing.TB, f *witFixture) {
			f.post = func(raw string) string {
				sig, _ := base64.RawURLEncoding.DecodeString(segment(raw, 2))
				r, s := new(big.Int).SetBytes(sig[:32]), new(big.Int).SetBytes(sig[32:])
				der := derSig(r, s)
				return withSegment(2, b64(der))(raw)
			}
		}, want: wimse.ReasonWITSignature},
		// Order: the trust domain (from sub) is checked before the signature,
		// the signature before the claims.
		{name: "untrusted domain and bad signature", mutate: func(t testing.TB, f *witFixture) {
			f.claims["sub"] = "wimse://other.example/workload"
			f.key = wimsetest.For(t, "ES256", "attacker")
		}, want: wimse.ReasonWITTrustDomain},
		{name: "expired and bad signature", mutate: func(t testing.TB, f *witFixture) {
			f.claims["exp"] = witNow - 3600
			f.key = wimsetest.For(t, "ES256", "attacker")
		}, want: wimse.ReasonWITSignature},
		{name: "expired and cnf missing", mutate: func(t testing.TB, f *witFixture) {
			f.claims["exp"] = witNow - 3600
			delete(f.claims, "cnf")
		}, want: wimse.ReasonWITExpired},
	})
}

// derSig encodes an ECDSA signature as ASN.1 DER (the X.509 form that JWS
// does not use).
func derSig(r, s *big.Int) []byte {
	enc := func(x *big.Int) []byte {
		b := x.Bytes()
		if len(b) == 0 || b[0]&0x80 != 0 {
			b = append([]byte{0}, b...)
		}
		return append([]byte{0x02, byte(len(b))}, b...)
	}
	body := append(enc(r), enc(s)...)
	return append([]byte{0x30, byte(len(body))}, body...)
}

// TestVerifyStructure covers the compact serialization ABNF of the
// Workload-Identity-Token field (creds-02 §5.1.1) and strict JSON (unique members, UTF-8, objects).
func TestVerifyStructure(t *testing.T) {
	post := func(p func(string) string) func(testing.TB, *witFixture) {
		return func(_ testing.TB, f *witFixture) { f.post = p }
	}
	const b64chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	rawHeader := func(s string) func(testing.TB, *witFixture) {
		return func(_ testing.TB, f *witFixture) { f.headerJSON = []byte(s) }
	}
	runWITCases(t, []witCase{
		{name: "empty", mutate: post(func(string) string { return "" }), want: wimse.ReasonWITMalformed},
		{name: "two dots only", mutate: post(func(string) string { return ".." }), want: wimse.ReasonWITMalformed},
		{name: "truncated mid signature", mutate: post(dropLast(1)), want: wimse.ReasonWITMalformed},
		{name: "truncated to header", mutate: post(func(raw string) string { return segment(raw, 0) }), want: wimse.ReasonWITMalformed},
		{name: "two segments", mutate: post(func(raw string) string { return raw[:strings.LastIndexByte(raw, '.')] }), want: wimse.ReasonWITMalformed},
		{name: "four segments", mutate: post(func(raw string) string { return raw + "." + segment(raw, 2) }), want: wimse.ReasonWITMalformed},
		{name: "five segments (JWE)", mutate: post(func(raw string) string { return raw + ".AAAA.AAAA" }), want: wimse.ReasonWITMalformed},
		{name: "trailing dot", mutate: post(func(raw string) string { return raw + "." }), want: wimse.ReasonWITMalformed},
		{name: "empty header segment", mutate: post(withSegment(0, "")), want: wimse.ReasonWITMalformed},
		{name: "empty payload segment", mutate: post(withSegment(1, "")), want: wimse.ReasonWITMalformed},
		{name: "empty signature segment", mutate: post(withSegment(2, "")), want: wimse.ReasonWITMalformed},
		{name: "padding on signature", mutate: post(insertAt(-1, "==")), want: wimse.ReasonWITMalformed},
		{name: "padding on header", mutate: post(func(raw string) string {
			return withSegment(0, base64.URLEncoding.EncodeToString([]byte(`{"alg":"ES256","kid":"k1","typ":"wit+jwt"} `)))(raw)
		}), want: wimse.ReasonWITMalformed},
		{name: "leading space", mutate: post(insertAt(0, " ")), want: wimse.ReasonWITMalformed},
		{name: "trailing newline", mutate: post(insertAt(-1, "\n")), want: wimse.ReasonWITMalformed},
		{name: "space inside payload", mutate: post(insertAt(50, " ")), want: wimse.ReasonWITMalformed},
		{name: "tab after dot", mutate: post(func(raw string) string { return strings.Replace(raw, ".", ".\t", 1) }), want: wimse.ReasonWITMalformed},
		{name: "plus in signature", mutate: post(replaceFirstIn(2, b64chars, "+")), want: wimse.ReasonWITMalformed},
		{name: "slash in payload", mutate: post(replaceFirstIn(1, b64chars, "/")), want: wimse.ReasonWITMalformed},
		{name: "non-ASCII byte", mutate: post(insertAt(5, "\xc3\xa9")), want: wimse.ReasonWITMalformed},
		{name: "non-zero trailing bits", mutate: post(func(raw string) string {
			// 86 characters carry 516 bits for a 512-bit signature: the last
			// character's low 4 bits must be zero (RFC 4648 §3.5, strict).
			sig := segment(raw, 2)
			last := strings.IndexByte(b64chars, sig[len(sig)-1])
			return withSegment(2, sig[:len(sig)-1]+string(b64chars[last|1]))(raw)
		}), want: wimse.ReasonWITMalformed},
		{name: "oversized by policy", mutate: func(_ testing.TB, f *witFixture) {
			f.maxSize = func(n int) int { return n - 1 }
		}, want: wimse.ReasonWITOversized},
		{name: "exactly the policy size", mutate: func(_ testing.TB, f *witFixture) {
			f.maxSize = func(n int) int { return n }
		}},
		{name: "oversized by default", mutate: setClaim("pad", strings.Repeat("a", wimse.DefaultMaxTokenSize)), want: wimse.ReasonWITOversized},
		{name: "oversized garbage", mutate: post(func(string) string { return strings.Repeat("!", wimse.DefaultMaxTokenSize+1) }), want: wimse.ReasonWITOversized},

		// JSON of the header.
		{name: "duplicate header member", mutate: rawHeader(`{"alg":"ES256","kid":"k1","typ":"wit+jwt","typ":"wit+jwt"}`), want: wimse.ReasonWITDuplicateMember},
		{name: "duplicate header alg", mutate: rawHeader(`{"alg":"none","alg":"ES256","kid":"k1","typ":"wit+jwt"}`), want: wimse.ReasonWITDuplicateMember},
		{name: "duplicate header member spelled with an escape", mutate: rawHeader(`{"alg":"ES256","kid":"k1","typ":"wit+jwt","\u0074yp":"JWT"}`), want: wimse.ReasonWITDuplicateMember},
		{name: "header members differing in case are distinct", mutate: rawHeader(`{"alg":"ES256","kid":"k1","typ":"wit+jwt","TYP":"JWT"}`)},
		{name: "header invalid UTF-8", mutate: rawHeader("{\"alg\":\"ES256\",\"kid\":\"k1\",\"typ\":\"wit+jwt\",\"x\":\"\xff\"}"), want: wimse.ReasonWITMalformed},
		{name: "header JSON array", mutate: rawHeader(`[{"alg":"ES256","kid":"k1","typ":"wit+jwt"}]`), want: wimse.ReasonWITMalformed},
		{name: "header JSON null", mutate: rawHeader(`null`), want: wimse.ReasonWITMalformed},
		{name: "header not JSON", mutate: rawHeader(`alg=ES256`), want: wimse.ReasonWITMalformed},
		{name: "header trailing data", mutate: rawHeader(`{"alg":"ES256","kid":"k1","typ":"wit+jwt"}{}`), want: wimse.ReasonWITMalformed},
		{name: "header truncated JSON", mutate: rawHeader(`{"alg":"ES256","kid":"k1","typ":"wit+jwt"`), want: wimse.ReasonWITMalformed},

		// JSON of the claims.
		{name: "duplicate claim", mutate: func(t testing.TB, f *witFixture) {
			f.claimsJSON = prependMember(f.claimsBytes(t), `"sub":"wimse://example.com/admin"`)
		}, want: wimse.ReasonWITDuplicateMember},
		{name: "duplicate member inside cnf.jwk", mutate: func(t testing.TB, f *witFixture) {
			f.claimsJSON = []byte(strings.Replace(string(f.claimsBytes(t)), `"kty":"OKP"`, `"kty":"OKP","kty":"EC"`, 1))
		}, want: wimse.ReasonWITDuplicateMember},
		{name: "claims invalid UTF-8", mutate: func(t testing.TB, f *witFixture) {
			f.claimsJSON = []byte(strings.Replace(string(f.claimsBytes(t)), "wit-jti-1", "wit-jti-\xfe", 1))
		}, want: wimse.ReasonWITMalformed},
		{name: "claims JSON array", mutate: func(t testing.TB, f *witFixture) {
			f.claimsJSON = []byte("[" + string(f.claimsBytes(t)) + "]")
		}, want: wimse.ReasonWITMalformed},
		{name: "claims JSON string", mutate: func(_ testing.TB, f *witFixture) {
			f.claimsJSON = []byte(`"wimse://example.com/workload"`)
		}, want: wimse.ReasonWITMalformed},
		{name: "claims trailing data", mutate: func(t testing.TB, f *witFixture) {
			f.claimsJSON = append(f.claimsBytes(t), " 1"...)
		}, want: wimse.ReasonWITMalformed},
		{name: "claims with surrounding whitespace", mutate: func(t testing.TB, f *witFixture) {
			f.claimsJSON = []byte(" \n" + string(f.claimsBytes(t)) + "\n")
		}},
		{name: "claims nested too deeply", mutate: func(t testing.TB, f *witFixture) {
			f.claims["deep"] = rawJSON(strings.Repeat("[", 100) + strings.Repeat("]", 100))
		}, want: wimse.ReasonWITMalformed},
	})
}

// rawJSON is raw JSON for a claim value.
type rawJSON string

func (j rawJSON) MarshalJSON() ([]byte, error) { return []byte(j), nil }

// TestVerifySubject covers W4: sub present, a valid Workload Identifier,
// its trust domain trusted.
func TestVerifySubject(t *testing.T) {
	runWITCases(t, []witCase{
		{name: "sub missing", mutate: setClaim("sub", nil), want: wimse.ReasonWITSubMissing},
		{name: "sub number", mutate: setClaim("sub", 42), want: wimse.ReasonWITClaimType},
		{name: "sub null", mutate: setClaim("sub", rawJSON("null")), want: wimse.ReasonWITClaimType},
		{name: "sub array", mutate: setClaim("sub", []string{"wimse://example.com/workload"}), want: wimse.ReasonWITClaimType},
		{name: "sub empty", mutate: setClaim("sub", ""), want: wimse.ReasonWITSubInvalid},
		{name: "sub percent-encoded", mutate: setClaim("sub", "wimse://example.com/service/%70ayment"), want: wimse.ReasonWITSubInvalid},
		{name: "sub upper-case trust domain", mutate: setClaim("sub", "wimse://EXAMPLE.com/workload"), want: wimse.ReasonWITSubInvalid},
		{name: "sub upper-case scheme", mutate: setClaim("sub", "WIMSE://example.com/workload"), want: wimse.ReasonWITSubInvalid},
		{name: "sub with query", mutate: setClaim("sub", "wimse://example.com/workload?x=1"), want: wimse.ReasonWITSubInvalid},
		{name: "sub with port", mutate: setClaim("sub", "wimse://example.com:443/workload"), want: wimse.ReasonWITSubInvalid},
		{name: "sub without path", mutate: setClaim("sub", "wimse://example.com"), want: wimse.ReasonWITSubInvalid},
		{name: "sub dot segment", mutate: setClaim("sub", "wimse://example.com/a/../admin"), want: wimse.ReasonWITSubInvalid},
		{name: "sub https scheme not configured", mutate: setClaim("sub", "https://example.com/workload"), want: wimse.ReasonWITSubInvalid},
		{name: "sub https scheme configured", mutate: func(_ testing.TB, f *witFixture) {
			f.claims["sub"] = "https://example.com/workload"
			f.schemes = []string{"https"}
		}},
		{name: "sub spiffe", mutate: setClaim("sub", "spiffe://example.com/workload")},
		{name: "sub untrusted trust domain", mutate: setClaim("sub", "wimse://other.example/workload"), want: wimse.ReasonWITTrustDomain},
		{name: "sub subdomain of a trusted domain", mutate: setClaim("sub", "wimse://a.example.com/workload"), want: wimse.ReasonWITTrustDomain},
		{name: "nil trust store", mutate: func(_ testing.TB, f *witFixture) { f.nilTrust = true }, want: wimse.ReasonWITTrustDomain},
		{name: "sub of a second trusted domain", mutate: func(t testing.TB, f *witFixture) {
			f.claims["sub"] = "wimse://other.example/workload"
			f.anchors["other.example"] = f.anchors["example.com"]
			delete(f.anchors, "example.com")
		}},
	})
}

// TestVerifyTimes covers W7 and W8 with a pinned clock: exp is required and
// a WIT is expired from exp + skew on; nbf and iat must not lie in the
// future beyond the skew.
func TestVerifyTimes(t *testing.T) {
	const exp = witNow + 3600
	skew := int64(wimse.DefaultClockSkew / time.Second)
	noSkew := func(_ testing.TB, f *witFixture) { f.policy.ClockSkew = -1 }
	both := func(ms ...func(testing.TB, *witFixture)) func(testing.TB, *witFixture) {
		return func(t testing.TB, f *witFixture) {
			for _, m := range ms {
				m(t, f)
			}
		}
	}
	runWITCases(t, []witCase{
		{name: "exp missing", mutate: setClaim("exp", nil), want: wimse.ReasonWITExpMissing},
		{name: "exp string", mutate: setClaim("exp", "1760003600"), want: wimse.ReasonWITClaimType},
		{name: "exp null", mutate: setClaim("exp", rawJSON("null")), want: wimse.ReasonWITClaimType},
		{name: "exp boolean", mutate: setClaim("exp", true), want: wimse.ReasonWITClaimType},
		{name: "exp negative", mutate: setClaim("exp", -1), want: wimse.ReasonWITClaimType},
		{name: "exp after year 9999", mutate: setClaim("exp", rawJSON("1e20")), want: wimse.ReasonWITClaimType},
		{name: "exp fractional", mutate: setClaim("exp", rawJSON("1760003600.5"))},
		{name: "exp with exponent", mutate: setClaim("exp", rawJSON("1.7600036e9"))},
		{name: "exp zero", mutate: setClaim("exp", 0), want: wimse.ReasonWITExpired},
		{name: "expired at exp + skew", mutate: at(exp + skew), want: wimse.ReasonWITExpired},
		{name: "valid one second before exp + skew", mutate: at(exp + skew - 1)},
		{name: "valid after exp within skew", mutate: at(exp + 1)},
		{name: "no skew: expired at exp", mutate: both(noSkew, at(exp)), want: wimse.ReasonWITExpired},
		{name: "no skew: valid one second before exp", mutate: both(noSkew, at(exp-1))},
		{name: "skew 5s: expired at exp + 5s", mutate: both(func(_ testing.TB, f *witFixture) { f.policy.ClockSkew = 5 * time.Second }, at(exp+5)), want: wimse.ReasonWITExpired},
		{name: "skew 5s: valid at exp + 4s", mutate: both(func(_ testing.TB, f *witFixture) { f.policy.ClockSkew = 5 * time.Second }, at(exp+4))},
		{name: "nbf beyond skew", mutate: setClaim("nbf", witNow+skew+1), want: wimse.ReasonWITNotYetValid},
		{name: "nbf within skew", mutate: setClaim("nbf", witNow+skew)},
		{name: "nbf past", mutate: setClaim("nbf", witNow-1)},
		{name: "no skew: nbf one second ahead", mutate: both(noSkew, setClaim("nbf", witNow+1)), want: wimse.ReasonWITNotYetValid},
		{name: "nbf string", mutate: setClaim("nbf", "0"), want: wimse.ReasonWITClaimType},
		{name: "iat beyond skew", mutate: setClaim("iat", witNow+skew+1), want: wimse.ReasonWITNotYetValid},
		{name: "iat within skew", mutate: setClaim("iat", witNow+skew)},
		{name: "iat long past", mutate: setClaim("iat", witNow-30*24*3600)},
		{name: "iat absent", mutate: setClaim("iat", nil)},
		{name: "iat string", mutate: setClaim("iat", "yesterday"), want: wimse.ReasonWITClaimType},
		{name: "iat after exp, both valid now", mutate: setClaim("iat", witNow+10)},
	})
}

// TestVerifyConfirmation covers W9: cnf.jwk is a public key with a usable
// alg (creds-02 §5.1.2).
func TestVerifyConfirmation(t *testing.T) {
	setCnf := func(v any) func(testing.TB, *witFixture) { return setClaim("cnf", v) }
	runWITCases(t, []witCase{
		{name: "cnf missing", mutate: setCnf(nil), want: wimse.ReasonWITCnfMissing},
		{name: "cnf string", mutate: setCnf("jwk"), want: wimse.ReasonWITClaimType},
		{name: "cnf array", mutate: setCnf([]any{}), want: wimse.ReasonWITClaimType},
		{name: "cnf null", mutate: setCnf(rawJSON("null")), want: wimse.ReasonWITClaimType},
		{name: "cnf empty object", mutate: setCnf(map[string]any{}), want: wimse.ReasonWITCnfMissing},
		{name: "cnf jkt only", mutate: setCnf(map[string]any{"jkt": "0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I"}), want: wimse.ReasonWITCnfMissing},
		{name: "cnf kid only", mutate: setCnf(map[string]any{"kid": "workload-key"}), want: wimse.ReasonWITCnfMissing},
		// Two confirmation methods are ambiguous (RFC 7800 §3.1; issue 9 item 7).
		{name: "cnf jwk and jkt", mutate: func(_ testing.TB, f *witFixture) {
			f.claims["cnf"].(map[string]any)["jkt"] = "0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I"
		}, want: wimse.ReasonWITCnfAmbiguous},
		{name: "cnf.jwk string", mutate: setCnf(map[string]any{"jwk": "eyJrdHkiOiJPS1AifQ"}), want: wimse.ReasonWITCnfKey},
		{name: "cnf.jwk array", mutate: setCnf(map[string]any{"jwk": []any{}}), want: wimse.ReasonWITCnfKey},
		{name: "cnf.jwk null", mutate: setCnf(map[string]any{"jwk": rawJSON("null")}), want: wimse.ReasonWITCnfKey},
		{name: "cnf.jwk private (d)", mutate: setJWK("d", b64(wimsetest.Ed("workload").Seed())), want: wimse.ReasonWITCnfKey},
		{name: "cnf.jwk RSA private member p", mutate: func(t testing.TB, f *witFixture) {
			f.setCnf(t, "RS256")
			f.jwk()["p"] = b64(wimsetest.RSA(t).Primes[0].Bytes())
		}, want: wimse.ReasonWITCnfKey},
		{name: "cnf.jwk kty oct", mutate: setCnf(map[string]any{"jwk": map[string]any{"kty": "oct", "k": "c2VjcmV0LWtleS1mb3ItaG1hYw", "alg": "HS256"}}), want: wimse.ReasonWITCnfKey},
		{name: "cnf.jwk kty missing", mutate: setJWK("kty", nil), want: wimse.ReasonWITCnfKey},
		{name: "cnf.jwk kty unknown", mutate: setJWK("kty", "XYZ"), want: wimse.ReasonWITCnfKey},
		{name: "cnf.jwk kty not a string", mutate: setJWK("kty", 1), want: wimse.ReasonWITCnfKey},
		{name: "cnf.jwk x not base64url", mutate: setJWK("x", "***"), want: wimse.ReasonWITCnfKey},
		{name: "cnf.jwk x of the wrong length", mutate: setJWK("x", b64(make([]byte, 31))), want: wimse.ReasonWITCnfKey},
		{name: "cnf.jwk X25519 key", mutate: func(_ testing.TB, f *witFixture) {
			f.jwk()["crv"] = "X25519"
		}, want: wimse.ReasonWITCnfKey},
		{name: "cnf.jwk EC point not on the curve", mutate: func(t testing.TB, f *witFixture) {
			f.setCnf(t, "ES256")
			y, _ := base64.RawURLEncoding.DecodeString(f.jwk()["y"].(string))
			y[len(y)-1] ^= 1
			f.jwk()["y"] = b64(y)
		}, want: wimse.ReasonWITCnfKey},
		{name: "cnf.jwk RSA 1024 bits", mutate: func(t testing.TB, f *witFixture) {
			n := new(big.Int).Lsh(big.NewInt(1), 1023)
			n.Or(n, big.NewInt(0xfffffff1))
			f.claims["cnf"] = map[string]any{"jwk": map[string]any{"kty": "RSA", "alg": "RS256", "n": b64(n.Bytes()), "e": "AQAB"}}
		}, want: wimse.ReasonWITCnfKey},
		{name: "cnf.jwk alg missing", mutate: setJWK("alg", nil), want: wimse.ReasonWITCnfAlg},
		{name: "cnf.jwk alg empty", mutate: setJWK("alg", ""), want: wimse.ReasonWITCnfAlg},
		{name: "cnf.jwk alg not a string", mutate: setJWK("alg", 1), want: wimse.ReasonWITCnfAlg},
		{name: "cnf.jwk alg none", mutate: setJWK("alg", "none"), want: wimse.ReasonWITCnfAlg},
		{name: "cnf.jwk alg HS256", mutate: setJWK("alg", "HS256"), want: wimse.ReasonWITCnfAlg},
		{name: "cnf.jwk alg RSA-OAEP on an RSA key", mutate: func(t testing.TB, f *witFixture) {
			f.setCnf(t, "RS256")
			f.jwk()["alg"] = "RSA-OAEP"
		}, want: wimse.ReasonWITCnfAlg},
		{name: "cnf.jwk alg ECDH-ES on an EC key", mutate: func(t testing.TB, f *witFixture) {
			f.setCnf(t, "ES256")
			f.jwk()["alg"] = "ECDH-ES"
		}, want: wimse.ReasonWITCnfAlg},
		{name: "cnf.jwk alg A128GCM", mutate: setJWK("alg", "A128GCM"), want: wimse.ReasonWITCnfAlg},
		{name: "cnf.jwk alg RS384 unsupported", mutate: func(t testing.TB, f *witFixture) {
			f.setCnf(t, "RS256")
			f.jwk()["alg"] = "RS384"
		}, want: wimse.ReasonWITCnfAlg},
		{name: "cnf.jwk alg ES256 on an Ed25519 key", mutate: setJWK("alg", "ES256"), want: wimse.ReasonWITCnfAlg},
		{name: "cnf.jwk alg ES384 on a P-256 key", mutate: func(t testing.TB, f *witFixture) {
			f.setCnf(t, "ES256")
			f.jwk()["alg"] = "ES384"
		}, want: wimse.ReasonWITCnfAlg},
		{name: "cnf.jwk alg EdDSA on an RSA key", mutate: func(t testing.TB, f *witFixture) {
			f.setCnf(t, "RS256")
			f.jwk()["alg"] = "EdDSA"
		}, want: wimse.ReasonWITCnfAlg},
		{name: "cnf.jwk alg lower case", mutate: setJWK("alg", "eddsa"), want: wimse.ReasonWITCnfAlg},
		{name: "cnf.jwk alg unregistered", mutate: setJWK("alg", "XS256"), want: wimse.ReasonWITCnfAlg},
		{name: "cnf.jwk alg not in Policy.Algorithms", mutate: func(_ testing.TB, f *witFixture) {
			f.policy.Algorithms = []string{"ES256"}
		}, want: wimse.ReasonWITCnfAlg},
		{name: "cnf.jwk alg Ed25519 (RFC 9864)", mutate: setJWK("alg", "Ed25519")},
		{name: "cnf.jwk with kid and use", mutate: func(_ testing.TB, f *witFixture) {
			f.jwk()["kid"] = "workload-1"
			f.jwk()["use"] = "sig"
		}},
	})
}

// TestVerifyIssuerAndExtensions covers the iss allow-list (W5) and the
// other claim rules (W10: unknown claims are ignored).
func TestVerifyIssuerAndExtensions(t *testing.T) {
	issuers := func(list ...string) func(testing.TB, *witFixture) {
		return func(_ testing.TB, f *witFixture) {
			a := f.anchors["example.com"]
			a.Issuers = list
			if list == nil {
				a.Issuers = []string{}
			}
			f.anchors["example.com"] = a
		}
	}
	runWITCases(t, []witCase{
		{name: "iss on the allow-list", mutate: issuers("https://other.example", "https://issuer.example.com")},
		{name: "iss not on the allow-list", mutate: issuers("https://other.example"), want: wimse.ReasonWITIssuer},
		{name: "iss differs in case", mutate: issuers("https://ISSUER.example.com"), want: wimse.ReasonWITIssuer},
		{name: "iss absent with an allow-list", mutate: func(t testing.TB, f *witFixture) {
			issuers("https://issuer.example.com")(t, f)
			delete(f.claims, "iss")
		}, want: wimse.ReasonWITIssuer},
		{name: "iss with an empty allow-list", mutate: issuers(), want: wimse.ReasonWITIssuer},
		{name: "iss absent without an allow-list", mutate: setClaim("iss", nil)},
		{name: "iss not a string", mutate: setClaim("iss", 1), want: wimse.ReasonWITClaimType},
		{name: "jti not a string", mutate: setClaim("jti", 1), want: wimse.ReasonWITClaimType},
		{name: "jti absent", mutate: setClaim("jti", nil)},
		{name: "unknown claims ignored", mutate: func(_ testing.TB, f *witFixture) {
			f.claims["example.com/myclaim"] = map[string]any{"nested": []any{1, "two", nil}}
			f.claims["aud"] = 7
			f.claims["ath"] = false
		}},
	})
}

// TestVerifyTokenFields checks what a successful Verify reports.
func TestVerifyTokenFields(t *testing.T) {
	f := baseWIT(t)
	f.claims["nbf"] = witNow - 120
	f.claims["example.com/x"] = "y"
	raw := f.token(t)
	tok, err := f.verifier(len(raw)).Verify(raw)
	if err != nil {
		t.Fatalf("Verify: %v", err)
	}
	type fields struct {
		Raw, Hash, Algorithm, KeyID, Type, Subject, Issuer, ID string
		Expiry, IssuedAt, NotBefore                            time.Time
		TrustDomain, CnfAlg                                    string
		Claims                                                 []string
	}
	got := fields{
		Raw: tok.Raw, Hash: tok.Hash, Algorithm: tok.Algorithm, KeyID: tok.KeyID, Type: tok.Type,
		Subject: tok.Subject.String(), Issuer: tok.Issuer, ID: tok.ID,
		Expiry: tok.Expiry, IssuedAt: tok.IssuedAt, NotBefore: tok.NotBefore,
		TrustDomain: tok.TrustDomain().String(), CnfAlg: tok.Confirmation.Alg,
	}
	for k := range tok.Claims {
		got.Claims = append(got.Claims, k)
	}
	want := fields{
		Raw: raw, Hash: wit.Hash(raw), Algorithm: "ES256", KeyID: "k1", Type: "wit+jwt",
		Subject: "wimse://example.com/workload", Issuer: "https://issuer.example.com", ID: "wit-jti-1",
		Expiry: time.Unix(witNow+3600, 0), IssuedAt: time.Unix(witNow-60, 0), NotBefore: time.Unix(witNow-120, 0),
		TrustDomain: "example.com", CnfAlg: "EdDSA",
		Claims: []string{"cnf", "example.com/x", "exp", "iat", "iss", "jti", "nbf", "sub"},
	}
	slices.Sort(got.Claims)
	if diff := cmp.Diff(want, got, cmp.Comparer(func(a, b time.Time) bool { return a.Equal(b) })); diff != "" {
		t.Errorf("token fields (-want +got):\n%s", diff)
	}
	if !wimsetest.Ed("workload").Public().(interface{ Equal(crypto.PublicKey) bool }).Equal(tok.Confirmation.Key) {
		t.Errorf("Confirmation.Key = %v, want the workload key", tok.Confirmation.Key)
	}
	if diff := cmp.Diff(string(mustMarshal(t, f.jwk())), string(tok.Confirmation.JWK)); diff != "" {
		t.Errorf("Confirmation.JWK (-want +got):\n%s", diff)
	}
}

// TestHash checks wit.Hash against the published wth of wpt-01 §3.1
// and its ath.
func TestHash(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"creds-02 example WIT (wth)", readFile(t, "testdata/creds-02-example.wit"), "AaYUfC34D1di2FxQLpiIJJ7Sg8VZ6o8OCdwSf9IToLg"},
		{"access token (ath)", "16_mAd0GiwaZokU26_0902100", "CL4wjfpRmNf-bdYIbYLnV9d5rMARGwKYE10wUwzC0jI"},
		{"other token (oth)", "some-example-other-token", "x-Uy6Ch_xn3AbUVKDjPMQQugtcn2erLWrkvVWAmKl1k"},
		{"empty", "", "47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := wit.Hash(tc.in); got != tc.want {
				t.Errorf("Hash: got %q, want %q", got, tc.want)
			}
		})
	}
}
