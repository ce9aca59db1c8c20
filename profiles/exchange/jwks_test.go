package exchange_test

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wimse-wg/wimse/profiles/exchange"
	"github.com/wimse-wg/wimse/tokens/accesstoken"
	"github.com/wimse-wg/wimse/wimse"
)

const ksIssuer = "https://sts.example.com"

// fakeClock is a settable clock safe for concurrent use.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *fakeClock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func ecKey(t testing.TB) crypto.Signer {
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// newKeySet returns a key set of current k1 and next k2 whose Generate
// makes k3, k4, ... in turn, and its clock.
func newKeySet(t testing.TB, current, next crypto.Signer) (*exchange.KeySet, *fakeClock) {
	t.Helper()
	clock := &fakeClock{t: time.Unix(1_700_000_000, 0)}
	var mu sync.Mutex
	n := 2
	ks, err := exchange.NewKeySet(exchange.KeySetConfig{
		Current: exchange.SigningKey{Key: current, KeyID: "k1"},
		Next:    exchange.SigningKey{Key: next, KeyID: "k2"},
		Generate: func() (exchange.SigningKey, error) {
			mu.Lock()
			n++
			kid := fmt.Sprintf("k%d", n)
			mu.Unlock()
			return exchange.SigningKey{Key: ecKey(t), KeyID: kid}, nil
		},
		Now: clock.Now,
	})
	if err != nil {
		t.Fatal(err)
	}
	return ks, clock
}

// fetchJWKS gets the set through the handler and returns its body.
func fetchJWKS(t testing.TB, ks *exchange.KeySet) []byte {
	t.Helper()
	rec := httptest.NewRecorder()
	ks.JWKSHandler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/jwks", nil))
	if rec.Code != 200 || rec.Header().Get("Content-Type") != "application/json" || rec.Header().Get("Cache-Control") != "public, max-age=300" {
		t.Fatalf("jwks: status %d, headers %v", rec.Code, rec.Header())
	}
	return rec.Body.Bytes()
}

func kidsOf(t testing.TB, body []byte) []string {
	t.Helper()
	keys, err := wimse.ParseJWKSet(body)
	if err != nil {
		t.Fatalf("ParseJWKSet: %v\n%s", err, body)
	}
	var out []string
	for _, k := range keys {
		out = append(out, k.KeyID)
	}
	return out
}

func TestKeySetJWKSCurrentAndNext(t *testing.T) {
	ks, _ := newKeySet(t, ecKey(t), ecKey(t))
	body := fetchJWKS(t, ks)
	if got := strings.Join(kidsOf(t, body), ","); got != "k1,k2" {
		t.Fatalf("kids %s, want k1,k2 (current, next)", got)
	}
	var set struct {
		Keys []map[string]any `json:"keys"`
	}
	if err := json.Unmarshal(body, &set); err != nil {
		t.Fatal(err)
	}
	for _, k := range set.Keys {
		if k["use"] != "sig" || k["alg"] != "ES256" || k["kty"] != "EC" {
			t.Errorf("key %v: want use sig, alg ES256, kty EC", k)
		}
	}
}

// TestKeySetJWKSNoPrivateMembers scans the published set of every key type
// for the private members of RFC 7518 §6.2.2, §6.3.2 and RFC 8037 §2.
func TestKeySetJWKSNoPrivateMembers(t *testing.T) {
	rk, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	_, ek, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	for name, pair := range map[string][2]crypto.Signer{
		"EC":      {ecKey(t), ecKey(t)},
		"RSA+OKP": {rk, ek},
	} {
		t.Run(name, func(t *testing.T) {
			ks, _ := newKeySet(t, pair[0], pair[1])
			if err := ks.Rotate(); err == nil {
				t.Fatal("Rotate before MinPublish succeeded")
			}
			body := fetchJWKS(t, ks)
			var set struct {
				Keys []map[string]json.RawMessage `json:"keys"`
			}
			if err := json.Unmarshal(body, &set); err != nil {
				t.Fatal(err)
			}
			if len(set.Keys) != 2 {
				t.Fatalf("%d keys, want 2", len(set.Keys))
			}
			for i, k := range set.Keys {
				for _, member := range []string{"d", "p", "q", "dp", "dq", "qi", "oth", "k"} {
					if _, ok := k[member]; ok {
						t.Errorf("key %d publishes the private member %q", i, member)
					}
				}
			}
			if _, err := wimse.ParseJWKSet(body); err != nil { // refuses private members too
				t.Fatal(err)
			}
		})
	}
}

func TestKeySetRotateOrder(t *testing.T) {
	ks, clock := newKeySet(t, ecKey(t), ecKey(t))
	if err := ks.Rotate(); !errors.Is(err, exchange.ErrRotateTooSoon) {
		t.Fatalf("Rotate at once: %v, want ErrRotateTooSoon", err)
	}
	clock.Add(exchange.JWKSMaxAge)
	if err := ks.Rotate(); err != nil {
		t.Fatal(err)
	}
	if ks.Current().KeyID != "k2" || ks.Next().KeyID != "k3" || ks.Signer().KeyID != "k2" {
		t.Fatalf("after Rotate: current %s, next %s, signer %s; want k2, k3, k2", ks.Current().KeyID, ks.Next().KeyID, ks.Signer().KeyID)
	}
	if got := strings.Join(kidsOf(t, fetchJWKS(t, ks)), ","); got != "k2,k3,k1" {
		t.Fatalf("kids %s, want k2,k3,k1 (current, next, retired)", got)
	}
	clock.Add(exchange.JWKSMaxAge)
	if err := ks.Rotate(); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(kidsOf(t, fetchJWKS(t, ks)), ","); got != "k3,k4,k2,k1" {
		t.Fatalf("kids %s, want k3,k4,k2,k1 (retired newest first)", got)
	}
	// k1 was retired 2×JWKSMaxAge ago: it leaves once DefaultKeyGrace has passed.
	clock.Add(exchange.DefaultKeyGrace - exchange.JWKSMaxAge)
	if got := strings.Join(kidsOf(t, fetchJWKS(t, ks)), ","); got != "k3,k4,k2" {
		t.Fatalf("kids %s after k1's grace, want k3,k4,k2", got)
	}
	clock.Add(exchange.JWKSMaxAge)
	if got := strings.Join(kidsOf(t, fetchJWKS(t, ks)), ","); got != "k3,k4" {
		t.Fatalf("kids %s after k2's grace, want k3,k4", got)
	}
}

func TestKeySetRotateFailuresChangeNothing(t *testing.T) {
	clock := &fakeClock{t: time.Unix(1_700_000_000, 0)}
	k1, k2 := ecKey(t), ecKey(t)
	var gen func() (exchange.SigningKey, error)
	ks, err := exchange.NewKeySet(exchange.KeySetConfig{
		Current:  exchange.SigningKey{Key: k1, KeyID: "k1"},
		Next:     exchange.SigningKey{Key: k2, KeyID: "k2"},
		Generate: func() (exchange.SigningKey, error) { return gen() },
		Now:      clock.Now,
	})
	if err != nil {
		t.Fatal(err)
	}
	clock.Add(time.Hour)
	for name, g := range map[string]func() (exchange.SigningKey, error){
		"generate fails": func() (exchange.SigningKey, error) { return exchange.SigningKey{}, errors.New("kms down") },
		"published kid":  func() (exchange.SigningKey, error) { return exchange.SigningKey{Key: ecKey(t), KeyID: "k1"}, nil },
		"no kid":         func() (exchange.SigningKey, error) { return exchange.SigningKey{Key: ecKey(t)}, nil },
		"wrong alg": func() (exchange.SigningKey, error) {
			return exchange.SigningKey{Key: ecKey(t), KeyID: "k9", Alg: "ES384"}, nil
		},
	} {
		gen = g
		if err := ks.Rotate(); err == nil {
			t.Errorf("%s: Rotate succeeded", name)
		}
		if ks.Current().KeyID != "k1" || ks.Next().KeyID != "k2" {
			t.Errorf("%s: keys changed to %s, %s", name, ks.Current().KeyID, ks.Next().KeyID)
		}
	}
}

func TestNewKeySetRefuses(t *testing.T) {
	k := ecKey(t)
	for name, cfg := range map[string]exchange.KeySetConfig{
		"no current":   {Next: exchange.SigningKey{Key: k, KeyID: "b"}},
		"no next kid":  {Current: exchange.SigningKey{Key: k, KeyID: "a"}, Next: exchange.SigningKey{Key: ecKey(t)}},
		"same kid":     {Current: exchange.SigningKey{Key: k, KeyID: "a"}, Next: exchange.SigningKey{Key: ecKey(t), KeyID: "a"}},
		"alg mismatch": {Current: exchange.SigningKey{Key: k, KeyID: "a", Alg: "EdDSA"}, Next: exchange.SigningKey{Key: ecKey(t), KeyID: "b"}},
		"alg none":     {Current: exchange.SigningKey{Key: k, KeyID: "a", Alg: "none"}, Next: exchange.SigningKey{Key: ecKey(t), KeyID: "b"}},
	} {
		if _, err := exchange.NewKeySet(cfg); err == nil {
			t.Errorf("%s: NewKeySet succeeded", name)
		}
	}
	ks, err := exchange.NewKeySet(exchange.KeySetConfig{Current: exchange.SigningKey{Key: k, KeyID: "a"}, Next: exchange.SigningKey{Key: ecKey(t), KeyID: "b"}, MinPublish: -1})
	if err != nil {
		t.Fatal(err)
	}
	if err := ks.Rotate(); err == nil || !strings.Contains(err.Error(), "Generate") {
		t.Errorf("Rotate without Generate: %v", err)
	}
}

// verifierFrom builds a verifier of this STS's tokens from a fetched JWKS,
// as a resource server would.
func verifierFrom(t testing.TB, body []byte, now func() time.Time) *accesstoken.Verifier {
	t.Helper()
	keys, err := wimse.ParseJWKSet(body)
	if err != nil {
		t.Fatal(err)
	}
	trust := wimse.NewTrustStore()
	trust.Set(wimse.MustParseTrustDomain("sts.example.com"), wimse.Anchors{Keys: keys, Issuers: []string{ksIssuer}})
	return &accesstoken.Verifier{Trust: trust, Audiences: []string{"https://api.example.com"}, Policy: wimse.Policy{Now: now}}
}

func signAt(t testing.TB, s interface {
	Sign(accesstoken.Claims) (string, error)
}, now time.Time, jti string) string {
	t.Helper()
	tok, err := s.Sign(accesstoken.Claims{
		Issuer: ksIssuer, Subject: "spiffe://example.org/a", ClientID: "client", ID: jti,
		Audience: []string{"https://api.example.com"}, IssuedAt: now, Expiry: now.Add(exchange.DefaultMaxLifetime),
	})
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// TestKeySetTokensAcrossRotation: a token signed before a rotation verifies
// with the set published after it (the retired key's grace), and a token
// signed with the new current key verifies with the set published before
// it (the next key's pre-publication).
func TestKeySetTokensAcrossRotation(t *testing.T) {
	ks, clock := newKeySet(t, ecKey(t), ecKey(t))
	before := fetchJWKS(t, ks)
	oldSigner := ks.Signer()
	old := signAt(t, ks, clock.Now(), "j1")

	clock.Add(exchange.JWKSMaxAge)
	if err := ks.Rotate(); err != nil {
		t.Fatal(err)
	}
	after := fetchJWKS(t, ks)
	fresh := signAt(t, ks, clock.Now(), "j2")
	stale := signAt(t, oldSigner, clock.Now(), "j3") // a snapshot taken before Rotate

	for name, c := range map[string]struct {
		tok  string
		jwks []byte
		kid  string
	}{
		"old token, new set":      {old, after, "k1"},
		"snapshot token, new set": {stale, after, "k1"},
		"new token, old set":      {fresh, before, "k2"},
		"new token, new set":      {fresh, after, "k2"},
	} {
		tok, err := verifierFrom(t, c.jwks, clock.Now).Verify(c.tok, nil)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if tok.KeyID != c.kid {
			t.Errorf("%s: kid %s, want %s", name, tok.KeyID, c.kid)
		}
	}

	// Once the grace period is over, k1 is gone and so is every token it signed.
	clock.Add(exchange.DefaultKeyGrace)
	_, err := verifierFrom(t, fetchJWKS(t, ks), func() time.Time { return time.Unix(1_700_000_000, 0).Add(time.Minute) }).Verify(old, nil)
	if err == nil || !strings.Contains(err.Error(), "k1") {
		t.Fatalf("old token after grace: %v, want its kid k1 unknown", err)
	}
}

func TestKeySetIssuerKeys(t *testing.T) {
	ks, _ := newKeySet(t, ecKey(t), ecKey(t))
	got := ks.IssuerKeys()
	if len(got) != 2 || got[0].KeyID != "k1" || got[1].KeyID != "k2" || got[0].Algorithm != "ES256" {
		t.Fatalf("IssuerKeys %+v", got)
	}
	if _, private := got[0].Public.(crypto.Signer); private {
		t.Fatal("IssuerKeys returns a private key")
	}
}

func TestKeySetJWKSHandlerMethods(t *testing.T) {
	ks, _ := newKeySet(t, ecKey(t), ecKey(t))
	rec := httptest.NewRecorder()
	ks.JWKSHandler().ServeHTTP(rec, httptest.NewRequest(http.MethodDelete, "/jwks", nil))
	if rec.Code != http.StatusMethodNotAllowed || rec.Header().Get("Allow") != "GET, HEAD" {
		t.Fatalf("DELETE: %d, Allow %q", rec.Code, rec.Header().Get("Allow"))
	}
}

// TestKeySetConcurrent rotates while signing, verifying and serving the set
// (run with -race).
func TestKeySetConcurrent(t *testing.T) {
	k1, k2 := ecKey(t), ecKey(t)
	n := 2
	var mu sync.Mutex
	ks, err := exchange.NewKeySet(exchange.KeySetConfig{
		Current: exchange.SigningKey{Key: k1, KeyID: "k1"},
		Next:    exchange.SigningKey{Key: k2, KeyID: "k2"},
		Generate: func() (exchange.SigningKey, error) {
			mu.Lock()
			defer mu.Unlock()
			n++
			return exchange.SigningKey{Key: k1, KeyID: fmt.Sprintf("k%d", n)}, nil
		},
		MinPublish: -1,
	})
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range 20 {
				switch i % 3 {
				case 0:
					if err := ks.Rotate(); err != nil {
						t.Error(err)
					}
				case 1:
					signAt(t, ks, time.Now(), fmt.Sprintf("j%d-%d", i, j))
				default:
					if _, err := ks.JWKS(); err != nil {
						t.Error(err)
					}
				}
			}
		}()
	}
	wg.Wait()
	kids := ks.IssuerKeys()
	seen := map[string]bool{}
	for _, k := range kids {
		if seen[k.KeyID] {
			t.Fatalf("kid %s published twice", k.KeyID)
		}
		seen[k.KeyID] = true
	}
	if len(kids) != 2+60 { // 3 rotating goroutines × 20, all within the grace period
		t.Fatalf("%d published keys, want 62", len(kids))
	}
}
