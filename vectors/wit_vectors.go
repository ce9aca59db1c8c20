package vectors

import "strings"

// witNotes explains the flags only this catalogue uses.
var witNotes = map[string]Note{
	"TypeConfusion":  {BugType: "MODIFIED_PARAMETER", Description: "a token of another kind (a WPT, a generic JWT) presented as a WIT; explicit typing (RFC 8725 §3.11) must keep token kinds apart"},
	"KeyConfusion":   {BugType: "AUTH_BYPASS", Description: "the token names or embeds its own key, or its alg does not fit the trust anchor or confirmation key; keys and algorithms must come from the receiver's configuration (RFC 8725 §3.1, §3.10)"},
	"MissingClaim":   {BugType: "BASIC", Description: "a claim creds-02 §5.1.2 requires is absent"},
	"WrongClaimType": {BugType: "BASIC", Description: "a registered claim has the wrong JSON type (RFC 7519 §4.1)"},
}

// witIssuers are the trusted issuer keys: name, alg, kid.
var witIssuers = [][3]string{
	{"issuer-es384", "ES384", "issuer-es384"},
	{"issuer-es512", "ES512", "issuer-es512"},
	{"issuer-eddsa", "EdDSA", "issuer-eddsa"},
	{"issuer-rs256", "RS256", "issuer-rs256"},
	{"issuer-ps256", "PS256", "issuer-ps256"},
}

// witWorkloads are the workload (cnf) keys besides "workload": name, alg.
var witWorkloads = [][2]string{
	{"workload-es384", "ES384"},
	{"workload-es512", "ES512"},
	{"workload-eddsa", "EdDSA"},
	{"workload-ed25519", "Ed25519"},
	{"workload-rs256", "RS256"},
	{"workload-ps256", "PS256"},
}

// witClaimsRaw is BaseWIT's claims as raw JSON with exp given and extra
// members appended, for byte-exact variants (duplicates, fractions).
func witClaimsRaw(exp, extra string) string {
	return `{"cnf":{"jwk":{{jwk:workload}}},"exp":` + exp + `,"iat":{{rel:-60}},"iss":"https://issuer.example.org","jti":"{{jti}}","sub":"` + Subject + `"` + extra + `}`
}

// witLongSub is a wimse identifier of exactly n octets in the trusted
// trust domain.
func witLongSub(n int) string {
	p := "wimse://" + TrustDomain + "/workload/"
	return p + strings.Repeat("a", n-len(p))
}

// witVectors is the WIT catalogue: request vectors whose WPT is valid for
// the WIT under test, so only the WIT decides. Reasons follow the
// validation order of tokens/wit/doc.go when a mutation breaks two rules.
func witVectors() []Vector {
	var out []Vector
	add := func(labels []string, vs ...Vector) {
		for _, v := range vs {
			v.Labels = labels
			out = append(out, v)
		}
	}
	// valid builds a further valid vector from base's template.
	valid := func(base Vector, id, comment string, mutate func(*Template), reqs, flags []string) Vector {
		t := base.Template.Clone()
		mutate(t)
		v := RequestVector(id, comment, t, base.Drafts, reqs, flags, Accept(base.Drafts))
		v.Policy = base.Policy
		return v
	}
	reject := func(reason string) Expect { return RejectCredential(reason, Both) }
	hdr := func(name string, val any) func(*Template) {
		return func(t *Template) {
			if val == nil {
				delete(t.WIT.Header, name)
			} else {
				t.WIT.Header[name] = val
			}
		}
	}
	claim := func(name string, val any) func(*Template) {
		return func(t *Template) {
			if val == nil {
				delete(t.WIT.Claims, name)
			} else {
				t.WIT.Claims[name] = val
			}
		}
	}
	cnfJWK := func(spec any) func(*Template) {
		return claim("cnf", map[string]any{"jwk": map[string]any{"$jwk": spec}})
	}

	base := RequestVector("wit-valid-es256", "a valid ES256 WIT with an ES256 WPT", BaseTemplate(), Both,
		[]string{"WIT-SIGNATURE", "WIT-TYP", "WIT-SUB", "WIT-CNF", "WIT-ES256-MTI"}, []string{"Baseline"}, Accept(Both))
	add([]string{"baseline"}, base)

	// Baselines: every issuer algorithm, every workload (cnf) algorithm.
	for _, is := range witIssuers {
		key, alg, kid := is[0], is[1], is[2]
		add([]string{"baseline", "alg"}, valid(base, "wit-valid-issuer-"+strings.ToLower(alg),
			"a valid WIT signed "+alg+" by the trusted issuer key "+kid,
			func(t *Template) {
				t.WIT.Key = key
				t.WIT.Header["alg"], t.WIT.Header["kid"] = alg, kid
			}, []string{"WIT-SIGNATURE", "WIT-ALG", "WIT-KEY-SELECT"}, []string{"Baseline"}))
	}
	for _, wl := range witWorkloads {
		key, alg := wl[0], wl[1]
		flags := []string{"Baseline"}
		comment := "a valid WIT whose cnf.jwk is a " + alg + " workload key, with a " + alg + " WPT"
		if alg == "Ed25519" {
			flags = []string{"EdgeCase"}
			comment += "; Ed25519 is the fully-specified JWS algorithm name of RFC 9864, a registered asymmetric algorithm (RFC 9864 §2.2)"
		}
		add([]string{"baseline", "cnf"}, valid(base, "wit-valid-cnf-"+strings.ToLower(alg), comment,
			func(t *Template) {
				t.WIT.Claims["cnf"] = map[string]any{"jwk": map[string]any{"$jwk": key}}
				t.WPT.Key = key
				t.WPT.Header["alg"] = alg
			}, []string{"WIT-CNF", "WIT-CNF-ALG"}, flags))
	}

	// typ (creds-02 §5.1.1, RFC 8725 §3.11, RFC 7515 §4.1.9).
	legacyPolicy := DefaultPolicy()
	legacyPolicy.Revisions = append(legacyPolicy.Revisions, "s2s-06")
	legacy := needPolicy(valid(base, "wit-typ-legacy-s2s06", "typ is wimse-id+jwt (s2s-06 and earlier) and the receiver's policy accepts s2s-06",
		hdr("typ", "wimse-id+jwt"), []string{"WIT-TYP"}, []string{"Legacy", "Policy"}), NeedLegacyTyp)
	legacy.Policy = legacyPolicy
	add([]string{"typ"},
		valid(base, "wit-typ-media-type", "typ is the full media type application/wit+jwt (RFC 7515 §4.1.9 lets the application/ prefix be omitted or kept)",
			hdr("typ", "application/wit+jwt"), []string{"WIT-TYP"}, []string{"EdgeCase"}),
		valid(base, "wit-typ-upper-case", "typ is WIT+JWT: media type names compare case-insensitively (RFC 7515 §4.1.9, RFC 6838)",
			hdr("typ", "WIT+JWT"), []string{"WIT-TYP"}, []string{"EdgeCase"}),
		legacy,
		Derived(base, "wit-typ-missing", "the typ header parameter is removed", hdr("typ", nil),
			[]string{"WIT-TYP"}, []string{"TypeConfusion"}, reject("wit.typ")),
		Derived(base, "wit-typ-jwt", "typ is the generic JWT", hdr("typ", "JWT"),
			[]string{"WIT-TYP"}, []string{"TypeConfusion"}, reject("wit.typ")),
		Derived(base, "wit-typ-wpt", "typ is wpt+jwt: a proof token presented as an identity token", hdr("typ", "wpt+jwt"),
			[]string{"WIT-TYP"}, []string{"TypeConfusion"}, reject("wit.typ")),
		Derived(base, "wit-typ-empty", "typ is the empty string", hdr("typ", ""),
			[]string{"WIT-TYP"}, []string{"TypeConfusion"}, reject("wit.typ")),
		Derived(base, "wit-typ-number", "typ is the JSON number 1 instead of a string", hdr("typ", 1),
			[]string{"WIT-TYP"}, []string{"Malformed"}, reject("wit.typ")),
		needPolicy(Derived(base, "wit-typ-legacy", "typ is the s2s-06 value wimse-id+jwt, which the default policy (wpt-01 and wpt-02 only) does not accept",
			hdr("typ", "wimse-id+jwt"), []string{"WIT-TYP"}, []string{"Legacy", "Policy"}, reject("wit.typ")), NeedLegacyTyp),
	)

	// alg (creds-02 §5.1.1: asymmetric, never none, configured).
	add([]string{"alg"},
		Derived(base, "wit-alg-none-unsigned", "alg is none and the signature segment is empty; the WIT ABNF (creds-02 §5.1.1) needs a non-empty third segment, so the structure check (first in the validation order) rejects it as malformed",
			func(t *Template) { t.WIT.Header["alg"], t.WIT.Alg = "none", "none" },
			[]string{"WIT-ALG", "WIT-SYNTAX"}, []string{"AuthBypass"}, reject("wit.malformed")),
		Derived(base, "wit-alg-none-signed", "alg is none while a signature is still attached",
			hdr("alg", "none"), []string{"WIT-ALG"}, []string{"AuthBypass"}, reject("wit.alg")),
		Derived(base, "wit-alg-hs256-public-key", "alg is HS256 and the WIT is an HMAC keyed with the issuer's public JWK (the classic RS/HS confusion)",
			func(t *Template) { t.WIT.Header["alg"], t.WIT.Alg = "HS256", "HS256" },
			[]string{"WIT-ALG"}, []string{"AuthBypass", "KeyConfusion"}, reject("wit.alg")),
		Derived(base, "wit-alg-hs512", "alg is the symmetric HS512 (signature still ES256)",
			hdr("alg", "HS512"), []string{"WIT-ALG"}, []string{"KeyConfusion"}, reject("wit.alg")),
		Derived(base, "wit-alg-rs384", "the WIT is really signed RS384 with the RSA issuer key, whose trust anchor is configured for RS256 only",
			func(t *Template) {
				t.WIT.Key, t.WIT.Alg = "issuer-rs256", "RS384"
				t.WIT.Header["alg"], t.WIT.Header["kid"] = "RS384", "issuer-rs256"
			}, []string{"WIT-ALG"}, []string{"ModifiedParameter"}, reject("wit.alg")),
		Derived(base, "wit-alg-missing", "the alg header parameter is removed", hdr("alg", nil),
			[]string{"WIT-ALG"}, []string{"Malformed"}, reject("wit.alg")),
		Derived(base, "wit-alg-lower-case", "alg is es256: algorithm names are case-sensitive (RFC 7515 §4.1.1)", hdr("alg", "es256"),
			[]string{"WIT-ALG"}, []string{"ModifiedParameter"}, reject("wit.alg")),
		Derived(base, "wit-alg-es256-signed-eddsa", "the header says ES256 (kid issuer-es256) but the WIT is signed by the EdDSA issuer key",
			func(t *Template) { t.WIT.Key = "issuer-eddsa" },
			[]string{"WIT-SIGNATURE", "WIT-ALG"}, []string{"KeyConfusion"}, reject("wit.signature")),
		Derived(base, "wit-alg-kid-mismatch", "kid names the ES384 issuer key while the WIT is signed ES256 by the ES256 issuer key: the selected anchor does not verify ES256",
			hdr("kid", "issuer-es384"), []string{"WIT-KEY-SELECT", "WIT-SIGNATURE"}, []string{"KeyConfusion"}, reject("wit.signature")),
	)
	rsViaPS := Derived(base, "wit-alg-rs256-kid-ps256", "the WIT is signed RS256 with the RSA key that the trust anchor issuer-ps256 publishes for PS256 only",
		func(t *Template) {
			t.WIT.Key, t.WIT.Alg = "issuer-ps256", "RS256"
			t.WIT.Header["alg"], t.WIT.Header["kid"] = "RS256", "issuer-ps256"
		}, []string{"WIT-KEY-SELECT", "WIT-SIGNATURE"}, []string{"Inference", "KeyConfusion"}, reject("wit.signature"))
	rsViaPS.Result = ResultAcceptable
	rsViaPS.Comment += ". The drafts do not say whether an anchor's alg restricts its use; RFC 8725 §3.1 asks that each key be used with one algorithm, and the reference receiver rejects an alg other than the anchor's (wit.signature). The RSA signature itself is mathematically valid, so a receiver ignoring the anchor's alg accepts"
	add([]string{"alg", "kid"}, rsViaPS)
	out = append(out, witAlgKeyVectors(base)...)

	// JOSE header parameters that are never understood or never trusted.
	signedByStranger := func(name string, val any) func(*Template) {
		return func(t *Template) {
			t.WIT.Key = "other-issuer"
			t.WIT.Header[name] = val
		}
	}
	add([]string{"header"},
		Derived(base, "wit-header-crit", "the header carries crit naming an extension parameter the receiver does not understand",
			func(t *Template) {
				t.WIT.Header["crit"] = []any{"urn:example:ext"}
				t.WIT.Header["urn:example:ext"] = true
			}, []string{"JOSE-CRIT"}, []string{"ModifiedParameter"}, reject("wit.crit")),
		Derived(base, "wit-header-b64-false", "the header sets b64 false (RFC 7797 unencoded payload) and lists it in crit; a WIT payload is always base64url-encoded",
			func(t *Template) {
				t.WIT.Header["crit"] = []any{"b64"}
				t.WIT.Header["b64"] = false
			}, []string{"JOSE-CRIT", "WIT-SYNTAX"}, []string{"Malformed"}, reject("wit.malformed")),
		Derived(base, "wit-header-jku", "the WIT is signed by an untrusted key and its header points jku at the attacker's JWK Set; a receiver that ignores jku fails the signature",
			signedByStranger("jku", "https://attacker.example/jwks.json"), []string{"WIT-HEADER-KEYS", "WIT-KEY-SELECT"}, []string{"AuthBypass", "KeyConfusion"}, reject("wit.header_key")),
		Derived(base, "wit-header-x5u", "the WIT is signed by an untrusted key and its header points x5u at the attacker's certificate",
			signedByStranger("x5u", "https://attacker.example/cert.pem"), []string{"WIT-HEADER-KEYS", "WIT-KEY-SELECT"}, []string{"AuthBypass", "KeyConfusion"}, reject("wit.header_key")),
		Derived(base, "wit-header-jwk", "the WIT is signed by the untrusted key other-issuer and embeds that key's public JWK in the header: a receiver trusting the header key would accept",
			signedByStranger("jwk", map[string]any{"$jwk": "other-issuer"}), []string{"WIT-HEADER-KEYS", "WIT-KEY-SELECT"}, []string{"AuthBypass", "KeyConfusion"}, reject("wit.header_key")),
		Derived(base, "wit-header-x5c", "the WIT is signed by an untrusted key and carries an x5c certificate chain in the header",
			signedByStranger("x5c", []any{"MIIBszCCAVmgAwIBAgIUAttackerSelfSignedCertificateAAAAAAAAAAAAAAAA"}), []string{"WIT-HEADER-KEYS", "WIT-KEY-SELECT"}, []string{"AuthBypass", "KeyConfusion"}, reject("wit.header_key")),
	)

	// kid and signature (creds-02 §5.1.3).
	add([]string{"kid"},
		Derived(base, "wit-kid-unknown", "kid names no key of the trust domain", hdr("kid", "no-such-key"),
			[]string{"WIT-KEY-SELECT"}, []string{"ModifiedParameter"}, reject("wit.key_unknown")),
		kidRequired(Derived(base, "wit-kid-absent", "the kid header parameter is removed. The trust domain has six issuer keys and the receiver declares that it requires kid then (kidRequired), so key selection is ambiguous (creds-02 §5.1.1: without kid, deployment policy must make it unambiguous; a receiver that tries each key is not tested by this vector)",
			hdr("kid", nil), []string{"WIT-KEY-SELECT"}, []string{"Policy"}, reject("wit.key_unknown"))),
		Derived(base, "wit-kid-number", "kid is the JSON number 1 instead of a string (RFC 7515 §4.1.4)", hdr("kid", 1),
			[]string{"WIT-KEY-SELECT", "WIT-SYNTAX"}, []string{"Malformed"}, reject("wit.malformed")),
		Derived(base, "wit-kid-untrusted-key", "the WIT is signed by other-issuer, an untrusted key that uses the trusted kid issuer-es256",
			func(t *Template) { t.WIT.Key = "other-issuer" },
			[]string{"WIT-SIGNATURE", "WIT-KEY-SELECT"}, []string{"AuthBypass"}, reject("wit.signature")),
		Derived(base, "wit-signature-self-issued", "the workload signs its own WIT with its cnf key (ES256) under the trusted kid issuer-es256",
			func(t *Template) { t.WIT.Key = "workload" },
			[]string{"WIT-SIGNATURE"}, []string{"AuthBypass"}, reject("wit.signature")),
		Derived(base, "wit-signature-tampered-sub", "sub is changed to another workload of the trust domain after the issuer signed the claims",
			func(t *Template) {
				t.WIT.Tamper = map[string]any{"sub": "wimse://" + TrustDomain + "/workload/admin"}
			}, []string{"WIT-SIGNATURE"}, []string{"AuthBypass", "ModifiedParameter"}, reject("wit.signature")),
	)

	// Encoding of the compact serialization (creds-02 §5.1.1 ABNF).
	enc := func(id, how, change, reason string) Vector {
		return Derived(base, id, change, func(t *Template) { t.WIT.Encoding = how },
			[]string{"WIT-SYNTAX"}, []string{"Malformed"}, reject(reason))
	}
	add([]string{"encoding"},
		enc("wit-encoding-truncated", "truncate", "the last 10 characters of the signature are cut; what is left still decodes (57 octets), so the signature check rejects it", "wit.signature"),
		enc("wit-encoding-extra-segment", "extra-segment", "a fourth segment .e30 is appended", "wit.malformed"),
		enc("wit-encoding-two-segments", "two-segments", "the signature segment and its dot are removed", "wit.malformed"),
		enc("wit-encoding-padded", "pad", "base64 padding == is appended to the signature", "wit.malformed"),
		enc("wit-encoding-whitespace", "whitespace", "a space is inserted after the first dot", "wit.malformed"),
		enc("wit-encoding-plus-slash", "plus-slash", "the token uses the base64 alphabet (+ and /) instead of base64url", "wit.malformed"),
		needPolicy(Derived(base, "wit-oversized", "the claims are padded so the WIT exceeds the receiver's maximum token size by more than 800 bytes (frozen: ${maxTokenSize})",
			func(t *Template) { t.WIT.OverLimit = 808 }, []string{"WIT-SYNTAX"}, []string{"Policy"}, reject("wit.oversized")), NeedMaxTokenSize),
	)

	// JSON structure: duplicates (RFC 7515 §5.2: reject or take the last
	// member; the last member here is always the bad one, so either choice
	// rejects), arrays, non-JSON.
	add([]string{"json"},
		Derived(base, "wit-duplicate-header-typ", "the header repeats typ: wit+jwt first, JWT last",
			func(t *Template) {
				t.WIT.HeaderRaw = `{"alg":"ES256","kid":"issuer-es256","typ":"wit+jwt","typ":"JWT"}`
			}, []string{"JOSE-DUPLICATE", "WIT-TYP"}, []string{"Malformed"}, reject("wit.duplicate_member")),
		Derived(base, "wit-duplicate-claim-exp", "the claims repeat exp: in an hour first, an hour ago last",
			func(t *Template) { t.WIT.ClaimsRaw = witClaimsRaw("{{rel:3600}}", `,"exp":{{rel:-3600}}`) },
			[]string{"JOSE-DUPLICATE", "WIT-EXP"}, []string{"Malformed"}, reject("wit.duplicate_member")),
		Derived(base, "wit-duplicate-cnf-jwk", "cnf repeats jwk: the workload key first, a symmetric oct key last",
			func(t *Template) {
				t.WIT.ClaimsRaw = strings.Replace(witClaimsRaw("{{rel:3600}}", ""), `{{jwk:workload}}}`,
					`{{jwk:workload}},"jwk":{"alg":"HS256","k":"c2VjcmV0","kty":"oct"}}`, 1)
			}, []string{"JOSE-DUPLICATE", "WIT-CNF"}, []string{"Malformed"}, reject("wit.duplicate_member")),
		Derived(base, "wit-header-array", "the header is a JSON array holding the header object",
			func(t *Template) { t.WIT.HeaderRaw = `[{"alg":"ES256","kid":"issuer-es256","typ":"wit+jwt"}]` },
			[]string{"WIT-SYNTAX"}, []string{"Malformed"}, reject("wit.malformed")),
		Derived(base, "wit-header-not-json", "the header is not JSON",
			func(t *Template) { t.WIT.HeaderRaw = `alg=ES256;kid=issuer-es256;typ=wit+jwt` },
			[]string{"WIT-SYNTAX"}, []string{"Malformed"}, reject("wit.malformed")),
		Derived(base, "wit-claims-array", "the claims are a JSON array holding the claims object",
			func(t *Template) { t.WIT.ClaimsRaw = "[" + witClaimsRaw("{{rel:3600}}", "") + "]" },
			[]string{"WIT-SYNTAX"}, []string{"Malformed"}, reject("wit.malformed")),
		Derived(base, "wit-claims-not-json", "the claims are not JSON",
			func(t *Template) { t.WIT.ClaimsRaw = "sub=" + Subject + "&exp={{rel:3600}}" },
			[]string{"WIT-SYNTAX"}, []string{"Malformed"}, reject("wit.malformed")),
	)

	// Required claims and claim types (creds-02 §5.1.2, RFC 7519 §4.1).
	add([]string{"claims"},
		Derived(base, "wit-sub-missing", "the sub claim is removed", claim("sub", nil),
			[]string{"WIT-SUB"}, []string{"MissingClaim"}, reject("wit.sub_missing")),
		Derived(base, "wit-exp-missing", "the exp claim is removed", claim("exp", nil),
			[]string{"WIT-EXP"}, []string{"MissingClaim"}, reject("wit.exp_missing")),
		Derived(base, "wit-cnf-missing", "the cnf claim is removed", claim("cnf", nil),
			[]string{"WIT-CNF", "WIT-NOT-BEARER"}, []string{"MissingClaim", "AuthBypass"}, reject("wit.cnf_missing")),
		Derived(base, "wit-cnf-jkt-only", "cnf holds only a jkt thumbprint instead of jwk (creds-02 defines only the jwk confirmation method)",
			claim("cnf", map[string]any{"jkt": "0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I"}),
			[]string{"WIT-CNF"}, []string{"MissingClaim"}, reject("wit.cnf_missing")),
		Derived(base, "wit-cnf-alg-missing", "cnf.jwk has no alg member", cnfJWK(map[string]any{"key": "workload", "omitAlg": true}),
			[]string{"WIT-CNF-ALG"}, []string{"MissingClaim"}, reject("wit.cnf_alg")),
		Derived(base, "wit-exp-string", "exp is a string of digits instead of a NumericDate",
			claim("exp", "{{rel:3600}}"), []string{"WIT-EXP", "WIT-CLAIM-TYPES"}, []string{"WrongClaimType"}, reject("wit.claim_type")),
		Derived(base, "wit-sub-number", "sub is a JSON number", claim("sub", 42),
			[]string{"WIT-SUB", "WIT-CLAIM-TYPES"}, []string{"WrongClaimType"}, reject("wit.claim_type")),
		Derived(base, "wit-sub-array", "sub is an array of two identifiers (creds-02: exactly one identifier per credential)",
			claim("sub", []any{Subject, "wimse://" + TrustDomain + "/workload/admin"}),
			[]string{"WIT-SUB", "WIT-CLAIM-TYPES"}, []string{"WrongClaimType"}, reject("wit.claim_type")),
		Derived(base, "wit-cnf-string", "cnf is a string holding the JWK's JSON", claim("cnf", `{"jwk":{{jwk:workload}}}`),
			[]string{"WIT-CNF", "WIT-CLAIM-TYPES"}, []string{"WrongClaimType"}, reject("wit.claim_type")),
		Derived(base, "wit-cnf-jwk-string", "cnf.jwk is a string holding the JWK's JSON",
			claim("cnf", map[string]any{"jwk": "{{jwk:workload}}"}), []string{"WIT-CNF"}, []string{"WrongClaimType"}, reject("wit.cnf_key")),
		Derived(base, "wit-iat-string", "iat is a string of digits instead of a NumericDate", claim("iat", "{{rel:-60}}"),
			[]string{"WIT-NBF", "WIT-CLAIM-TYPES"}, []string{"WrongClaimType"}, reject("wit.claim_type")),
		Derived(base, "wit-nbf-string", "nbf is a string of digits instead of a NumericDate", claim("nbf", "{{rel:-60}}"),
			[]string{"WIT-NBF", "WIT-CLAIM-TYPES"}, []string{"WrongClaimType"}, reject("wit.claim_type")),
		Derived(base, "wit-jti-number", "jti is a JSON number instead of a string", claim("jti", 12345),
			[]string{"WIT-CLAIM-TYPES"}, []string{"WrongClaimType"}, reject("wit.claim_type")),
		Derived(base, "wit-iss-number", "iss is a JSON number instead of a StringOrURI", claim("iss", 7),
			[]string{"WIT-CLAIM-TYPES"}, []string{"WrongClaimType"}, reject("wit.claim_type")),
		valid(base, "wit-iat-absent", "iat is removed: creds-02 does not define or require it (issue #257)", claim("iat", nil),
			[]string{"WIT-UNKNOWN-CLAIMS"}, []string{"EdgeCase"}),
		needPolicy(valid(base, "wit-iss-absent", "iss is removed: it is only RECOMMENDED and no issuer allow-list is configured", claim("iss", nil),
			[]string{"WIT-ISS-ALLOWLIST"}, []string{"EdgeCase"}), NeedIssuers),
		valid(base, "wit-jti-absent", "jti is removed: it is OPTIONAL in a WIT", claim("jti", nil),
			[]string{"WIT-UNKNOWN-CLAIMS"}, []string{"EdgeCase"}),
		valid(base, "wit-unknown-claims", "the WIT carries claims the receiver does not understand, which it must ignore",
			func(t *Template) {
				t.WIT.Claims["example.com/deployment"] = map[string]any{"region": "eu-1", "tier": 2}
				t.WIT.Claims["ath"] = "not-a-hash"
			}, []string{"WIT-UNKNOWN-CLAIMS"}, []string{"EdgeCase"}),
		valid(base, "wit-cnf-jwk-kid", "cnf.jwk carries a kid member, as the http-signature examples' WITs do",
			cnfJWK(map[string]any{"key": "workload", "set": map[string]any{"kid": "workload-key-1"}}),
			[]string{"WIT-CNF"}, []string{"EdgeCase"}),
	)

	// Times (creds-02 §5.1.2, RFC 7519 §4.1.4-6), relative to the policy's skew.
	add([]string{"time"},
		Derived(base, "wit-exp-passed", "the WIT expired a minute beyond the receiver's clock skew (frozen: ${wit.exp} s ago; ${clockSkew} s skew)",
			func(t *Template) { t.WIT.Claims["exp"] = relPolicy(-60, "-clockSkew") },
			[]string{"WIT-EXP"}, []string{"ModifiedParameter"}, reject("wit.expired")),
		needPolicy(Derived(base, "wit-exp-skew-boundary", "exp lies the receiver's clock skew plus ${wit.exp.rel} s in the past (frozen: ${wit.exp} s; ${clockSkew} s skew): just beyond the skew",
			claim("exp", relPolicy(-10, "-clockSkew")), []string{"WIT-EXP"}, []string{"Policy"}, reject("wit.expired")), NeedClockSkew),
		needPolicy(valid(base, "wit-exp-within-skew", "the WIT expired the receiver's clock skew minus ${wit.exp.rel} s ago (frozen: ${wit.exp} s; ${clockSkew} s skew): just within the skew",
			claim("exp", relPolicy(10, "-clockSkew")), []string{"WIT-EXP"}, []string{"EdgeCase", "Policy"}), NeedClockSkew),
		valid(base, "wit-exp-fractional", "exp is a non-integer NumericDate (RFC 7519 §2 allows fractions)",
			func(t *Template) { t.WIT.ClaimsRaw = witClaimsRaw("{{rel:3600}}.5", "") },
			[]string{"WIT-EXP"}, []string{"EdgeCase"}),
		Derived(base, "wit-nbf-future", "nbf lies four minutes beyond the receiver's clock skew in the future (frozen: ${wit.nbf} s; ${clockSkew} s skew)", claim("nbf", relPolicy(240, "+clockSkew")),
			[]string{"WIT-NBF"}, []string{"ModifiedParameter"}, reject("wit.not_yet_valid")),
		needPolicy(valid(base, "wit-nbf-within-skew", "nbf lies the receiver's clock skew minus ${wit.nbf.rel} s in the future (frozen: ${wit.nbf} s; ${clockSkew} s skew): just within the skew", claim("nbf", relPolicy(-10, "+clockSkew")),
			[]string{"WIT-NBF"}, []string{"EdgeCase", "Policy"}), NeedClockSkew),
	)
	iatFuture := Derived(base, "wit-iat-future", "iat lies four minutes beyond the receiver's clock skew in the future (frozen: ${wit.iat} s; ${clockSkew} s skew)", claim("iat", relPolicy(240, "+clockSkew")),
		[]string{"WIT-NBF"}, []string{"Inference"}, reject("wit.not_yet_valid"))
	iatFuture.Result = ResultAcceptable
	iatFuture.Comment += ". RFC 7519 does not require rejecting a future iat and creds-02 does not define iat; the reference receiver treats it like nbf (tokens/wit/doc.go) and rejects it with wit.not_yet_valid"
	add([]string{"time"}, iatFuture)

	// cnf.jwk: a public key with a usable signature alg (creds-02 §5.1.2).
	add([]string{"cnf"},
		Derived(base, "wit-cnf-private-key", "cnf.jwk is the workload's private JWK (with d)",
			cnfJWK(map[string]any{"key": "workload", "private": true}), []string{"WIT-CNF"}, []string{"ModifiedParameter"}, reject("wit.cnf_key")),
		Derived(base, "wit-cnf-oct", "cnf.jwk is a symmetric kty oct key",
			claim("cnf", map[string]any{"jwk": map[string]any{"kty": "oct", "k": "c2VjcmV0LXNoYXJlZC13aXRoLXRoZS13b3JrbG9hZA", "alg": "HS256"}}),
			[]string{"WIT-CNF", "WIT-CNF-ALG"}, []string{"KeyConfusion"}, reject("wit.cnf_key")),
		Derived(base, "wit-cnf-alg-none", "cnf.jwk.alg is none and the WPT is unsigned",
			func(t *Template) {
				cnfJWK(map[string]any{"key": "workload", "alg": "none"})(t)
				t.WPT.Header["alg"], t.WPT.Alg = "none", "none"
			}, []string{"WIT-CNF-ALG"}, []string{"AuthBypass"}, reject("wit.cnf_alg")),
		Derived(base, "wit-cnf-alg-hs256", "cnf.jwk.alg is HS256 and the WPT is an HMAC keyed with the workload's public JWK",
			func(t *Template) {
				cnfJWK(map[string]any{"key": "workload", "alg": "HS256"})(t)
				t.WPT.Header["alg"], t.WPT.Alg = "HS256", "HS256"
			}, []string{"WIT-CNF-ALG"}, []string{"AuthBypass", "KeyConfusion"}, reject("wit.cnf_alg")),
		Derived(base, "wit-cnf-alg-rsa-oaep", "cnf.jwk is the RSA workload key with the encryption algorithm RSA-OAEP",
			func(t *Template) {
				cnfJWK(map[string]any{"key": "workload-rs256", "alg": "RSA-OAEP"})(t)
				t.WPT.Key, t.WPT.Header["alg"] = "workload-rs256", "RSA-OAEP"
			}, []string{"WIT-CNF-ALG"}, []string{"KeyConfusion"}, reject("wit.cnf_alg")),
		Derived(base, "wit-cnf-alg-es384-p256", "cnf.jwk is a P-256 key labelled ES384, and the WPT is signed ES384 with it",
			func(t *Template) {
				cnfJWK(map[string]any{"key": "workload", "alg": "ES384"})(t)
				t.WPT.Header["alg"], t.WPT.Alg = "ES384", "ES384"
			}, []string{"WIT-CNF-ALG"}, []string{"KeyConfusion"}, reject("wit.cnf_alg")),
	)

	// sub: a valid Workload Identifier in a trusted trust domain
	// (identifier-03, creds-02 §5.1.3).
	sub := func(id, value, change string, reqs []string, flags []string, reason string) Vector {
		return Derived(base, id, change, claim("sub", value), append([]string{"WIT-SUB"}, reqs...), flags, reject(reason))
	}
	add([]string{"sub"},
		sub("wit-sub-percent-encoded", "wimse://"+TrustDomain+"/workload/%63lient", "sub percent-encodes a c of client (%63lient)",
			[]string{"ID-NO-REPAIR"}, []string{"Canonicalization"}, "wit.sub_invalid"),
		sub("wit-sub-percent-payment", "wimse://"+TrustDomain+"/service/%70ayment", "sub is the identifier-03 attack example service/%70ayment",
			[]string{"ID-NO-REPAIR"}, []string{"Canonicalization"}, "wit.sub_invalid"),
		sub("wit-sub-dot-segments", "wimse://"+TrustDomain+"/workload/../workload/client", "sub has a .. segment that would normalise to the baseline subject",
			[]string{"ID-WIMSE-PATH"}, []string{"Canonicalization"}, "wit.sub_invalid"),
		sub("wit-sub-port", "wimse://"+TrustDomain+":8443/workload/client", "sub has a port", []string{"ID-NO-USERINFO-PORT"}, []string{"ModifiedParameter"}, "wit.sub_invalid"),
		sub("wit-sub-userinfo", "wimse://admin@"+TrustDomain+"/workload/client", "sub has userinfo", []string{"ID-NO-USERINFO-PORT"}, []string{"ModifiedParameter"}, "wit.sub_invalid"),
		sub("wit-sub-upper-case-trust-domain", "wimse://Example.Org/workload/client", "sub spells the trust domain in upper case",
			[]string{"ID-WIMSE-TD"}, []string{"Canonicalization"}, "wit.sub_invalid"),
		sub("wit-sub-upper-case-scheme", "WIMSE://"+TrustDomain+"/workload/client", "sub spells the scheme in upper case",
			[]string{"ID-WIMSE-SCHEME"}, []string{"Canonicalization"}, "wit.sub_invalid"),
		sub("wit-sub-trailing-slash", Subject+"/", "sub ends in a slash", []string{"ID-WIMSE-PATH"}, []string{"Canonicalization"}, "wit.sub_invalid"),
		sub("wit-sub-trailing-dot", "wimse://"+TrustDomain+"./workload/client", "the trust domain of sub ends in a dot", []string{"ID-WIMSE-TD"}, []string{"Canonicalization"}, "wit.sub_invalid"),
		sub("wit-sub-query", Subject+"?role=admin", "sub has a query", []string{"ID-NO-QUERY-FRAGMENT"}, []string{"ModifiedParameter"}, "wit.sub_invalid"),
		sub("wit-sub-fragment", Subject+"#admin", "sub has a fragment", []string{"ID-NO-QUERY-FRAGMENT"}, []string{"ModifiedParameter"}, "wit.sub_invalid"),
		sub("wit-sub-empty-authority", "wimse:///workload/client", "sub has an empty authority", []string{"ID-AUTHORITY"}, []string{"Malformed"}, "wit.sub_invalid"),
		sub("wit-sub-no-path", "wimse://"+TrustDomain, "sub is a bare trust domain without a path (wimse needs at least one segment)", []string{"ID-WIMSE-PATH"}, []string{"Malformed"}, "wit.sub_invalid"),
		sub("wit-sub-https", "https://"+TrustDomain+"/workload/client", "sub uses the https scheme, which the receiver is not configured for", []string{"ID-SCHEME-KNOWN"}, []string{"ModifiedParameter"}, "wit.sub_invalid"),
		sub("wit-sub-empty", "", "sub is the empty string", []string{"ID-ABSOLUTE"}, []string{"Malformed"}, "wit.sub_invalid"),
		wptAcceptable(sub("wit-sub-2049-octets", witLongSub(2049), "sub is a well-formed identifier of 2049 octets, one above the 2048 that must be handled",
			[]string{"ID-LIMIT"}, []string{"LengthLimit"}, "wit.sub_invalid"),
			"identifier-03 says longer identifiers SHOULD NOT be issued and parsers reject identifiers beyond their own internal limit, which the drafts do not fix: the reference receiver's is 2048 octets (the SPIFFE-ID maximum), so it rejects; a receiver with a larger limit may accept"),
		sub("wit-sub-untrusted-trust-domain", "wimse://"+UntrustedTrustDomain+"/workload/client", "sub is in the trust domain "+UntrustedTrustDomain+", which the receiver does not trust (the WIT is still signed by a key trusted for example.org)",
			[]string{"WIT-TRUST-DOMAIN"}, []string{"AuthBypass"}, "wit.trust_domain"),
		valid(base, "wit-sub-2048-octets", "sub is an identifier of exactly 2048 octets, which implementations must handle; the WIT stays below ${maxTokenSize} bytes",
			claim("sub", witLongSub(2048)), []string{"WIT-SUB", "ID-2048"}, []string{"EdgeCase"}),
	)

	// iss allow-list (creds-02 §5.1.2).
	issPolicy := DefaultPolicy()
	issPolicy.Issuers = []string{"https://issuer.example.org"}
	issOK := needPolicy(valid(base, "wit-iss-allowed", "the policy allow-lists the issuer https://issuer.example.org and the WIT's iss is that issuer",
		func(*Template) {}, []string{"WIT-ISS-ALLOWLIST"}, []string{"Policy"}), NeedIssuers)
	issOK.Policy = issPolicy
	add([]string{"iss"},
		issOK,
		Derived(issOK, "wit-iss-not-allowed", "iss is https://issuer.example.net, not on the allow-list", claim("iss", "https://issuer.example.net"),
			[]string{"WIT-ISS-ALLOWLIST"}, []string{"Policy"}, reject("wit.issuer")),
		Derived(issOK, "wit-iss-absent-allowlist", "iss is removed while the policy has an issuer allow-list", claim("iss", nil),
			[]string{"WIT-ISS-ALLOWLIST"}, []string{"Policy", "MissingClaim"}, reject("wit.issuer")),
	)

	// The Workload-Identity-Token field (creds-02 §5.1.1) and the WIT as a
	// bearer token (creds-02 §5.1).
	fields := func(fs ...[2]string) func(*Template) {
		return func(t *Template) { t.Request.Fields = fs }
	}
	ct := [2]string{"Content-Type", "application/json"}
	proof := [2]string{"{{proof}}", ""}
	witField := [2]string{"Workload-Identity-Token", "{{wit}}"}
	noProof := Expect{Verdict: "reject", Reason: "wpt.missing", Signal: map[string]Signal{
		"wpt-01": {Status: 401, WWWAuthenticate: "WPT"}, "wpt-02": {Status: 401, WWWAuthenticate: "WPT"}}}
	const noProofNote = ". Rejection is required (a WIT is never accepted without proof of possession); the signalling is an inference: a request with no proof shows no carriage, and the reference receiver (profiles/httpwpt/doc.go) answers 401 with WWW-Authenticate: WPT whenever it accepts wpt-02, whichever draft the vector is played under"
	add([]string{"carriage"},
		valid(base, "wit-field-lower-case", "the field name is spelled workload-identity-token (field names are case-insensitive)",
			fields(ct, [2]string{"workload-identity-token", "{{wit}}"}, proof), []string{"WIT-ONE-FIELD"}, []string{"EdgeCase"}),
		Derived(base, "wit-field-twice", "the Workload-Identity-Token field line is sent twice with the same WIT; combined (RFC 9110 §5.3) the value is no longer one JWT",
			fields(ct, witField, witField, proof), []string{"WIT-ONE-FIELD"}, []string{"Malformed"}, reject("wit.multiple")),
		Derived(base, "wit-field-comma-joined", "the Workload-Identity-Token value is the WIT twice, joined by a comma",
			fields(ct, [2]string{"Workload-Identity-Token", "{{wit}}, {{wit}}"}, proof), []string{"WIT-ONE-FIELD", "WIT-SYNTAX"}, []string{"Malformed"}, reject("wit.multiple")),
		Derived(base, "wit-field-missing", "the Workload-Identity-Token field is removed; the WPT (whose wth still hashes the WIT) is sent",
			fields(ct, proof), []string{"WIT-ONE-FIELD", "WPT-WIT-FIRST"}, []string{"AuthBypass"}, reject("wit.missing")),
	)
	bare := Derived(base, "wit-without-proof", "the WIT is sent without any WPT: the proof field line is removed",
		fields(ct, witField), []string{"WIT-NOT-BEARER"}, []string{"AuthBypass", "Inference"}, noProof)
	bare.Comment += noProofNote
	asBearer := Derived(base, "wit-as-bearer", "the WIT is sent as Authorization: Bearer and nothing else",
		fields(ct, [2]string{"Authorization", "Bearer {{wit}}"}), []string{"WIT-NOT-BEARER"}, []string{"AuthBypass", "Inference"}, noProof)
	asBearer.Comment += noProofNote
	add([]string{"carriage"}, bare, asBearer)

	out = append(out, witTrustDomainVectors(base)...)
	out = append(out, witKeyCheckVectors(out)...)
	return witThroughProofs(out)
}
