package exchange

import (
	"context"
	"crypto"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"

	"github.com/wimse-wg/wimse/internal/jose"
	"github.com/wimse-wg/wimse/tokens/wit"
	"github.com/wimse-wg/wimse/tokens/wpt"
)

// DefaultWPTLifetime is the lifetime of the Workload-Proof-Tokens WITProof
// makes when its Lifetime is zero.
const DefaultWPTLifetime = time.Minute

// WITProof proves possession of the key of a WIT sent as subject (or
// actor) token: it runs ClientAuth (nil sends no client authentication),
// then adds to the request a fresh Workload-Proof-Token (HeaderWPT) for
// the WIT: aud the token endpoint, wth the WIT's hash, a new jti, exp now
// plus Lifetime. A client that authenticates with spiffe_wit using the
// same WIT's key needs none: its attestation PoP proves the key.
type WITProof struct {
	ClientAuth
	// WIT is the compact WIT the request carries; Key the private key of
	// its cnf.jwk and Alg its cnf.jwk.alg ("" picks the key's default).
	WIT string
	Key crypto.Signer
	Alg string
	// Audience is the WPT's aud: the token endpoint URL as the server
	// knows it. "" means the request's URL.
	Audience string
	// Lifetime is exp - now; 0 means DefaultWPTLifetime.
	Lifetime time.Duration
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Rand is the source of jti; nil means crypto/rand.
	Rand io.Reader
}

// Authenticate runs the wrapped authentication and adds the proof.
func (a *WITProof) Authenticate(ctx context.Context, r *http.Request, form url.Values) error {
	if a.WIT == "" || a.Key == nil {
		return errors.New("exchange: WITProof needs a WIT and its key")
	}
	if a.ClientAuth != nil {
		if err := a.ClientAuth.Authenticate(ctx, r, form); err != nil {
			return err
		}
	}
	now, life, aud := time.Now, a.Lifetime, a.Audience
	if a.Now != nil {
		now = a.Now
	}
	if life <= 0 {
		life = DefaultWPTLifetime
	}
	if aud == "" {
		aud = r.URL.String()
	}
	jti, err := jose.NewID(a.Rand)
	if err != nil {
		return fmt.Errorf("exchange: workload proof token: jti: %w", err)
	}
	p, err := (&wpt.Signer{Key: a.Key, Alg: a.Alg}).Sign(wpt.Claims{Audience: aud, Expiry: now().Add(life), ID: jti, WITHash: wit.Hash(a.WIT)})
	if err != nil {
		return fmt.Errorf("exchange: workload proof token: %w", err)
	}
	r.Header.Set(HeaderWPT, p)
	return nil
}
