package vectors

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

// httpsigVectors is the HTTP signature catalogue.
func httpsigVectors() []Vector {
	var out []Vector
	for _, rev := range []string{Sig07, Sig06} {
		d := []string{rev}
		base := SigVector("sig"+rev[len(rev)-2:]+"-valid-es256", "a valid "+rev+" signed POST with an ES256 WIT key", BaseSigTemplate(rev), d,
			[]string{"SIG-COMPONENTS", "SIG-PARAMS", "SIG-VERIFY"}, []string{"Baseline"}, Accept(d))
		signed := Derived(base, "sig"+rev[len(rev)-2:]+"-sign-response", "the client sends wimse-sign-response: the server must answer with a signed response echoing the nonce",
			func(t *Template) { t.Sigs[0].Params = append(t.Sigs[0].Params, SigParam{"wimse-sign-response", true}) },
			[]string{"SIG-RESPONSE"}, []string{"Baseline"}, Accept(d))
		signed.Result, signed.Mutation = ResultValid, nil
		signed.Expect.SignedResponse = true
		out = append(out, base, signed,
			Derived(base, "sig"+rev[len(rev)-2:]+"-digest-mismatch", "Content-Digest is the digest of another body",
				func(t *Template) { t.Request.Fields[1][1] = "sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:" },
				[]string{"SIG-DIGEST"}, []string{"ModifiedParameter"}, RejectSig("httpsig.digest_mismatch", d)),
		)
	}
	for i := range out {
		out[i].Labels = append(out[i].Labels, "httpsig")
	}
	return out
}
