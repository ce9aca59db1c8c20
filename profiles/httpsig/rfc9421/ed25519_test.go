package rfc9421_test

import (
	"crypto/ed25519"
	"errors"
	"testing"

	"github.com/wimse-wg/wimse/internal/eddsa"
	"github.com/wimse-wg/wimse/internal/wimsetest"
	"github.com/wimse-wg/wimse/profiles/httpsig/rfc9421"
)

// TestVerifyEd25519SNotReduced: RFC 8032 §5.1.7 makes a signature whose S
// is not below L invalid. crypto/ed25519 already refuses it; Verify says
// so with ErrNonCanonical (besides ErrSignature), under every name of the
// algorithm, so that the profile can report it apart.
func TestVerifyEd25519SNotReduced(t *testing.T) {
	key := wimsetest.Ed("s-plus-l")
	for _, alg := range []string{"ed25519", "EdDSA", "Ed25519"} {
		sig, err := rfc9421.Sign(testBase, alg, key)
		if err != nil {
			t.Fatal(err)
		}
		if err := rfc9421.Verify(testBase, sig, alg, key.Public()); err != nil {
			t.Fatalf("%s: valid signature: %v", alg, err)
		}
		bad := eddsa.AddL(sig)
		if ed25519.Verify(key.Public().(ed25519.PublicKey), testBase, bad) {
			t.Fatal("crypto/ed25519 accepts S + L: the explicit check is then the only one")
		}
		err = rfc9421.Verify(testBase, bad, alg, key.Public())
		if !errors.Is(err, rfc9421.ErrSignature) || !errors.Is(err, rfc9421.ErrNonCanonical) {
			t.Errorf("%s: S + L: got %v, want ErrSignature and ErrNonCanonical", alg, err)
		}
	}
}
