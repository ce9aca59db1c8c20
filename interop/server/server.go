// Package server is the reference WIMSE resource server. Every path is
// protected; by configuration a request is authenticated by a WIT with a
// WPT (profiles/httpwpt: wpt-01 and wpt-02 carriages), a WIT with an HTTP
// message signature (profiles/httpsig: http-signature-06 and -07), or a
// Workload Identity Certificate over mutual TLS (profiles/mtls), all on one
// listener. A successful request is answered with the authenticated
// subject. It is what `wimse serve` runs and what the conformance runner
// tests against when no target is given.
//
// Dispatch: a request carrying Signature-Input is judged by the HTTP
// signature profile; one carrying any other application-layer credential
// (Workload-Identity-Token, Workload-Proof-Token, Authorization) by the WPT
// profile; one with none but a client certificate by mTLS (application-layer
// identities never override, nor get overridden by, the TLS one: they are
// not mixed, as mutual-tls-03 asks); anything else is answered as a missing
// WPT (401 with a WPT challenge when wpt-02 is accepted). With
// Config.RequireMTLS a request needs both: the certificate, verified in the
// handshake, and the application-layer credentials.
//
// GET /healthz is not protected. The expected audience (WPT aud, wimse-aud)
// of a request for path P is the configured base URL followed by P; it never
// comes from Host or X-Forwarded-Host.
package server

import (
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"slices"

	"github.com/wimse-wg/wimse/internal/mutant"
	"github.com/wimse-wg/wimse/profiles/httpsig"
	"github.com/wimse-wg/wimse/profiles/httpwpt"
	"github.com/wimse-wg/wimse/profiles/mtls"
	"github.com/wimse-wg/wimse/profiles/problem"
	"github.com/wimse-wg/wimse/tokens/wit"
	"github.com/wimse-wg/wimse/wimse"
)

// Profile names accepted in Config.Profiles.
const (
	ProfileWPT     = "wpt"
	ProfileHTTPSig = "httpsig"
	ProfileMTLS    = "mtls"
)

// Config configures the reference server.
type Config struct {
	// Trust holds the trusted trust domains, their issuer keys and (for
	// mTLS) their X.509 roots.
	Trust *wimse.TrustStore
	// Audience is the server's public base URL (scheme://host[:port][/prefix]).
	Audience string
	// Policy is the verification policy; its zero value is strict with
	// defaults (see wimse.Policy).
	Policy wimse.Policy
	// Profiles lists the accepted authentication profiles; nil means wpt
	// and httpsig. mtls needs the listener to request client certificates
	// (TLSConfig).
	Profiles []string
	// RequireMTLS, with the mtls profile and wpt or httpsig, requires both
	// layers: every connection presents a valid Workload Identity
	// Certificate (required and verified in the handshake, as with mtls
	// alone) and every request carries the WIT and proof of wpt or httpsig,
	// judged as without mTLS. A certificate alone, or application-layer
	// credentials alone, are refused. The answer names the
	// application-layer identity; the two are not compared (mutual-tls-03
	// M18 only forbids the headers to override the certificate's identity,
	// which answering for the WIT's subject alone does not do).
	RequireMTLS bool
	// ReplayCacheSize bounds the replay cache; zero means
	// wimse.DefaultReplayCacheSize.
	ReplayCacheSize int
	// ReplaySenderQuota bounds the replay-cache entries of one sender (the
	// sub of its WIT), so that one identity cannot fill the cache for
	// everyone: a sender at its quota is answered 429
	// (server.replay_sender_quota). Zero means a quarter of the cache
	// (wimse.DefaultSenderQuotaDivisor), negative no per-sender limit; see
	// wimse.WithSenderQuota. The WPT and HTTP signature profiles each have
	// a cache of their own.
	ReplaySenderQuota int
	// WITProfile is the profile WITs are verified under (both the WPT and
	// the HTTP signature profiles): wit.ProfileWIT, the zero value, or
	// wit.ProfileSVID for a receiver of SPIFFE WIT-SVIDs only.
	WITProfile wit.Profile
	// WITCacheSize bounds the verified-WIT cache; zero means
	// wit.DefaultCacheSize, negative disables it.
	WITCacheSize int
	// ContextTokenFields lists the fields (besides Txn-Token) oth may bind.
	ContextTokenFields []string
	// WITFailureStatus400 answers WIT failures of wpt-02 requests with 400.
	WITFailureStatus400 bool
	// ResponseSigner signs responses of the HTTP signature profile with the
	// server's WIT key; nil means requests that ask for a signed response
	// get 501.
	ResponseSigner *httpsig.Signer
	// SignAllResponses signs every response to a signed request (server
	// policy), not only those that asked with wimse-sign-response.
	SignAllResponses bool
	// MaxBody is the largest request body, in bytes, that the HTTP
	// signature profile reads to check Content-Digest; it reads one only
	// for a request whose credentials verified, and answers a larger one
	// 413 (request.body_too_large). Zero means DefaultMaxBody. The WPT and
	// mTLS profiles never read the body.
	MaxBody int64
	// Logger receives one line per request; nil discards.
	Logger *slog.Logger
	// ProblemDetail is what problem bodies disclose. The zero value,
	// problem.Minimal, gives type, title, status and reason; problem.Full
	// adds the detail (the expected audience of an aud mismatch, say), for
	// a server implementers test against: `wimse serve` and the in-process
	// suite server use Full. The mTLS middleware's answers stay minimal.
	ProblemDetail problem.Disclosure
}

// Response is the body of a successful request.
type Response struct {
	Subject     string `json:"subject"`
	TrustDomain string `json:"trust_domain"`
	// Carriage is wpt-01, wpt-02, http-signature-06, http-signature-07 or mtls.
	Carriage string `json:"carriage"`
}

func (c *Config) accepts(p string) bool {
	if c.Profiles == nil {
		return p == ProfileWPT || p == ProfileHTTPSig
	}
	return slices.Contains(c.Profiles, p)
}

// NewVerifier builds the WPT request verifier of a configuration.
func NewVerifier(c Config) (*httpwpt.Verifier, error) {
	if c.Trust == nil {
		return nil, errors.New("server: no trust store")
	}
	if c.Audience == "" {
		return nil, errors.New("server: no audience base URL")
	}
	return &httpwpt.Verifier{
		Trust:               c.Trust,
		Policy:              c.Policy,
		Replay:              c.replayCache(),
		WITCache:            c.witCache(),
		WITProfile:          c.WITProfile,
		Audience:            httpwpt.AudienceFromBase(c.Audience),
		ContextTokenFields:  c.ContextTokenFields,
		WITFailureStatus400: c.WITFailureStatus400,
		ProblemDetail:       c.ProblemDetail,
	}, nil
}

// replayCache is a new replay cache of the configured size and quota.
func (c *Config) replayCache() *wimse.MemoryReplayCache {
	return wimse.NewMemoryReplayCache(c.ReplayCacheSize, wimse.WithSenderQuota(c.ReplaySenderQuota))
}

// witCache is a new verified-WIT cache of the configured size; nil when
// WITCacheSize is negative.
func (c *Config) witCache() *wit.Cache {
	if c.WITCacheSize < 0 {
		return nil
	}
	return wit.NewCache(c.WITCacheSize)
}

// New returns the reference server's handler.
func New(c Config) (http.Handler, error) {
	wv, err := NewVerifier(c)
	if err != nil {
		return nil, err
	}
	for _, p := range c.Profiles {
		if p != ProfileWPT && p != ProfileHTTPSig && p != ProfileMTLS {
			return nil, errors.New("server: unknown profile " + p)
		}
	}
	if c.RequireMTLS && (!c.accepts(ProfileMTLS) || !c.accepts(ProfileWPT) && !c.accepts(ProfileHTTPSig)) {
		return nil, errors.New("server: RequireMTLS needs the mtls profile and wpt or httpsig")
	}
	logger := c.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	sv := &httpsig.Verifier{Trust: c.Trust, Policy: c.Policy, WITCache: c.witCache(), WITProfile: c.WITProfile, Replay: c.replayCache(),
		Audience: httpsig.AudienceFromBase(c.Audience), MaxBody: c.MaxBody, ProblemDetail: c.ProblemDetail}
	if sv.MaxBody == 0 {
		sv.MaxBody = DefaultMaxBody
	}
	wptHandler := wv.Middleware(logger)(http.HandlerFunc(serveAuthenticated))
	sigHandler := sv.Middleware(c.ResponseSigner, c.SignAllResponses, logger)(http.HandlerFunc(serveAuthenticated))
	mtlsHandler := mtls.Middleware(c.Trust, mtls.WithNow(c.Policy.Time), mtls.WithLogger(logger), mtls.WithMutant(mutant.Of(&c.Policy)))(http.HandlerFunc(serveAuthenticated))

	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = w.Write([]byte("ok\n"))
	})
	reject := func(w http.ResponseWriter, err error) { c.ProblemDetail.Write(w, http.StatusBadRequest, err) }
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if c.RequireMTLS && (r.TLS == nil || len(r.TLS.PeerCertificates) == 0) {
			// Only over plain HTTP: TLSConfig requires the certificate.
			reject(w, wimse.Errorf(wimse.ReasonMTLSNoCertificate, "server: a client certificate is required besides the application-layer credentials"))
			return
		}
		switch {
		case httpsig.HasSignature(r.Header):
			if !c.accepts(ProfileHTTPSig) {
				reject(w, wimse.Errorf(wimse.ReasonRequestCarriageNotAccepted, "server: HTTP message signatures are not accepted"))
				return
			}
			sigHandler.ServeHTTP(w, r)
		case hasAppCredentials(r.Header) || c.RequireMTLS || !c.accepts(ProfileMTLS) || r.TLS == nil || len(r.TLS.PeerCertificates) == 0:
			if !c.accepts(ProfileWPT) {
				reject(w, wimse.Errorf(wimse.ReasonRequestCarriageNotAccepted, "server: workload proof tokens are not accepted"))
				return
			}
			wptHandler.ServeHTTP(w, r)
		default:
			mtlsHandler.ServeHTTP(w, r)
		}
	})
	return mux, nil
}

func hasAppCredentials(h http.Header) bool {
	for _, f := range []string{httpwpt.HeaderWIT, httpwpt.HeaderWPT, "Authorization"} {
		if len(h.Values(f)) > 0 {
			return true
		}
	}
	return false
}

func serveAuthenticated(w http.ResponseWriter, r *http.Request) {
	var res Response
	if p, ok := httpwpt.PeerFromContext(r.Context()); ok {
		res = Response{p.ID.String(), p.TrustDomain().String(), string(p.Revision)}
	} else if p, ok := httpsig.PeerFromContext(r.Context()); ok {
		res = Response{p.ID.String(), p.TrustDomain().String(), string(p.Revision)}
	} else if p, ok := mtls.PeerFromContext(r.Context()); ok {
		res = Response{p.ID.String(), p.TrustDomain().String(), ProfileMTLS}
	} else {
		http.Error(w, "no peer", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	_ = json.NewEncoder(w).Encode(res)
}
