// Package server is the reference WIMSE resource server: every path is
// protected by the WIT + WPT profile (profiles/httpwpt), both wpt-01 and
// wpt-02 carriages are accepted by default, and a successful request is
// answered with the authenticated subject. It is what `wimse serve` runs and
// what the conformance runner tests against when no target is given.
//
// GET /healthz is not protected. The expected audience of a request for
// path P is the configured base URL followed by P; it never comes from Host
// or X-Forwarded-Host.
package server

import (
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"

	"github.com/wimse-wg/wimse/profiles/httpwpt"
	"github.com/wimse-wg/wimse/tokens/wit"
	"github.com/wimse-wg/wimse/tokens/wpt"
	"github.com/wimse-wg/wimse/wimse"
)

// Config configures the reference server.
type Config struct {
	// Trust holds the trusted trust domains and their issuer keys.
	Trust *wimse.TrustStore
	// Audience is the server's public base URL (scheme://host[:port][/prefix]).
	Audience string
	// Policy is the verification policy; its zero value is strict with
	// defaults (see wimse.Policy).
	Policy wimse.Policy
	// ReplayCacheSize bounds the replay cache; zero means
	// wimse.DefaultReplayCacheSize.
	ReplayCacheSize int
	// WITCacheSize bounds the verified-WIT cache; zero means
	// wit.DefaultCacheSize, negative disables it.
	WITCacheSize int
	// ContextTokenFields lists the fields (besides Txn-Token) oth may bind.
	ContextTokenFields []string
	// WITFailureStatus400 answers WIT failures of wpt-02 requests with 400.
	WITFailureStatus400 bool
	// Logger receives one line per request; nil discards.
	Logger *slog.Logger
}

// Response is the body of a successful request.
type Response struct {
	Subject     string `json:"subject"`
	TrustDomain string `json:"trust_domain"`
	Carriage    string `json:"carriage"`
}

// NewVerifier builds the request verifier of a configuration.
func NewVerifier(c Config) (*httpwpt.Verifier, error) {
	if c.Trust == nil {
		return nil, errors.New("server: no trust store")
	}
	if c.Audience == "" {
		return nil, errors.New("server: no audience base URL")
	}
	var cache *wit.Cache
	if c.WITCacheSize >= 0 {
		cache = wit.NewCache(c.WITCacheSize)
	}
	return &httpwpt.Verifier{
		WIT:                 &wit.Verifier{Trust: c.Trust, Policy: c.Policy, Cache: cache},
		WPT:                 &wpt.Verifier{Policy: c.Policy, Replay: wimse.NewMemoryReplayCache(c.ReplayCacheSize)},
		Audience:            httpwpt.AudienceFromBase(c.Audience),
		ContextTokenFields:  c.ContextTokenFields,
		WITFailureStatus400: c.WITFailureStatus400,
	}, nil
}

// New returns the reference server's handler.
func New(c Config) (http.Handler, error) {
	v, err := NewVerifier(c)
	if err != nil {
		return nil, err
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = w.Write([]byte("ok\n"))
	})
	mux.Handle("/", v.Middleware(c.Logger)(http.HandlerFunc(serveAuthenticated)))
	return mux, nil
}

func serveAuthenticated(w http.ResponseWriter, r *http.Request) {
	p, ok := httpwpt.PeerFromContext(r.Context())
	if !ok {
		http.Error(w, "no peer", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	_ = json.NewEncoder(w).Encode(Response{
		Subject:     p.ID.String(),
		TrustDomain: p.TrustDomain().String(),
		Carriage:    string(p.Revision),
	})
}
