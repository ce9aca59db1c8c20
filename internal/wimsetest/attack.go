package wimsetest

import (
	"crypto"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/x509"
	"testing"
)

// HMACOverPublicKey returns a signing function that computes HMAC-SHA256
// keyed by pub's SubjectPublicKeyInfo: the classic RS/ES-to-HS algorithm
// confusion (RFC 8725 §2.1).
func HMACOverPublicKey(pub crypto.PublicKey) func(testing.TB, string) []byte {
	return func(t testing.TB, input string) []byte {
		t.Helper()
		der, err := x509.MarshalPKIXPublicKey(pub)
		if err != nil {
			t.Fatal(err)
		}
		m := hmac.New(sha256.New, der)
		m.Write([]byte(input))
		return m.Sum(nil)
	}
}
