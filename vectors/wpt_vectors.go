package vectors

import (
	"slices"
	"strings"
)

// wptNotes explains the flags only this catalogue uses.
var wptNotes = map[string]Note{}

// Values the WPT catalogue binds through ath, tth and oth.
const (
	// wptAccessToken is the access token of the wpt-01 §3 example.
	wptAccessToken = "16_mAd0GiwaZokU26_0902100"
	// wptTxnToken stands for a Txn-Token; the receiver only hashes it.
	wptTxnToken = "eyJhbGciOiJFUzI1NiIsInR5cCI6InR4bitqd3QifQ.eyJ0eG4iOiI5N2YyYzFlMCJ9.c2lnbmF0dXJl"
	// wptOtherField and wptOtherToken are the context token oth binds.
	wptOtherField = "X-Custom-Token"
	wptOtherToken = "some-example-other-token"
	// wptEvilHost is an authority the receiver does not own.
	wptEvilHost = "evil.example"
)

// wptVectors is the WPT catalogue.
func wptVectors() []Vector {
	base := RequestVector("wpt-valid-es256", "a valid ES256 WPT with a valid WIT", BaseTemplate(), Both,
		[]string{"WPT-SIGNATURE", "WPT-TYP", "WPT-AUD", "WPT-WTH"}, []string{"Baseline"}, Accept(Both))
	base.Labels = []string{"baseline"}
	var out []Vector
	out = append(out, base)
	out = append(out, wptAlgVectors(base)...)
	out = append(out, wptAlgKeyVectors(out)...)
	out = append(out, wptHeaderVectors(base)...)
	out = append(out, wptEncodingVectors(base)...)
	out = append(out, wptClaimVectors(base)...)
	out = append(out, wptAudVectors(base)...)
	out = append(out, wptTimeVectors(base)...)
	out = append(out, wptBindingVectors(base)...)
	out = append(out, wptTxnVectors(base)...)
	out = append(out, wptOtherVectors(base)...)
	out = append(out, wptCarriage02Vectors()...)
	out = append(out, wptCarriage01Vectors()...)
	out = append(out, wptAuthzVectors(out)...)
	out = append(out, wptMixedVectors(base)...)
	out = append(out, wptKeyCheckVectors(out)...)
	return out
}

// --- helpers ---------------------------------------------------------------

// wptLabel sets the labels of every vector of vs.
func wptLabel(vs []Vector, labels ...string) []Vector {
	for i := range vs {
		vs[i].Labels = append([]string(nil), labels...)
	}
	return vs
}

// wptAcceptable marks a vector whose case the drafts leave open: runners
// accept either verdict, Expect stays the reference implementation's choice.
func wptAcceptable(v Vector, why string) Vector {
	v.Result = ResultAcceptable
	v.Comment += "; " + why
	for _, f := range v.Flags {
		if f == "Inference" {
			return v
		}
	}
	v.Flags = append(v.Flags, "Inference")
	return v
}

// wptSetHeader sets (or, with nil, removes) a WPT header parameter.
func wptSetHeader(name string, value any) func(*Template) {
	return func(t *Template) {
		if value == nil {
			delete(t.WPT.Header, name)
		} else {
			t.WPT.Header[name] = value
		}
	}
}

// wptSetClaim sets (or, with nil, removes) a WPT claim.
func wptSetClaim(name string, value any) func(*Template) {
	return func(t *Template) {
		if value == nil {
			delete(t.WPT.Claims, name)
		} else {
			t.WPT.Claims[name] = value
		}
	}
}

// wptFields returns the fields of BaseRequest with the proof line replaced
// by the given field lines (written out, not {{proof}}).
func wptFields(extra ...[2]string) [][2]string {
	f := [][2]string{
		{"Content-Type", "application/json"},
		{"Workload-Identity-Token", "{{wit}}"},
	}
	return append(f, extra...)
}

// wptAddField appends a field line to the request.
func wptAddField(name, value string) func(*Template) {
	return func(t *Template) { t.Request.Fields = append(t.Request.Fields, [2]string{name, value}) }
}

// wptRemoveField removes every field line with the given name.
func wptRemoveField(name string) func(*Template) {
	return func(t *Template) {
		var keep [][2]string
		for _, f := range t.Request.Fields {
			if !strings.EqualFold(f[0], name) {
				keep = append(keep, f)
			}
		}
		t.Request.Fields = keep
	}
}

// wptAll chains mutations.
func wptAll(ms ...func(*Template)) func(*Template) {
	return func(t *Template) {
		for _, m := range ms {
			m(t)
		}
	}
}

// --- alg and signature (V3, V4) -------------------------------------------

func wptAlgVectors(base Vector) []Vector {
	keyed := func(suffix, key, alg string) Vector {
		t := BaseTemplate()
		t.WIT.Claims["cnf"] = map[string]any{"jwk": map[string]any{"$jwk": key}}
		t.WPT.Header["alg"] = alg
		t.WPT.Key = key
		return RequestVector("wpt-valid-"+suffix, "a valid "+alg+" WPT; the WIT's cnf.jwk is the "+key+" key with alg "+alg, t, Both,
			[]string{"WPT-ALG-EQ", "WPT-SIGNATURE"}, []string{"Baseline"}, Accept(Both))
	}
	es384 := keyed("es384", "workload-es384", "ES384")
	es512 := keyed("es512", "workload-es512", "ES512")
	eddsa := keyed("eddsa", "workload-eddsa", "EdDSA")
	ed25519 := keyed("ed25519", "workload-ed25519", "Ed25519")
	rs256 := keyed("rs256", "workload-rs256", "RS256")
	ps256 := keyed("ps256", "workload-ps256", "PS256")
	algReqs := []string{"WPT-ALG-EQ"}
	vs := []Vector{
		es384, es512, eddsa, ed25519, rs256, ps256,
		Derived(base, "wpt-alg-none", "the header says alg none while the token is still signed with the cnf key",
			wptAll(wptSetHeader("alg", "none"), func(t *Template) { t.WPT.Alg = "ES256" }),
			algReqs, []string{"AuthBypass"}, RejectCredential("wpt.alg", Both)),
		Derived(base, "wpt-alg-none-unsigned", "an unsecured WPT: alg none and an empty signature segment (the JWT ABNF needs 1*base64url in every segment)",
			wptAll(wptSetHeader("alg", "none"), func(t *Template) { t.WPT.Alg = "none" }),
			[]string{"WPT-ALG-EQ", "WPT-SYNTAX"}, []string{"AuthBypass"}, RejectCredential("wpt.malformed", Both)),
		Derived(base, "wpt-alg-hs256-public-key", "alg HS256, the HMAC keyed with the JSON of the WIT's cnf public key (algorithm confusion)",
			wptAll(wptSetHeader("alg", "HS256"), func(t *Template) { t.WPT.Alg = "HS256" }),
			algReqs, []string{"AuthBypass"}, RejectCredential("wpt.alg", Both)),
		Derived(base, "wpt-alg-missing", "the header has no alg (the token is signed with ES256)",
			wptAll(wptSetHeader("alg", nil), func(t *Template) { t.WPT.Alg = "ES256" }),
			algReqs, []string{"ModifiedParameter"}, RejectCredential("wpt.alg", Both)),
		Derived(base, "wpt-alg-lower-case", "alg es256 in lower case: not string-equal to cnf.jwk.alg ES256 (the token is signed with ES256)",
			wptAll(wptSetHeader("alg", "es256"), func(t *Template) { t.WPT.Alg = "ES256" }),
			algReqs, []string{"ModifiedParameter"}, RejectCredential("wpt.alg", Both)),
		Derived(base, "wpt-alg-es256-cnf-eddsa", "the WPT is ES256, signed with the workload ES256 key, but the WIT's cnf.jwk is the workload-eddsa key with alg EdDSA",
			func(t *Template) {
				t.WIT.Claims["cnf"] = map[string]any{"jwk": map[string]any{"$jwk": "workload-eddsa"}}
			},
			[]string{"WPT-ALG-EQ", "WPT-SIGNATURE"}, []string{"ModifiedParameter"}, RejectCredential("wpt.alg_mismatch", Both)),
		Derived(eddsa, "wpt-alg-ed25519-cnf-eddsa", "cnf.jwk.alg is EdDSA; the WPT header says Ed25519 and is signed by that very key, so the signature verifies but the names differ",
			wptAll(wptSetHeader("alg", "Ed25519"), func(t *Template) { t.WPT.Alg = "Ed25519" }),
			algReqs, []string{"ModifiedParameter"}, RejectCredential("wpt.alg_mismatch", Both)),
		Derived(ed25519, "wpt-alg-eddsa-cnf-ed25519", "cnf.jwk.alg is Ed25519; the WPT header says EdDSA and is signed by that very key, so the signature verifies but the names differ",
			wptAll(wptSetHeader("alg", "EdDSA"), func(t *Template) { t.WPT.Alg = "EdDSA" }),
			algReqs, []string{"ModifiedParameter"}, RejectCredential("wpt.alg_mismatch", Both)),
		Derived(ps256, "wpt-alg-rs256-cnf-ps256", "cnf.jwk.alg is PS256; the WPT is RS256, signed by the same RSA key, so an RS256 check would verify",
			wptAll(wptSetHeader("alg", "RS256"), func(t *Template) { t.WPT.Alg = "RS256" }),
			algReqs, []string{"ModifiedParameter"}, RejectCredential("wpt.alg_mismatch", Both)),
		Derived(base, "wpt-signature-other-workload", "the WPT is signed by another workload's key, not the WIT's cnf key",
			func(t *Template) { t.WPT.Key = "other-workload" },
			[]string{"WPT-SIGNATURE"}, []string{"AuthBypass"}, RejectCredential("wpt.signature", Both)),
		Derived(base, "wpt-signature-cnf-other-workload", "the WIT binds another workload's key (cnf.jwk) while the WPT is signed with the workload key",
			func(t *Template) {
				t.WIT.Claims["cnf"] = map[string]any{"jwk": map[string]any{"$jwk": "other-workload"}}
			},
			[]string{"WPT-SIGNATURE"}, []string{"AuthBypass"}, RejectCredential("wpt.signature", Both)),
		Derived(base, "wpt-signature-issuer-key", "the WPT is signed with the WIT issuer's (trusted) ES256 key instead of the cnf key",
			func(t *Template) { t.WPT.Key = "issuer" },
			[]string{"WPT-SIGNATURE"}, []string{"AuthBypass"}, RejectCredential("wpt.signature", Both)),
	}
	return wptLabel(vs, "alg")
}

// --- JOSE header: typ, crit, key references (V5) --------------------------

func wptHeaderVectors(base Vector) []Vector {
	typ := func(id, value, change string, flags []string, e Expect) Vector {
		var v any = value
		if value == "" {
			v = nil
		}
		return Derived(base, id, change, wptSetHeader("typ", v), []string{"WPT-TYP"}, flags, e)
	}
	mediaType := typ("wpt-typ-media-type", "application/wpt+jwt", "typ is the full media type application/wpt+jwt", []string{"EdgeCase"}, Accept(Both))
	mediaType.Mutation = nil
	upper := typ("wpt-typ-upper-case", "WPT+JWT", "typ WPT+JWT: media types compare case-insensitively (RFC 7515 §4.1.9, RFC 2045)", []string{"EdgeCase"}, Accept(Both))
	upper.Mutation = nil
	kid := Derived(base, "wpt-header-kid-ignored", "the header carries a kid; the WPT key comes from the WIT, so kid is ignored",
		wptSetHeader("kid", "workload-key-1"), []string{"WPT-SIGNATURE"}, []string{"EdgeCase"}, Accept(Both))
	kid.Mutation = nil
	otherSigned := func(t *Template) { t.WPT.Key = "other-workload" }
	typs := wptLabel([]Vector{
		mediaType, upper,
		typ("wpt-typ-missing", "", "the header has no typ", []string{"ModifiedParameter"}, RejectCredential("wpt.typ", Both)),
		typ("wpt-typ-jwt", "JWT", "typ is the generic JWT", []string{"ModifiedParameter"}, RejectCredential("wpt.typ", Both)),
		typ("wpt-typ-wit", "wit+jwt", "typ is wit+jwt: a WIT-typed token offered as a proof (cross-token confusion)", []string{"ModifiedParameter"}, RejectCredential("wpt.typ", Both)),
		typ("wpt-typ-dpop", "dpop+jwt", "typ is dpop+jwt: a DPoP proof offered as a WPT", []string{"ModifiedParameter"}, RejectCredential("wpt.typ", Both)),
		needPolicy(typ("wpt-typ-legacy-wimse-proof", "wimse-proof+jwt", "typ is wimse-proof+jwt of draft-ietf-wimse-s2s-protocol-06 and earlier, not accepted by a wpt-01/wpt-02 receiver", []string{"Legacy"}, RejectCredential("wpt.typ", Both)), NeedLegacyTyp),
	}, "typ")
	hdr := wptLabel([]Vector{
		kid,
		Derived(base, "wpt-header-crit", "the header has crit [\"x-ext\"] with x-ext true, an extension the receiver does not understand",
			wptAll(wptSetHeader("crit", []any{"x-ext"}), wptSetHeader("x-ext", true)),
			[]string{"WPT-SIGNATURE", "JOSE-CRIT"}, []string{"ModifiedParameter"}, RejectCredential("wpt.crit", Both)),
		Derived(base, "wpt-header-jwk-other-workload", "the header embeds another workload's public key (jwk) and the WPT is signed with it",
			wptAll(wptSetHeader("jwk", map[string]any{"$jwk": "other-workload"}), otherSigned),
			[]string{"WPT-SIGNATURE", "WIT-HEADER-KEYS"}, []string{"AuthBypass"}, RejectCredential("wpt.header_key", Both)),
		Derived(base, "wpt-header-jku", "the header names a key set URL (jku) on an attacker host and the WPT is signed with another workload's key",
			wptAll(wptSetHeader("jku", "https://"+wptEvilHost+"/jwks.json"), otherSigned),
			[]string{"WPT-SIGNATURE", "WIT-HEADER-KEYS"}, []string{"AuthBypass"}, RejectCredential("wpt.header_key", Both)),
		Derived(base, "wpt-header-x5u", "the header names a certificate URL (x5u) on an attacker host and the WPT is signed with another workload's key",
			wptAll(wptSetHeader("x5u", "https://"+wptEvilHost+"/cert.pem"), otherSigned),
			[]string{"WPT-SIGNATURE", "WIT-HEADER-KEYS"}, []string{"AuthBypass"}, RejectCredential("wpt.header_key", Both)),
	}, "header")
	return append(typs, hdr...)
}

// --- compact serialization and JSON (V2) ----------------------------------

func wptEncodingVectors(base Vector) []Vector {
	enc := func(id, how, change, reason string) Vector {
		return Derived(base, id, change, func(t *Template) { t.WPT.Encoding = how },
			[]string{"WPT-SYNTAX"}, []string{"Malformed"}, RejectCredential(reason, Both))
	}
	dupClaims := `{"aud":"{{aud}}","exp":{{rel:60}},"jti":"{{jti}}","wth":"{{hash:wit}}","aud":"{{aud-host:` + wptEvilHost + `}}"}`
	vs := []Vector{
		// The truncated signature is still base64url, so the JWS parses and
		// the signature fails.
		enc("wpt-encoding-truncated", "truncate", "the last 10 characters of the signature are cut off", "wpt.signature"),
		enc("wpt-encoding-extra-segment", "extra-segment", "a fourth segment (.e30) is appended", "wpt.malformed"),
		enc("wpt-encoding-two-segments", "two-segments", "the signature segment is dropped (header.payload only)", "wpt.malformed"),
		enc("wpt-encoding-padded", "pad", "base64 padding == is appended (token68 allows it, the JWT ABNF does not)", "wpt.malformed"),
		enc("wpt-encoding-whitespace", "whitespace", "a space is inserted after the first dot", "wpt.malformed"),
		enc("wpt-encoding-plus-slash", "plus-slash", "base64 (+ and /) instead of base64url (- and _) in every segment", "wpt.malformed"),
		needPolicy(Derived(base, "wpt-oversized", "the claims are padded so the WPT exceeds the receiver's maximum token size by more than 800 bytes (frozen: ${maxTokenSize})",
			func(t *Template) { t.WPT.OverLimit = 808 },
			[]string{"WPT-SYNTAX"}, []string{"Policy"}, RejectCredential("wpt.oversized", Both)), NeedMaxTokenSize),
		Derived(base, "wpt-duplicate-claim", "the claims repeat aud, the second naming an attacker host",
			func(t *Template) { t.WPT.ClaimsRaw = dupClaims },
			[]string{"WPT-SYNTAX", "JOSE-DUPLICATE"}, []string{"Malformed"}, RejectCredential("wpt.duplicate_member", Both)),
		Derived(base, "wpt-duplicate-header-member", "the header repeats typ (wpt+jwt, then wit+jwt)",
			func(t *Template) { t.WPT.HeaderRaw = `{"alg":"ES256","typ":"wpt+jwt","typ":"wit+jwt"}` },
			[]string{"WPT-SYNTAX", "JOSE-DUPLICATE"}, []string{"Malformed"}, RejectCredential("wpt.duplicate_member", Both)),
		Derived(base, "wpt-header-not-json", "the header segment is base64url of text that is not JSON",
			func(t *Template) { t.WPT.HeaderRaw = `alg=ES256;typ=wpt+jwt` },
			[]string{"WPT-SYNTAX"}, []string{"Malformed"}, RejectCredential("wpt.malformed", Both)),
		Derived(base, "wpt-claims-array", "the claims segment is a JSON array, not an object",
			func(t *Template) { t.WPT.ClaimsRaw = `["{{aud}}",{{rel:60}},"{{jti}}","{{hash:wit}}"]` },
			[]string{"WPT-SYNTAX"}, []string{"Malformed"}, RejectCredential("wpt.malformed", Both)),
	}
	return wptLabel(vs, "encoding")
}

// --- claim presence and types ---------------------------------------------

func wptClaimVectors(base Vector) []Vector {
	missing := func(claim, req, reason string) Vector {
		return Derived(base, "wpt-"+claim+"-missing", "the WPT has no "+claim+" claim", wptSetClaim(claim, nil),
			[]string{req}, []string{"ModifiedParameter"}, RejectCredential(reason, Both))
	}
	unknown := Derived(base, "wpt-unknown-claim-ignored", "an extra claim the receiver does not understand (example.com/trace-id) is ignored",
		wptSetClaim("example.com/trace-id", "4bf92f3577b34da6"), []string{"WPT-UNKNOWN-CLAIMS"}, []string{"EdgeCase"}, Accept(Both))
	unknown.Mutation = nil
	issSub := Derived(base, "wpt-legacy-iss-sub-ignored", "iss and sub claims (required up to s2s-02, removed since s2s-03) naming another workload are ignored",
		wptAll(wptSetClaim("iss", "wimse://example.org/workload/someone-else"), wptSetClaim("sub", "wimse://example.org/workload/someone-else")),
		[]string{"WPT-UNKNOWN-CLAIMS"}, []string{"EdgeCase", "Legacy"}, Accept(Both))
	issSub.Mutation = nil
	fractional := Derived(base, "wpt-exp-fractional", "exp is a fractional NumericDate (RFC 7519 §2 allows non-integer values)",
		func(t *Template) {
			t.WPT.ClaimsRaw = `{"aud":"{{aud}}","exp":{{rel:60}}.5,"jti":"{{jti}}","wth":"{{hash:wit}}"}`
		}, []string{"WPT-EXP"}, []string{"EdgeCase"}, Accept(Both))
	fractional.Mutation = nil
	audArray := wptAcceptable(Derived(base, "wpt-aud-array", "aud is a one-element array holding the correct target URI",
		wptSetClaim("aud", []any{"{{aud}}"}), []string{"WPT-AUD"}, []string{"Inference"}, RejectCredential("wpt.claim_type", Both)),
		"RFC 7519 §4.1.3 allows an array, but the WPT drafts define aud as the target URI string; the reference implementation rejects the array as a type error")
	vs := []Vector{
		missing("aud", "WPT-AUD", "wpt.aud_missing"),
		missing("exp", "WPT-EXP", "wpt.exp_missing"),
		missing("jti", "WPT-JTI", "wpt.jti_missing"),
		missing("wth", "WPT-WTH", "wpt.wth_missing"),
		audArray,
		Derived(base, "wpt-exp-string", "exp is a decimal string, not a NumericDate",
			wptSetClaim("exp", "{{rel:60}}"), []string{"WPT-EXP"}, []string{"ModifiedParameter"}, RejectCredential("wpt.claim_type", Both)),
		Derived(base, "wpt-jti-number", "jti is a number, not a string",
			wptSetClaim("jti", 123456789), []string{"WPT-JTI"}, []string{"ModifiedParameter"}, RejectCredential("wpt.claim_type", Both)),
		Derived(base, "wpt-wth-number", "wth is a number, not a string",
			wptSetClaim("wth", 0), []string{"WPT-WTH"}, []string{"ModifiedParameter"}, RejectCredential("wpt.claim_type", Both)),
		unknown, issSub, fractional,
	}
	return wptLabel(vs, "claims")
}

// --- aud (V6) and the receiver's own authority (§3.1.7) --------------------

func wptAudVectors(base Vector) []Vector {
	aud := func(id, value, change string, flags []string) Vector {
		return Derived(base, id, change, wptSetClaim("aud", value), []string{"WPT-AUD"}, flags, RejectCredential("wpt.aud_mismatch", Both))
	}
	// Alias and normalisation: the drafts let the receiver accept "an
	// acceptable alias or normalization" of its target URI without saying
	// which; the reference receiver compares byte for byte with its
	// configured audience.
	alias := func(id, value, change string) Vector {
		return wptAcceptable(aud(id, value, change, []string{"Canonicalization", "Inference"}),
			"the drafts allow an acceptable alias or normalization of the target URI without defining one; the reference implementation compares exactly")
	}
	// The foreign audiences differ from the right one in the origin alone
	// (origin.go): same scheme and mapped path as the target's.
	evil := "{{aud-host:" + wptEvilHost + "}}"
	hostFields := wptAll(wptAddField("Host", wptEvilHost), wptAddField("X-Forwarded-Host", wptEvilHost))
	hostIgnored := Derived(base, "wpt-aud-host-ignored", "Host and X-Forwarded-Host name "+wptEvilHost+" while aud is the configured target URI: the receiver ignores both fields",
		hostFields, []string{"WPT-AUD", "WPT-AUD-CONFIG"}, []string{"EdgeCase"}, Accept(Both))
	hostIgnored.Mutation = nil
	query := Derived(base, "wpt-aud-request-query", "the request target has a query (/path?x=1); aud is the target URI without it",
		func(t *Template) { t.Request.Path = "/path?x=1" }, []string{"WPT-AUD"}, []string{"EdgeCase"}, Accept(Both))
	query.Mutation = nil
	vs := []Vector{
		hostIgnored, query,
		aud("wpt-aud-other-host", "{{aud-host:other.example.com}}", "aud names another host (other.example.com, with the target's scheme and path)", []string{"ModifiedParameter"}),
		aud("wpt-aud-other-path", "{{base}}/other", "aud names another path of the receiver", []string{"ModifiedParameter"}),
		aud("wpt-aud-base-only", "{{base}}", "aud is the receiver's base URL without the request path (a proof valid for every endpoint)", []string{"ModifiedParameter"}),
		aud("wpt-aud-empty", "", "aud is the empty string", []string{"ModifiedParameter"}),
		aud("wpt-aud-with-query", "{{aud}}?x=1", "aud carries a query (?x=1); the request has none", []string{"ModifiedParameter"}),
		Derived(query, "wpt-aud-includes-request-query", "aud is the target URI including the request's query ?x=1 (aud excludes query and fragment)",
			wptSetClaim("aud", "{{aud}}?x=1"), []string{"WPT-AUD"}, []string{"ModifiedParameter"}, RejectCredential("wpt.aud_mismatch", Both)),
		aud("wpt-aud-with-fragment", "{{aud}}#frag", "aud carries a fragment (#frag)", []string{"ModifiedParameter"}),
		aud("wpt-aud-http-scheme", "{{aud-other-scheme}}", "aud uses the other scheme, http for an https target (https for an http one): another origin", []string{"ModifiedParameter"}),
		alias("wpt-aud-trailing-slash", "{{aud}}/", "aud has a trailing slash after the path"),
		alias("wpt-aud-upper-case-host", "{{aud-upper-host}}", "aud spells the host in upper case"),
		alias("wpt-aud-default-port", "{{aud-default-port}}", "aud adds the scheme's default port (:443 for https)"),
		Derived(base, "wpt-aud-forwarded-host", "X-Forwarded-Host names "+wptEvilHost+" and aud is the target URI with that authority (https://"+wptEvilHost+"/path in frozen mode): a receiver deriving its audience from X-Forwarded-Host accepts",
			wptAll(wptAddField("X-Forwarded-Host", wptEvilHost), wptSetClaim("aud", evil)),
			[]string{"WPT-AUD", "WPT-AUD-CONFIG"}, []string{"AuthBypass"}, RejectCredential("wpt.aud_mismatch", Both)),
		Derived(hostIgnored, "wpt-aud-host-evil", "Host and X-Forwarded-Host name "+wptEvilHost+" and aud is the target URI with that authority, the target's scheme and path kept (https://"+wptEvilHost+"/path in frozen mode): a receiver deriving its audience from Host accepts",
			wptSetClaim("aud", evil), []string{"WPT-AUD", "WPT-AUD-CONFIG"}, []string{"AuthBypass"}, RejectCredential("wpt.aud_mismatch", Both)),
	}
	return wptLabel(vs, "aud")
}

// --- exp, nbf, iat (V7) ----------------------------------------------------

func wptTimeVectors(base Vector) []Vector {
	rel := func(n int) any { return map[string]any{"$rel": n} }
	valid := func(id, change string, m func(*Template), reqs []string) Vector {
		v := Derived(base, id, change, m, reqs, []string{"EdgeCase"}, Accept(Both))
		v.Mutation = nil
		return v
	}
	iatFuture := wptAcceptable(Derived(base, "wpt-iat-future", "iat lies a minute beyond the receiver's clock skew in the future (frozen: ${wpt.iat} s; ${clockSkew} s skew)",
		wptSetClaim("iat", relPolicy(60, "+clockSkew")), []string{"WPT-EXP"}, []string{"Inference"}, RejectCredential("wpt.not_yet_valid", Both)),
		"iat is not defined for WPTs and RFC 7519 does not forbid a future iat; the reference implementation rejects a proof issued in the future")
	vs := []Vector{
		needPolicy(valid("wpt-exp-within-skew", "exp passed the receiver's clock skew minus ${wpt.exp.rel} s ago (frozen: ${wpt.exp} s; ${clockSkew} s skew): just within the skew", wptSetClaim("exp", relPolicy(10, "-clockSkew")), []string{"WPT-EXP"}), NeedClockSkew),
		needPolicy(valid("wpt-exp-max-lifetime", "exp lies the receiver's maximum WPT lifetime minus ${wpt.exp.rel} s ahead (frozen: ${wpt.exp} s; ${maxWptLifetime} s maximum): just within it", wptSetClaim("exp", relPolicy(-10, "+maxWptLifetime")), []string{"WPT-EXP", "WPT-EXP-FAR"}), NeedMaxWPTLifetime),
		valid("wpt-iat-present", "an iat 30 s in the past is an ordinary claim and accepted", wptSetClaim("iat", rel(-30)), []string{"WPT-UNKNOWN-CLAIMS"}),
		Derived(base, "wpt-exp-expired", "exp passed a minute beyond the receiver's clock skew (frozen: ${wpt.exp} s ago; ${clockSkew} s skew)", wptSetClaim("exp", relPolicy(-60, "-clockSkew")),
			[]string{"WPT-EXP"}, []string{"ModifiedParameter"}, RejectCredential("wpt.expired", Both)),
		needPolicy(Derived(base, "wpt-exp-far-future", "exp lies a minute beyond the receiver's maximum WPT lifetime plus its clock skew (frozen: ${wpt.exp} s ahead; ${maxWptLifetime} s maximum, ${clockSkew} s skew)", wptSetClaim("exp", relPolicy(60, "+maxWptLifetime", "+clockSkew")),
			[]string{"WPT-EXP-FAR"}, []string{"Policy"}, RejectCredential("wpt.exp_too_far", Both)), NeedMaxWPTLifetime),
		Derived(base, "wpt-nbf-future", "nbf lies a minute beyond the receiver's clock skew in the future (frozen: ${wpt.nbf} s; ${clockSkew} s skew)", wptSetClaim("nbf", relPolicy(60, "+clockSkew")),
			[]string{"WIT-NBF"}, []string{"ModifiedParameter"}, RejectCredential("wpt.not_yet_valid", Both)),
		iatFuture,
	}
	return wptLabel(vs, "time")
}

// --- wth, the WIT first, replay (V0, V8, V9) -------------------------------

func wptBindingVectors(base Vector) []Vector {
	wth := wptLabel([]Vector{
		Derived(base, "wpt-wth-other-wit", "wth is the hash of another string than the WIT sent",
			func(t *Template) { t.WPT.Claims["wth"] = "AaYUfC34D1di2FxQLpiIJJ7Sg8VZ6o8OCdwSf9IToLg" },
			[]string{"WPT-WTH"}, []string{"AuthBypass"}, RejectCredential("wpt.wth_mismatch", Both)),
		Derived(base, "wpt-wth-of-wpt-field", "wth is the hash of the string \"Workload-Identity-Token\" instead of the field value",
			wptSetClaim("wth", map[string]any{"$hash": "string:Workload-Identity-Token"}),
			[]string{"WPT-WTH"}, []string{"ModifiedParameter"}, RejectCredential("wpt.wth_mismatch", Both)),
	}, "wth")
	// The WIT is validated first: with no WIT, or a WIT and a WPT that are
	// both invalid, the WIT's failure is the answer. wpt-02 makes WIT
	// validation part of WPT validation, hence 401 with the WPT challenge
	// (creds-02 §5.2's 400 is the alternative).
	wit := wptLabel([]Vector{
		Derived(base, "wpt-wit-missing", "the request carries a valid WPT but no Workload-Identity-Token field",
			wptRemoveField("Workload-Identity-Token"),
			[]string{"WPT-WIT-FIRST", "WIT-NOT-BEARER"}, []string{"AuthBypass"}, RejectCredential("wit.missing", Both)),
		Derived(base, "wpt-wit-first-both-invalid", "the WIT is signed by an untrusted issuer (same kid) and the WPT by another workload: the WIT's failure comes first",
			func(t *Template) { t.WIT.Key = "other-issuer"; t.WPT.Key = "other-workload" },
			[]string{"WPT-WIT-FIRST", "WPT-SIGNATURE"}, []string{"AuthBypass"}, RejectCredential("wit.signature", Both)),
	}, "wit")
	replay := Derived(base, "wpt-replay", "the same request (same WPT, same jti) is sent twice; the second send is a replay",
		func(t *Template) { t.Sends = 2 },
		[]string{"WPT-REPLAY"}, []string{"Replay"}, RejectCredential("wpt.replayed", Both))
	replay.Labels = []string{"replay"}
	return append(append(wth, wit...), replay)
}

// --- tth (V10) --------------------------------------------------------------

func wptTxnVectors(base Vector) []Vector {
	t := BaseTemplate()
	t.Tokens = map[string]string{"txn": wptTxnToken}
	t.Request.Fields = append(t.Request.Fields, [2]string{"Txn-Token", "{{token:txn}}"})
	t.WPT.Claims["tth"] = map[string]any{"$hash": "token:txn"}
	txn := RequestVector("wpt-tth-valid", "the request carries a Txn-Token and tth is its hash", t, Both,
		[]string{"WPT-TTH"}, []string{"Baseline"}, Accept(Both))
	noTxn := wptAcceptable(Derived(base, "wpt-tth-without-txn-token", "tth is present although the request carries no Txn-Token",
		wptSetClaim("tth", map[string]any{"$hash": "string:" + wptTxnToken}), []string{"WPT-TTH"}, []string{"Inference"}, RejectCredential("wpt.tth_mismatch", Both)),
		"the drafts only require tth when a Txn-Token is present; the reference implementation rejects a proof bound to a token that is not there")
	vs := []Vector{
		txn,
		Derived(txn, "wpt-tth-missing", "the request carries a Txn-Token but the WPT has no tth", wptSetClaim("tth", nil),
			[]string{"WPT-TTH"}, []string{"ModifiedParameter"}, RejectCredential("wpt.tth_missing", Both)),
		Derived(txn, "wpt-tth-wrong", "tth is the hash of another Txn-Token", wptSetClaim("tth", map[string]any{"$hash": "string:another-txn-token"}),
			[]string{"WPT-TTH"}, []string{"ModifiedParameter"}, RejectCredential("wpt.tth_mismatch", Both)),
		noTxn,
		// tth binds one value, so a second Txn-Token field would be an
		// unbound context token.
		Derived(txn, "wpt-txn-token-twice", "a second Txn-Token field (another token) follows the bound one",
			wptAddField("Txn-Token", "another-txn-token"),
			[]string{"WPT-TTH"}, []string{"ModifiedParameter"}, RejectRequest("request.context_token_multiple", Both)),
	}
	return wptLabel(vs, "tth")
}

// --- oth (V11, V12) ---------------------------------------------------------

func wptOtherVectors(base Vector) []Vector {
	p := DefaultPolicy()
	p.ContextTokenFields = []string{wptOtherField}
	key := strings.ToLower(wptOtherField)
	t := BaseTemplate()
	t.Request.Fields = append(t.Request.Fields, [2]string{wptOtherField, wptOtherToken})
	t.WPT.Claims["oth"] = map[string]any{key: map[string]any{"$hash": "string:" + wptOtherToken}}
	oth := RequestVector("wpt-oth-valid", "the receiver treats "+wptOtherField+" as a context token; the request carries one and oth binds it under its lower-case name",
		t, Both, []string{"WPT-OTH"}, []string{"Baseline", "Policy"}, Accept(Both))
	oth.Policy = p
	setOth := func(m map[string]any) func(*Template) { return wptSetClaim("oth", m) }
	hashOf := func(s string) any { return map[string]any{"$hash": "string:" + s} }
	trimmed := Derived(oth, "wpt-oth-trimmed", "the field value has surrounding spaces; oth is the hash of the value with them removed",
		func(t *Template) {
			wptRemoveField(wptOtherField)(t)
			wptAddField(wptOtherField, "  "+wptOtherToken+"  ")(t)
		}, []string{"WPT-OTH"}, []string{"EdgeCase", "Policy"}, Accept(Both))
	trimmed.Mutation = nil
	reject := func(id, change string, m func(*Template), reqs []string, reason string) Vector {
		return Derived(oth, id, change, m, reqs, []string{"ModifiedParameter", "Policy"}, RejectCredential(reason, Both))
	}
	vs := []Vector{
		oth, trimmed,
		reject("wpt-oth-missing", "the request carries the context token but the WPT has no oth", wptSetClaim("oth", nil),
			[]string{"WPT-OTH"}, "wpt.oth_missing"),
		reject("wpt-oth-wrong", "the oth entry is the hash of another token", setOth(map[string]any{key: hashOf("another-token")}),
			[]string{"WPT-OTH"}, "wpt.oth_mismatch"),
		reject("wpt-oth-untrimmed-hash", "the field value has surrounding spaces and oth hashes them too (the default rule removes them)",
			func(t *Template) {
				wptRemoveField(wptOtherField)(t)
				wptAddField(wptOtherField, "  "+wptOtherToken+"  ")(t)
				setOth(map[string]any{key: hashOf("  " + wptOtherToken + "  ")})(t)
			}, []string{"WPT-OTH"}, "wpt.oth_mismatch"),
		reject("wpt-oth-absent-field", "oth binds "+wptOtherField+" but the request does not carry it", wptRemoveField(wptOtherField),
			[]string{"WPT-OTH", "WPT-OTH-UNKNOWN"}, "wpt.oth_mismatch"),
		reject("wpt-oth-unknown-entry", "oth has an extra entry x-unknown the receiver does not understand", setOth(map[string]any{
			key: hashOf(wptOtherToken), "x-unknown": hashOf("whatever"),
		}), []string{"WPT-OTH-UNKNOWN"}, "wpt.oth_unknown"),
		reject("wpt-oth-upper-case-key", "the oth key keeps the field name's case ("+wptOtherField+") instead of lower case", setOth(map[string]any{
			wptOtherField: hashOf(wptOtherToken),
		}), []string{"WPT-OTH-UNKNOWN", "WPT-OTH"}, "wpt.oth_unknown"),
		reject("wpt-oth-not-object", "oth is a single hash string (the format of s2s-06 and earlier), not an object",
			wptSetClaim("oth", hashOf(wptOtherToken)), []string{"WPT-OTH"}, "wpt.claim_type"),
		reject("wpt-oth-entry-not-string", "the oth entry is a number, not a hash string", setOth(map[string]any{key: 1}),
			[]string{"WPT-OTH"}, "wpt.claim_type"),
		Derived(oth, "wpt-oth-field-twice", "a second "+wptOtherField+" field follows the bound one",
			wptAddField(wptOtherField, "another-token"), []string{"WPT-OTH"}, []string{"ModifiedParameter", "Policy"},
			RejectRequest("request.context_token_multiple", Both)),
	}
	for i := range vs {
		if vs[i].ID == "wpt-oth-not-object" {
			vs[i].Flags = append(vs[i].Flags, "Legacy")
		}
	}
	return wptLabel(vs, "oth")
}

// --- wpt-02 carriage: Authorization: WPT <jwt> ------------------------------

func wptCarriage02Vectors() []Vector {
	d := []string{"wpt-02"}
	authz := func(values ...string) func(*Template) {
		return func(t *Template) {
			var f [][2]string
			for _, v := range values {
				f = append(f, [2]string{"Authorization", v})
			}
			t.Request.Fields = wptFields(f...)
		}
	}
	t := BaseTemplate()
	authz("WPT {{wpt}}")(t)
	b := RequestVector("wpt02-valid", "wpt-02 carriage written out: Authorization: WPT <jwt>", t, d,
		[]string{"WPT02-AUTHZ", "WPT-ONE"}, []string{"Baseline"}, Accept(d))
	valid := func(id, change string, m func(*Template), reqs []string) Vector {
		v := Derived(b, id, change, m, reqs, []string{"EdgeCase"}, Accept(d))
		v.Mutation = nil
		return v
	}
	reject := func(id, change string, m func(*Template), reqs []string, flags []string, reason string) Vector {
		return Derived(b, id, change, m, slices.Concat(reqs, []string{"WPT02-STATUS"}), flags, RejectCredential(reason, d))
	}
	one := []string{"WPT02-AUTHZ", "WPT-ONE"}
	vs := []Vector{
		b,
		valid("wpt02-scheme-lower-case", "the scheme is spelled wpt (auth schemes are case-insensitive)", authz("wpt {{wpt}}"), []string{"WPT02-AUTHZ"}),
		valid("wpt02-scheme-mixed-case", "the scheme is spelled Wpt (auth schemes are case-insensitive)", authz("Wpt {{wpt}}"), []string{"WPT02-AUTHZ"}),
		valid("wpt02-two-spaces", "two spaces separate the scheme and the token (\"WPT\" 1*SP token68)", authz("WPT  {{wpt}}"), []string{"WPT02-AUTHZ"}),
		valid("wpt02-ath-ignored", "the WPT carries an ath claim, which wpt-02 removed: it is an unknown claim and ignored",
			wptSetClaim("ath", map[string]any{"$hash": "string:" + wptAccessToken}), []string{"WPT-UNKNOWN-CLAIMS"}),
		reject("wpt02-no-authorization", "the request has no Authorization field (and no other proof)", authz(),
			one, []string{"AuthBypass"}, "wpt.missing"),
		reject("wpt02-bearer-scheme", "the WPT is sent as Authorization: Bearer <jwt>", authz("Bearer {{wpt}}"),
			one, []string{"ModifiedParameter"}, "wpt.missing"),
		reject("wpt02-proxy-authorization", "the WPT is sent in Proxy-Authorization: WPT <jwt> instead of Authorization",
			func(t *Template) { t.Request.Fields = wptFields([2]string{"Proxy-Authorization", "WPT {{wpt}}"}) },
			one, []string{"ModifiedParameter"}, "wpt.missing"),
		reject("wpt02-no-space", "no space between the scheme and the token (WPT<jwt> is another scheme name)", authz("WPT{{wpt}}"),
			one, []string{"Malformed"}, "wpt.missing"),
		reject("wpt02-bare-scheme", "Authorization: WPT without credentials", authz("WPT"),
			[]string{"WPT02-AUTHZ", "WPT-SYNTAX"}, []string{"Malformed"}, "wpt.malformed"),
		reject("wpt02-htab", "a horizontal tab instead of a space after the scheme", authz("WPT\t{{wpt}}"),
			[]string{"WPT02-AUTHZ", "WPT-SYNTAX"}, []string{"Malformed"}, "wpt.malformed"),
		reject("wpt02-quoted-token", "the token is in double quotes (not a token68)", authz(`WPT "{{wpt}}"`),
			[]string{"WPT02-AUTHZ", "WPT-SYNTAX"}, []string{"Malformed"}, "wpt.malformed"),
		reject("wpt02-two-authorization-fields", "two Authorization: WPT fields, each with the same valid WPT", authz("WPT {{wpt}}", "WPT {{wpt}}"),
			one, []string{"ModifiedParameter"}, "wpt.multiple"),
		reject("wpt02-comma-joined", "one Authorization field with two comma-joined WPT credentials", authz("WPT {{wpt}}, WPT {{wpt}}"),
			one, []string{"ModifiedParameter"}, "wpt.multiple"),
		reject("wpt02-plus-bearer-field", "Authorization: WPT <jwt> plus a second Authorization: Bearer x field",
			authz("WPT {{wpt}}", "Bearer x"), slices.Concat(one, []string{"WPT02-NO-BEARER"}), []string{"ModifiedParameter"}, "wpt.multiple"),
		reject("wpt02-status-signature", "signalling: a WPT signed by another workload is answered 401 with WWW-Authenticate: WPT",
			func(t *Template) { t.WPT.Key = "other-workload" }, []string{"WPT-SIGNATURE"}, []string{"ModifiedParameter"}, "wpt.signature"),
	}
	return wptLabel(vs, "carriage", "wpt-02")
}

// --- wpt-01 carriage: Workload-Proof-Token, ath ------------------------------

func wptCarriage01Vectors() []Vector {
	d := []string{"wpt-01"}
	field := func(values ...string) [][2]string {
		var f [][2]string
		for _, v := range values {
			f = append(f, [2]string{"Workload-Proof-Token", v})
		}
		return f
	}
	t := BaseTemplate()
	t.Request.Fields = wptFields(field("{{wpt}}")...)
	b := RequestVector("wpt01-valid", "wpt-01 carriage written out: Workload-Proof-Token: <jwt>", t, d,
		[]string{"WPT01-FIELD", "WPT-ONE"}, []string{"Baseline"}, Accept(d))
	withAuth := func(authorization string) func(*Template) {
		return func(t *Template) {
			t.Tokens = map[string]string{"access": wptAccessToken}
			t.Request.Fields = wptFields(append([][2]string{{"Authorization", authorization}}, field("{{wpt}}")...)...)
		}
	}
	ta := BaseTemplate()
	withAuth("Bearer {{token:access}}")(ta)
	ta.WPT.Claims["ath"] = map[string]any{"$hash": "token:access"}
	bearer := RequestVector("wpt01-bearer-ath", "wpt-01 request with an OAuth access token (Authorization: Bearer) bound by ath", ta, d,
		[]string{"WPT01-ATH"}, []string{"Baseline"}, Accept(d))
	dpop := Derived(bearer, "wpt01-dpop-ath", "the access token is sent with the DPoP scheme; ath is the hash of the token value alone",
		withAuth("DPoP {{token:access}}"), []string{"WPT01-ATH"}, []string{"EdgeCase"}, Accept(d))
	dpop.Mutation = nil
	noToken := wptAcceptable(Derived(b, "wpt01-ath-without-access-token", "ath is present although the request carries no access token",
		wptSetClaim("ath", map[string]any{"$hash": "string:" + wptAccessToken}), []string{"WPT01-ATH"}, []string{"Inference"},
		RejectCredential("wpt.ath_mismatch", d)),
		"wpt-01 only requires ath when an access token is present; the reference implementation rejects a proof bound to a token that is not there")
	reject := func(from Vector, id, change string, m func(*Template), reqs []string, flags []string, reason string) Vector {
		return Derived(from, id, change, m, slices.Concat(reqs, []string{"WPT01-STATUS"}), flags, RejectCredential(reason, d))
	}
	one := []string{"WPT01-FIELD", "WPT-ONE"}
	// A receiver that has moved to wpt-02 only: the wpt-01 carriage is
	// refused by policy, not by any token check.
	only02 := DefaultPolicy()
	only02.Revisions = []string{"wpt-02"}
	notAccepted := Derived(b, "wpt01-carriage-not-accepted",
		"the receiver's policy accepts the wpt-02 carriage only (Authorization: WPT) and the otherwise valid request uses the wpt-01 Workload-Proof-Token field; "+
			"the reference implementation answers 400 request.carriage_not_accepted (a receiver that implements wpt-02 alone sees no proof at all: wpt.missing)",
		func(*Template) {}, []string{"WPT02-AUTHZ"}, []string{"Policy"}, RejectRequest("request.carriage_not_accepted", d))
	notAccepted.Policy = only02
	vs := []Vector{
		b, bearer, dpop, noToken, notAccepted,
		reject(b, "wpt01-field-twice", "two Workload-Proof-Token fields, each with the same valid WPT",
			func(t *Template) { t.Request.Fields = wptFields(field("{{wpt}}", "{{wpt}}")...) }, one, []string{"ModifiedParameter"}, "wpt.multiple"),
		reject(b, "wpt01-comma-joined", "one Workload-Proof-Token field with two comma-joined WPTs",
			func(t *Template) { t.Request.Fields = wptFields(field("{{wpt}}, {{wpt}}")...) }, one, []string{"ModifiedParameter"}, "wpt.multiple"),
		reject(b, "wpt01-empty-value", "the Workload-Proof-Token field is present with an empty value",
			func(t *Template) { t.Request.Fields = wptFields(field("")...) }, []string{"WPT01-FIELD", "WPT-SYNTAX"}, []string{"Malformed"}, "wpt.malformed"),
		reject(bearer, "wpt01-ath-missing", "the request carries a Bearer access token but the WPT has no ath", wptSetClaim("ath", nil),
			[]string{"WPT01-ATH"}, []string{"ModifiedParameter"}, "wpt.ath_missing"),
		reject(bearer, "wpt01-ath-over-scheme", "ath is computed over \"Bearer <token>\" instead of the token value alone",
			wptSetClaim("ath", map[string]any{"$hash": "string:Bearer " + wptAccessToken}), []string{"WPT01-ATH"}, []string{"ModifiedParameter"}, "wpt.ath_mismatch"),
		reject(bearer, "wpt01-ath-other-token", "ath is the hash of another access token",
			wptSetClaim("ath", map[string]any{"$hash": "string:another-access-token"}), []string{"WPT01-ATH"}, []string{"ModifiedParameter"}, "wpt.ath_mismatch"),
		reject(b, "wpt01-status-signature", "signalling: a WPT signed by another workload is answered 400 without a challenge",
			func(t *Template) { t.WPT.Key = "other-workload" }, []string{"WPT-SIGNATURE"}, []string{"ModifiedParameter"}, "wpt.signature"),
	}
	return wptLabel(vs, "carriage", "wpt-01")
}

// --- both carriages in one request ------------------------------------------

func wptMixedVectors(base Vector) []Vector {
	mixed := func(wpf string) func(*Template) {
		return func(t *Template) {
			t.Request.Fields = wptFields([2]string{"Workload-Proof-Token", wpf}, [2]string{"Authorization", "WPT {{wpt}}"})
		}
	}
	empty := wptAcceptable(Derived(base, "wpt-mixed-carriage-empty-field", "Authorization: WPT <jwt> plus a Workload-Proof-Token field with an empty value",
		mixed(""), []string{"WPT-MIXED"}, []string{"Inference"}, RejectRequest("request.mixed_carriage", Both)),
		"an empty field line still uses the wpt-01 carriage; a receiver could also ignore it, the reference implementation counts it as mixing")
	vs := []Vector{
		Derived(base, "wpt-mixed-carriage", "the same valid WPT in both Workload-Proof-Token and Authorization: WPT",
			mixed("{{wpt}}"), []string{"WPT-MIXED"}, []string{"ModifiedParameter"}, RejectRequest("request.mixed_carriage", Both)),
		empty,
	}
	return wptLabel(vs, "carriage")
}
