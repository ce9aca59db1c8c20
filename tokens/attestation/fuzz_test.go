package attestation_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/wimse-wg/wimse/tokens/attestation"
	"github.com/wimse-wg/wimse/wimse"
)

// FuzzPoPVerify: any input fails with a known reason or verifies; never a
// panic, never server.internal.
func FuzzPoPVerify(f *testing.F) {
	f.Add(readVector(f, "abca11_pop.jwt"))
	f.Add(baseline(f).sign(f))
	f.Add("a.b.c")
	key := attestation.Key{Public: instanceKey(f).Public(), Alg: "ES256"}
	f.Fuzz(func(t *testing.T, raw string) {
		v := &attestation.PoPVerifier{Audience: tIssuer, Now: tClock, Challenge: func(string) error { return nil }}
		_, err := v.Verify(raw, key, tSender)
		if r := wimse.ReasonOf(err); err != nil && (!r.Known() || r == wimse.ReasonInternal) {
			t.Fatalf("reason %q for %q", r, raw)
		}
	})
}

// FuzzVerify: the attestation parser, likewise.
func FuzzVerify(f *testing.F) {
	f.Add(readVector(f, "abca11_attestation.jwt"))
	f.Add("a.b.c")
	v := abcaVerifier(f, tClock())
	v.Attesters[""] = attesterKey(f).Public()
	f.Fuzz(func(t *testing.T, raw string) {
		_, err := v.Verify(raw)
		if r := wimse.ReasonOf(err); err != nil && (!r.Known() || r == wimse.ReasonInternal) {
			t.Fatalf("reason %q for %q", r, raw)
		}
	})
}

// FuzzFromHeader: field values in, a token68 pair or a known reason out.
func FuzzFromHeader(f *testing.F) {
	f.Add("a.b.c", "d.e.f")
	f.Add("a, b", "")
	f.Fuzz(func(t *testing.T, att, pop string) {
		h := http.Header{attestation.HeaderAttestation: {att}, attestation.HeaderPoP: {pop}}
		a, p, err := attestation.FromHeader(h)
		if err != nil {
			if !wimse.ReasonOf(err).Known() {
				t.Fatalf("unknown reason: %v", err)
			}
			return
		}
		if !attestation.IsToken68(a) || !attestation.IsToken68(p) {
			t.Fatalf("accepted %q, %q", a, p)
		}
	})
}

// FuzzCheckChallenge: never a panic; only issued challenges pass.
func FuzzCheckChallenge(f *testing.F) {
	c := &attestation.Challenges{Key: make([]byte, 32), Now: tClock}
	ch, _ := c.NewChallenge(context.Background())
	f.Add(ch)
	f.Add("")
	f.Fuzz(func(t *testing.T, s string) {
		err := c.CheckChallenge(context.Background(), s)
		if err != nil && wimse.ReasonOf(err) != wimse.ReasonAttestationChallengeInvalid {
			t.Fatalf("reason %q", wimse.ReasonOf(err))
		}
	})
}
