package wit_test

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rsa"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/wimse-wg/wimse/internal/testkeys"

	"github.com/wimse-wg/wimse/wimse"
)

// Test keys are derived from fixed labels, so every run signs with the same
// keys and (with deterministic ECDSA) produces the same tokens. The RSA key
// is a fixed test key in testdata, loaded once.

// ecKey returns the P-curve test key of label (internal/testkeys).
func ecKey(t testing.TB, c elliptic.Curve, label string) *ecdsa.PrivateKey {
	t.Helper()
	return testkeys.EC(t, c, label)
}

var p256, p384, p521 = elliptic.P256(), elliptic.P384(), elliptic.P521()

// edKey returns the Ed25519 test key of label (internal/testkeys).
func edKey(label string) ed25519.PrivateKey { return testkeys.Ed(label) }

func rsaKey(t testing.TB) *rsa.PrivateKey {
	t.Helper()
	return testkeys.RSA(t)
}

// keyFor returns the test key of role (for example "issuer" or "workload")
// that fits alg. RS256 and PS256 share the one RSA test key.
func keyFor(t testing.TB, alg, role string) crypto.Signer {
	t.Helper()
	return testkeys.For(t, alg, role)
}

// allAlgs are the algorithms the module supports.
var allAlgs = []string{"ES256", "ES384", "ES512", "EdDSA", "Ed25519", "RS256", "PS256"}

// fixedClock returns a Policy.Now that always answers unix second sec.
func fixedClock(sec int64) func() time.Time {
	return func() time.Time { return time.Unix(sec, 0) }
}

// checkReason fails t unless err carries want ("" means success). Every
// error must be a *wimse.Error with a known reason, and its text must not
// leak the raw token (wimse.Error: "Detail never contains a raw token").
func checkReason(t testing.TB, err error, want wimse.Reason, raw string) {
	t.Helper()
	if got := wimse.ReasonOf(err); got != want {
		t.Fatalf("reason: got %q, want %q (err: %v)", got, want, err)
	}
	if err == nil {
		return
	}
	var e *wimse.Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v (%T) is not a *wimse.Error", err, err)
	}
	if !e.Reason.Known() {
		t.Errorf("reason %q is not a known reason", e.Reason)
	}
	if raw != "" && strings.Contains(err.Error(), raw) {
		t.Errorf("error text leaks the raw token: %v", err)
	}
}
