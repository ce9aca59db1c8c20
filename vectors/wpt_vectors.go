package vectors

// wptNotes explains the flags only this catalogue uses.
var wptNotes = map[string]Note{}

// wptVectors is the WPT catalogue.
func wptVectors() []Vector {
	base := RequestVector("wpt-valid-es256", "a valid ES256 WPT with a valid WIT", BaseTemplate(), Both,
		[]string{"WPT-SIGNATURE", "WPT-TYP", "WPT-AUD", "WPT-WTH"}, []string{"Baseline"}, Accept(Both))
	return []Vector{
		base,
		Derived(base, "wpt-wth-other-wit", "wth is the hash of another string than the WIT sent",
			func(t *Template) { t.WPT.Claims["wth"] = "AaYUfC34D1di2FxQLpiIJJ7Sg8VZ6o8OCdwSf9IToLg" },
			[]string{"WPT-WTH"}, []string{"AuthBypass"}, RejectCredential("wpt.wth_mismatch", Both)),
	}
}
