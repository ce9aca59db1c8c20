package vectors_test

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"math/big"
	"strings"
	"testing"

	"github.com/wimse-wg/wimse/vectors"
)

// TestAlgConfusionSignaturesVerify: each algorithm-confusion vector
// (alg_vectors.go) carries a signature that verifies under its own alg with
// the key bound to the other algorithm, so a receiver that never compares
// the two accepts it. Only the comparison makes the vector fail.
func TestAlgConfusionSignaturesVerify(t *testing.T) {
	s := loadSet(t)
	keys, err := vectors.DeriveKeys(vectors.DefaultSeed)
	if err != nil {
		t.Fatal(err)
	}
	pub := func(name string) crypto.PublicKey {
		k, err := keys.Get(name)
		if err != nil {
			t.Fatal(err)
		}
		return k.Signer.Public()
	}
	// verify checks sig over msg under a JWS alg name with key.
	verify := func(alg string, key crypto.PublicKey, msg, sig []byte) bool {
		switch alg {
		case "ES384":
			d := sha512.Sum384(msg)
			k := key.(*ecdsa.PublicKey)
			size := (k.Curve.Params().BitSize + 7) / 8
			if len(sig) != 2*size {
				return false
			}
			return ecdsa.Verify(k, d[:], new(big.Int).SetBytes(sig[:size]), new(big.Int).SetBytes(sig[size:]))
		case "PS256":
			d := sha256.Sum256(msg)
			return rsa.VerifyPSS(key.(*rsa.PublicKey), crypto.SHA256, d[:], sig, nil) == nil
		}
		t.Fatalf("alg %s", alg)
		return false
	}
	jws := func(compact string) ([]byte, []byte) {
		i := strings.LastIndexByte(compact, '.')
		sig, err := base64.RawURLEncoding.DecodeString(compact[i+1:])
		if err != nil {
			t.Fatal(err)
		}
		return []byte(compact[:i]), sig
	}
	field := func(r *vectors.Request, name string) string {
		for _, f := range r.Fields {
			if strings.EqualFold(f[0], name) {
				return f[1]
			}
		}
		t.Fatalf("no %s field", name)
		return ""
	}
	for _, tc := range []struct {
		id, alg, key string
		token        string // "wit", "wpt" or "" for the message signature
	}{
		{"wpt-alg-es384-cnf-es256-p256", "ES384", "workload", "wpt"},
		{"wpt-alg-ps256-cnf-rs256", "PS256", "workload-rs256", "wpt"},
		{"wit-alg-es384-issuer-es256", "ES384", "issuer", "wit"},
		{"sig07-signature-es384-p256-cnf-es256", "ES384", "workload", ""},
		{"sig06-signature-es384-p256-cnf-es256", "ES384", "workload", ""},
		{"sig07-signature-ps256-cnf-rs256", "PS256", "workload-rs256", ""},
		{"sig06-signature-ps256-cnf-rs256", "PS256", "workload-rs256", ""},
	} {
		t.Run(tc.id, func(t *testing.T) {
			v := byID(t, s, tc.id)
			if v.Result != vectors.ResultInvalid || v.Mutation == nil {
				t.Fatalf("result %s, mutation %v: want an invalid vector with a source", v.Result, v.Mutation)
			}
			for draft, r := range v.Frozen.Requests {
				var msg, sig []byte
				switch tc.token {
				case "wit":
					msg, sig = jws(field(r, "Workload-Identity-Token"))
				case "wpt":
					proof := field(r, map[string]string{"wpt-01": "Workload-Proof-Token", "wpt-02": "Authorization"}[draft])
					msg, sig = jws(strings.TrimPrefix(proof, "WPT "))
				default:
					msg = []byte(v.Frozen.Intermediate.SignatureBases["wimse"])
					b64 := strings.TrimSuffix(strings.TrimPrefix(field(r, "Signature"), "wimse=:"), ":")
					if sig, err = base64.StdEncoding.DecodeString(b64); err != nil {
						t.Fatal(err)
					}
				}
				if !verify(tc.alg, pub(tc.key), msg, sig) {
					t.Errorf("%s: the signature does not verify under %s with %s: the vector would not catch a receiver that ignores the key's algorithm", draft, tc.alg, tc.key)
				}
			}
		})
	}
}
