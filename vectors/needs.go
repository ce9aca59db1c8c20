package vectors

import (
	"slices"
)

// mandatoryAlg is the algorithm every general-purpose receiver implements
// (creds-02 §3.1: "ES256 MUST be supported"); Needs never lists it.
const mandatoryAlg = "ES256"

// fillNeeds completes the Needs of a file's request vectors: a valid or
// acceptable vector without a source needs the algorithms of its own WIT
// issuer key and proof key; a derived vector (invalid, or acceptable with
// a source) needs everything its source needs, and its own policy needs.
// It is idempotent.
func fillNeeds(vs []Vector, keys *KeySet) {
	byID := map[string]*Vector{}
	for i := range vs {
		byID[vs[i].ID] = &vs[i]
	}
	own := func(v *Vector) {
		if v.Kind != KindRequest || v.Template == nil {
			return
		}
		iss, proof := templateAlgs(v.Template, keys)
		addNeeds(v, nil, iss, proof)
	}
	for i := range vs {
		if vs[i].Mutation == nil {
			own(&vs[i])
		}
	}
	for i := range vs {
		v := &vs[i]
		if v.Mutation == nil {
			continue
		}
		src := byID[v.Mutation.From]
		if src == nil || src.Needs == nil {
			continue
		}
		addNeeds(v, src.Needs.Policy, src.Needs.IssuerAlgorithms, src.Needs.ProofAlgorithms)
		if len(src.Needs.Features) > 0 {
			needFeatures(v, src.Needs.Features...)
		}
	}
}

// addNeeds adds to v's needs, keeping each list sorted and unique and
// leaving Needs nil when empty.
func addNeeds(v *Vector, policy, issuerAlgs, proofAlgs []string) {
	n := Needs{}
	if v.Needs != nil {
		n = *v.Needs
	}
	merge := func(dst, add []string) []string {
		out := slices.Clone(dst)
		for _, a := range add {
			if a != "" && a != mandatoryAlg && !slices.Contains(out, a) {
				out = append(out, a)
			}
		}
		slices.Sort(out)
		return slices.Clip(out)
	}
	n.Policy = merge(n.Policy, policy)
	n.IssuerAlgorithms = merge(n.IssuerAlgorithms, issuerAlgs)
	n.ProofAlgorithms = merge(n.ProofAlgorithms, proofAlgs)
	if len(n.Policy)+len(n.IssuerAlgorithms)+len(n.ProofAlgorithms)+len(n.Features) == 0 {
		v.Needs = nil
		return
	}
	v.Needs = &n
}

// templateAlgs returns the algorithm of a template's WIT signature and of
// its proof (the WPT's, or the first message signature's key), as the
// header names it when it does, else as the key does.
func templateAlgs(t *Template, keys *KeySet) (issuer, proof []string) {
	alg := func(tt *TokenTemplate) string {
		if a, ok := tt.Header["alg"].(string); ok && tt.HeaderRaw == "" {
			return a
		}
		if tt.Alg != "" {
			return tt.Alg
		}
		if k, err := keys.Get(tt.Key); err == nil {
			return k.Alg
		}
		return ""
	}
	if t.WIT != nil {
		issuer = []string{alg(t.WIT)}
	}
	switch {
	case t.WPT != nil:
		proof = []string{alg(t.WPT)}
	case len(t.Sigs) > 0:
		a := t.Sigs[0].Alg
		if k, err := keys.Get(t.Sigs[0].Key); a == "" && err == nil {
			a = k.Alg
		}
		proof = []string{a}
	}
	return issuer, proof
}
