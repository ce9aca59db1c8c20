package exchange_test

import (
	"context"
	"errors"
	"testing"

	"github.com/wimse-wg/wimse/profiles/exchange"
	"github.com/wimse-wg/wimse/tokens/attestation"
	"github.com/wimse-wg/wimse/tokens/oauth"
	"github.com/wimse-wg/wimse/wimse"
)

// FuzzAttestationAuthenticator: any pair of field values is answered with
// invalid_client or use_attestation_challenge and a known reason, never a
// panic or a server failure; a challenge answer always carries a fresh
// challenge.
func FuzzAttestationAuthenticator(f *testing.F) {
	f.Add(waSVID(f, nil), waPoP(f, nil))
	f.Add("a.b.c", "d.e.f")
	f.Add("", "x")
	a := waAuth(f)
	a.Challenges = waChallenges()
	f.Fuzz(func(t *testing.T, att, pop string) {
		r := caRequest(t, nil, attest(att, pop))
		_, err := a.AuthenticateClient(context.Background(), r)
		code, reason := outcome(err)
		switch {
		case err == nil:
			t.Fatalf("accepted without a challenge: %q %q", att, pop)
		case !reason.Known() || reason == wimse.ReasonInternal:
			t.Fatalf("reason %q: %v", reason, err)
		case code == attestation.ErrorUseAttestationChallenge:
			if e := asExchangeError(err); e == nil || e.Header.Get(attestation.HeaderChallenge) == "" {
				t.Fatalf("no fresh challenge: %v", err)
			}
		case code != oauth.ErrorInvalidClient && code != oauth.ErrorInvalidRequest:
			t.Fatalf("code %q: %v", code, err)
		}
	})
}

func asExchangeError(err error) *exchange.Error {
	var e *exchange.Error
	if errors.As(err, &e) {
		return e
	}
	return nil
}
