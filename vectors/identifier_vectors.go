package vectors

// identifierNotes explains the flags only this catalogue uses.
var identifierNotes = map[string]Note{}

// IdentifierVector builds an identifier vector.
func IdentifierVector(id, comment, input string, reqs, flags []string, reason string) Vector {
	v := Vector{ID: id, Kind: KindIdentifier, Comment: comment, Requirements: reqs, Flags: flags, Input: &Input{Identifier: &input}}
	if reason == "" {
		v.Result, v.Expect = ResultValid, Expect{Verdict: "accept"}
	} else {
		v.Result, v.Expect = ResultInvalid, Expect{Verdict: "reject", Reason: reason}
	}
	return v
}

// identifierVectors is the identifier catalogue.
func identifierVectors() []Vector {
	valid := IdentifierVector("id-wimse-valid", "the identifier-03 example", "wimse://trust.example.com/service/payment",
		[]string{"ID-WIMSE-PATH"}, []string{"Baseline"}, "")
	pct := IdentifierVector("id-wimse-percent-encoded", "%70ayment spells payment; it must be rejected, not decoded",
		"wimse://trust.example.com/service/%70ayment", []string{"ID-NO-REPAIR"}, []string{"Canonicalization"}, "id.not_canonical")
	pct.Mutation = &Mutation{From: valid.ID, Change: "p percent-encoded as %70"}
	return []Vector{valid, pct}
}
