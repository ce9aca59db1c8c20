package vectors

import (
	"slices"
	"strings"
)

// httpsigNotes explains the flags only this catalogue uses.
var httpsigNotes = map[string]Note{}

// Revisions of the HTTP signature profile.
const (
	Sig06 = "http-signature-06"
	Sig07 = "http-signature-07"
)

// SigPolicy is DefaultPolicy accepting both HTTP signature revisions.
func SigPolicy() *Policy {
	p := DefaultPolicy()
	p.Revisions = []string{Sig06, Sig07}
	return p
}

// BaseSig is a valid WIMSE signature of the given revision over BaseSigRequest:
// label wimse, every required component, created now, expires in a minute.
func BaseSig(rev string) *SigTemplate {
	comps := []string{`"@method"`, `"@path"`, `"@query"`, `"workload-identity-token"`, `"content-type"`, `"content-digest"`}
	if rev == Sig06 {
		comps = []string{`"@method"`, `"@request-target"`, `"workload-identity-token"`, `"content-type"`, `"content-digest"`}
	}
	return &SigTemplate{
		Label:      "wimse",
		Components: comps,
		Params: []SigParam{
			{"created", map[string]any{"$rel": 0}},
			{"expires", map[string]any{"$rel": 60}},
			{"nonce", "{{nonce}}"},
			{"tag", "wimse-workload-to-workload"},
			{"wimse-aud", "{{aud}}"},
		},
		Key: "workload",
	}
}

// BaseSigRequest is a POST /path with a JSON body, its Content-Digest and
// the WIT.
func BaseSigRequest() *RequestTemplate {
	return &RequestTemplate{
		Method: "POST",
		Path:   "/path",
		Fields: [][2]string{
			{"Content-Type", "application/json"},
			{"Content-Digest", "{{digest}}"},
			{"Workload-Identity-Token", "{{wit}}"},
		},
		Body: `{"do stuff":"please"}`,
	}
}

// BaseSigTemplate is a complete valid signed request of a revision.
func BaseSigTemplate(rev string) *Template {
	return &Template{WIT: BaseWIT(), Request: BaseSigRequest(), Sigs: []*SigTemplate{BaseSig(rev)}}
}

// RejectSig expects a 400 without challenge (http-signature-07 §3.6).
func RejectSig(reason string, drafts []string) Expect {
	return RejectRequest(reason, drafts)
}

// SigVector builds an HTTP signature request vector.
func SigVector(id, comment string, t *Template, drafts, reqs, flags []string, e Expect) Vector {
	v := RequestVector(id, comment, t, drafts, reqs, flags, e)
	v.Policy = SigPolicy()
	return v
}

// Values the HTTP signature catalogue puts in request fields.
const (
	// sigTag is the tag of the WIMSE signature (-07 §3.3).
	sigTag = "wimse-workload-to-workload"
	// sigEvilHost is an authority the receiver does not own.
	sigEvilHost = "evil.example"
	// sigAccessToken stands for an OAuth access token in Authorization.
	sigAccessToken = "Bearer 16_mAd0GiwaZokU26_0902100"
	// sigTxnToken stands for a Txn-Token; the receiver only checks coverage.
	sigTxnToken = "eyJhbGciOiJFUzI1NiIsInR5cCI6InR4bitqd3QifQ.eyJ0eG4iOiI5N2YyYzFlMCJ9.c2lnbmF0dXJl"
	// sigOtherSHA512 is the sha-512 digest of another body, {"do stuff":"something else"}.
	sigOtherSHA512 = "DaZ2U25Wr50u9b/Qkp4AJqKXXmEmHuwSL2FR9xnbE3fmlPq07IRDkZRnc6EUwhVX0Fla7mxS5LG0goIEXCvsIA=="
)

// httpsigVectors is the HTTP signature catalogue: every rule is
// instantiated for http-signature-07 (sig07-*) and -06 (sig06-*).
func httpsigVectors() []Vector {
	var out []Vector
	for _, rev := range []string{Sig07, Sig06} {
		s := newSigRev(rev)
		out = append(out, sigLabel([]Vector{s.base}, "alg")...)
		out = append(out, s.algVectors()...)
		out = append(out, s.algKeyVectors(out)...)
		out = append(out, s.witVectors()...)
		out = append(out, s.selectVectors()...)
		out = append(out, s.paramVectors()...)
		out = append(out, s.componentVectors()...)
		out = append(out, s.revisionVectors()...)
		out = append(out, s.digestVectors()...)
		out = append(out, s.timeVectors()...)
		out = append(out, s.audVectors()...)
		out = append(out, s.replayVectors()...)
		out = append(out, s.responseVectors()...)
		out = append(out, s.keyCheckVectors(out)...)
	}
	for i := range out {
		out[i].Labels = append([]string{"httpsig"}, out[i].Labels...)
	}
	return out
}

// --- helpers ---------------------------------------------------------------

// sigRev instantiates the catalogue's rules for one revision.
type sigRev struct {
	rev string
	d   []string
	// base is the valid signed POST, get the valid signed GET without body,
	// query the valid signed GET /path?x=1.
	base, get, query Vector
}

func newSigRev(rev string) *sigRev {
	s := &sigRev{rev: rev, d: []string{rev}}
	s.base = s.vector("valid-es256", "a valid "+rev+" signed POST with a JSON body, its Content-Digest and an ES256 WIT key, covering "+
		strings.Join(BaseSig(rev).Components, " "), BaseSigTemplate(rev),
		[]string{"SIG-COMPONENTS", "SIG-PARAMS", "SIG-VERIFY", "SIG-DIGEST", "WIT-ES256-MTI"}, []string{"Baseline"}, s.accept())
	s.get = s.vector("valid-get", "a valid "+rev+" signed GET without body: no Content-Type and no Content-Digest to cover", sigGetTemplate(rev, "/path"),
		[]string{"SIG-COMPONENTS", "SIG-DIGEST"}, []string{"Baseline"}, s.accept())
	s.query = s.vector("valid-get-query", "a valid "+rev+" signed GET /path?x=1: "+map[string]string{
		Sig07: `@query is "?x=1"`, Sig06: `@request-target is "/path?x=1"`}[rev], sigGetTemplate(rev, "/path?x=1"),
		[]string{"SIG-COMPONENTS"}, []string{"Baseline"}, s.accept())
	return s
}

// id is the vector ID of a rule slug for this revision: sig07-SLUG.
func (s *sigRev) id(slug string) string { return "sig" + s.rev[len(s.rev)-2:] + "-" + slug }

func (s *sigRev) is07() bool { return s.rev == Sig07 }

func (s *sigRev) accept() Expect { return Accept(s.d) }

func (s *sigRev) reject(reason string) Expect { return RejectSig(reason, s.d) }

// vector is a vector built from a whole template (not derived).
func (s *sigRev) vector(slug, comment string, t *Template, reqs, flags []string, e Expect) Vector {
	return SigVector(s.id(slug), comment, t, s.d, sigReqs(s.rev, reqs), flags, e)
}

// sigReqs maps the catalogue's requirement IDs, written for -07 (SIG-*),
// onto those of rev: -06 vectors cite -06's own sections (SIG06-*).
func sigReqs(rev string, ids []string) []string {
	if rev != Sig06 {
		return ids
	}
	out := make([]string, len(ids))
	for i, id := range ids {
		if rest, ok := strings.CutPrefix(id, "SIG-"); ok {
			id = "SIG06-" + rest
		}
		out[i] = id
	}
	return out
}

// byRev picks the text of this revision.
func (s *sigRev) byRev(text07, text06 string) string {
	if s.is07() {
		return text07
	}
	return text06
}

// derive is Derived with the signatures deep-copied first (Template.Clone
// shares the SigTemplates); a valid result carries no mutation.
func (s *sigRev) derive(from Vector, slug, change string, mutate func(*Template), reqs, flags []string, e Expect) Vector {
	v := Derived(from, s.id(slug), change, func(t *Template) {
		t.Sigs = cloneSigs(t.Sigs)
		mutate(t)
	}, sigReqs(s.rev, reqs), flags, e)
	if e.Verdict == "accept" {
		v.Mutation = nil
	}
	return v
}

// withProofAlgs limits the trust domain's proof algorithms to algs.
func withProofAlgs(v Vector, algs ...string) Vector {
	p := *v.Policy
	p.ProofAlgorithms = algs
	v.Policy = &p
	if !slices.Contains(v.Flags, "Policy") {
		v.Flags = append(v.Flags, "Policy")
	}
	return v
}

// withPolicy replaces a vector's policy by SigPolicy limited to revs.
func withPolicy(v Vector, revs ...string) Vector {
	p := SigPolicy()
	p.Revisions = revs
	v.Policy = p
	if !slices.Contains(v.Flags, "Policy") {
		v.Flags = append(v.Flags, "Policy")
	}
	return v
}

// sigAcceptable marks a vector whose case the drafts leave open: runners
// accept either verdict, Expect stays the reference implementation's choice.
func sigAcceptable(v Vector, why string) Vector {
	v.Result = ResultAcceptable
	v.Comment += "; " + why
	if !slices.Contains(v.Flags, "Inference") {
		v.Flags = append(v.Flags, "Inference")
	}
	return v
}

// sigLabel sets the labels of every vector of vs.
func sigLabel(vs []Vector, labels ...string) []Vector {
	for i := range vs {
		vs[i].Labels = append([]string(nil), labels...)
	}
	return vs
}

func cloneSigs(in []*SigTemplate) []*SigTemplate {
	out := make([]*SigTemplate, len(in))
	for i, st := range in {
		c := *st
		c.Components = slices.Clone(st.Components)
		c.Params = slices.Clone(st.Params)
		out[i] = &c
	}
	return out
}

// sigGetTemplate is a signed GET of path (which may hold a query) carrying
// only the WIT.
func sigGetTemplate(rev, path string) *Template {
	t := BaseSigTemplate(rev)
	t.Request = &RequestTemplate{Method: "GET", Path: path, Fields: [][2]string{{"Workload-Identity-Token", "{{wit}}"}}}
	t.Sigs[0].Components = slices.DeleteFunc(t.Sigs[0].Components, func(c string) bool {
		return c == `"content-type"` || c == `"content-digest"`
	})
	return t
}

// sigForeign is a signature an intermediary adds: its own tag and keyid,
// signed by another workload's key.
func sigForeign(label string) *SigTemplate {
	return &SigTemplate{
		Label:      label,
		Components: []string{`"@method"`, `"workload-identity-token"`},
		Params: []SigParam{
			{"created", map[string]any{"$rel": 0}},
			{"keyid", "proxy-key-1"},
			{"tag", "example-proxy"},
		},
		Key: "other-workload",
	}
}

func sigRel(n int) map[string]any { return map[string]any{"$rel": n} }

// sigParam sets (or, with nil, removes) a parameter of the WIMSE signature,
// keeping its place.
func sigParam(name string, value any) func(*Template) {
	return func(t *Template) {
		st := t.Sigs[0]
		for i, p := range st.Params {
			if p.Name == name {
				if value == nil {
					st.Params = slices.Delete(st.Params, i, i+1)
				} else {
					st.Params[i].Value = value
				}
				return
			}
		}
		if value != nil {
			st.Params = append(st.Params, SigParam{name, value})
		}
	}
}

// sigDropComp removes covered components from the WIMSE signature.
func sigDropComp(comps ...string) func(*Template) {
	return func(t *Template) {
		t.Sigs[0].Components = slices.DeleteFunc(t.Sigs[0].Components, func(c string) bool { return slices.Contains(comps, c) })
	}
}

// sigAddComp appends covered components to the WIMSE signature.
func sigAddComp(comps ...string) func(*Template) {
	return func(t *Template) { t.Sigs[0].Components = append(t.Sigs[0].Components, comps...) }
}

// sigAddField appends a field line to the request (before the signature
// fields).
func sigAddField(name, value string) func(*Template) {
	return func(t *Template) { t.Request.Fields = append(t.Request.Fields, [2]string{name, value}) }
}

// sigSetField replaces the value of every field line with that name.
func sigSetField(name, value string) func(*Template) {
	return func(t *Template) {
		for i, f := range t.Request.Fields {
			if strings.EqualFold(f[0], name) {
				t.Request.Fields[i][1] = value
			}
		}
	}
}

// sigDropField removes every field line with that name.
func sigDropField(name string) func(*Template) {
	return func(t *Template) {
		t.Request.Fields = slices.DeleteFunc(t.Request.Fields, func(f [2]string) bool { return strings.EqualFold(f[0], name) })
	}
}

// sigCnf binds key in the WIT's cnf.jwk (with its alg) and signs with it.
func sigCnf(key string) func(*Template) {
	return func(t *Template) {
		t.WIT.Claims["cnf"] = map[string]any{"jwk": map[string]any{"$jwk": key}}
		t.Sigs[0].Key = key
	}
}

func sigAll(ms ...func(*Template)) func(*Template) {
	return func(t *Template) {
		for _, m := range ms {
			m(t)
		}
	}
}

// sigPathComps are the derived components that carry the target: @path and
// @query (-07) or @request-target (-06).
func (s *sigRev) sigPathComps() []string {
	if s.is07() {
		return []string{`"@path"`, `"@query"`}
	}
	return []string{`"@request-target"`}
}

// --- algorithms and the signature itself (R6) ------------------------------

func (s *sigRev) algVectors() []Vector {
	keyed := func(slug, key, alg string) Vector {
		t := BaseSigTemplate(s.rev)
		sigCnf(key)(t)
		return s.vector("valid-"+slug, "a valid signed POST; the WIT's cnf.jwk is the "+key+" key with alg "+alg+" and the request is signed with it under "+alg,
			t, []string{"SIG-VERIFY"}, []string{"Baseline"}, s.accept())
	}
	allowed, refused := s.algPolicyPair(keyed)
	vs := []Vector{
		keyed("es384", "workload-es384", "ES384"),
		keyed("es512", "workload-es512", "ES512"),
		keyed("eddsa", "workload-eddsa", "EdDSA"),
		keyed("ed25519", "workload-ed25519", "Ed25519"),
		keyed("rs256", "workload-rs256", "RS256"),
		keyed("ps256", "workload-ps256", "PS256"),
		s.derive(s.base, "signature-corrupt", "one bit of the signature is flipped",
			func(t *Template) { t.Sigs[0].Corrupt = true },
			[]string{"SIG-VERIFY"}, []string{"ModifiedParameter"}, s.reject("httpsig.signature")),
		s.derive(s.base, "signature-other-workload", "the request is signed by another workload's key, not the WIT's cnf key",
			func(t *Template) { t.Sigs[0].Key = "other-workload" },
			[]string{"SIG-VERIFY"}, []string{"AuthBypass"}, s.reject("httpsig.signature")),
		s.derive(s.base, "signature-cnf-other-workload", "the WIT binds another workload's key (cnf.jwk) while the request is signed with the workload key",
			func(t *Template) {
				t.WIT.Claims["cnf"] = map[string]any{"jwk": map[string]any{"$jwk": "other-workload"}}
			},
			[]string{"SIG-VERIFY"}, []string{"AuthBypass"}, s.reject("httpsig.signature")),
		s.derive(s.base, "signature-es384-cnf-es256", "the request is signed ES384 with the workload-es384 key while cnf.jwk is the ES256 workload key: verification under cnf.jwk.alg fails",
			func(t *Template) { t.Sigs[0].Key = "workload-es384" },
			[]string{"SIG-VERIFY"}, []string{"ModifiedParameter"}, s.reject("httpsig.signature")),
		s.derive(s.base, "signature-rs256-cnf-ps256", "cnf.jwk is the workload-ps256 RSA key with alg PS256; the request is signed RS256 by that very key, so only a verifier that ignores cnf.jwk.alg accepts it",
			sigAll(sigCnf("workload-ps256"), func(t *Template) { t.Sigs[0].Alg = "RS256" }),
			[]string{"SIG-VERIFY"}, []string{"ModifiedParameter"}, s.reject("httpsig.signature")),
		s.derive(s.base, "signature-issuer-key", "the request is signed with the WIT issuer's (trusted) ES256 key instead of the cnf key",
			func(t *Template) { t.Sigs[0].Key = "issuer" },
			[]string{"SIG-VERIFY"}, []string{"AuthBypass"}, s.reject("httpsig.signature")),
		allowed,
		refused,
	}
	return sigLabel(vs, "alg")
}

// algPolicyPair is the proof-algorithm allow-list pair: ES256 allowed, and
// the same policy refusing an EdDSA key. The refusal's source is the
// allowed vector (same policy), not the valid EdDSA vector, which that
// policy refuses by design: the refusal is judged behind a request the
// ES256-only receiver accepts.
func (s *sigRev) algPolicyPair(keyed func(name, key, alg string) Vector) (allowed, refused Vector) {
	allowed = withProofAlgs(s.derive(s.base, "alg-policy-allowed", "the trust domain's policy accepts ES256 only and the WIT's cnf.jwk.alg is ES256",
		func(*Template) {}, []string{"SIG-ALG-POLICY"}, nil, s.accept()), "ES256")
	refused = withProofAlgs(s.derive(keyed("eddsa", "workload-eddsa", "EdDSA"), "alg-policy-refused", "the trust domain's policy accepts ES256 only and the WIT's cnf.jwk.alg is EdDSA: a valid signature under an algorithm local policy refuses",
		func(*Template) {}, []string{"SIG-ALG-POLICY"}, []string{"ModifiedParameter"}, s.reject("wit.cnf_alg")), "ES256")
	refused.Mutation = &Mutation{From: allowed.ID, Change: "the WIT's cnf key (and the signature) is the EdDSA workload key, which the ES256-only policy refuses"}
	return allowed, refused
}

// --- the WIT, validated first (R1) -----------------------------------------

func (s *sigRev) witVectors() []Vector {
	reqs := func(more ...string) []string { return append([]string{"SIG-WIT-FIRST", "SIG-STATUS"}, more...) }
	expired := func(t *Template) { t.WIT.Claims["exp"] = relPolicy(-60, "-clockSkew") }
	untrusted := func(t *Template) { t.WIT.Key = "other-issuer" }
	vs := []Vector{
		s.derive(s.base, "wit-missing", "the Workload-Identity-Token field is removed (and no longer covered): the signature is valid but there is no WIT",
			sigAll(sigDropField("Workload-Identity-Token"), sigDropComp(`"workload-identity-token"`)),
			reqs("WIT-NOT-BEARER"), []string{"AuthBypass"}, s.reject("wit.missing")),
		s.derive(s.base, "wit-twice", "the Workload-Identity-Token field line appears twice with the same WIT (the signature covers both lines)",
			sigAddField("Workload-Identity-Token", "{{wit}}"),
			reqs("WIT-ONE-FIELD"), []string{"Malformed"}, s.reject("wit.multiple")),
		s.derive(s.base, "wit-expired", "the WIT expired a minute beyond the receiver's clock skew (frozen: ${wit.exp} s ago; ${clockSkew} s skew); the message signature is valid",
			expired, reqs("WIT-EXP"), []string{"ModifiedParameter"}, s.reject("wit.expired")),
		s.derive(s.base, "wit-untrusted", "the WIT is signed by other-issuer, an untrusted key using the trusted kid issuer-es256; the message signature is valid",
			untrusted, reqs("WIT-SIGNATURE"), []string{"AuthBypass"}, s.reject("wit.signature")),
		s.derive(s.base, "wit-first-expired-bad-signature", "the WIT is expired and the signature is corrupt: the WIT is validated first, so the WIT failure is reported",
			sigAll(expired, func(t *Template) { t.Sigs[0].Corrupt = true }),
			reqs("WIT-EXP"), []string{"ModifiedParameter"}, s.reject("wit.expired")),
		s.derive(s.base, "wit-first-untrusted-untagged", "the WIT is signed by an untrusted key and the signature has no tag: the WIT is validated before the signature is even selected",
			sigAll(untrusted, sigParam("tag", nil)),
			reqs("WIT-SIGNATURE"), []string{"AuthBypass"}, s.reject("wit.signature")),
		s.derive(s.base, "wit-not-covered", "the Workload-Identity-Token field is present but not a covered component",
			sigDropComp(`"workload-identity-token"`),
			[]string{"SIG-COMPONENTS"}, []string{"ModifiedParameter"}, s.reject("httpsig.component_missing")),
	}
	vs = sigLabel(vs, "wit")
	vs[len(vs)-1].Labels = append(vs[len(vs)-1].Labels, "components")
	return vs
}

// --- which signature is the WIMSE one (R2) ---------------------------------

func (s *sigRev) selectVectors() []Vector {
	reqs := []string{"SIG-SELECT"}
	label := s.derive(s.base, "label-sig1", s.byRev("the WIMSE signature uses the label sig1 (as the -07 examples do): labels carry no meaning",
		"the only signature, the WIMSE one, uses the label sig1: -06 §3 asks for the label wimse only when several signatures are sent"),
		func(t *Template) { t.Sigs[0].Label = "sig1" }, reqs, []string{"EdgeCase"}, s.accept())
	foreign := s.derive(s.base, "foreign-signature", "an intermediary's signature (label proxy, tag example-proxy, keyid, signed by another workload) follows the WIMSE one: it is ignored",
		func(t *Template) { t.Sigs = append(t.Sigs, sigForeign("proxy")) }, reqs, []string{"EdgeCase"}, s.accept())
	foreignFirst := s.derive(s.base, "foreign-signature-first", "an intermediary's signature comes before the WIMSE one in Signature-Input and Signature: selection is by tag, not position",
		func(t *Template) { t.Sigs = append([]*SigTemplate{sigForeign("proxy")}, t.Sigs...) }, reqs, []string{"EdgeCase"}, s.accept())
	foreignBad := s.derive(s.base, "foreign-signature-corrupt", "an intermediary's signature that does not verify follows the WIMSE one: only the WIMSE signature is verified",
		func(t *Template) {
			f := sigForeign("proxy")
			f.Corrupt = true
			t.Sigs = append(t.Sigs, f)
		}, reqs, []string{"EdgeCase"}, s.accept())
	second := func(key string) func(*Template) {
		return func(t *Template) {
			st := BaseSig(s.rev)
			st.Label, st.Key = "sig2", key
			t.Sigs = append(t.Sigs, st)
		}
	}
	inputOnly := func(t *Template) {
		st := t.Sigs[0]
		t.Sigs = nil
		t.Request.Fields = append(t.Request.Fields, [2]string{"Signature-Input", st.Label + "=(" + strings.Join(st.Components, " ") +
			`);created={{rel:0}};expires={{rel:60}};nonce="{{jti}}";tag="` + sigTag + `";wimse-aud="{{aud}}"`})
	}
	tagged := []string{"SIG-SELECT", "SIG-PARAMS"}
	multiple := s.derive(s.base, "multiple-tagged", "a second, equally valid WIMSE-tagged signature (label sig2) is added: two tagged signatures MUST be rejected",
		second("workload"), reqs, []string{"EdgeCase"}, s.reject("httpsig.multiple"))
	multipleOther := s.derive(s.base, "multiple-tagged-other-key", "a second WIMSE-tagged signature (label sig2) signed by another workload's key is added",
		second("other-workload"), reqs, []string{"AuthBypass"}, s.reject("httpsig.multiple"))
	if !s.is07() {
		// -06 RECOMMENDS one signature and asks for the label wimse when
		// there are several; it has no rule for two tagged ones.
		why := "-06 §3 only RECOMMENDS a single signature and asks that the WIMSE one use the label wimse, which the first does; the rule to reject two tagged signatures is -07's (§3.3), which the reference implementation applies to -06 too"
		multiple.Comment = "a second, equally valid WIMSE-tagged signature (label sig2) is added"
		multiple = sigAcceptable(multiple, why)
		multipleOther = sigAcceptable(multipleOther, why)
	}
	vs := []Vector{
		// Under -06 these cite SIG06-SELECT, a SHOULD, alone: the generator
		// flags them ShouldLevel.
		label, foreign, foreignFirst, foreignBad,
		multiple, multipleOther,
		s.derive(s.base, "tag-other", "the only signature is tagged example-proxy: the request has no WIMSE signature",
			sigParam("tag", "example-proxy"), tagged, []string{"ModifiedParameter"}, s.reject("httpsig.missing")),
		s.derive(s.base, "tag-legacy", "the tag is wimse-service-to-service (an earlier draft's value): no signature carries the WIMSE tag",
			sigParam("tag", "wimse-service-to-service"), tagged, []string{"Legacy"}, s.reject("httpsig.missing")),
		s.derive(s.base, "tag-upper-case", "the tag is WIMSE-WORKLOAD-TO-WORKLOAD: sf-strings compare exactly",
			sigParam("tag", strings.ToUpper(sigTag)), tagged, []string{"ModifiedParameter"}, s.reject("httpsig.missing")),
		s.derive(s.base, "tag-missing", "the tag parameter is removed: an untagged signature is not the WIMSE signature",
			sigParam("tag", nil), tagged, []string{"ModifiedParameter"}, s.reject("httpsig.missing")),
		s.derive(s.base, "input-without-signature", "Signature-Input carries the WIMSE signature's parameters but there is no Signature field (RFC 9421 §4: every label is in both)",
			inputOnly, []string{"SIG-SELECT", "SIG-VERIFY"}, []string{"Malformed"}, s.reject("httpsig.malformed")),
		s.derive(s.base, "label-duplicate", "an intermediary's signature reuses the label wimse, so both fields repeat the dictionary key; however the duplicate is read (rejected, or the last member wins and carries no WIMSE tag) there is no usable WIMSE signature",
			func(t *Template) { t.Sigs = append(t.Sigs, sigForeign("wimse")) }, tagged, []string{"Malformed"}, s.reject("httpsig.malformed")),
	}
	return sigLabel(vs, "select")
}

// --- signature parameters (R3) ---------------------------------------------

func (s *sigRev) paramVectors() []Vector {
	missing := func(name string) Vector {
		return s.derive(s.base, "param-"+name+"-missing", "the "+name+" parameter is removed", sigParam(name, nil),
			[]string{"SIG-PARAMS"}, []string{"ModifiedParameter"}, s.reject("httpsig.param_missing"))
	}
	mistyped := func(name string, value any, change string) Vector {
		return s.derive(s.base, "param-"+name+"-"+change, "the "+name+" parameter is "+map[string]string{
			"string": "an sf-string", "integer": "an sf-integer"}[change]+" ("+sigParamType[name]+" in "+s.byRev("RFC 9421 §2.3 / -07 §5", "RFC 9421 §2.3 / -06 §3.1, §3.2")+")",
			sigParam(name, value), []string{"SIG-PARAMS"}, []string{"Malformed"}, s.reject("httpsig.malformed"))
	}
	unknown := s.derive(s.base, "param-unknown-ignored", "an unregistered parameter x-trace=\"4bf92f35\" is added: unknown signature parameters are ignored",
		sigParam("x-trace", "4bf92f35"), []string{"SIG-PARAMS"}, []string{"EdgeCase"}, s.accept())
	emptyNonce := sigAcceptable(s.derive(s.base, "param-nonce-empty", "nonce is the empty string",
		sigParam("nonce", ""), []string{"SIG-PARAMS", "SIG-REPLAY"}, []string{"ModifiedParameter"}, s.reject("httpsig.param_missing")),
		s.byRev("an empty nonce is present but cannot be random (-07 §3.4)", "an empty nonce is present but cannot be unique among the messages to this recipient (-06 §3)")+
			"; the drafts set no minimum length and the reference implementation treats it as missing")
	vs := []Vector{
		missing("created"), missing("expires"), missing("nonce"), missing("wimse-aud"),
		emptyNonce,
		mistyped("created", "{{rel:0}}", "string"),
		mistyped("nonce", 1234567890, "integer"),
		mistyped("wimse-aud", 1, "integer"),
		s.derive(s.base, "param-keyid", "a keyid parameter is added (the key is in the WIT)",
			sigParam("keyid", "workload-key-1"), []string{"SIG-NO-KEYID-ALG"}, []string{"ModifiedParameter"}, s.reject("httpsig.param_forbidden")),
		s.derive(s.base, "param-alg", "an alg parameter ecdsa-p256-sha256 is added, matching the key: alg MUST NOT be sent, the algorithm is cnf.jwk.alg",
			sigParam("alg", "ecdsa-p256-sha256"), []string{"SIG-NO-KEYID-ALG"}, []string{"ModifiedParameter"}, s.reject("httpsig.param_forbidden")),
		unknown,
	}
	return sigLabel(vs, "params")
}

// sigParamType names the type of a signature parameter.
var sigParamType = map[string]string{"created": "Integer", "expires": "Integer", "nonce": "String", "wimse-aud": "String", "wimse-sign-response": "Boolean"}

// --- covered components (R4) -----------------------------------------------

func (s *sigRev) componentVectors() []Vector {
	reqs := []string{"SIG-COMPONENTS"}
	drop := func(comp, slug string) Vector {
		return s.derive(s.base, "component-"+slug+"-missing", comp+" is not covered", sigDropComp(comp),
			reqs, []string{"ModifiedParameter"}, s.reject("httpsig.component_missing"))
	}
	present := func(slug, field, value string) (Vector, Vector) {
		comp := `"` + strings.ToLower(field) + `"`
		ok := s.derive(s.base, "component-"+slug+"-covered", "a "+field+" field is added and covered", sigAll(sigAddField(field, value), sigAddComp(comp)),
			reqs, []string{"Baseline"}, s.accept())
		bad := s.derive(s.base, "component-"+slug+"-not-covered", "a "+field+" field is added but not covered", sigAddField(field, value),
			reqs, []string{"ModifiedParameter"}, s.reject("httpsig.component_missing"))
		return ok, bad
	}
	authz, authzBad := present("authorization", "Authorization", sigAccessToken)
	txn, txnBad := present("txn-token", "Txn-Token", sigTxnToken)
	extra := s.derive(s.base, "component-extra-field", "an extra field X-Request-Id is added and covered: covering more than required is allowed",
		sigAll(sigAddField("X-Request-Id", "f81d4fae"), sigAddComp(`"x-request-id"`)), reqs, []string{"EdgeCase"}, s.accept())
	vs := []Vector{
		s.query, authz, txn, extra,
		drop(`"@method"`, "method"),
		drop(`"content-type"`, "content-type"),
		drop(`"content-digest"`, "content-digest"),
		authzBad, txnBad,
	}
	if s.is07() {
		vs = append(vs,
			drop(`"@path"`, "path"),
			drop(`"@query"`, "query"),
			s.derive(s.query, "component-query-missing-with-query", `the request has the query ?x=1 and @query is not covered`,
				sigDropComp(`"@query"`), reqs, []string{"ModifiedParameter"}, s.reject("httpsig.component_missing")),
			s.derive(s.base, "component-request-target-extra", "@request-target is covered in addition to @path and @query: still a -07 signature, extra coverage is allowed",
				sigAddComp(`"@request-target"`), append(reqs, "SIG-REVISION"), []string{"EdgeCase"}, s.accept()))
	} else {
		vs = append(vs, drop(`"@request-target"`, "request-target"))
	}
	return sigLabel(vs, "components")
}

// --- revisions (S1, S2) ----------------------------------------------------

func (s *sigRev) revisionVectors() []Vector {
	other, flags := Sig06, []string{"ModifiedParameter"}
	if !s.is07() {
		other, flags = Sig07, []string{"Legacy"}
	}
	own := withPolicy(s.derive(s.base, "revision-own-only", "the receiver accepts "+s.rev+" only",
		func(*Template) {}, []string{"SIG-REVISION"}, nil, s.accept()), s.rev)
	cross := withPolicy(s.derive(s.base, "revision-"+other[len(other)-2:]+"-only-receiver",
		"the receiver accepts "+other+" only; the covered components ("+strings.Join(s.sigPathComps(), " ")+") are those of "+s.rev,
		func(*Template) {}, []string{"SIG-REVISION", "SIG-COMPONENTS"}, flags, s.reject("httpsig.revision")), other)
	// The receiver implements the other revision only: its rules judge.
	cross.Requirements = sigReqs(other, []string{"SIG-REVISION", "SIG-COMPONENTS"})
	return sigLabel([]Vector{own, cross}, "revision")
}

// --- body integrity (R5) ---------------------------------------------------

func (s *sigRev) digestVectors() []Vector {
	reqs := []string{"SIG-DIGEST"}
	digest := func(slug, value, change string, flags []string, e Expect) Vector {
		return s.derive(s.base, "digest-"+slug, change, sigSetField("Content-Digest", value), reqs, flags, e)
	}
	vs := []Vector{
		// The valid GET without body is the source of digest-without-body.
		s.get,
		digest("sha-512", "{{digest:sha-512}}", "Content-Digest is the sha-512 digest of the body", []string{"EdgeCase"}, s.accept()),
		digest("sha-256-and-sha-512", "{{digest}}, {{digest:sha-512}}", "Content-Digest carries both the sha-256 and the sha-512 digest of the body", []string{"EdgeCase"}, s.accept()),
		s.derive(s.base, "digest-missing", "the body is sent without a Content-Digest field (field and component removed)",
			sigAll(sigDropField("Content-Digest"), sigDropComp(`"content-digest"`)), reqs, []string{"ModifiedParameter"}, s.reject("httpsig.digest_missing")),
		// The legacy ID of the first version of this catalogue.
		s.derive(s.base, "digest-mismatch", "Content-Digest is the digest of another body",
			sigSetField("Content-Digest", "sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:"), reqs, []string{"ModifiedParameter"}, s.reject("httpsig.digest_mismatch")),
		digest("md5-only", "md5=:GiRtZzXrHWWNVpJn9WluCA==:", "Content-Digest carries only an md5 digest (of the body), an algorithm RFC 9530 does not register: the body cannot be verified",
			[]string{"ModifiedParameter"}, s.reject("httpsig.digest_mismatch")),
		digest("malformed", "sha-256=cbGt0NeXNowo2Bxc4", "Content-Digest is not a Dictionary of Byte Sequences (the sha-256 value is a Token)",
			[]string{"Malformed"}, s.reject("httpsig.digest_mismatch")),
		sigAcceptable(digest("sha-512-wrong", "{{digest}}, sha-512=:"+sigOtherSHA512+":", "Content-Digest carries the right sha-256 digest and the sha-512 digest of another body",
			[]string{"ModifiedParameter"}, s.reject("httpsig.digest_mismatch")),
			"RFC 9530 lets a recipient pick which digests to check; the reference implementation checks every sha-256 and sha-512 member"),
		sigAcceptable(s.derive(s.get, "digest-without-body", "a GET without body carries (and covers) the Content-Digest of a non-empty body",
			sigAll(sigAddField("Content-Digest", "sha-256=:cbGt0NeXNowo2Bxc4+J6yFR+h5QNpju5w4aYhc26q08=:"), sigAddComp(`"content-digest"`)),
			reqs, []string{"ModifiedParameter"}, s.reject("httpsig.digest_mismatch")),
			s.byRev("-07 §3.2 requires verifying the digest over the content received", "-06 §3 requires the receiver to verify the Content-Digest")+
				" but states it for messages with a body; the reference implementation verifies every Content-Digest present"),
	}
	return sigLabel(vs, "digest")
}

// --- time (R7) -------------------------------------------------------------

func (s *sigRev) timeVectors() []Vector {
	window := func(created, expires any) func(*Template) {
		if n, ok := created.(int); ok {
			created = sigRel(n)
		}
		if n, ok := expires.(int); ok {
			expires = sigRel(n)
		}
		return sigAll(sigParam("created", created), sigParam("expires", expires))
	}
	skew := func(n int) any { return relPolicy(n, "-clockSkew") }
	ahead := func(n int) any { return relPolicy(n, "+clockSkew") }
	reqs := []string{"SIG-WINDOW"}
	vs := []Vector{
		s.derive(s.base, "time-expired", "expires passed a minute beyond the receiver's clock skew, created a minute before (frozen: ${sig.created} s and ${sig.expires} s ago; ${clockSkew} s skew)",
			window(skew(-120), skew(-60)), reqs, []string{"ModifiedParameter"}, s.reject("httpsig.expired")),
		needPolicy(s.derive(s.base, "time-expired-skew-boundary", "expires lies the receiver's clock skew plus ${sig.expires.rel} s in the past, created a minute before (frozen: ${sig.expires} s; ${clockSkew} s skew): just beyond the skew",
			window(skew(-70), skew(-10)), reqs, []string{"Policy"}, s.reject("httpsig.expired")), NeedClockSkew),
		needPolicy(s.derive(s.base, "time-expired-within-skew", "expires passed the receiver's clock skew minus ${sig.expires.rel} s ago, created a minute before (frozen: ${sig.expires} s; ${clockSkew} s skew): just within the skew",
			window(skew(-50), skew(10)), reqs, []string{"Policy", "EdgeCase"}, s.accept()), NeedClockSkew),
		needPolicy(s.derive(s.base, "time-created-within-skew", "created lies the receiver's clock skew minus ${sig.created.rel} s in the future, expires a minute later (frozen: ${sig.created} s; ${clockSkew} s skew): just within the skew",
			window(ahead(-10), ahead(50)), reqs, []string{"Policy", "EdgeCase"}, s.accept()), NeedClockSkew),
		needPolicy(s.derive(s.base, "time-expires-five-minutes", "expires lies the receiver's maximum lifetime minus ${sig.expires.rel} s ahead, created now (frozen: ${sig.expires} s; ${maxWptLifetime} s maximum): just within it",
			window(0, relPolicy(-10, "+maxWptLifetime")), []string{"SIG-WINDOW", "SIG-EXPIRES-TIGHT"}, []string{"Policy", "EdgeCase"}, s.accept()), NeedMaxWPTLifetime),
		sigAcceptable(s.derive(s.base, "time-created-future", "created lies four minutes beyond the receiver's clock skew in the future, expires a minute later (frozen: ${sig.created} s and ${sig.expires} s; ${clockSkew} s skew)",
			window(ahead(240), ahead(300)), reqs, []string{"ModifiedParameter"}, s.reject("httpsig.not_yet_valid")),
			"the drafts do not address a future created; the reference implementation rejects it beyond the clock skew, since the current time is outside [created, expires]"),
		sigAcceptable(s.derive(s.base, "time-expires-equals-created", "expires equals created (both now)",
			window(0, 0), reqs, []string{"ModifiedParameter"}, s.reject("httpsig.lifetime")),
			"the drafts do not address expires <= created; the reference implementation rejects an empty or negative validity window"),
		sigAcceptable(s.derive(s.base, "time-expires-before-created", "expires lies 10 s before created (created now): a reversed window, still within the skew",
			window(0, -10), reqs, []string{"ModifiedParameter"}, s.reject("httpsig.lifetime")),
			"the drafts do not address expires <= created; the reference implementation rejects an empty or negative validity window"),
		sigAcceptable(s.derive(s.base, "time-created-old", "created lies an hour in the past and expires in 60 s: a 61-minute window whose end is near",
			window(-3600, 60), []string{"SIG-WINDOW", "SIG-EXPIRES-TIGHT"}, []string{"Policy"}, s.reject("httpsig.lifetime")),
			"the drafts ask for a tight expires (minutes) but set no receiver rule for the window; the reference implementation bounds both expires - now and expires - created by Policy.MaxWPTLifetime (plus skew), so it rejects"),
		needPolicy(s.derive(s.base, "time-expires-far-future", "expires lies a minute beyond the receiver's maximum lifetime plus its clock skew, created now (frozen: ${sig.expires} s; ${maxWptLifetime} s maximum, ${clockSkew} s skew)",
			window(0, relPolicy(60, "+maxWptLifetime", "+clockSkew")), []string{"SIG-EXPIRES-TIGHT"}, []string{"Policy"}, s.reject("httpsig.lifetime")), NeedMaxWPTLifetime),
	}
	return sigLabel(vs, "time")
}

// --- audience (R8) ---------------------------------------------------------

func (s *sigRev) audVectors() []Vector {
	reqs := []string{"SIG-AUD"}
	// A foreign audience differs from the right one in the authority
	// alone (origin.go): https://evil.example/path in frozen mode.
	evil := "{{aud-host:" + sigEvilHost + "}}"
	aud := func(from Vector, slug, value, change string, mutate func(*Template), flags []string) Vector {
		return s.derive(from, "aud-"+slug, change, sigAll(sigParam("wimse-aud", value), mutate), reqs, flags, s.reject("httpsig.aud_mismatch"))
	}
	none := func(*Template) {}
	vs := []Vector{
		s.derive(s.base, "aud-host-ignored", "Host and X-Forwarded-Host name "+sigEvilHost+" while wimse-aud is the configured target URI: the receiver ignores both fields",
			sigAll(sigAddField("Host", sigEvilHost), sigAddField("X-Forwarded-Host", sigEvilHost)), reqs, []string{"EdgeCase"}, s.accept()),
		aud(s.base, "other-host", evil, "wimse-aud names another host ("+sigEvilHost+", with the target's scheme and path)", none, []string{"ModifiedParameter"}),
		aud(s.base, "other-path", "{{base}}/other", "wimse-aud names another path of this receiver ({{base}}/other)", none, []string{"ModifiedParameter"}),
		aud(s.query, "with-query", "{{aud}}?x=1", "wimse-aud includes the request's query ?x=1: the default audience is the target URI without query", none, []string{"ModifiedParameter"}),
		aud(s.base, "host-derived", evil, "the Host field is "+sigEvilHost+" and wimse-aud is the target URI with that authority (https://"+sigEvilHost+"/path in frozen mode): a receiver deriving its audience from Host accepts",
			sigAddField("Host", sigEvilHost), []string{"AuthBypass"}),
		aud(s.base, "forwarded-host-derived", evil, "X-Forwarded-Host is "+sigEvilHost+" and wimse-aud is the target URI with that authority (https://"+sigEvilHost+"/path in frozen mode): a receiver deriving its audience from X-Forwarded-Host accepts",
			sigAddField("X-Forwarded-Host", sigEvilHost), []string{"AuthBypass"}),
		aud(s.base, "sender-identity", Subject, "wimse-aud is the sender's own Workload Identifier, not the recipient", none, []string{"ModifiedParameter"}),
		aud(s.base, "empty", "", "wimse-aud is the empty string", none, []string{"ModifiedParameter"}),
	}
	return sigLabel(vs, "aud")
}

// --- replay (R9) -----------------------------------------------------------

func (s *sigRev) replayVectors() []Vector {
	return sigLabel([]Vector{
		s.derive(s.base, "replay-nonce", "the same signed request (same nonce) is sent twice; the second must be rejected",
			func(t *Template) { t.Sends = 2 }, []string{"SIG-REPLAY"}, []string{"Replay"}, s.reject("httpsig.replayed")),
	}, "replay")
}

// --- response signing (R10) ------------------------------------------------

func (s *sigRev) responseVectors() []Vector {
	reqs := []string{"SIG-RESPONSE"}
	signed := func(from Vector, slug, change string, mutate func(*Template)) Vector {
		v := s.derive(from, slug, change, sigAll(sigParam("wimse-sign-response", true), mutate), reqs, []string{"Baseline"}, s.accept())
		v.Expect.SignedResponse = true
		return v
	}
	none := func(*Template) {}
	vs := []Vector{
		signed(s.base, "sign-response", "the client sends wimse-sign-response: the server must answer with a signed response echoing the nonce", none),
		signed(s.query, "sign-response-get-query", "a GET /path?x=1 with wimse-sign-response: the signed response covers the request's method and target with ;req", none),
		signed(s.base, "sign-response-label-sig1", "wimse-sign-response under the label sig1: the response echoes the nonce of the signature selected by tag", func(t *Template) { t.Sigs[0].Label = "sig1" }),
		s.derive(s.base, "sign-response-false", "wimse-sign-response=?0 (false): no signed response is required",
			sigParam("wimse-sign-response", false), reqs, []string{"EdgeCase"}, s.accept()),
		s.derive(s.base, "sign-response-string", `wimse-sign-response is the sf-string "true" instead of a Boolean`,
			sigParam("wimse-sign-response", "true"), []string{"SIG-RESPONSE", "SIG-PARAMS"}, []string{"Malformed"}, s.reject("httpsig.malformed")),
		s.derive(s.base, "sign-response-integer", "wimse-sign-response is the sf-integer 1 instead of a Boolean",
			sigParam("wimse-sign-response", 1), []string{"SIG-RESPONSE", "SIG-PARAMS"}, []string{"Malformed"}, s.reject("httpsig.malformed")),
	}
	return sigLabel(vs, "response")
}
