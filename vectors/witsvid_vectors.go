package vectors

// The WIT-SVID catalogue (witsvid.json): the SPIFFE WIT-SVID profile of the
// WIT (spiffe/spiffe standards/WIT-SVID.md, experimental branch), played
// as HTTP requests like the WIT catalogue. A WIT-SVID is a WIT and more:
// typ exactly wit+jwt, kid present, alg and cnf.jwk.alg RS/ES/PS only, sub
// a SPIFFE ID, no aud. Its vectors assume a receiver that verifies WITs
// under that profile (Policy.WITSVID, NeedWITSVID); a runner plays them
// only against a target whose profile declares it, and plays the other
// request vectors only against a target that does not.

// SVIDSubject is the subject of the WIT-SVID vectors: Subject's path in
// TrustDomain, as a SPIFFE ID.
const SVIDSubject = "spiffe://" + TrustDomain + "/workload/client"

// svidWIMSESubject is a wimse:// subject of the WIT-SVID vectors, other
// than Subject so that a target profile's subject never replaces it.
const svidWIMSESubject = "wimse://" + TrustDomain + "/svid/client"

// NeedWITSVID names, in Needs.Policy, a vector that assumes a receiver
// verifying WITs under the SPIFFE WIT-SVID profile (Policy.WITSVID).
const NeedWITSVID = "witSVID"

// docWITSVID is the SPIFFE WIT-SVID standard.
const docWITSVID = "SPIFFE WIT-SVID"

// witSVID makes v a vector for a receiver that verifies WITs as
// WIT-SVIDs (NeedWITSVID).
func witSVID(v Vector) Vector {
	p := *v.Policy
	p.WITSVID = true
	v.Policy = &p
	return needPolicy(v, NeedWITSVID)
}

// witSVIDVectors is the WIT-SVID catalogue: a valid WIT-SVID and one
// negative per profile rule, each a WIT the plain WIT receiver accepts (a
// valid WIT that is no WIT-SVID) unless the comment says otherwise.
func witSVIDVectors() []Vector {
	t := BaseTemplate()
	t.WIT.Claims["sub"] = SVIDSubject
	// iss MAY be present and SHOULD NOT be OIDC-discoverable (§3.7): the
	// baseline leaves it out, as the standard's example does.
	delete(t.WIT.Claims, "iss")
	base := witSVID(RequestVector("witsvid-valid", "a valid WIT-SVID: ES256 issuer key with kid issuer-es256, typ wit+jwt, sub the SPIFFE ID "+SVIDSubject+", ES256 cnf.jwk, no aud and no iss, with an ES256 proof",
		t, Both, []string{"WITSVID-KID", "WITSVID-TYP", "WITSVID-ALG", "WITSVID-SUB", "WITSVID-CNF-ALG", "WIT-SIGNATURE"}, []string{"Baseline"}, Accept(Both)))
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
		return func(t *Template) { t.WIT.Claims[name] = val }
	}
	neg := func(id, change string, mutate func(*Template), reqs, flags []string, reason string) Vector {
		return witSVID(Derived(base, id, change, mutate, reqs, flags, reject(reason)))
	}
	const plainOK = " (a plain WIT receiver accepts it)"
	vs := []Vector{
		base,
		witSVID(RequestVector("witsvid-valid-rs256", "a valid WIT-SVID signed RS256 by the RSA issuer key issuer-rs256",
			func() *Template {
				c := base.Template.Clone()
				c.WIT.Key = "issuer-rs256"
				c.WIT.Header["alg"], c.WIT.Header["kid"] = "RS256", "issuer-rs256"
				return c
			}(), Both, []string{"WITSVID-ALG", "WIT-SIGNATURE"}, []string{"Baseline"}, Accept(Both))),

		neg("witsvid-kid-missing", "the kid header parameter is removed"+plainOK+": a WIT-SVID must carry kid, whatever the receiver's key selection",
			hdr("kid", nil), []string{"WITSVID-KID"}, []string{"ModifiedParameter"}, "wit.svid_kid_missing"),
		neg("witsvid-kid-empty", "kid is the empty string: no key ID",
			hdr("kid", ""), []string{"WITSVID-KID"}, []string{"Malformed"}, "wit.svid_kid_missing"),

		neg("witsvid-alg-eddsa", "the WIT is signed EdDSA by the trusted Ed25519 issuer key issuer-eddsa"+plainOK+": EdDSA is no WIT-SVID algorithm",
			func(t *Template) {
				t.WIT.Key = "issuer-eddsa"
				t.WIT.Header["alg"], t.WIT.Header["kid"] = "EdDSA", "issuer-eddsa"
			}, []string{"WITSVID-ALG"}, []string{"KeyConfusion"}, "wit.svid_alg"),
		neg("witsvid-cnf-alg-eddsa", "cnf.jwk is the Ed25519 workload key with alg EdDSA, and the proof is EdDSA"+plainOK+": EdDSA is no WIT-SVID confirmation algorithm",
			func(t *Template) {
				t.WIT.Claims["cnf"] = map[string]any{"jwk": map[string]any{"$jwk": "workload-eddsa"}}
				t.WPT.Key = "workload-eddsa"
				t.WPT.Header["alg"] = "EdDSA"
			}, []string{"WITSVID-CNF-ALG"}, []string{"KeyConfusion"}, "wit.svid_cnf_alg"),

		neg("witsvid-sub-wimse", "sub is the WIMSE identifier "+svidWIMSESubject+plainOK+": not a SPIFFE ID",
			claim("sub", svidWIMSESubject), []string{"WITSVID-SUB"}, []string{"ModifiedParameter"}, "wit.svid_sub"),
		neg("witsvid-sub-https", "sub is https://"+TrustDomain+"/workload/client, a URI of no workload identifier scheme",
			claim("sub", "https://"+TrustDomain+"/workload/client"), []string{"WITSVID-SUB"}, []string{"ModifiedParameter"}, "wit.svid_sub"),

		neg("witsvid-aud-string", "the claims carry aud, the receiver's own audience (the WPT's aud)"+plainOK+": a WIT-SVID carries no aud",
			claim("aud", "{{aud}}"), []string{"WITSVID-NO-AUD"}, []string{"ModifiedParameter"}, "wit.svid_aud"),
		neg("witsvid-aud-array", "the claims carry aud as a one-element array"+plainOK,
			claim("aud", []any{"https://rp.example.com"}), []string{"WITSVID-NO-AUD"}, []string{"ModifiedParameter"}, "wit.svid_aud"),

		neg("witsvid-typ-media-type", "typ is the full media type application/wit+jwt, which a plain WIT receiver accepts (RFC 7515 §4.1.9) and a WIT-SVID validator compares byte for byte with wit+jwt",
			hdr("typ", "application/wit+jwt"), []string{"WITSVID-TYP"}, []string{"TypeConfusion", "Inference"}, "wit.typ"),
		neg("witsvid-typ-upper-case", "typ is WIT+JWT, which a plain WIT receiver accepts (media types compare case-insensitively) and a WIT-SVID validator does not",
			hdr("typ", "WIT+JWT"), []string{"WITSVID-TYP"}, []string{"TypeConfusion", "Inference"}, "wit.typ"),
		neg("witsvid-typ-missing", "the typ header parameter is removed",
			hdr("typ", nil), []string{"WITSVID-TYP", "WIT-TYP"}, []string{"TypeConfusion"}, "wit.typ"),
	}
	for i := range vs {
		vs[i].Labels = []string{"wit-svid"}
	}
	return witThroughProofs(vs)
}
