package vectors

// Algorithm confusion with a key that fits both algorithms. Each vector
// here is signed on purpose with another algorithm than the one its key is
// bound to (the WIT's cnf.jwk.alg, or the trust anchor's alg), using that
// very key, so that the signature verifies under the token's own alg: a
// receiver that never compares the two accepts it, whatever else it checks.
//
//   - ECDSA: the P-256 key, bound to ES256, signs over SHA-384 under the
//     name ES384 (r||s of 64 octets; signature.go, jose.SignRaw). A
//     verifier that takes the hash from alg and the curve from the key
//     verifies it.
//   - RSA: the same RSA key serves RS256 (PKCS #1 v1.5) and PS256 (PSS), so
//     a key bound to one verifies a signature made under the other.
//
// The reverse RSA cases (an RS256 signature by a PS256-bound key) are in
// the catalogues already: wpt-alg-rs256-cnf-ps256, sigNN-signature-rs256-cnf-ps256
// and wit-alg-rs256-kid-ps256.

// wptAlgKeyVectors are the WPT cases; sources are looked up in built (the
// WPT catalogue so far).
func wptAlgKeyVectors(built []Vector) []Vector {
	base, rs256 := vectorByID(built, "wpt-valid-es256"), vectorByID(built, "wpt-valid-rs256")
	signAs := func(alg string) func(*Template) {
		return func(t *Template) { t.WPT.Header["alg"], t.WPT.Alg = alg, alg }
	}
	vs := []Vector{
		Derived(base, "wpt-alg-es384-cnf-es256-p256", "cnf.jwk is the P-256 workload key with alg ES256; the WPT header says ES384 and the WPT is signed by that very key over SHA-384, so it verifies under the header's alg with the cnf key: only comparing alg with cnf.jwk.alg rejects it",
			signAs("ES384"), []string{"WPT-ALG-EQ"}, []string{"KeyConfusion"}, RejectCredential("wpt.alg_mismatch", Both)),
		Derived(rs256, "wpt-alg-ps256-cnf-rs256", "cnf.jwk is the workload's RSA key with alg RS256; the WPT is PS256, signed with RSA-PSS by that very key, so it verifies under the header's alg with the cnf key: only comparing alg with cnf.jwk.alg rejects it",
			signAs("PS256"), []string{"WPT-ALG-EQ"}, []string{"KeyConfusion"}, RejectCredential("wpt.alg_mismatch", Both)),
	}
	return wptLabel(vs, "alg")
}

// witAlgKeyVectors is the WIT case: the trust anchor issuer-es256 is the
// P-256 issuer key bound to ES256.
func witAlgKeyVectors(base Vector) []Vector {
	v := Derived(base, "wit-alg-es384-issuer-es256", "the WIT header says ES384 with kid issuer-es256, the trusted P-256 issuer key the trust bundle binds to ES256, and the WIT is signed by that very key over SHA-384: it verifies under the header's alg with the anchor's key, so only comparing alg with the anchor's algorithm (or the curve ES384 needs) rejects it",
		func(t *Template) { t.WIT.Header["alg"], t.WIT.Alg = "ES384", "ES384" },
		[]string{"JOSE-ALG-KEY", "WIT-SIGNATURE"}, []string{"KeyConfusion"}, RejectCredential("wit.signature", Both))
	v.Labels = []string{"alg"}
	return []Vector{v}
}

// algKeyVectors are the HTTP signature cases of one revision; sources are
// looked up in built (the catalogue so far, this revision's alg vectors
// included).
func (s *sigRev) algKeyVectors(built []Vector) []Vector {
	rs256 := vectorByID(built, s.id("valid-rs256"))
	signAs := func(alg string) func(*Template) { return func(t *Template) { t.Sigs[0].Alg = alg } }
	vs := []Vector{
		s.derive(s.base, "signature-es384-p256-cnf-es256", "cnf.jwk is the P-256 workload key with alg ES256; the request is signed by that very key over SHA-384 (ES384 on the P-256 key), so it verifies under ES384 with the cnf key: only verifying under cnf.jwk.alg rejects it",
			signAs("ES384"), []string{"SIG-VERIFY"}, []string{"KeyConfusion"}, s.reject("httpsig.signature")),
		s.derive(rs256, "signature-ps256-cnf-rs256", "cnf.jwk is the workload's RSA key with alg RS256; the request is signed PS256 (RSA-PSS) by that very key, so only a verifier that ignores cnf.jwk.alg accepts it",
			signAs("PS256"), []string{"SIG-VERIFY"}, []string{"KeyConfusion"}, s.reject("httpsig.signature")),
	}
	return sigLabel(vs, "alg")
}

// vectorByID returns the vector of vs with that ID; the catalogues call it
// with IDs they define, so a miss is a programming error.
func vectorByID(vs []Vector, id string) Vector {
	for _, v := range vs {
		if v.ID == id {
			return v
		}
	}
	panic("vectors: no vector " + id)
}
