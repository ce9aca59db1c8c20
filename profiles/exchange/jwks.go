package exchange

import (
	"crypto"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/wimse-wg/wimse/internal/jose"
	"github.com/wimse-wg/wimse/tokens/accesstoken"
	"github.com/wimse-wg/wimse/wimse"
)

// JWKSMaxAge is how long a verifier may cache the JWK Set (Cache-Control
// max-age of KeySet.JWKSHandler): five minutes. It is also the least time
// a next key is published before Rotate makes it current (the default
// KeySetConfig.MinPublish), so a verifier that honours the cache lifetime
// always holds a key before the first token signed with it.
const JWKSMaxAge = 5 * time.Minute

// DefaultKeyGrace is how long a retired signing key stays published after
// Rotate when KeySetConfig.Grace is zero: the longest token lifetime
// (DefaultMaxLifetime) plus the verifiers' clock skew
// (wimse.DefaultClockSkew), so every token the key signed expires before
// its key leaves the set.
const DefaultKeyGrace = DefaultMaxLifetime + wimse.DefaultClockSkew

// ErrRotateTooSoon is returned by Rotate when the next key has been
// published for less than KeySetConfig.MinPublish.
var ErrRotateTooSoon = errors.New("exchange: the next key has not been published long enough to rotate")

// SigningKey is one token signing key of the STS.
type SigningKey struct {
	// Key is the private key; only its public half is ever published.
	Key crypto.Signer
	// Alg is the JWS algorithm; "" picks the default for the key type.
	Alg string
	// KeyID is the kid, unique among the published keys. Required.
	KeyID string
}

// KeySetConfig configures NewKeySet.
type KeySetConfig struct {
	// Current signs tokens now; Next is published to be current after the
	// next Rotate. Both required, with distinct kids.
	Current, Next SigningKey
	// Generate makes the next key at each Rotate (from a KMS, a key file,
	// crypto/rand). Required for Rotate.
	Generate func() (SigningKey, error)
	// Grace is how long a key stays published once Rotate retires it.
	// Zero means DefaultKeyGrace; it must cover the longest lifetime of
	// the tokens the key signed (Handler.MaxLifetime) plus clock skew.
	Grace time.Duration
	// MinPublish is the least time the next key is published before Rotate
	// promotes it. Zero means JWKSMaxAge; negative disables the check
	// (e.g. when verifiers do not cache).
	MinPublish time.Duration
	// Now is the clock. Nil means time.Now.
	Now func() time.Time
	// Retired are keys retired before this set was built (by an earlier
	// process: `wimse sts keys rotate`), published until their Until.
	// Only their public halves are kept.
	Retired []RetiredKey
}

// RetiredKey is a key that no longer signs but stays published until
// Until, so that the tokens it signed verify until they expire.
type RetiredKey struct {
	// Public is the public key; Alg its JWS algorithm; KeyID its kid.
	Public crypto.PublicKey
	Alg    string
	KeyID  string
	// Until is when it stops being published.
	Until time.Time
}

// KeySet holds the STS's token signing keys for rotation: the current key,
// which signs, the next key, published ahead of its use, and the keys
// retired by Rotate, each published for the grace period after it. The
// JWK Set (JWKSHandler) lists current, next, then retired keys, newest
// first, public members only.
//
// A token signed before a rotation thus verifies with the published set
// until it expires: its key stays published for Grace after it stops
// signing. A verifier caching the set for JWKSMaxAge already holds the
// next key when it becomes current, provided Rotate runs no sooner than
// MinPublish after the previous one (which Rotate enforces).
//
// A KeySet is safe for concurrent use: every method takes a consistent
// snapshot under its lock, and Rotate replaces the keys atomically.
// Generate is called outside the lock.
type KeySet struct {
	generate   func() (SigningKey, error)
	grace      time.Duration
	minPublish time.Duration
	now        func() time.Time

	mu        sync.RWMutex
	current   SigningKey
	next      SigningKey
	nextSince time.Time
	retired   []RetiredKey // newest first
}

// publicKey is a published key: its public half, alg and kid.
type publicKey struct {
	Public crypto.PublicKey
	Alg    string
	KeyID  string
}

// NewKeySet checks the keys (a private key, a kid, a supported algorithm
// that fits the key) and returns the set.
func NewKeySet(cfg KeySetConfig) (*KeySet, error) {
	cur, err := checkSigningKey(cfg.Current)
	if err != nil {
		return nil, fmt.Errorf("exchange: current key: %w", err)
	}
	next, err := checkSigningKey(cfg.Next)
	if err != nil {
		return nil, fmt.Errorf("exchange: next key: %w", err)
	}
	if cur.KeyID == next.KeyID {
		return nil, fmt.Errorf("exchange: current and next key share kid %q", cur.KeyID)
	}
	retired, err := checkRetired(cur, next, cfg.Retired)
	if err != nil {
		return nil, err
	}
	s := &KeySet{generate: cfg.Generate, grace: cfg.Grace, minPublish: cfg.MinPublish, now: cfg.Now, current: cur, next: next, retired: retired}
	if s.grace <= 0 {
		s.grace = DefaultKeyGrace
	}
	if s.minPublish == 0 {
		s.minPublish = JWKSMaxAge
	}
	if s.now == nil {
		s.now = time.Now
	}
	s.nextSince = s.now()
	return s, nil
}

// checkRetired checks that each retired key has a public key and a kid
// that no other published key has.
func checkRetired(cur, next SigningKey, retired []RetiredKey) ([]RetiredKey, error) {
	kids := []string{cur.KeyID, next.KeyID}
	out := make([]RetiredKey, 0, len(retired))
	for _, r := range retired {
		if r.Public == nil || r.KeyID == "" {
			return nil, errors.New("exchange: a retired key has no public key or kid")
		}
		if slices.Contains(kids, r.KeyID) {
			return nil, fmt.Errorf("exchange: retired key kid %q is published twice", r.KeyID)
		}
		kids = append(kids, r.KeyID)
		out = append(out, r)
	}
	return out, nil
}

// Load replaces the keys of a running set, as NewKeySet checks them: the
// STS calls it when its key files changed (a rotation by another process).
// On an error nothing changes. The next key counts as published from now.
func (s *KeySet) Load(current, next SigningKey, retired []RetiredKey) error {
	cur, err := checkSigningKey(current)
	if err != nil {
		return fmt.Errorf("exchange: current key: %w", err)
	}
	nxt, err := checkSigningKey(next)
	if err != nil {
		return fmt.Errorf("exchange: next key: %w", err)
	}
	if cur.KeyID == nxt.KeyID {
		return fmt.Errorf("exchange: current and next key share kid %q", cur.KeyID)
	}
	r, err := checkRetired(cur, nxt, retired)
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if nxt.KeyID != s.next.KeyID {
		s.nextSince = s.now()
	}
	s.current, s.next, s.retired = cur, nxt, r
	return nil
}

func checkSigningKey(k SigningKey) (SigningKey, error) {
	if k.Key == nil {
		return k, errors.New("no private key")
	}
	if k.KeyID == "" {
		return k, errors.New("no kid")
	}
	if k.Alg == "" {
		k.Alg = jose.AlgForKey(k.Key.Public())
	}
	if !jose.IsSupported(k.Alg) {
		return k, fmt.Errorf("algorithm %q is not supported", k.Alg)
	}
	if err := jose.CheckKey(k.Alg, k.Key.Public()); err != nil {
		return k, err
	}
	return k, nil
}

// Current returns the key that signs now.
func (s *KeySet) Current() SigningKey {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.current
}

// Next returns the key that the next Rotate makes current.
func (s *KeySet) Next() SigningKey {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.next
}

// SignerSource supplies the current signer of issued tokens; it must be
// safe for concurrent use. *KeySet implements it (Handler.Keys).
type SignerSource interface {
	Signer() *accesstoken.Signer
}

// Signer returns an accesstoken.Signer for the current key: a snapshot,
// which keeps signing with that key after a Rotate (its tokens still
// verify for the grace period). Handler.Keys asks for a new one at every
// issuance, so a handler given the KeySet follows rotations; Sign always
// uses the current key.
func (s *KeySet) Signer() *accesstoken.Signer {
	k := s.Current()
	return &accesstoken.Signer{Key: k.Key, Alg: k.Alg, KeyID: k.KeyID}
}

// Sign issues an access token for c with the current key (see
// accesstoken.Signer.Sign).
func (s *KeySet) Sign(c accesstoken.Claims) (string, error) {
	return s.Signer().Sign(c)
}

// Rotate retires the current key (published for the grace period from
// now), makes the next key current and publishes a new next key from
// Generate. It fails, changing nothing, without Generate, when Generate
// fails or returns an invalid key or a published kid, or with
// ErrRotateTooSoon.
func (s *KeySet) Rotate() error {
	if s.generate == nil {
		return errors.New("exchange: key set has no Generate")
	}
	if s.minPublish > 0 {
		s.mu.RLock()
		since := s.nextSince
		s.mu.RUnlock()
		if s.now().Sub(since) < s.minPublish {
			return ErrRotateTooSoon
		}
	}
	k, err := s.generate()
	if err != nil {
		return fmt.Errorf("exchange: generate the next key: %w", err)
	}
	if k, err = checkSigningKey(k); err != nil {
		return fmt.Errorf("exchange: generated key: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	if s.minPublish > 0 && now.Sub(s.nextSince) < s.minPublish { // a concurrent Rotate won
		return ErrRotateTooSoon
	}
	live := s.liveRetired(now)
	kids := []string{s.current.KeyID, s.next.KeyID}
	for _, r := range live {
		kids = append(kids, r.KeyID)
	}
	for _, kid := range kids {
		if kid == k.KeyID {
			return fmt.Errorf("exchange: generated key reuses the published kid %q", k.KeyID)
		}
	}
	s.retired = append([]RetiredKey{s.current.retire(now.Add(s.grace))}, live...)
	s.current, s.next, s.nextSince = s.next, k, now
	return nil
}

// liveRetired returns the retired keys still in their grace period.
func (s *KeySet) liveRetired(now time.Time) []RetiredKey {
	var out []RetiredKey
	for _, r := range s.retired {
		if now.Before(r.Until) {
			out = append(out, r)
		}
	}
	return out
}

// retire returns k as a retired key published until until.
func (k SigningKey) retire(until time.Time) RetiredKey {
	return RetiredKey{Public: k.Key.Public(), Alg: k.Alg, KeyID: k.KeyID, Until: until}
}

// Retired returns the retired keys still published, newest first.
func (s *KeySet) Retired() []RetiredKey {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.liveRetired(s.now())
}

// published returns the published keys in order: current, next, retired.
func (s *KeySet) published() []publicKey {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := []publicKey{
		{s.current.Key.Public(), s.current.Alg, s.current.KeyID},
		{s.next.Key.Public(), s.next.Alg, s.next.KeyID},
	}
	for _, r := range s.liveRetired(s.now()) {
		out = append(out, publicKey{r.Public, r.Alg, r.KeyID})
	}
	return out
}

// IssuerKeys returns the public keys of the published set, for the
// Anchors.Keys of a verifier of this STS's tokens (an
// accesstoken.Verifier reading back its own tokens).
func (s *KeySet) IssuerKeys() []wimse.IssuerKey {
	ks := s.published()
	out := make([]wimse.IssuerKey, len(ks))
	for i, k := range ks {
		out[i] = wimse.IssuerKey{KeyID: k.KeyID, Algorithm: k.Alg, Public: k.Public}
	}
	return out
}

// JWKS returns the published JWK Set (RFC 7517 §5): each key's public
// members with kty, alg, kid and use "sig", never a private member.
func (s *KeySet) JWKS() ([]byte, error) {
	ks := s.published()
	out := make([]map[string]any, 0, len(ks))
	for _, k := range ks {
		m, err := jose.PublicJWKJSON(k.Public, k.Alg, k.KeyID)
		if err != nil {
			return nil, fmt.Errorf("exchange: jwks: %w", err)
		}
		m["use"] = "sig"
		out = append(out, m)
	}
	b, err := json.Marshal(map[string]any{"keys": out})
	if err != nil {
		return nil, fmt.Errorf("exchange: jwks: %w", err)
	}
	if slices.ContainsFunc(out, hasPrivateMember) { // a key type jwx renders with its private half
		return nil, errors.New("exchange: jwks: a key would publish a private member")
	}
	return b, nil
}

var privateJWKMembers = []string{"d", "p", "q", "dp", "dq", "qi", "oth", "k"}

func hasPrivateMember(m map[string]any) bool {
	for _, name := range privateJWKMembers {
		if _, ok := m[name]; ok {
			return true
		}
	}
	return false
}

// JWKSHandler serves the JWK Set at the jwks_uri: GET and HEAD answer 200
// with application/json and Cache-Control: public, max-age=JWKSMaxAge;
// other methods 405 with Allow; a set that cannot be rendered 500. Each
// request sees the set as it is then, rotations included.
func (s *KeySet) JWKSHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := s.JWKS()
		if err != nil {
			http.Error(w, "internal error", http.StatusInternalServerError)
			return
		}
		serveJSON(w, r, body, JWKSMaxAge)
	})
}
