package jose

import (
	"crypto"
	"crypto/ecdh"
	"crypto/ed25519"
	"crypto/elliptic"
	"slices"
	"testing"
)

func TestSupported(t *testing.T) {
	want := []string{"ES256", "ES384", "ES512", "EdDSA", "Ed25519", "RS256", "PS256"}
	got := Supported()
	if !slices.Equal(got, want) {
		t.Fatalf("Supported() = %q, want %q", got, want)
	}
	got[0] = "none"
	if IsSupported("none") || !IsSupported("ES256") {
		t.Error("Supported() returned the allow-list itself, not a copy")
	}
	for _, alg := range []string{"", "none", "HS256", "HS384", "HS512", "RS384", "RS512", "PS384", "PS512",
		"ES256K", "RSA-OAEP", "ECDH-ES", "A128KW", "dir", "A128GCM", "es256", "ES256 "} {
		if IsSupported(alg) {
			t.Errorf("IsSupported(%q) = true", alg)
		}
	}
}

func TestCheckKey(t *testing.T) {
	p224 := ecKey(t, elliptic.P224(), "jose")
	x25519, err := ecdh.X25519().NewPrivateKey(make([]byte, 32))
	if err != nil {
		t.Fatal(err)
	}
	keys := map[string]crypto.PublicKey{
		"P-256":         keyFor(t, "ES256").Public(),
		"P-384":         keyFor(t, "ES384").Public(),
		"P-521":         keyFor(t, "ES512").Public(),
		"P-224":         p224.Public(),
		"Ed25519":       keyFor(t, "EdDSA").Public(),
		"Ed25519 short": ed25519.PublicKey(make([]byte, 31)),
		"RSA 2048":      keyFor(t, "RS256").Public(),
		"RSA 1024":      rsa1024(),
		"X25519":        x25519.PublicKey(),
		"Ed25519 priv":  edKey("jose"),
		"nil":           nil,
	}
	tests := []struct {
		key  string
		ok   []string // algs that fit
		code Code     // code for every other supported alg
	}{
		{key: "P-256", ok: []string{"ES256"}, code: CodeKeyAlg},
		{key: "P-384", ok: []string{"ES384"}, code: CodeKeyAlg},
		{key: "P-521", ok: []string{"ES512"}, code: CodeKeyAlg},
		{key: "P-224", code: CodeKeyAlg},
		{key: "Ed25519", ok: []string{"EdDSA", "Ed25519"}, code: CodeKeyAlg},
		{key: "Ed25519 short", code: CodeKeyAlg},
		{key: "RSA 2048", ok: []string{"RS256", "PS256"}, code: CodeKeyAlg},
		{key: "X25519", code: CodeKey},
		{key: "Ed25519 priv", code: CodeKey},
		{key: "nil", code: CodeKey},
	}
	for _, tc := range tests {
		for _, alg := range append(Supported(), "none", "HS256", "RS384") {
			want := tc.code
			if slices.Contains(tc.ok, alg) {
				want = 0
			}
			if got := codeOf(CheckKey(alg, keys[tc.key])); got != want {
				t.Errorf("CheckKey(%q, %s) code = %d, want %d", alg, tc.key, got, want)
			}
		}
	}
	// An RSA key of the right algorithm but below MinRSABits.
	for _, alg := range []string{"RS256", "PS256"} {
		checkCode(t, CheckKey(alg, keys["RSA 1024"]), CodeKey)
	}
	checkCode(t, CheckKey("ES256", keys["RSA 1024"]), CodeKeyAlg)
}

func TestAlgForKey(t *testing.T) {
	tests := []struct {
		key  crypto.PublicKey
		want string
	}{
		{keyFor(t, "ES256").Public(), "ES256"},
		{keyFor(t, "ES384").Public(), "ES384"},
		{keyFor(t, "ES512").Public(), "ES512"},
		{ecKey(t, elliptic.P224(), "jose").Public(), ""},
		{keyFor(t, "EdDSA").Public(), "EdDSA"},
		{keyFor(t, "RS256").Public(), "RS256"},
		{edKey("jose"), ""},
		{nil, ""},
	}
	for _, tc := range tests {
		if got := AlgForKey(tc.key); got != tc.want {
			t.Errorf("AlgForKey(%T) = %q, want %q", tc.key, got, tc.want)
		}
	}
}
