package wit_test

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/wimse-wg/wimse/tokens/wit"
	"github.com/wimse-wg/wimse/wimse"
)

// exampleStore trusts example.com with the creds-02 "June 5" issuer key.
func exampleStore(t testing.TB) *wimse.TrustStore {
	t.Helper()
	data, err := os.ReadFile("testdata/issuer-june5.jwks")
	if err != nil {
		t.Fatal(err)
	}
	keys, err := wimse.ParseJWKSet(data)
	if err != nil {
		t.Fatal(err)
	}
	s := wimse.NewTrustStore()
	s.Set(wimse.MustParseTrustDomain("example.com"), wimse.Anchors{Keys: keys})
	return s
}

func readFile(t testing.TB, name string) string {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(b))
}

// TestPublishedCreds02Example verifies the creds-02 §5.1 example WIT at its
// example time (creds-02's example WIT) and rejects it one second after exp + skew.
func TestPublishedCreds02Example(t *testing.T) {
	raw := readFile(t, "testdata/creds-02-example.wit")
	at := time.Unix(1745508910+60, 0)
	v := &wit.Verifier{Trust: exampleStore(t), Policy: wimse.Policy{Now: func() time.Time { return at }}}
	tok, err := v.Verify(raw)
	if err != nil {
		t.Fatalf("Verify: %v", err)
	}
	if got, want := tok.Subject.String(), "wimse://example.com/specific-workload"; got != want {
		t.Errorf("subject = %q, want %q", got, want)
	}
	if got, want := tok.Confirmation.Alg, "EdDSA"; got != want {
		t.Errorf("cnf alg = %q, want %q", got, want)
	}
	late := time.Unix(1745512510+61, 0)
	v.Policy.Now = func() time.Time { return late }
	if got := wimse.ReasonOf(func() error { _, err := v.Verify(raw); return err }()); got != wimse.ReasonWITExpired {
		t.Errorf("after exp: reason = %q, want %q", got, wimse.ReasonWITExpired)
	}
}
