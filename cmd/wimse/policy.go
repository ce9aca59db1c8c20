package main

import (
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/wimse-wg/wimse/profiles/httpsig"

	"github.com/spf13/cobra"

	"github.com/wimse-wg/wimse/interop/server"
	"github.com/wimse-wg/wimse/wimse"
)

// verifyFlags are the receiver settings shared by `serve` and `token verify`.
type verifyFlags struct {
	trustBundles  []string
	spiffeBundles []string
	trustDomains  []string
	audience      string
	accept        []string
	clockSkew     time.Duration
	maxWPTLife    time.Duration
	maxTokenSize  int
	contextFields []string
	wit400        bool
	replaySize    int
	replayQuota   int
	profiles      []string
	x509Bundles   []string
	serverWIT     string
	serverKey     string
	signAll       bool
	proofAlgs     []string
}

func (f *verifyFlags) register(c *cobra.Command) {
	fl := c.Flags()
	fl.StringArrayVar(&f.trustBundles, "trust-bundle", nil, "TD=FILE: JWK Set (RFC 7517) file of the issuer public keys of trust domain TD (repeatable). A bare FILE is accepted only with a single --trust-domain: each trust domain's WITs verify with its own keys only (creds-02 §5.1.3)")
	fl.StringArrayVar(&f.spiffeBundles, "spiffe-bundle", nil, "TD=FILE: SPIFFE trust bundle of trust domain TD (the JWK Set a SPIFFE bundle endpoint serves); its wit-svid keys (else its jwt-svid keys) become TD's issuer keys and its x509-svid keys TD's X.509 roots. A bare FILE is a bundle set: a JSON object of \"spiffe://TD\" to bundle (repeatable)")
	fl.StringArrayVar(&f.trustDomains, "trust-domain", nil, "trusted trust domain, e.g. example.org (required, repeatable); each needs anchors of its own: --trust-bundle TD=FILE, --spiffe-bundle or --x509-bundle")
	fl.StringVar(&f.audience, "audience", "", "public base URL; the expected WPT aud of path P is this URL followed by P (required)")
	fl.StringSliceVar(&f.accept, "accept", []string{"wpt-01", "wpt-02", "http-signature-06", "http-signature-07"}, "accepted revisions: wpt-01, wpt-02, http-signature-06, http-signature-07, s2s-06 (legacy typ values)")
	fl.StringSliceVar(&f.profiles, "profile", []string{"wpt", "httpsig"}, "accepted authentication profiles: wpt (WIT + WPT), httpsig (WIT + HTTP message signature), mtls (client certificates; needs --tls-cert and --x509-bundle)")
	fl.StringArrayVar(&f.x509Bundles, "x509-bundle", nil, "TD=FILE: PEM file of the X.509 roots of trust domain TD (mtls profile; repeatable). A bare FILE is accepted only with a single --trust-domain: each trust domain's certificates must chain to its own roots (mutual-tls issue #335)")
	fl.StringVar(&f.serverWIT, "server-wit", "", "the server's own WIT file, to sign responses of the httpsig profile (mint one with 'wimse token issue --workload-key' of --server-key)")
	fl.StringVar(&f.serverKey, "server-key", "", "the private JWK of --server-wit's cnf key")
	fl.StringSliceVar(&f.proofAlgs, "proof-alg", nil, "accept only these proof algorithms (cnf.jwk.alg) from the trusted trust domains, e.g. ES256,EdDSA (default: every supported one)")
	fl.BoolVar(&f.signAll, "sign-responses", false, "sign every response to a signed request, not only those that ask with wimse-sign-response")
	fl.DurationVar(&f.clockSkew, "clock-skew", wimse.DefaultClockSkew, "tolerance for exp, nbf and iat (0 for none)")
	fl.DurationVar(&f.maxWPTLife, "max-wpt-lifetime", wimse.DefaultMaxWPTLifetime, "reject WPTs whose exp lies further ahead (0 disables)")
	fl.IntVar(&f.maxTokenSize, "max-token-size", wimse.DefaultMaxTokenSize, "largest accepted token in bytes")
	fl.StringArrayVar(&f.contextFields, "context-token-field", nil, "a request field, besides Txn-Token, that a WPT must bind through oth when present (repeatable)")
	fl.BoolVar(&f.wit400, "wit-failure-400", false, "answer WIT failures of wpt-02 requests with 400 (creds-02) instead of 401 (wpt-02)")
	fl.IntVar(&f.replaySize, "replay-cache-size", wimse.DefaultReplayCacheSize, "maximum live entries in the WPT replay cache")
	fl.IntVar(&f.replayQuota, "replay-sender-quota", 0, "maximum live replay-cache entries of one sender (WIT sub); over it that sender alone gets 429 server.replay_sender_quota (0: a quarter of --replay-cache-size; -1: no per-sender limit)")
}

// config builds the reference server configuration from the flags; now is
// the clock (nil for the system clock).
func (f *verifyFlags) config(now func() time.Time) (server.Config, error) {
	store, roots, err := f.trust()
	if err != nil {
		return server.Config{}, err
	}
	for _, p := range f.profiles {
		if p != server.ProfileWPT && p != server.ProfileHTTPSig && p != server.ProfileMTLS {
			return server.Config{}, usageErr("--profile: unknown profile %q (want wpt, httpsig, mtls)", p)
		}
		if p == server.ProfileMTLS && !roots {
			return server.Config{}, usageErr("--profile mtls needs --x509-bundle")
		}
	}
	var signer *httpsig.Signer
	if (f.serverWIT == "") != (f.serverKey == "") {
		return server.Config{}, usageErr("--server-wit and --server-key go together")
	}
	if f.serverWIT != "" {
		w, err := os.ReadFile(f.serverWIT)
		if err != nil {
			return server.Config{}, usageErr("read --server-wit: %v", err)
		}
		k, alg, _, err := loadPrivateKey("--server-key", f.serverKey)
		if err != nil {
			return server.Config{}, err
		}
		signer = &httpsig.Signer{WIT: strings.TrimSpace(string(w)), Key: k, Alg: alg}
	}
	if !strings.HasPrefix(f.audience, "https://") && !strings.HasPrefix(f.audience, "http://") {
		return server.Config{}, usageErr("--audience %q is not an http(s) URL", f.audience)
	}
	var revs []wimse.Revision
	for _, a := range f.accept {
		switch r := wimse.Revision(strings.TrimSpace(a)); r {
		case wimse.RevisionWPT01, wimse.RevisionWPT02, wimse.RevisionS2S06, wimse.RevisionHTTPSig06, wimse.RevisionHTTPSig07:
			revs = append(revs, r)
		default:
			return server.Config{}, usageErr("--accept: unknown revision %q (want wpt-01, wpt-02, http-signature-06, http-signature-07, s2s-06)", a)
		}
	}
	p := wimse.Policy{Now: now, Revisions: revs, MaxTokenSize: f.maxTokenSize}
	p.ClockSkew = f.clockSkew
	if f.clockSkew == 0 {
		p.ClockSkew = -1
	}
	p.MaxWPTLifetime = f.maxWPTLife
	if f.maxWPTLife == 0 {
		p.MaxWPTLifetime = -1
	}
	if f.replaySize <= 0 {
		return server.Config{}, usageErr("--replay-cache-size must be positive")
	}
	return server.Config{
		Trust:               store,
		Audience:            f.audience,
		Policy:              p,
		ReplayCacheSize:     f.replaySize,
		ReplaySenderQuota:   f.replayQuota,
		ContextTokenFields:  f.contextFields,
		WITFailureStatus400: f.wit400,
		Profiles:            f.profiles,
		ResponseSigner:      signer,
		SignAllResponses:    f.signAll,
	}, nil
}

func failErr(format string, args ...any) error {
	return &exitError{code: exitFailure, err: fmt.Errorf(format, args...)}
}

// readPEMCerts reads every certificate of a PEM file.
func readPEMCerts(file string) ([]*x509.Certificate, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	var out []*x509.Certificate
	for blk, rest := pem.Decode(data); blk != nil; blk, rest = pem.Decode(rest) {
		c, err := x509.ParseCertificate(blk.Bytes)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	if len(out) == 0 {
		return nil, errors.New("no certificate")
	}
	return out, nil
}
