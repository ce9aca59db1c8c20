// Package peertest holds the fixtures of the peer tests: keys and WITs made
// with lestrrat-go/jwx/v3 (not with this module's token code, so that both
// sides of an interop test do not share an issuer), files on disk in the
// formats of the command lines, and the reference server started in
// process with a trust store for those keys. Test keys only.
package peertest

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/lestrrat-go/jwx/v3/jwa"
	"github.com/lestrrat-go/jwx/v3/jwk"
	"github.com/lestrrat-go/jwx/v3/jws"

	"github.com/wimse-wg/wimse/interop/peers/internal/peercli"
	"github.com/wimse-wg/wimse/interop/server"
	"github.com/wimse-wg/wimse/wimse"
)

// Now is the fixed time of the tests that can inject a clock on both
// sides.
var Now = time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)

// Clock returns a clock that reads *t.
func Clock(t *time.Time) func() time.Time { return func() time.Time { return *t } }

// Key is a generated key pair.
type Key struct {
	Alg     string
	Signer  crypto.Signer
	Private jwk.Key
	Public  jwk.Key
}

// NewKey generates a key for alg (ES256, ES384, EdDSA, Ed25519, RS256,
// PS256); kid "" leaves it out.
func NewKey(t testing.TB, alg, kid string) *Key {
	t.Helper()
	var s crypto.Signer
	var err error
	switch alg {
	case "ES256":
		s, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	case "ES384":
		s, err = ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	case "EdDSA", "Ed25519":
		_, s, err = ed25519.GenerateKey(rand.Reader)
	case "RS256", "PS256":
		s, err = rsa.GenerateKey(rand.Reader, 2048)
	default:
		t.Fatalf("peertest: alg %s", alg)
	}
	if err != nil {
		t.Fatal(err)
	}
	priv, err := jwk.Import(s)
	if err != nil {
		t.Fatal(err)
	}
	sa, _ := jwa.LookupSignatureAlgorithm(alg)
	must(t, priv.Set(jwk.AlgorithmKey, sa))
	if kid != "" {
		must(t, priv.Set(jwk.KeyIDKey, kid))
	}
	pub, err := priv.PublicKey()
	if err != nil {
		t.Fatal(err)
	}
	return &Key{Alg: alg, Signer: s, Private: priv, Public: pub}
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// PrivateJWK is the private JWK file content.
func (k *Key) PrivateJWK(t testing.TB) []byte {
	t.Helper()
	b, err := json.Marshal(k.Private)
	must(t, err)
	return b
}

// Bundle is a one-key JWK Set of the public key.
func (k *Key) Bundle(t testing.TB) []byte {
	t.Helper()
	b, err := json.Marshal(map[string]any{"keys": []any{k.Public}})
	must(t, err)
	return b
}

// WIT describes a WIT to mint.
type WIT struct {
	Subject  string
	Workload *Key
	// IssuedAt and Expiry; Expiry zero means IssuedAt + 1h.
	IssuedAt, Expiry time.Time
	// Typ overrides wit+jwt.
	Typ string
}

// MintWIT signs w with the issuer key k, with jwx.
func (k *Key) MintWIT(t testing.TB, w WIT) string {
	t.Helper()
	exp := w.Expiry
	if exp.IsZero() {
		exp = w.IssuedAt.Add(time.Hour)
	}
	var cnf map[string]any
	b, err := json.Marshal(w.Workload.Public)
	must(t, err)
	must(t, json.Unmarshal(b, &cnf))
	delete(cnf, "kid")
	claims := map[string]any{
		"iss": "https://issuer.example.org", "sub": w.Subject,
		"iat": w.IssuedAt.Unix(), "exp": exp.Unix(), "jti": rand.Text(),
		"cnf": map[string]any{"jwk": cnf},
	}
	payload, err := json.Marshal(claims)
	must(t, err)
	h := jws.NewHeaders()
	typ := w.Typ
	if typ == "" {
		typ = "wit+jwt"
	}
	must(t, h.Set(jws.TypeKey, typ))
	if kid, ok := k.Private.KeyID(); ok {
		must(t, h.Set(jws.KeyIDKey, kid))
	}
	sa, _ := jwa.LookupSignatureAlgorithm(k.Alg)
	out, err := jws.Sign(payload, jws.WithKey(sa, k.Signer, jws.WithProtectedHeaders(h)))
	must(t, err)
	return string(out)
}

// WriteFile writes data to dir/name and returns the path.
func WriteFile(t testing.TB, dir, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	must(t, os.WriteFile(p, data, 0o600))
	return p
}

// TrustStore is our trust store for issuer (parsed from its JWK Set, the
// way `wimse serve --trust-bundle` reads it) in trust domain td.
func TrustStore(t testing.TB, td string, issuer *Key) *wimse.TrustStore {
	t.Helper()
	keys, err := wimse.ParseJWKSet(issuer.Bundle(t))
	must(t, err)
	s := wimse.NewTrustStore()
	s.Set(wimse.MustParseTrustDomain(td), wimse.Anchors{Keys: keys})
	return s
}

// StartReference starts our reference server (interop/server) on loopback
// with trust, the clock now (nil: time.Now) and edit applied to its
// configuration; audience "" means the server's own base URL.
func StartReference(t testing.TB, trust *wimse.TrustStore, audience string, now func() time.Time, edit func(*server.Config)) *server.Running {
	t.Helper()
	run, err := server.StartLoopback(func(base string) (server.Config, error) {
		if audience == "" {
			audience = base
		}
		c := server.Config{Trust: trust, Audience: audience, Policy: wimse.Policy{Now: now}}
		if edit != nil {
			edit(&c)
		}
		return c, nil
	}, slog.New(slog.DiscardHandler))
	must(t, err)
	t.Cleanup(func() { _ = run.Close() })
	return run
}

// SignJWS signs claims with k under alg (k.Alg when "") and the protected
// header hdr (alg is added by jwx), with jwx; for crafting tokens a
// well-behaved signer would not make.
func (k *Key) SignJWS(t testing.TB, alg string, hdr, claims map[string]any) string {
	t.Helper()
	if alg == "" {
		alg = k.Alg
	}
	payload, err := json.Marshal(claims)
	must(t, err)
	h := jws.NewHeaders()
	for name, v := range hdr {
		must(t, h.Set(name, v))
	}
	sa, ok := jwa.LookupSignatureAlgorithm(alg)
	if !ok {
		t.Fatalf("peertest: alg %s", alg)
	}
	out, err := jws.Sign(payload, jws.WithKey(sa, k.Signer, jws.WithProtectedHeaders(h)))
	must(t, err)
	return string(out)
}

// PublicJWKMap is the public JWK as a JSON object without kid (a cnf.jwk).
func (k *Key) PublicJWKMap(t testing.TB) map[string]any {
	t.Helper()
	var m map[string]any
	b, err := json.Marshal(k.Public)
	must(t, err)
	must(t, json.Unmarshal(b, &m))
	delete(m, "kid")
	return m
}

// Serving is a peer's serve subcommand running in process.
type Serving struct {
	// Addr is the address it listens on.
	Addr string
	// Log is what it wrote to standard error so far.
	Log  *syncBuffer
	stop context.CancelFunc
	done chan int
}

// Stop ends serve as SIGTERM would and returns its exit code.
func (s *Serving) Stop() int {
	s.stop()
	return <-s.done
}

// FreeAddr returns a loopback address that was free a moment ago, for a
// server whose own URL must be in its flags (--audience).
func FreeAddr(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	must(t, err)
	a := ln.Addr().String()
	must(t, ln.Close())
	return a
}

// Serve runs `<peer> serve --listen addr args...` in process and waits
// until it listens; it fails the test if serve exits first.
func Serve(t testing.TB, p peercli.Peer, addr string, args ...string) *Serving {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	addrs := make(chan net.Addr, 1)
	p.Listening = func(a net.Addr) { addrs <- a }
	s := &Serving{Log: &syncBuffer{}, stop: cancel, done: make(chan int, 1)}
	go func() {
		s.done <- peercli.Run(ctx, p, append([]string{"serve", "--listen", addr}, args...), io.Discard, s.Log)
	}()
	select {
	case a := <-addrs:
		s.Addr = a.String()
	case code := <-s.done:
		cancel()
		t.Fatalf("serve exited with %d: %s", code, s.Log.String())
	}
	t.Cleanup(func() { cancel() })
	return s
}

// syncBuffer is a bytes.Buffer safe for one writer and one reader.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}
