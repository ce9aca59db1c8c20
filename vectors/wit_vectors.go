package vectors

// witNotes explains the flags only this catalogue uses.
var witNotes = map[string]Note{}

// witVectors is the WIT catalogue.
func witVectors() []Vector {
	base := RequestVector("wit-valid-es256", "a valid ES256 WIT with an ES256 WPT", BaseTemplate(), Both,
		[]string{"WIT-SIGNATURE", "WIT-TYP", "WIT-SUB", "WIT-CNF"}, []string{"Baseline"}, Accept(Both))
	return []Vector{
		base,
		Derived(base, "wit-exp-passed", "the WIT expired two minutes ago (beyond the 60 s skew)",
			func(t *Template) { t.WIT.Claims["exp"] = map[string]any{"$rel": -120} },
			[]string{"WIT-EXP"}, []string{"ModifiedParameter"}, RejectCredential("wit.expired", Both)),
	}
}
