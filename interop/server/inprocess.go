package server

import (
	"context"
	"crypto/tls"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/wimse-wg/wimse/profiles/httpsig"
	"github.com/wimse-wg/wimse/profiles/problem"
	"github.com/wimse-wg/wimse/tokens/wit"
	"github.com/wimse-wg/wimse/vectors"
	"github.com/wimse-wg/wimse/wimse"
)

// SuiteConfig returns the configuration under which the reference server
// passes the conformance vectors: it trusts the suite's public test issuer
// keys for the vectors' trust domain and the second issuer key set for
// vectors.OtherTrustDomain, each bound to its own trust domain, with the
// vectors' default policy and X-Custom-Token as oth field. audience is the server's base URL. Test keys
// only: never use this configuration outside tests.
//
// The server signs responses of the HTTP signature profile with its own WIT
// (vectors.ServerSubject, key "server"), issued by the suite's issuer for an
// hour from now.
func SuiteConfig(seed, audience string) (Config, error) {
	c, err := SuiteConfigAt(seed, audience, time.Now())
	if err == nil {
		c.ResponseSigner.Now = nil // sign responses at the time they are sent
	}
	return c, err
}

// SuiteConfigAt is SuiteConfig with the server's WIT issued at now (offline
// tests at a frozen time).
func SuiteConfigAt(seed, audience string, now time.Time) (Config, error) {
	keys, err := derivedKeys(seed)
	if err != nil {
		return Config{}, err
	}
	issuer, err := keys.Get("issuer")
	if err != nil {
		return Config{}, err
	}
	sk, err := keys.Get("server")
	if err != nil {
		return Config{}, err
	}
	serverWIT, err := (&wit.Signer{Key: issuer.Signer, Alg: issuer.Alg, KeyID: issuer.KeyID, Deterministic: true}).Sign(wit.Claims{
		Subject: wimse.MustParseID(vectors.ServerSubject), Issuer: "https://issuer.example.org",
		IssuedAt: now.Add(-time.Minute), Expiry: now.Add(time.Hour), Key: sk.Signer.Public(), KeyAlg: sk.Alg,
	})
	if err != nil {
		return Config{}, err
	}
	store := wimse.NewTrustStore()
	// Each trust domain with its own issuer keys: the second one plays the
	// vectors of keys crossing trust domains (vectors.NeedSecondTrustDomain).
	for _, td := range []string{vectors.TrustDomain, vectors.OtherTrustDomain} {
		store.Set(wimse.MustParseTrustDomain(td), wimse.Anchors{Keys: keys.IssuerKeysOf(td)})
	}
	p := vectors.DefaultPolicy()
	return Config{
		Trust:    store,
		Audience: audience,
		Policy: wimse.Policy{
			ClockSkew:      time.Duration(p.ClockSkew) * time.Second,
			MaxWPTLifetime: time.Duration(p.MaxWPTLifetime) * time.Second,
			MaxTokenSize:   p.MaxTokenSize,
		},
		ContextTokenFields: []string{"X-Custom-Token"},
		// Reports show what the reference server answered, detail included.
		ProblemDetail:  problem.Full,
		ResponseSigner: &httpsig.Signer{WIT: serverWIT, Key: sk.Signer, Alg: sk.Alg, Now: func() time.Time { return now }},
	}, nil
}

// keyCache holds the key sets derivedKeys derived, by seed: deriving
// parses RSA keys, and the self-tests start hundreds of servers.
var keyCache sync.Map // string -> *vectors.KeySet

// derivedKeys is vectors.DeriveKeys(seed), derived once per seed (a
// KeySet is read-only).
func derivedKeys(seed string) (*vectors.KeySet, error) {
	if k, ok := keyCache.Load(seed); ok {
		return k.(*vectors.KeySet), nil
	}
	k, err := vectors.DeriveKeys(seed)
	if err != nil {
		return nil, err
	}
	keyCache.Store(seed, k)
	return k, nil
}

// Running is a reference server started in-process on loopback.
type Running struct {
	// URL is the base URL, e.g. http://127.0.0.1:41234.
	URL string
	srv *http.Server
}

// Close stops the server: gracefully for up to a quarter second, then
// forcibly. net/http counts a connection that never sent a request as busy
// for seconds, and a client may open one it never uses; waiting for it
// would only slow the run down.
func (r *Running) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 250*time.Millisecond)
	defer cancel()
	if err := r.srv.Shutdown(ctx); err != nil {
		return r.srv.Close()
	}
	return nil
}

// StartLoopback starts the reference server on 127.0.0.1 with the
// configuration configure returns for its base URL.
func StartLoopback(configure func(base string) (Config, error), logger *slog.Logger) (*Running, error) {
	return startLoopback(configure, nil, logger)
}

// StartLoopbackTLS starts the reference server on 127.0.0.1 over TLS with
// the configuration configure returns for its base URL (https://...),
// presenting cert; TLSConfig decides how clients are authenticated.
// Refused handshakes go to logger, not to standard error.
func StartLoopbackTLS(configure func(base string) (Config, error), cert tls.Certificate, logger *slog.Logger) (*Running, error) {
	return startLoopback(configure, &cert, logger)
}

func startLoopback(configure func(base string) (Config, error), cert *tls.Certificate, logger *slog.Logger) (*Running, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	scheme := "http://"
	if cert != nil {
		scheme = "https://"
	}
	base := scheme + ln.Addr().String()
	cfg, err := configure(base)
	if err != nil {
		ln.Close()
		return nil, err
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	cfg.Logger = logger
	h, err := New(cfg)
	if err != nil {
		ln.Close()
		return nil, err
	}
	// The limits of `wimse serve` (its defaults), a shorter header timeout.
	limits := Limits{ReadHeaderTimeout: 5 * time.Second}
	srv := limits.Server(h, nil)
	srv.ErrorLog = slog.NewLogLogger(logger.Handler(), slog.LevelDebug)
	ln = limits.Listener(ln)
	if cert != nil {
		ln = tls.NewListener(ln, TLSConfig(cfg, *cert))
	}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			logger.Error("reference server stopped", "err", err)
		}
	}()
	return &Running{URL: base, srv: srv}, nil
}
