package wpt_test

import (
	"strings"
	"testing"
	"time"

	"github.com/wimse-wg/wimse/internal/reasontest"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/wimse-wg/wimse/internal/wimsetest"
	"github.com/wimse-wg/wimse/tokens/wit"
	"github.com/wimse-wg/wimse/tokens/wpt"
	"github.com/wimse-wg/wimse/wimse"
)

type wptCase struct {
	name   string
	mutate func(t testing.TB, f *wptFixture)
	want   wimse.Reason // "" means the WPT verifies
}

func runWPTCases(t *testing.T, cases []wptCase) {
	t.Helper()
	seen := map[string]bool{}
	for _, tc := range cases {
		if seen[tc.name] {
			t.Fatalf("duplicate case name %q", tc.name)
		}
		seen[tc.name] = true
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := baseWPT(t)
			if tc.mutate != nil {
				tc.mutate(t, f)
			}
			raw := f.token(t)
			tok, err := f.verifier(len(raw)).Verify(raw, f.expect)
			reasontest.CheckReason(t, err, tc.want, raw)
			if err == nil && (tok == nil || tok.Raw != raw) {
				t.Fatalf("Verify returned %+v for a valid proof", tok)
			}
		})
	}
}

func setClaim(name string, v any) func(testing.TB, *wptFixture) {
	return func(_ testing.TB, f *wptFixture) {
		if v == nil {
			delete(f.claims, name)
			return
		}
		f.claims[name] = v
	}
}

func setHeader(name string, v any) func(testing.TB, *wptFixture) {
	return func(_ testing.TB, f *wptFixture) {
		if v == nil {
			delete(f.header, name)
			return
		}
		f.header[name] = v
	}
}

func all(ms ...func(testing.TB, *wptFixture)) func(testing.TB, *wptFixture) {
	return func(t testing.TB, f *wptFixture) {
		for _, m := range ms {
			m(t, f)
		}
	}
}

func at(sec int64) func(testing.TB, *wptFixture) {
	return func(_ testing.TB, f *wptFixture) { f.policy.Now = wimsetest.Clock(sec) }
}

// TestVerifyAlgorithms: a proof verifies with each supported algorithm when
// it equals the WIT's cnf.jwk.alg (P3/V3, P4/V4).
func TestVerifyAlgorithms(t *testing.T) {
	var cases []wptCase
	for _, alg := range wimsetest.AllAlgs {
		cases = append(cases, wptCase{name: alg, mutate: func(t testing.TB, f *wptFixture) { f.bindWIT(t, alg) }})
	}
	runWPTCases(t, cases)
}

// TestVerifyHeader covers P2–P5/V2–V5 on the JOSE header.
func TestVerifyHeader(t *testing.T) {
	legacy := func(_ testing.TB, f *wptFixture) {
		f.policy.Revisions = []wimse.Revision{wimse.RevisionS2S06, wimse.RevisionWPT01, wimse.RevisionWPT02}
	}
	runWPTCases(t, []wptCase{
		{name: "baseline"},
		{name: "typ missing", mutate: setHeader("typ", nil), want: wimse.ReasonWPTTyp},
		{name: "typ JWT", mutate: setHeader("typ", "JWT"), want: wimse.ReasonWPTTyp},
		{name: "typ wit+jwt", mutate: setHeader("typ", "wit+jwt"), want: wimse.ReasonWPTTyp},
		{name: "typ dpop+jwt", mutate: setHeader("typ", "dpop+jwt"), want: wimse.ReasonWPTTyp},
		{name: "typ not a string", mutate: setHeader("typ", true), want: wimse.ReasonWPTTyp},
		{name: "typ application/wpt+jwt", mutate: setHeader("typ", "application/wpt+jwt")},
		{name: "typ upper case", mutate: setHeader("typ", "WPT+JWT")},
		{name: "typ legacy rejected by default", mutate: setHeader("typ", "wimse-proof+jwt"), want: wimse.ReasonWPTTyp},
		{name: "typ legacy accepted with s2s-06", mutate: all(setHeader("typ", "wimse-proof+jwt"), legacy)},
		{name: "typ WIT legacy value never a proof", mutate: all(setHeader("typ", "wimse-id+jwt"), legacy), want: wimse.ReasonWPTTyp},

		{name: "alg missing", mutate: setHeader("alg", nil), want: wimse.ReasonWPTAlg},
		{name: "alg none", mutate: setHeader("alg", "none"), want: wimse.ReasonWPTAlg},
		{name: "alg HS256 keyed with the cnf public key", mutate: func(t testing.TB, f *wptFixture) {
			f.header["alg"] = "HS256"
			f.sign = wimsetest.HMACOverPublicKey(f.key.Public())
		}, want: wimse.ReasonWPTAlg},
		{name: "alg not in Policy.Algorithms", mutate: func(_ testing.TB, f *wptFixture) {
			f.policy.Algorithms = []string{"ES256"}
		}, want: wimse.ReasonWPTAlg},
		{name: "alg ES256 with an EdDSA cnf key", mutate: func(t testing.TB, f *wptFixture) {
			f.header["alg"], f.signAlg, f.key = "ES256", "ES256", wimsetest.For(t, "ES256", "workload")
		}, want: wimse.ReasonWPTAlgMismatch},
		{name: "alg Ed25519 with cnf alg EdDSA, signature valid", mutate: setHeader("alg", "Ed25519"), want: wimse.ReasonWPTAlgMismatch},
		{name: "alg EdDSA with cnf alg Ed25519, signature valid", mutate: func(t testing.TB, f *wptFixture) {
			f.bindWIT(t, "Ed25519")
			f.header["alg"] = "EdDSA"
		}, want: wimse.ReasonWPTAlgMismatch},
		{name: "alg ES384 with cnf alg ES256", mutate: func(t testing.TB, f *wptFixture) {
			f.bindWIT(t, "ES256")
			f.header["alg"], f.signAlg, f.key = "ES384", "ES384", wimsetest.For(t, "ES384", "workload")
		}, want: wimse.ReasonWPTAlgMismatch},
		{name: "alg PS256 with cnf alg RS256, signature valid", mutate: func(t testing.TB, f *wptFixture) {
			f.bindWIT(t, "RS256")
			f.header["alg"], f.signAlg = "PS256", "PS256"
		}, want: wimse.ReasonWPTAlgMismatch},
		{name: "alg mismatch checked before the signature", mutate: func(t testing.TB, f *wptFixture) {
			f.header["alg"] = "ES256"
			f.post = withSegment(2, b64(make([]byte, 64)))
		}, want: wimse.ReasonWPTAlgMismatch},

		{name: "crit", mutate: setHeader("crit", []string{"aud"}), want: wimse.ReasonWPTCrit},
		{name: "jwk", mutate: func(t testing.TB, f *wptFixture) {
			f.header["jwk"] = map[string]any{"kty": "OKP", "crv": "Ed25519", "x": "1CXXvflN_LVVsIsYXsUvB03JmlGWeCHqQVuouCF92bg"}
		}, want: wimse.ReasonWPTHeaderKey},
		{name: "jku", mutate: setHeader("jku", "https://attacker.example/jwks"), want: wimse.ReasonWPTHeaderKey},
		{name: "x5c", mutate: setHeader("x5c", []string{"MIIB"}), want: wimse.ReasonWPTHeaderKey},
		{name: "kid ignored", mutate: setHeader("kid", "workload-1")},
	})
}

// TestVerifySignatureAndStructure covers P2/V2 and P4/V4.
func TestVerifySignatureAndStructure(t *testing.T) {
	runWPTCases(t, []wptCase{
		{name: "signed by another key", mutate: func(_ testing.TB, f *wptFixture) { f.key = wimsetest.Ed("attacker") }, want: wimse.ReasonWPTSignature},
		{name: "signed by the WIT issuer", mutate: func(_ testing.TB, f *wptFixture) { f.key = issuerKey }, want: wimse.ReasonWPTSignature},
		{name: "tampered payload", mutate: func(t testing.TB, f *wptFixture) {
			c := map[string]any{}
			for k, v := range f.claims {
				c[k] = v
			}
			c["aud"] = "https://other.example.com/path"
			f.post = withSegment(1, b64(mustMarshal(t, c)))
		}, want: wimse.ReasonWPTSignature},
		{name: "signature of another proof", mutate: func(t testing.TB, f *wptFixture) {
			other := baseWPT(t)
			other.claims["jti"] = "wpt-jti-2"
			f.post = withSegment(2, segment(other.token(t), 2))
		}, want: wimse.ReasonWPTSignature},
		{name: "expired and bad signature", mutate: func(_ testing.TB, f *wptFixture) {
			f.claims["exp"] = wptNow - 600
			f.key = wimsetest.Ed("attacker")
		}, want: wimse.ReasonWPTSignature},
		{name: "two segments", mutate: func(_ testing.TB, f *wptFixture) {
			f.post = func(raw string) string { return raw[:strings.LastIndexByte(raw, '.')] }
		}, want: wimse.ReasonWPTMalformed},
		{name: "four segments", mutate: func(_ testing.TB, f *wptFixture) {
			f.post = func(raw string) string { return raw + ".e30" }
		}, want: wimse.ReasonWPTMalformed},
		{name: "padding", mutate: func(_ testing.TB, f *wptFixture) {
			f.post = func(raw string) string { return raw + "==" }
		}, want: wimse.ReasonWPTMalformed},
		{name: "Authorization scheme included", mutate: func(_ testing.TB, f *wptFixture) {
			f.post = func(raw string) string { return "WPT " + raw }
		}, want: wimse.ReasonWPTMalformed},
		{name: "oversized", mutate: func(_ testing.TB, f *wptFixture) {
			f.maxSize = func(n int) int { return n - 1 }
		}, want: wimse.ReasonWPTOversized},
		{name: "exactly the size limit", mutate: func(_ testing.TB, f *wptFixture) {
			f.maxSize = func(n int) int { return n }
		}},
		{name: "duplicate header member", mutate: func(_ testing.TB, f *wptFixture) {
			f.headerJSON = []byte(`{"alg":"EdDSA","typ":"wit+jwt","typ":"wpt+jwt"}`)
		}, want: wimse.ReasonWPTDuplicateMember},
		{name: "duplicate claim", mutate: func(t testing.TB, f *wptFixture) {
			b := mustMarshal(t, f.claims)
			f.claimsJSON = []byte(`{"aud":"https://attacker.example/",` + string(b[1:]))
		}, want: wimse.ReasonWPTDuplicateMember},
		{name: "claims JSON array", mutate: func(t testing.TB, f *wptFixture) {
			f.claimsJSON = []byte("[" + string(mustMarshal(t, f.claims)) + "]")
		}, want: wimse.ReasonWPTMalformed},
		{name: "claims invalid UTF-8", mutate: setClaim("jti", rawJSON("\"\xff\"")), want: wimse.ReasonWPTMalformed},
		{name: "unknown claims ignored", mutate: func(_ testing.TB, f *wptFixture) {
			f.claims["iss"] = 1
			f.claims["sub"] = []int{1}
			f.claims["example.com/x"] = map[string]any{"y": nil}
		}},
	})
}

// TestVerifyAudience covers P6/P14/V6: aud is required and equals the
// configured audience exactly.
func TestVerifyAudience(t *testing.T) {
	runWPTCases(t, []wptCase{
		{name: "aud missing", mutate: setClaim("aud", nil), want: wimse.ReasonWPTAudMissing},
		{name: "aud other host", mutate: setClaim("aud", "https://other.example.com/path"), want: wimse.ReasonWPTAudMismatch},
		{name: "aud other path", mutate: setClaim("aud", "https://workload.example.com/other"), want: wimse.ReasonWPTAudMismatch},
		{name: "aud with query", mutate: setClaim("aud", testAud+"?a=b"), want: wimse.ReasonWPTAudMismatch},
		{name: "aud with fragment", mutate: setClaim("aud", testAud+"#f"), want: wimse.ReasonWPTAudMismatch},
		{name: "aud trailing slash", mutate: setClaim("aud", testAud+"/"), want: wimse.ReasonWPTAudMismatch},
		{name: "aud http", mutate: setClaim("aud", "http://workload.example.com/path"), want: wimse.ReasonWPTAudMismatch},
		{name: "aud with port", mutate: setClaim("aud", "https://workload.example.com:8443/path"), want: wimse.ReasonWPTAudMismatch},
		{name: "aud path prefix", mutate: setClaim("aud", "https://workload.example.com/pat"), want: wimse.ReasonWPTAudMismatch},
		{name: "aud empty", mutate: setClaim("aud", ""), want: wimse.ReasonWPTAudMismatch},
		{name: "aud number", mutate: setClaim("aud", 443), want: wimse.ReasonWPTClaimType},
		{name: "aud array", mutate: setClaim("aud", []string{testAud}), want: wimse.ReasonWPTClaimType},
		{name: "aud null", mutate: setClaim("aud", rawJSON("null")), want: wimse.ReasonWPTClaimType},
		{name: "aud checked before exp", mutate: all(setClaim("aud", "https://other.example/"), setClaim("exp", wptNow-600)), want: wimse.ReasonWPTAudMismatch},
	})
}

// TestVerifyTimes covers P7/V7 and the nbf/iat decision, with a pinned
// clock.
func TestVerifyTimes(t *testing.T) {
	const exp = wptNow + 60
	skew := int64(wimse.DefaultClockSkew / time.Second)
	maxLife := int64(wimse.DefaultMaxWPTLifetime / time.Second)
	policy := func(p func(*wimse.Policy)) func(testing.TB, *wptFixture) {
		return func(_ testing.TB, f *wptFixture) { p(&f.policy) }
	}
	runWPTCases(t, []wptCase{
		{name: "exp missing", mutate: setClaim("exp", nil), want: wimse.ReasonWPTExpMissing},
		{name: "exp string", mutate: setClaim("exp", "1760000060"), want: wimse.ReasonWPTClaimType},
		{name: "exp negative", mutate: setClaim("exp", -5), want: wimse.ReasonWPTClaimType},
		{name: "expired at exp + skew", mutate: at(exp + skew), want: wimse.ReasonWPTExpired},
		{name: "valid one second before exp + skew", mutate: at(exp + skew - 1)},
		{name: "no skew: expired at exp", mutate: all(policy(func(p *wimse.Policy) { p.ClockSkew = -1 }), at(exp)), want: wimse.ReasonWPTExpired},
		{name: "exp too far", mutate: setClaim("exp", wptNow+maxLife+skew+1), want: wimse.ReasonWPTExpTooFar},
		{name: "exp at the lifetime limit", mutate: setClaim("exp", wptNow+maxLife+skew)},
		{name: "exp a day ahead", mutate: setClaim("exp", wptNow+86400), want: wimse.ReasonWPTExpTooFar},
		{name: "exp a day ahead, lifetime check disabled", mutate: all(setClaim("exp", wptNow+86400),
			policy(func(p *wimse.Policy) { p.MaxWPTLifetime = -1 }))},
		{name: "exp year 9999, lifetime check disabled", mutate: all(setClaim("exp", int64(253402300799)),
			policy(func(p *wimse.Policy) { p.MaxWPTLifetime = -1 }))},
		{name: "custom lifetime 30s: too far", mutate: all(setClaim("exp", wptNow+30+skew+1),
			policy(func(p *wimse.Policy) { p.MaxWPTLifetime = 30 * time.Second })), want: wimse.ReasonWPTExpTooFar},
		{name: "custom lifetime 30s: at the limit", mutate: all(setClaim("exp", wptNow+30+skew),
			policy(func(p *wimse.Policy) { p.MaxWPTLifetime = 30 * time.Second }))},
		{name: "no skew: exp too far", mutate: all(setClaim("exp", wptNow+maxLife+1),
			policy(func(p *wimse.Policy) { p.ClockSkew = -1 })), want: wimse.ReasonWPTExpTooFar},
		{name: "nbf in the future", mutate: setClaim("nbf", wptNow+skew+1), want: wimse.ReasonWPTNotYetValid},
		{name: "nbf within skew", mutate: setClaim("nbf", wptNow+skew)},
		{name: "nbf string", mutate: setClaim("nbf", "now"), want: wimse.ReasonWPTClaimType},
		{name: "iat in the future", mutate: setClaim("iat", wptNow+skew+1), want: wimse.ReasonWPTNotYetValid},
		{name: "iat past", mutate: setClaim("iat", wptNow-5)},
		{name: "iat string", mutate: setClaim("iat", "now"), want: wimse.ReasonWPTClaimType},
	})
}

// TestVerifyBindings covers jti (§3.1), wth (P8/V8), ath (P10, wpt-01
// only), tth (P11/V10) and oth (P12/P13/V11/V12).
func TestVerifyBindings(t *testing.T) {
	const access = "16_mAd0GiwaZokU26_0902100"
	const txn = "eyJ0eXAiOiJ0eG4rand0In0.txn-token-payload.sig"
	const other = "some-example-other-token"
	wpt01 := func(_ testing.TB, f *wptFixture) { f.expect.Revision = wimse.RevisionWPT01 }
	withAccess := func(_ testing.TB, f *wptFixture) { f.expect.AccessToken = ptr(access) }
	withTxn := func(_ testing.TB, f *wptFixture) { f.expect.TxnToken = ptr(txn) }
	known := func(names ...string) func(testing.TB, *wptFixture) {
		return func(_ testing.TB, f *wptFixture) {
			f.expect.KnownOther = func(n string) bool {
				for _, k := range names {
					if n == k {
						return true
					}
				}
				return false
			}
		}
	}
	carries := func(kv ...string) func(testing.TB, *wptFixture) {
		return func(_ testing.TB, f *wptFixture) {
			f.expect.OtherTokens = map[string]string{}
			for i := 0; i < len(kv); i += 2 {
				f.expect.OtherTokens[kv[i]] = kv[i+1]
			}
		}
	}
	oth := func(kv ...string) func(testing.TB, *wptFixture) {
		m := map[string]any{}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return setClaim("oth", m)
	}
	runWPTCases(t, []wptCase{
		// jti.
		{name: "jti missing", mutate: setClaim("jti", nil), want: wimse.ReasonWPTJTIMissing},
		{name: "jti empty", mutate: setClaim("jti", ""), want: wimse.ReasonWPTJTIMissing},
		{name: "jti number", mutate: setClaim("jti", 7), want: wimse.ReasonWPTClaimType},

		// wth.
		{name: "wth missing", mutate: setClaim("wth", nil), want: wimse.ReasonWPTWTHMissing},
		{name: "wth over another WIT", mutate: func(t testing.TB, f *wptFixture) {
			f.claims["wth"] = makeWIT(t, "wimse://example.com/other", "EdDSA").Hash
		}, want: wimse.ReasonWPTWTHMismatch},
		{name: "wth over the creds-02 example WIT", mutate: setClaim("wth", "AaYUfC34D1di2FxQLpiIJJ7Sg8VZ6o8OCdwSf9IToLg"), want: wimse.ReasonWPTWTHMismatch},
		{name: "wth padded", mutate: func(_ testing.TB, f *wptFixture) { f.claims["wth"] = f.expect.WIT.Hash + "=" }, want: wimse.ReasonWPTWTHMismatch},
		{name: "wth hex", mutate: setClaim("wth", strings.Repeat("ab", 32)), want: wimse.ReasonWPTWTHMismatch},
		{name: "wth empty", mutate: setClaim("wth", ""), want: wimse.ReasonWPTWTHMismatch},
		{name: "wth number", mutate: setClaim("wth", 1), want: wimse.ReasonWPTClaimType},

		// ath: wpt-01 checks it, wpt-02 ignores it.
		{name: "wpt-01 ath ok", mutate: all(wpt01, withAccess, setClaim("ath", wit.Hash(access)))},
		{name: "wpt-01 no access token, no ath", mutate: wpt01},
		{name: "wpt-01 ath missing", mutate: all(wpt01, withAccess), want: wimse.ReasonWPTATHMissing},
		{name: "wpt-01 ath mismatch", mutate: all(wpt01, withAccess, setClaim("ath", wit.Hash("other-token"))), want: wimse.ReasonWPTATHMismatch},
		{name: "wpt-01 ath over Bearer and token", mutate: all(wpt01, withAccess, setClaim("ath", wit.Hash("Bearer "+access))), want: wimse.ReasonWPTATHMismatch},
		{name: "wpt-01 ath without access token", mutate: all(wpt01, setClaim("ath", wit.Hash(access))), want: wimse.ReasonWPTATHMismatch},
		{name: "wpt-01 ath number", mutate: all(wpt01, withAccess, setClaim("ath", 1)), want: wimse.ReasonWPTClaimType},
		{name: "wpt-02 ath present and access token", mutate: all(withAccess, setClaim("ath", wit.Hash(access)))},
		{name: "wpt-02 ath absent and access token", mutate: withAccess},
		{name: "wpt-02 ath mismatch ignored", mutate: all(withAccess, setClaim("ath", wit.Hash("other-token")))},
		{name: "wpt-02 ath without access token", mutate: setClaim("ath", wit.Hash(access))},
		{name: "wpt-02 ath not a string ignored", mutate: setClaim("ath", 42)},

		// tth.
		{name: "tth ok", mutate: all(withTxn, setClaim("tth", wit.Hash(txn)))},
		{name: "tth missing", mutate: withTxn, want: wimse.ReasonWPTTTHMissing},
		{name: "tth mismatch", mutate: all(withTxn, setClaim("tth", wit.Hash(txn+"x"))), want: wimse.ReasonWPTTTHMismatch},
		{name: "tth without Txn-Token", mutate: setClaim("tth", wit.Hash(txn)), want: wimse.ReasonWPTTTHMismatch},
		{name: "tth number", mutate: all(withTxn, setClaim("tth", 1)), want: wimse.ReasonWPTClaimType},
		{name: "tth over an empty Txn-Token", mutate: func(_ testing.TB, f *wptFixture) {
			f.expect.TxnToken = ptr("")
			f.claims["tth"] = wit.Hash("")
		}},
		{name: "wpt-01 tth ok", mutate: all(wpt01, withTxn, setClaim("tth", wit.Hash(txn)))},
		{name: "wpt-01 tth missing", mutate: all(wpt01, withTxn), want: wimse.ReasonWPTTTHMissing},

		// oth.
		{name: "oth ok", mutate: all(known("x-custom-token"), carries("x-custom-token", other), oth("x-custom-token", wit.Hash(other)))},
		{name: "oth ok, value trimmed of spaces", mutate: all(known("x-custom-token"), carries("x-custom-token", "  "+other+" "), oth("x-custom-token", wit.Hash(other)))},
		{name: "oth hash over the untrimmed value", mutate: all(known("x-custom-token"), carries("x-custom-token", " "+other), oth("x-custom-token", wit.Hash(" "+other))), want: wimse.ReasonWPTOTHMismatch},
		{name: "oth two entries ok", mutate: all(known("x-a", "x-b"), carries("x-a", "A", "x-b", "B"), oth("x-a", wit.Hash("A"), "x-b", wit.Hash("B")))},
		{name: "oth entry mismatch", mutate: all(known("x-custom-token"), carries("x-custom-token", other), oth("x-custom-token", wit.Hash("forged"))), want: wimse.ReasonWPTOTHMismatch},
		{name: "oth entry for a field not present", mutate: all(known("x-custom-token"), oth("x-custom-token", wit.Hash(other))), want: wimse.ReasonWPTOTHMismatch},
		{name: "oth unknown entry, KnownOther nil", mutate: all(carries("x-custom-token", other), oth("x-custom-token", wit.Hash(other))), want: wimse.ReasonWPTOTHUnknown},
		{name: "oth unknown entry, KnownOther false", mutate: all(known("x-other"), oth("x-custom-token", wit.Hash(other))), want: wimse.ReasonWPTOTHUnknown},
		{name: "oth entry name not lower case", mutate: all(known("x-custom-token"), carries("x-custom-token", other), oth("X-Custom-Token", wit.Hash(other))), want: wimse.ReasonWPTOTHUnknown},
		{name: "oth missing for a configured field", mutate: all(known("x-custom-token"), carries("x-custom-token", other)), want: wimse.ReasonWPTOTHMissing},
		{name: "oth empty for a configured field", mutate: all(known("x-custom-token"), carries("x-custom-token", other), oth()), want: wimse.ReasonWPTOTHMissing},
		{name: "oth lacks one configured field", mutate: all(known("x-a", "x-b"), carries("x-a", "A", "x-b", "B"), oth("x-a", wit.Hash("A"))), want: wimse.ReasonWPTOTHMissing},
		{name: "oth empty without context tokens", mutate: oth()},
		{name: "oth not an object", mutate: setClaim("oth", "x-custom-token"), want: wimse.ReasonWPTClaimType},
		{name: "oth array", mutate: setClaim("oth", []string{"x"}), want: wimse.ReasonWPTClaimType},
		{name: "oth entry not a string", mutate: all(known("x-custom-token"), carries("x-custom-token", other), setClaim("oth", map[string]any{"x-custom-token": 1})), want: wimse.ReasonWPTClaimType},
	})
}

// TestVerifyTokenFields checks what a successful Verify reports.
func TestVerifyTokenFields(t *testing.T) {
	f := baseWPT(t)
	f.expect.Revision = wimse.RevisionWPT01
	f.expect.AccessToken = ptr("at")
	f.expect.TxnToken = ptr("tt")
	f.expect.OtherTokens = map[string]string{"x-o": "ot"}
	f.expect.KnownOther = func(n string) bool { return n == "x-o" }
	f.claims["ath"] = wit.Hash("at")
	f.claims["tth"] = wit.Hash("tt")
	f.claims["oth"] = map[string]string{"x-o": wit.Hash("ot")}
	f.claims["example.com/x"] = true
	raw := f.token(t)
	tok, err := f.verifier(len(raw)).Verify(raw, f.expect)
	if err != nil {
		t.Fatalf("Verify: %v", err)
	}
	got := *tok
	got.Claims = nil
	want := wpt.Token{
		Raw: raw, Algorithm: "EdDSA", Type: "wpt+jwt", Audience: testAud, ID: "wpt-jti-1",
		Expiry: time.Unix(wptNow+60, 0), WITHash: f.expect.WIT.Hash,
		AccessTokenHash: wit.Hash("at"), TxnTokenHash: wit.Hash("tt"),
		OtherTokenHashes: map[string]string{"x-o": wit.Hash("ot")},
	}
	if diff := cmp.Diff(want, got, cmp.Comparer(func(a, b time.Time) bool { return a.Equal(b) })); diff != "" {
		t.Errorf("token (-want +got):\n%s", diff)
	}
	var names []string
	for k := range tok.Claims {
		names = append(names, k)
	}
	if diff := cmp.Diff([]string{"ath", "aud", "example.com/x", "exp", "jti", "oth", "tth", "wth"}, names,
		cmpSortStrings); diff != "" {
		t.Errorf("claims (-want +got):\n%s", diff)
	}
}

var cmpSortStrings = cmpopts.SortSlices(func(a, b string) bool { return a < b })

// TestVerifyNeedsWIT: a proof is never accepted without its WIT.
func TestVerifyNeedsWIT(t *testing.T) {
	f := baseWPT(t)
	raw := f.token(t)
	f.expect.WIT = nil
	if _, err := f.verifier(len(raw)).Verify(raw, f.expect); err == nil {
		t.Fatal("Verify without Expect.WIT succeeded")
	}
}
