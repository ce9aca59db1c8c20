package jose

import (
	"crypto"
	"crypto/elliptic"
	"strings"
	"testing"
)

var allAlgs = []string{"ES256", "ES384", "ES512", "EdDSA", "Ed25519", "RS256", "PS256"}

// TestSignVerify: Sign and Verify agree for every supported algorithm;
// signatures have the JWS sizes (RFC 7518 §3.4: fixed-width r||s for ECDSA).
func TestSignVerify(t *testing.T) {
	sigLen := map[string]int{"ES256": 64, "ES384": 96, "ES512": 132, "EdDSA": 64, "Ed25519": 64, "RS256": 256, "PS256": 256}
	for _, alg := range allAlgs {
		t.Run(alg, func(t *testing.T) {
			key := keyFor(t, alg)
			raw, err := Sign(map[string]any{"typ": "wit+jwt", "alg": "none"}, map[string]any{"sub": "x"}, alg, key, false)
			if err != nil {
				t.Fatalf("Sign: %v", err)
			}
			tok, err := Parse(raw, 4096)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if tok.Alg != alg || tok.Typ != "wit+jwt" {
				t.Errorf("header alg %q typ %q, want %q wit+jwt (the alg argument wins over a header alg)", tok.Alg, tok.Typ, alg)
			}
			if len(tok.Signature) != sigLen[alg] {
				t.Errorf("signature is %d bytes, want %d", len(tok.Signature), sigLen[alg])
			}
			checkCode(t, Verify(tok, alg, key.Public()), 0)

			// Another key of the same type: the signature does not verify.
			// (There is one RSA test key, so RS256 and PS256 skip this.)
			other := map[string]crypto.Signer{"ES256": ecKey(t, elliptic.P256(), "other"), "ES384": ecKey(t, elliptic.P384(), "other"),
				"ES512": ecKey(t, elliptic.P521(), "other"), "EdDSA": edKey("other"), "Ed25519": edKey("other")}[alg]
			if other != nil {
				checkCode(t, Verify(tok, alg, other.Public()), CodeSignature)
			}
			// A tampered signing input does not verify.
			bad := *tok
			bad.SigningInput = strings.Replace(tok.SigningInput, ".", ".e30", 1)
			checkCode(t, Verify(&bad, alg, key.Public()), CodeSignature)
			// A truncated signature does not verify.
			bad = *tok
			bad.Signature = tok.Signature[:len(tok.Signature)-1]
			checkCode(t, Verify(&bad, alg, key.Public()), CodeSignature)
		})
	}
}

func TestVerifyKeyChecks(t *testing.T) {
	raw, err := Sign(nil, map[string]any{}, "ES256", keyFor(t, "ES256"), false)
	if err != nil {
		t.Fatal(err)
	}
	tok, err := Parse(raw, 4096)
	if err != nil {
		t.Fatal(err)
	}
	checkCode(t, Verify(tok, "ES256", keyFor(t, "ES384").Public()), CodeKeyAlg)
	checkCode(t, Verify(tok, "EdDSA", keyFor(t, "ES256").Public()), CodeKeyAlg)
	checkCode(t, Verify(tok, "RS256", rsa1024()), CodeKey)
	checkCode(t, Verify(tok, "HS256", keyFor(t, "ES256").Public()), CodeKeyAlg)
}

func TestSignErrors(t *testing.T) {
	tests := []struct {
		name string
		alg  string
		key  string
		want Code
	}{
		{name: "none", alg: "none", key: "ES256", want: CodeAlg},
		{name: "HS256", alg: "HS256", key: "ES256", want: CodeAlg},
		{name: "RS384", alg: "RS384", key: "RS256", want: CodeAlg},
		{name: "ES384 with a P-256 key", alg: "ES384", key: "ES256", want: CodeKeyAlg},
		{name: "EdDSA with an RSA key", alg: "EdDSA", key: "RS256", want: CodeKeyAlg},
		{name: "PS256 with an Ed25519 key", alg: "PS256", key: "EdDSA", want: CodeKeyAlg},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Sign(nil, map[string]any{}, tc.alg, keyFor(t, tc.key), false)
			checkCode(t, err, tc.want)
		})
	}
	// SignRaw does not check alg against the key type, but ECDSA signing
	// still needs an ES algorithm.
	_, err := SignRaw([]byte(`{}`), []byte(`{}`), "EdDSA", keyFor(t, "ES256"), false)
	checkCode(t, err, CodeKeyAlg)
}

// TestSignRawBytes: SignRaw signs the bytes it is given, unchanged, and Sign
// passes []byte claims through.
func TestSignRawBytes(t *testing.T) {
	header := []byte(`{"alg":"EdDSA","typ":"wpt+jwt","typ":"x"}`)
	payload := []byte(" not json ")
	raw, err := SignRaw(header, payload, "EdDSA", edKey("jose"), false)
	if err != nil {
		t.Fatal(err)
	}
	if want := b64(string(header)) + "." + b64(string(payload)) + "."; !strings.HasPrefix(raw, want) {
		t.Errorf("SignRaw = %q, want prefix %q", raw, want)
	}
	raw, err = Sign(map[string]any{"typ": "t"}, []byte(`{"z":1,"a":2}`), "EdDSA", edKey("jose"), false)
	if err != nil {
		t.Fatal(err)
	}
	if want := b64(`{"alg":"EdDSA","typ":"t"}`) + "." + b64(`{"z":1,"a":2}`) + "."; !strings.HasPrefix(raw, want) {
		t.Errorf("Sign = %q, want prefix %q", raw, want)
	}
}

// TestSignDeterministic: with deterministic set, every algorithm's
// signatures repeat exactly (RFC 6979 ECDSA, a PSS salt derived from the
// input); without it ECDSA and PSS are randomised. All of them verify.
func TestSignDeterministic(t *testing.T) {
	randomised := map[string]bool{"ES256": true, "ES384": true, "ES512": true, "PS256": true}
	for _, alg := range allAlgs {
		t.Run(alg, func(t *testing.T) {
			key := keyFor(t, alg)
			sign := func(det bool) string {
				t.Helper()
				raw, err := Sign(map[string]any{"typ": "wit+jwt"}, map[string]any{"sub": "x"}, alg, key, det)
				if err != nil {
					t.Fatalf("Sign(deterministic=%v): %v", det, err)
				}
				tok, err := Parse(raw, 4096)
				if err != nil {
					t.Fatal(err)
				}
				checkCode(t, Verify(tok, alg, key.Public()), 0)
				return raw
			}
			if a, b := sign(false), sign(false); (a != b) != randomised[alg] {
				t.Errorf("two non-deterministic signatures: differ = %v, want %v", a != b, randomised[alg])
			}
			if a, b := sign(true), sign(true); a != b {
				t.Errorf("two deterministic signatures differ:\n%s\n%s", a, b)
			}
		})
	}
}

func TestMarshal(t *testing.T) {
	got, err := Marshal(map[string]any{"z": "<&>", "a": map[string]any{"y": 1, "b": []int{2}}})
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"a":{"b":[2],"y":1},"z":"<&>"}`; string(got) != want {
		t.Errorf("Marshal = %s, want %s", got, want)
	}
	if _, err := Marshal(map[string]any{"f": func() {}}); err == nil {
		t.Error("Marshal of a func succeeded")
	}
}
