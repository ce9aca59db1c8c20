package attestation_test

import (
	"crypto"
	"crypto/x509"
	"encoding/pem"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/wimse-wg/wimse/tokens/attestation"
	"github.com/wimse-wg/wimse/wimse"
)

// The example pair of attestation-based-client-auth-11 §7.5, checked with
// the attester key of the draft repository.
const (
	abcaIssuer    = "https://as.example.com"
	abcaClient    = "https://client.example.com"
	abcaChallenge = "5c1a9e10-29ff-4c2b-ae73-57c0957c09c4"
	abcaIat       = 1772487595 // 2026-03-02T21:39:55Z
)

func readVector(t testing.TB, name string) string {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(b))
}

func abcaVerifier(t testing.TB, now time.Time) *attestation.Verifier {
	t.Helper()
	block, _ := pem.Decode([]byte(readVector(t, "abca11_attester.pem")))
	if block == nil {
		t.Fatal("no PEM block")
	}
	pub, err := x509.ParsePKIXPublicKey(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	return &attestation.Verifier{Attesters: map[string]crypto.PublicKey{"11": pub}, Now: func() time.Time { return now }}
}

func TestABCA11Vector(t *testing.T) {
	at := time.Unix(abcaIat, 0)
	cases := []struct {
		name       string
		now        time.Time
		challenges func(string) error
		aud        string
		wantReason wimse.Reason
	}{
		{name: "accepted at iat", now: at, aud: abcaIssuer},
		{name: "accepted 30 s later with the challenge issued", now: at.Add(30 * time.Second), aud: abcaIssuer,
			challenges: func(c string) error {
				if c != abcaChallenge {
					return wimse.Errorf(wimse.ReasonAttestationChallengeInvalid, "unknown")
				}
				return nil
			}},
		{name: "challenge not issued here", now: at, aud: abcaIssuer,
			challenges: func(string) error { return wimse.Errorf(wimse.ReasonAttestationChallengeInvalid, "unknown") },
			wantReason: wimse.ReasonAttestationChallengeInvalid},
		{name: "one day later", now: at.Add(24 * time.Hour), aud: abcaIssuer, wantReason: wimse.ReasonAttestationPoPIatWindow},
		{name: "before iat beyond the skew", now: at.Add(-2 * time.Minute), aud: abcaIssuer, wantReason: wimse.ReasonAttestationPoPIatWindow},
		{name: "issuer with a trailing slash", now: at, aud: abcaIssuer + "/", wantReason: wimse.ReasonAttestationPoPAudMismatch},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			att, err := abcaVerifier(t, at).Verify(readVector(t, "abca11_attestation.jwt"))
			if err != nil {
				t.Fatalf("attestation: %v", err)
			}
			if att.Subject != abcaClient || att.KeyID != "11" || att.Key.Alg != "" {
				t.Fatalf("attestation = sub %q kid %q alg %q", att.Subject, att.KeyID, att.Key.Alg)
			}
			v := &attestation.PoPVerifier{Audience: tc.aud, Challenge: tc.challenges,
				Replay: wimse.NewMemoryReplayCache(0), Now: func() time.Time { return tc.now }}
			p, err := v.Verify(readVector(t, "abca11_pop.jwt"), att.Key, att.Subject)
			if got := wimse.ReasonOf(err); got != tc.wantReason {
				t.Fatalf("reason = %q, want %q (%v)", got, tc.wantReason, err)
			}
			if err != nil {
				return
			}
			if p.Challenge != abcaChallenge || p.ID != "d25d00ab-552b-46fc-ae19-98f440f25064" || !p.IssuedAt.Equal(at) {
				t.Fatalf("PoP = %+v", p)
			}
			// The same PoP again is a replay.
			if _, err := v.Verify(p.Raw, att.Key, att.Subject); wimse.ReasonOf(err) != wimse.ReasonAttestationPoPReplayed {
				t.Fatalf("replay: reason %q", wimse.ReasonOf(err))
			}
		})
	}
}

// The attestation expires in 2050 and is refused after.
func TestABCA11AttestationExpiry(t *testing.T) {
	_, err := abcaVerifier(t, time.Unix(2529866394+61, 0)).Verify(readVector(t, "abca11_attestation.jwt"))
	if got := wimse.ReasonOf(err); got != wimse.ReasonAttestationExpired {
		t.Fatalf("reason = %q, want attestation.expired", got)
	}
	v := abcaVerifier(t, time.Unix(abcaIat, 0))
	v.Attesters = map[string]crypto.PublicKey{"12": v.Attesters["11"]}
	if _, err := v.Verify(readVector(t, "abca11_attestation.jwt")); wimse.ReasonOf(err) != wimse.ReasonAttestationKeyUnknown {
		t.Fatalf("unknown kid: reason %q", wimse.ReasonOf(err))
	}
}
