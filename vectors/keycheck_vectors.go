package vectors

import (
	"crypto"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"io"

	"github.com/wimse-wg/wimse/internal/eddsa"
	"github.com/wimse-wg/wimse/internal/jose"
)

// Key checks (issue 9 items 2 and 7): Ed25519 confirmation keys of small
// order or not canonically encoded, each with a proof forged without any
// private key; Ed25519 signatures whose S is not reduced; cnf.jwk use and
// key_ops; cnf with more than one confirmation method; and the EdDSA and
// Ed25519 names of one algorithm.
//
// The forged keys (ForgedKeyPrefix) are public keys with no private key:
// their Signer forges (internal/eddsa.Forge), so a template signs with them
// like with any key and the proof verifies under crypto/ed25519 (and any
// cofactored verifier). A receiver that refuses the key rejects the
// request; one that only verifies the proof accepts it, so the vector
// judges the verdict, not just the reason.
//
// A trust-bundle (issuer) key of small order is not played: the suite
// serves one trust bundle for all its vectors, and a conformant target
// refuses a bundle holding such a key when it loads it (as
// wimse.ParseJWKSet does), before any request, so the suite would lose
// every vector for that target and learn nothing from a request. It is a
// library-level test (tokens/wit TestIssuerEd25519, wimse
// TestParseJWKSetEd25519Keys, cmd/wimse TestWeakEd25519KeysRefused). The
// reverse EdDSA/Ed25519 pair (a bundle key whose alg is Ed25519) is also
// library-level: adding such a key to the suite's bundle would break the
// bundle for targets whose JOSE library does not know the RFC 9864 name.

// ForgedKeyPrefix starts the names of the forged Ed25519 keys.
const ForgedKeyPrefix = "forged-ed25519-"

// forgedKeys are the forged keys: name suffix, public key (hex, as in
// internal/eddsa), and whether the encoding is canonical. The canonical
// ones are the eight points of small order (eddsa.SmallOrder); the others
// are the non-canonical encodings that crypto/ed25519 decodes to those
// points.
var forgedKeys = []struct {
	name      string
	hex       string
	canonical bool
	what      string
}{
	{"identity", "0100000000000000000000000000000000000000000000000000000000000000", true, "the identity point (order 1): R = identity, S = 0 signs every message"},
	{"order-2", "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", true, "the point of order 2 (x = 0, y = -1)"},
	{"order-4", "0000000000000000000000000000000000000000000000000000000000000000", true, "a point of order 4 (y = 0)"},
	{"order-4-neg", "0000000000000000000000000000000000000000000000000000000000000080", true, "the other point of order 4 (y = 0, x negative)"},
	{"order-8-a", "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05", true, "a point of order 8"},
	{"order-8-b", "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85", true, "a point of order 8"},
	{"order-8-c", "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a", true, "a point of order 8"},
	{"order-8-d", "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa", true, "a point of order 8"},
	{"identity-y-p-plus-1", "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", false, "the identity point encoded with y = p + 1 (not reduced mod p)"},
	{"identity-sign-bit", "0100000000000000000000000000000000000000000000000000000000000080", false, "the identity point encoded with the sign bit of x = 0 set"},
	{"identity-y-p-plus-1-sign-bit", "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff", false, "the identity point encoded with y = p + 1 and the sign bit set"},
	{"order-2-sign-bit", "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff", false, "the point of order 2 encoded with the sign bit of x = 0 set"},
	{"order-4-y-p", "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", false, "a point of order 4 encoded with y = p (not reduced mod p)"},
	{"order-4-y-p-sign-bit", "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff", false, "the other point of order 4 encoded with y = p"},
}

// keycheckNotes explains the flags of this catalogue.
var keycheckNotes = map[string]Note{
	"SmallOrderKey": {BugType: "AUTH_BYPASS", Description: "cnf.jwk is an Ed25519 point of small order (the identity or another point of the 8-torsion subgroup): its discrete logarithm is public, the proof in the vector is forged without any private key, and a receiver that accepts it treats the WIT as a bearer token",
		Links: []string{"https://www.rfc-editor.org/rfc/rfc8032#section-5.1.7"}},
	"NonCanonicalKey": {BugType: "CANONICALIZATION", Description: "cnf.jwk is an Ed25519 key whose encoding is not canonical (y not reduced mod p, or x = 0 with the sign bit set): RFC 8032 §5.1.3 decoding fails for it, yet many verifiers decode it, here to a point of small order, so a check of the canonical small-order encodings alone lets the forged proof through",
		Links: []string{"https://www.rfc-editor.org/rfc/rfc8032#section-5.1.3"}},
	"SignatureMalleability": {BugType: "MODIFIED_PARAMETER", Description: "an Ed25519 signature whose S is a valid S plus L, the order of the base point: a verifier that does not check S < L (RFC 8032 §5.1.7) accepts a second encoding of a signature it has seen",
		Links: []string{"https://www.rfc-editor.org/rfc/rfc8032#section-5.1.7"}},
	"KeyUse":       {BugType: "MODIFIED_PARAMETER", Description: "cnf.jwk's use or key_ops designate the key for something other than verifying signatures (RFC 7517 §4.2, §4.3)"},
	"AmbiguousKey": {BugType: "MODIFIED_PARAMETER", Description: "cnf names the proof-of-possession key twice, by jwk and by another confirmation method; receivers may disagree on which key proves possession (RFC 7800 §3.1: one key)"},
}

// forger is a crypto.Signer for a public key that has no private key: it
// forges (eddsa.Forge), which works for points of small order only.
type forger struct{ pub ed25519.PublicKey }

func (f forger) Public() crypto.PublicKey { return f.pub }

func (f forger) Sign(_ io.Reader, msg []byte, opts crypto.SignerOpts) ([]byte, error) {
	if opts != nil && opts.HashFunc() != 0 {
		return nil, errors.New("vectors: a forged Ed25519 key signs the message itself (crypto.Hash(0))")
	}
	sig, ok := eddsa.Forge(f.pub, msg)
	if !ok {
		return nil, errors.New("vectors: cannot forge a signature under this key")
	}
	return sig, nil
}

// forgedPublicJWK is the JWK requirements.json publishes for a forged key:
// its public JWK, for there is no private one (runners forge, see
// vectors/v1/README.md); ok is false for any other key.
func forgedPublicJWK(k *Key) (json.RawMessage, bool) {
	f, isForged := k.Signer.(forger)
	if !isForged {
		return nil, false
	}
	pub, err := jose.PublicJWKJSON(f.pub, k.Alg, "")
	if err != nil {
		return nil, false
	}
	b, err := jose.Marshal(pub)
	return b, err == nil
}

// addForgedKeys adds the forged keys to s, alg EdDSA.
func addForgedKeys(s *KeySet) {
	for _, k := range forgedKeys {
		name := ForgedKeyPrefix + k.name
		s.keys[name] = &Key{Name: name, Alg: "EdDSA", Signer: forger{pub: mustHexKey(k.hex)}}
	}
}

func mustHexKey(h string) ed25519.PublicKey {
	b := make([]byte, len(h)/2)
	for i := range b {
		b[i] = unhex(h[2*i])<<4 | unhex(h[2*i+1])
	}
	return b
}

func unhex(c byte) byte {
	switch {
	case c >= '0' && c <= '9':
		return c - '0'
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10
	}
	panic("vectors: bad hex digit")
}

// witKeyCheckVectors are the WIT catalogue's key checks; sources are looked
// up in built (the catalogue so far). They go through every proof profile
// (witThroughProofs): under the HTTP signature revisions the forged proof
// is a message signature by the same forged key.
func witKeyCheckVectors(built []Vector) []Vector {
	base := vectorByID(built, "wit-valid-es256")
	cnfEd := vectorByID(built, "wit-valid-cnf-eddsa")
	issuerEd := vectorByID(built, "wit-valid-issuer-eddsa")
	reject := func(reason string) Expect { return RejectCredential(reason, Both) }
	label := func(v Vector, labels ...string) Vector { v.Labels = labels; return v }
	var out []Vector

	for _, k := range forgedKeys {
		key := ForgedKeyPrefix + k.name
		forged := func(t *Template) {
			t.WIT.Claims["cnf"] = map[string]any{"jwk": map[string]any{"$jwk": key}}
			t.WPT.Key = key
		}
		if k.canonical {
			out = append(out, label(Derived(cnfEd, "wit-cnf-small-order-"+k.name,
				"cnf.jwk is "+k.what+", and the proof is forged without any private key (it verifies under crypto/ed25519 and any cofactored verifier): only refusing the small-order key rejects it",
				forged, []string{"WIT-CNF", "WIT-NOT-BEARER"}, []string{"AuthBypass", "SmallOrderKey"}, reject("wit.cnf_key_small_order")), "cnf", "ed25519"))
			continue
		}
		out = append(out, label(Derived(cnfEd, "wit-cnf-non-canonical-"+k.name,
			"cnf.jwk is "+k.what+", and the proof is forged without any private key: a receiver that decodes the key as crypto/ed25519 does and only refuses the canonical small-order encodings accepts it",
			forged, []string{"JOSE-ED25519", "WIT-CNF", "WIT-NOT-BEARER"}, []string{"AuthBypass", "NonCanonicalKey"}, reject("wit.cnf_key_non_canonical")), "cnf", "ed25519"))
	}

	out = append(out, label(Derived(issuerEd, "wit-signature-ed25519-s-plus-l",
		"the EdDSA WIT's signature has L added to its S: invalid (RFC 8032 §5.1.7: S < L), although a verifier that reduces S accepts it",
		func(t *Template) { t.WIT.Encoding = EncodingEd25519SPlusL },
		[]string{"JOSE-ED25519", "WIT-SIGNATURE"}, []string{"SignatureMalleability"}, reject("wit.signature_non_canonical")), "alg", "ed25519"))

	// The EdDSA anchor with a WIT header saying Ed25519: one algorithm.
	t := issuerEd.Template.Clone()
	t.WIT.Header["alg"], t.WIT.Alg = "Ed25519", "Ed25519"
	spelled := RequestVector("wit-alg-ed25519-issuer-eddsa", "the WIT header says Ed25519 (RFC 9864's name) and kid issuer-eddsa, the trust anchor the bundle binds to EdDSA: for an Ed25519 key the two names are one algorithm (RFC 9864 §2.2; a profile that declares either declares both), so the anchor's alg allows it",
		t, issuerEd.Drafts, []string{"WIT-SIGNATURE", "WIT-ALG", "JOSE-ALG-KEY"}, []string{"EdgeCase"}, Accept(issuerEd.Drafts))
	spelled.Policy = issuerEd.Policy
	out = append(out, label(spelled, "alg", "ed25519"))

	// use and key_ops (RFC 7517 §4.2, §4.3).
	jwkWith := func(set map[string]any) func(*Template) {
		return func(t *Template) {
			t.WIT.Claims["cnf"] = map[string]any{"jwk": map[string]any{"$jwk": map[string]any{"key": "workload", "set": set}}}
		}
	}
	useOK := func(id, comment string, set map[string]any) Vector {
		t := base.Template.Clone()
		jwkWith(set)(t)
		v := RequestVector(id, comment, t, base.Drafts, []string{"WIT-CNF", "WIT-CNF-USE"}, []string{"EdgeCase"}, Accept(base.Drafts))
		v.Policy = base.Policy
		return label(v, "cnf")
	}
	out = append(out,
		useOK("wit-cnf-use-sig", "cnf.jwk has use sig: a key for signatures", map[string]any{"use": "sig"}),
		useOK("wit-cnf-key-ops-verify", "cnf.jwk has key_ops [verify]", map[string]any{"key_ops": []any{"verify"}}),
		label(Derived(base, "wit-cnf-use-enc", "cnf.jwk has use enc: a key designated for encryption, not for verifying proofs",
			jwkWith(map[string]any{"use": "enc"}), []string{"WIT-CNF-USE"}, []string{"KeyUse"}, reject("wit.cnf_key_use")), "cnf"),
		label(Derived(base, "wit-cnf-key-ops-encrypt", "cnf.jwk has key_ops [encrypt]: verify is not among the operations the key is for",
			jwkWith(map[string]any{"key_ops": []any{"encrypt"}}), []string{"WIT-CNF-USE"}, []string{"KeyUse"}, reject("wit.cnf_key_use")), "cnf"),
	)

	// More than one confirmation method (RFC 7800 §3.1).
	cnfAlso := func(name string, v any) func(*Template) {
		return func(t *Template) {
			t.WIT.Claims["cnf"] = map[string]any{"jwk": map[string]any{"$jwk": "workload"}, name: v}
		}
	}
	sameKey := Derived(base, "wit-cnf-jwk-and-jkt-same-key", "cnf holds jwk and a jkt that is the RFC 7638 thumbprint of that very key",
		cnfAlso("jkt", map[string]any{"$jkt": "workload"}), []string{"WIT-CNF-ONE-KEY"}, []string{"AmbiguousKey", "Inference"}, reject("wit.cnf_ambiguous"))
	sameKey.Result = ResultAcceptable
	sameKey.Comment += ". Both methods name one key, so RFC 7800 §3.1 (one key) is not broken and a receiver may accept; the reference receiver refuses any second confirmation method (wit.cnf_ambiguous) rather than compare them"
	out = append(out,
		label(Derived(base, "wit-cnf-jwk-and-jkt-other-key", "cnf holds jwk (the workload key) and a jkt naming another key (other-workload's RFC 7638 thumbprint): two proof-of-possession keys where RFC 7800 §3.1 allows one; a receiver that prefers jkt binds a different key",
			cnfAlso("jkt", map[string]any{"$jkt": "other-workload"}), []string{"WIT-CNF-ONE-KEY"}, []string{"AmbiguousKey"}, reject("wit.cnf_ambiguous")), "cnf"),
		label(Derived(base, "wit-cnf-jwk-and-x5t", "cnf holds jwk and an x5t#S256 certificate thumbprint (RFC 8705), which names a certificate's key: two confirmation methods where RFC 7800 §3.1 allows one key",
			cnfAlso("x5t#S256", "bwcK0esc3ACC3DB2Y5_lESsXE8o9ltc05O89jdN-dg2"), []string{"WIT-CNF-ONE-KEY"}, []string{"AmbiguousKey"}, reject("wit.cnf_ambiguous")), "cnf"),
		label(sameKey, "cnf"),
	)
	return out
}

// wptKeyCheckVectors are the WPT catalogue's: an Ed25519 WPT, under either
// name, whose S is not reduced.
func wptKeyCheckVectors(built []Vector) []Vector {
	var out []Vector
	for _, src := range []string{"eddsa", "ed25519"} {
		from := vectorByID(built, "wpt-valid-"+src)
		out = append(out, Derived(from, "wpt-signature-"+src+"-s-plus-l", "the WPT's signature (alg "+from.Template.WPT.Header["alg"].(string)+") has L added to its S: invalid (RFC 8032 §5.1.7: S < L), although a verifier that reduces S accepts it",
			func(t *Template) { t.WPT.Encoding = EncodingEd25519SPlusL },
			[]string{"JOSE-ED25519", "WPT-SIGNATURE"}, []string{"SignatureMalleability"}, RejectCredential("wpt.signature_non_canonical", Both)))
	}
	return wptLabel(out, "alg", "ed25519")
}

// keyCheckVectors are one HTTP signature revision's: a message signature by
// the Ed25519 cnf key, under either name, whose S is not reduced.
func (s *sigRev) keyCheckVectors(built []Vector) []Vector {
	var out []Vector
	for _, src := range []string{"eddsa", "ed25519"} {
		from := vectorByID(built, s.id("valid-"+src))
		out = append(out, s.derive(from, "signature-"+src+"-s-plus-l", "the message signature by the WIT's "+src+" key has L added to its S: invalid (RFC 8032 §5.1.7: S < L), although a verifier that reduces S accepts it",
			func(t *Template) { t.Sigs[0].SPlusL = true },
			[]string{"JOSE-ED25519", "SIG-VERIFY"}, []string{"SignatureMalleability"}, s.reject("httpsig.signature_non_canonical")))
	}
	return sigLabel(out, "alg", "ed25519")
}
