package wit_test

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha512"
	"strings"
	"testing"
	"time"

	"github.com/spiffe/go-spiffe/v2/exp/bundle/witbundle"
	"github.com/spiffe/go-spiffe/v2/exp/svid/witsvid"
	"github.com/spiffe/go-spiffe/v2/spiffeid"

	"github.com/wimse-wg/wimse/internal/wimsetest"
	"github.com/wimse-wg/wimse/tokens/wit"
	"github.com/wimse-wg/wimse/wimse"
)

// baseSVID is the valid WIT-SVID baseline at now: baseWIT with a SPIFFE ID
// subject and an ES256 workload key (the standard forbids EdDSA in
// cnf.jwk.alg).
func baseSVID(t testing.TB, now int64) *witFixture {
	t.Helper()
	f := baseWIT(t)
	f.claims["sub"] = "spiffe://example.com/workload"
	f.claims["exp"] = now + 3600
	f.claims["iat"] = now - 60
	f.setCnf(t, "ES256")
	f.policy = wimse.Policy{Now: wimsetest.Clock(now)}
	return f
}

// signRSA signs input with the RSA test key under RS384/RS512/PS384/PS512,
// which internal/jose does not implement.
func signRSA(alg string) func(testing.TB, string) []byte {
	return func(t testing.TB, input string) []byte {
		key := wimsetest.RSA(t)
		h, hf := sha512.Sum384([]byte(input)), crypto.SHA384
		digest := h[:]
		if strings.HasSuffix(alg, "512") {
			h5 := sha512.Sum512([]byte(input))
			digest, hf = h5[:], crypto.SHA512
		}
		var sig []byte
		var err error
		if strings.HasPrefix(alg, "PS") {
			sig, err = rsa.SignPSS(rand.Reader, key, hf, digest, &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash})
		} else {
			sig, err = rsa.SignPKCS1v15(nil, key, hf, digest)
		}
		if err != nil {
			t.Fatal(err)
		}
		return sig
	}
}

// svidCase is one WIT-SVID rule: the change to the baseline, the reason our
// WIT-SVID verifier gives (""= accepts), whether a plain WIT verifier
// accepts the same token, and whether go-spiffe's witsvid rejects it.
type svidCase struct {
	name   string
	mutate func(t testing.TB, f *witFixture, now int64)
	want   wimse.Reason
	// witOK: the plain WIMSE WIT verifier accepts the token.
	witOK bool
	// theirs: go-spiffe witsvid.ParseAndValidate rejects the token.
	theirsRejects bool
}

func svidCases() []svidCase {
	rsaIssuer := func(alg string) func(testing.TB, *witFixture, int64) {
		return func(t testing.TB, f *witFixture, _ int64) {
			f.setIssuer(t, "RS256")
			f.header["alg"] = alg
			f.signAlg = alg
			if alg != "RS256" && alg != "PS256" {
				f.sign = signRSA(alg)
			}
		}
	}
	return []svidCase{
		{name: "valid ES256", mutate: func(testing.TB, *witFixture, int64) {}, witOK: true},
		{name: "valid ES384", mutate: func(t testing.TB, f *witFixture, _ int64) { f.setIssuer(t, "ES384") }, witOK: true},
		{name: "valid ES512", mutate: func(t testing.TB, f *witFixture, _ int64) { f.setIssuer(t, "ES512") }, witOK: true},
		{name: "valid RS256", mutate: rsaIssuer("RS256"), witOK: true},
		{name: "valid PS256", mutate: rsaIssuer("PS256"), witOK: true},
		{name: "valid cnf RS256", mutate: func(t testing.TB, f *witFixture, _ int64) { f.setCnf(t, "RS256") }, witOK: true},
		{name: "valid no iss, jti, iat", mutate: func(_ testing.TB, f *witFixture, _ int64) {
			delete(f.claims, "iss")
			delete(f.claims, "jti")
			delete(f.claims, "iat")
		}, witOK: true},
		// RS384/RS512/PS384/PS512 are WIT-SVID algorithms internal/jose does
		// not implement: a disagreement with go-spiffe (we reject, it accepts).
		{name: "RS384 (unsupported here)", mutate: rsaIssuer("RS384"), want: wimse.ReasonWITAlg},
		{name: "PS512 (unsupported here)", mutate: rsaIssuer("PS512"), want: wimse.ReasonWITAlg},

		{name: "kid missing", mutate: func(_ testing.TB, f *witFixture, _ int64) { delete(f.header, "kid") },
			want: wimse.ReasonWITSVIDKidMissing, witOK: true, theirsRejects: true},
		{name: "kid empty", mutate: func(_ testing.TB, f *witFixture, _ int64) { f.header["kid"] = "" },
			want: wimse.ReasonWITSVIDKidMissing, theirsRejects: true},
		{name: "aud string", mutate: func(_ testing.TB, f *witFixture, _ int64) { f.claims["aud"] = "https://rp.example.com" },
			want: wimse.ReasonWITSVIDAud, witOK: true, theirsRejects: true},
		{name: "aud array", mutate: func(_ testing.TB, f *witFixture, _ int64) { f.claims["aud"] = []string{"a", "b"} },
			want: wimse.ReasonWITSVIDAud, witOK: true, theirsRejects: true},
		{name: "aud empty string", mutate: func(_ testing.TB, f *witFixture, _ int64) { f.claims["aud"] = "" },
			want: wimse.ReasonWITSVIDAud, witOK: true, theirsRejects: true},
		// go-spiffe rejects only a non-empty aud (and null, which go-jose
		// cannot read as an Audience); the standard says aud MUST NOT be
		// present, so [] is a disagreement.
		{name: "aud empty array", mutate: func(_ testing.TB, f *witFixture, _ int64) { f.claims["aud"] = []string{} },
			want: wimse.ReasonWITSVIDAud, witOK: true},
		{name: "aud null", mutate: func(_ testing.TB, f *witFixture, _ int64) { f.claims["aud"] = nil },
			want: wimse.ReasonWITSVIDAud, witOK: true, theirsRejects: true},
		{name: "alg EdDSA", mutate: func(t testing.TB, f *witFixture, _ int64) { f.setIssuer(t, "EdDSA") },
			want: wimse.ReasonWITSVIDAlg, witOK: true, theirsRejects: true},
		{name: "cnf.jwk.alg EdDSA", mutate: func(t testing.TB, f *witFixture, _ int64) { f.setCnf(t, "EdDSA") },
			want: wimse.ReasonWITSVIDCnfAlg, witOK: true, theirsRejects: true},
		{name: "sub wimse", mutate: func(_ testing.TB, f *witFixture, _ int64) { f.claims["sub"] = "wimse://example.com/workload" },
			want: wimse.ReasonWITSVIDSub, witOK: true, theirsRejects: true},
		{name: "sub https", mutate: func(_ testing.TB, f *witFixture, _ int64) { f.claims["sub"] = "https://example.com/workload" },
			want: wimse.ReasonWITSVIDSub, theirsRejects: true},
		{name: "sub upper-case scheme", mutate: func(_ testing.TB, f *witFixture, _ int64) { f.claims["sub"] = "SPIFFE://example.com/workload" },
			want: wimse.ReasonWITSVIDSub, theirsRejects: true},
		{name: "sub upper-case trust domain", mutate: func(_ testing.TB, f *witFixture, _ int64) { f.claims["sub"] = "spiffe://Example.com/workload" },
			want: wimse.ReasonWITSubInvalid, theirsRejects: true},
		{name: "typ application/wit+jwt", mutate: func(_ testing.TB, f *witFixture, _ int64) { f.header["typ"] = "application/wit+jwt" },
			want: wimse.ReasonWITTyp, witOK: true, theirsRejects: true},
		{name: "typ upper-case", mutate: func(_ testing.TB, f *witFixture, _ int64) { f.header["typ"] = "WIT+JWT" },
			want: wimse.ReasonWITTyp, witOK: true, theirsRejects: true},
		{name: "typ missing", mutate: func(_ testing.TB, f *witFixture, _ int64) { delete(f.header, "typ") },
			want: wimse.ReasonWITTyp, theirsRejects: true},
		{name: "exp missing", mutate: func(_ testing.TB, f *witFixture, _ int64) { delete(f.claims, "exp") },
			want: wimse.ReasonWITExpMissing, theirsRejects: true},
		{name: "expired", mutate: func(_ testing.TB, f *witFixture, now int64) { f.claims["exp"] = now - 3600 },
			want: wimse.ReasonWITExpired, theirsRejects: true},
		{name: "nbf future", mutate: func(_ testing.TB, f *witFixture, now int64) { f.claims["nbf"] = now + 600 },
			want: wimse.ReasonWITNotYetValid, theirsRejects: true},
		{name: "iat future", mutate: func(_ testing.TB, f *witFixture, now int64) { f.claims["iat"] = now + 600 },
			want: wimse.ReasonWITNotYetValid, theirsRejects: true},
		{name: "cnf missing", mutate: func(_ testing.TB, f *witFixture, _ int64) { delete(f.claims, "cnf") },
			want: wimse.ReasonWITCnfMissing, theirsRejects: true},
		{name: "cnf.jwk.alg missing", mutate: func(_ testing.TB, f *witFixture, _ int64) { delete(f.jwk(), "alg") },
			want: wimse.ReasonWITCnfAlg, theirsRejects: true},
		{name: "cnf.jwk private", mutate: func(_ testing.TB, f *witFixture, _ int64) { f.jwk()["d"] = b64(make([]byte, 32)) },
			want: wimse.ReasonWITCnfKey, theirsRejects: true},
		{name: "unknown kid", mutate: func(_ testing.TB, f *witFixture, _ int64) { f.header["kid"] = "k2" },
			want: wimse.ReasonWITKeyUnknown, theirsRejects: true},
		{name: "wrong signing key", mutate: func(t testing.TB, f *witFixture, _ int64) { f.key = wimsetest.For(t, "ES256", "other") },
			want: wimse.ReasonWITSignature, theirsRejects: true},
		{name: "untrusted trust domain", mutate: func(_ testing.TB, f *witFixture, _ int64) { f.claims["sub"] = "spiffe://other.example/workload" },
			want: wimse.ReasonWITTrustDomain, theirsRejects: true},
		{name: "duplicate sub member", mutate: func(t testing.TB, f *witFixture, _ int64) {
			f.claimsJSON = prependMember(mustMarshal(t, f.claims), `"sub":"spiffe://example.com/other"`)
		}, want: wimse.ReasonWITDuplicateMember, theirsRejects: true},
		{name: "crit header", mutate: func(_ testing.TB, f *witFixture, _ int64) { f.header["crit"] = []string{"x"}; f.header["x"] = 1 },
			want: wimse.ReasonWITCrit, theirsRejects: true},
		// Stricter than go-spiffe, which leaves these to the caller:
		// disagreements, listed in the report.
		{name: "cnf with jkt beside jwk", mutate: func(_ testing.TB, f *witFixture, _ int64) {
			f.claims["cnf"].(map[string]any)["jkt"] = "abc"
		}, want: wimse.ReasonWITCnfAmbiguous},
		{name: "cnf.jwk.alg ES256 on a P-384 key", mutate: func(t testing.TB, f *witFixture, _ int64) {
			f.claims["cnf"] = map[string]any{"jwk": jwkOf(t, wimsetest.For(t, "ES384", "workload").Public(), "ES384")}
			f.jwk()["alg"] = "ES256"
		}, want: wimse.ReasonWITCnfAlg},
	}
}

func svidVerifier(f *witFixture, p wit.Profile) *wit.Verifier {
	v := f.verifier(0)
	v.Profile = p
	return v
}

// TestSVIDProfile checks each WIT-SVID rule by reason code, and that the
// plain WIT verifier is unaffected.
func TestSVIDProfile(t *testing.T) {
	for _, tc := range svidCases() {
		t.Run(tc.name, func(t *testing.T) {
			f := baseSVID(t, witNow)
			tc.mutate(t, f, witNow)
			raw := f.token(t)
			_, err := svidVerifier(f, wit.ProfileSVID).Verify(raw)
			if got := wimse.ReasonOf(err); got != tc.want {
				t.Fatalf("WIT-SVID verifier: reason %q, want %q (err %v)", got, tc.want, err)
			}
			_, err = svidVerifier(f, wit.ProfileWIT).Verify(raw)
			if gotOK := err == nil; gotOK != (tc.witOK || tc.want == "") {
				t.Fatalf("WIT verifier: err %v, want accepted=%v", err, tc.witOK)
			}
		})
	}
}

// TestSVIDCacheProfile: a WIT cached by a plain WIT verifier is not
// accepted by a WIT-SVID verifier sharing the cache.
func TestSVIDCacheProfile(t *testing.T) {
	f := baseSVID(t, witNow)
	f.claims["aud"] = "x"
	raw := f.token(t)
	c := wit.NewCache(16)
	v := svidVerifier(f, wit.ProfileWIT)
	v.Cache = c
	if _, err := v.Verify(raw); err != nil {
		t.Fatal(err)
	}
	sv := svidVerifier(f, wit.ProfileSVID)
	sv.Cache = c
	if _, err := sv.Verify(raw); wimse.ReasonOf(err) != wimse.ReasonWITSVIDAud {
		t.Fatalf("cached: %v, want wit.svid_aud", err)
	}
}

func TestSVIDSigner(t *testing.T) {
	issuer := wimsetest.For(t, "ES256", "issuer")
	base := func() (wit.Signer, wit.Claims) {
		return wit.Signer{Key: issuer, KeyID: "k1", Profile: wit.ProfileSVID, Deterministic: true},
			wit.Claims{
				Subject: wimse.MustParseID("spiffe://example.com/workload"),
				Expiry:  time.Unix(witNow+3600, 0),
				Key:     wimsetest.For(t, "ES256", "workload").Public(),
			}
	}
	tests := []struct {
		name   string
		mutate func(*wit.Signer, *wit.Claims)
		errSub string
	}{
		{"valid", func(*wit.Signer, *wit.Claims) {}, ""},
		{"no kid", func(s *wit.Signer, _ *wit.Claims) { s.KeyID = "" }, "KeyID"},
		{"EdDSA issuer", func(s *wit.Signer, _ *wit.Claims) { s.Key = wimsetest.Ed("issuer") }, "alg"},
		{"EdDSA cnf", func(_ *wit.Signer, c *wit.Claims) { c.Key = wimsetest.Ed("workload").Public() }, "cnf.jwk.alg"},
		{"wimse sub", func(_ *wit.Signer, c *wit.Claims) { c.Subject = wimse.MustParseID("wimse://example.com/workload") }, "SPIFFE"},
		{"aud in Extra", func(_ *wit.Signer, c *wit.Claims) { c.Extra = map[string]any{"aud": "x"} }, "aud"},
		{"legacy typ", func(s *wit.Signer, _ *wit.Claims) { s.Type = wit.LegacyMediaType }, "typ"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, c := base()
			tt.mutate(&s, &c)
			raw, err := s.Sign(c)
			if tt.errSub != "" {
				if err == nil || !strings.Contains(err.Error(), tt.errSub) {
					t.Fatalf("Sign: %v, want an error about %s", err, tt.errSub)
				}
				// The same inputs issue a plain WIT.
				s.Profile = wit.ProfileWIT
				if _, err := s.Sign(c); err != nil {
					t.Fatalf("plain WIT: %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			store := wimse.NewTrustStore()
			store.Set(wimse.MustParseTrustDomain("example.com"), wimse.Anchors{Keys: []wimse.IssuerKey{{KeyID: "k1", Public: issuer.Public()}}})
			v := &wit.Verifier{Trust: store, Profile: wit.ProfileSVID, Policy: wimse.Policy{Now: wimsetest.Clock(witNow)}}
			if _, err := v.Verify(raw); err != nil {
				t.Fatalf("Verify: %v", err)
			}
		})
	}
}

// TestSVIDGoSPIFFE cross-checks with go-spiffe v2.9.0 exp/svid/witsvid,
// which parses and validates but does not issue WIT-SVIDs (and reads
// time.Now, so tokens are made at the real clock). Every case runs through
// both: go-spiffe validates ours (the baseline is issued by our Signer as
// well as by the fixture), and we validate what go-spiffe accepts (its
// ParseInsecure view must match ours). A verdict that differs from the
// table's is a change in either implementation.
func TestSVIDGoSPIFFE(t *testing.T) {
	now := time.Now().Unix()
	issuer := wimsetest.For(t, "ES256", "issuer")

	// Theirs accepts ours: a WIT-SVID from our Signer.
	s := wit.Signer{Key: issuer, KeyID: "k1", Profile: wit.ProfileSVID}
	raw, err := s.Sign(wit.Claims{
		Subject: wimse.MustParseID("spiffe://example.com/workload"),
		Expiry:  time.Unix(now+3600, 0),
		Key:     wimsetest.For(t, "ES256", "workload").Public(),
	})
	if err != nil {
		t.Fatal(err)
	}
	td := spiffeid.RequireTrustDomainFromString("example.com")
	sv, err := witsvid.ParseAndValidate(raw, witbundle.FromWITAuthorities(td, map[string]crypto.PublicKey{"k1": issuer.Public()}))
	if err != nil {
		t.Fatalf("go-spiffe rejects our WIT-SVID: %v", err)
	}
	if sv.ID.String() != "spiffe://example.com/workload" || sv.KeyID != "k1" || sv.Marshal() != raw {
		t.Fatalf("go-spiffe view: %+v", sv)
	}

	var disagreements []string
	for _, tc := range svidCases() {
		t.Run(tc.name, func(t *testing.T) {
			f := baseSVID(t, now)
			tc.mutate(t, f, now)
			raw := f.token(t)
			bundle := witbundle.New(td)
			for _, k := range f.anchors["example.com"].Keys {
				if err := bundle.AddWITAuthority(k.KeyID, k.Public); err != nil {
					t.Fatal(err)
				}
			}
			theirs, theirErr := witsvid.ParseAndValidate(raw, bundle)
			ours, ourErr := svidVerifier(f, wit.ProfileSVID).Verify(raw)
			if got := wimse.ReasonOf(ourErr); got != tc.want {
				t.Fatalf("ours: reason %q, want %q (err %v)", got, tc.want, ourErr)
			}
			wantTheirsOK := !tc.theirsRejects
			if (theirErr == nil) != wantTheirsOK {
				t.Fatalf("go-spiffe: err %v, want accepted=%v", theirErr, wantTheirsOK)
			}
			if ourErr == nil && theirErr == nil {
				// Same view of the token.
				if theirs.ID.String() != ours.Subject.String() || theirs.KeyID != ours.KeyID ||
					!theirs.Expiry.Equal(ours.Expiry) || !equalPub(theirs.PublicKey, ours.Confirmation.Key) {
					t.Fatalf("views differ: go-spiffe %+v, ours %+v", theirs, ours)
				}
			}
			if (ourErr == nil) != (theirErr == nil) {
				disagreements = append(disagreements, tc.name+": ours "+reasonOrOK(ourErr)+", go-spiffe "+errOrOK(theirErr))
			}
		})
	}
	for _, d := range disagreements {
		t.Logf("disagreement: %s", d)
	}
}

func equalPub(a, b crypto.PublicKey) bool {
	type equaler interface{ Equal(crypto.PublicKey) bool }
	ea, ok := a.(equaler)
	return ok && ea.Equal(b)
}

func reasonOrOK(err error) string {
	if err == nil {
		return "accepts"
	}
	return "rejects (" + string(wimse.ReasonOf(err)) + ")"
}

func errOrOK(err error) string {
	if err == nil {
		return "accepts"
	}
	return "rejects (" + err.Error() + ")"
}
