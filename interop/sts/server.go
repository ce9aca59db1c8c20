// Package sts is the reference token exchange service (STS): it wires the
// token endpoint of profiles/exchange to a configuration file (Config), the
// exchange policy (interop/sts/policy) and the audit log
// (interop/sts/audit), and serves
//
//   - POST /token: RFC 8693 token exchange (exchange.Handler), with the
//     policy's Authorizer and an audit record appended, durably, before
//     every answer;
//   - GET /.well-known/oauth-authorization-server: RFC 8414 metadata naming
//     exactly the enabled client authentication methods;
//   - GET /jwks.json: the JWK Set of the token signing keys (current and
//     next).
//
// It is what `wimse sts serve` runs.
//
// # Decisions
//
//   - WITs are accepted as subject tokens under the type URI
//     urn:ietf:params:oauth:token-type:jwt (RFC 8693 §3: any JWT), since no
//     WIT token type URI is registered; the WIT validator refuses a JWT
//     whose typ is not wit+jwt, so the declared type and the token agree.
//     A WIT needs a Workload-Proof-Token whose aud is the token endpoint URL
//     from the configuration (Config.TokenEndpoint), never from Host.
//   - The audit record is appended before the answer is sent; if that fails
//     on an issuance, the token is withheld (server_error). A denial whose
//     request carries a value the log refuses (a JWT as a resource, say) is
//     recorded with that value replaced by "[redacted]", never dropped.
//   - With store.sqlite (interop/sts/store), the audit log and the replay
//     cache of Workload Proof Tokens live in one SQLite database, written
//     durably (WAL, synchronous=FULL) before the answer; Server.Store
//     exposes it for revocation and introspection. Without it, the audit
//     log is the file audit.log and the replay cache is in memory.
//   - Client secrets come from environment variables named in the
//     configuration; only their SHA-256 digests are kept
//     (exchange.ClientSecrets).
package sts

import (
	"context"
	"crypto"
	"crypto/tls"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"slices"
	"time"

	"github.com/wimse-wg/wimse/internal/jose"
	"github.com/wimse-wg/wimse/interop/sts/audit"
	"github.com/wimse-wg/wimse/interop/sts/policy"
	"github.com/wimse-wg/wimse/interop/sts/store"
	"github.com/wimse-wg/wimse/profiles/exchange"
	"github.com/wimse-wg/wimse/tokens/jwtgrant"
	"github.com/wimse-wg/wimse/tokens/oauth"
	"github.com/wimse-wg/wimse/tokens/scope"
	"github.com/wimse-wg/wimse/wimse"
)

// The paths the server serves, besides the metadata's well-known path.
const (
	TokenPath = "/token"
	JWKSPath  = "/jwks.json"
)

// TokenTypeWIT is the subject_token_type under which a WIT is accepted:
// urn:ietf:params:oauth:token-type:jwt (see the package decisions).
const TokenTypeWIT = oauth.TokenTypeJWT

// DefaultCheckpointEvery is the audit checkpoint interval when
// AuditConfig.CheckpointEvery is zero.
const DefaultCheckpointEvery = 100

// redacted replaces a value the audit log refuses in a denial's record.
const redacted = "[redacted]"

// Server is a running STS: an http.Handler for its endpoints. Close it to
// release the audit log.
type Server struct {
	cfg      *Config
	mux      *http.ServeMux
	keys     *exchange.KeySet
	log      *audit.Log
	metadata *exchange.Metadata

	// closeAudit closes the audit log's store: the file, or state.
	closeAudit func() error
	// state is the SQLite store (store.sqlite), nil without one.
	state store.Store
	// tls is the TLS configuration, nil for plain HTTP.
	tls *tls.Config
	// own holds this STS's published keys, to read its own tokens.
	own *wimse.TrustStore
	// lookupEnv reads the client secrets (WithLookupEnv).
	lookupEnv func(string) (string, bool)
}

// New reads the files cfg names (keys, policy, trust bundles, audit log),
// reads the client secrets from the environment and returns the server.
func New(cfg *Config, opts ...Option) (*Server, error) {
	if cfg == nil {
		return nil, errors.New("sts: no configuration")
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cur, next, retired, err := loadKeys(cfg, time.Now())
	if err != nil {
		return nil, err
	}
	maxLifetime := time.Duration(cfg.MaxLifetime)
	if maxLifetime == 0 {
		maxLifetime = exchange.DefaultMaxLifetime
	}
	pol, err := policy.Load(cfg.path(cfg.Policy))
	if err != nil {
		return nil, fmt.Errorf("sts: %w", err)
	}
	t, err := loadTrust(cfg)
	if err != nil {
		return nil, err
	}
	tlsConf, err := loadTLS(cfg)
	if err != nil {
		return nil, err
	}
	ckey, err := wimse.LoadPrivateJWK(cfg.path(cfg.Audit.CheckpointKey))
	if err != nil {
		return nil, fmt.Errorf("sts: audit checkpoint key: %w", err)
	}
	astore, closeAudit, state, err := openState(context.Background(), cfg)
	if err != nil {
		return nil, err
	}
	if err := checkKeyState(context.Background(), state, cur, next); err != nil {
		closeAudit()
		return nil, err
	}
	keys, err := exchange.NewKeySet(exchange.KeySetConfig{Current: cur, Next: next, Retired: retired, Grace: maxLifetime + wimse.DefaultClockSkew})
	if err != nil {
		closeAudit()
		return nil, fmt.Errorf("sts: signing keys: %w", err)
	}
	s := &Server{cfg: cfg, keys: keys, closeAudit: closeAudit, state: state, tls: tlsConf, own: wimse.NewTrustStore(), lookupEnv: os.LookupEnv}
	var op options
	for _, o := range opts {
		o(&op)
	}
	if op.lookupEnv != nil {
		s.lookupEnv = op.lookupEnv
	}
	if err := s.build(pol, t, ckey, astore, maxLifetime); err != nil {
		closeAudit()
		return nil, err
	}
	return s, nil
}

// build makes the endpoints of s.
func (s *Server) build(pol *policy.Policy, t *trust, ckey *wimse.PrivateKey, astore audit.Store, maxLifetime time.Duration) error {
	cfg := s.cfg
	alog, err := audit.New(astore, audit.WithSigner(ckey.Signer), audit.WithCheckpointEvery(cfg.CheckpointInterval()))
	if err != nil {
		return fmt.Errorf("sts: audit log: %w", err)
	}
	s.log = alog
	s.refreshOwnTrust()
	methods, challenges, err := s.clientMethods(t)
	if err != nil {
		return err
	}
	var revocations exchange.Revocations = exchange.NewMemoryRevocations(0, nil)
	if s.state != nil {
		revocations = s.state
	}
	dpopConf, err := s.dpopConfig()
	if err != nil {
		return err
	}
	bindCert := slices.Contains(cfg.AuthMethods, oauth.AuthMethodSPIFFEX509)
	md := &exchange.Metadata{
		Issuer:                                 cfg.Issuer,
		TokenEndpoint:                          cfg.TokenEndpoint(),
		JWKSURI:                                cfg.JWKSURI(),
		RevocationEndpoint:                     cfg.baseURL() + RevocationPath,
		IntrospectionEndpoint:                  cfg.baseURL() + IntrospectionPath,
		GrantTypesSupported:                    []string{oauth.GrantTypeTokenExchange},
		TokenEndpointAuthMethodsSupported:      methods.Names(),
		RevocationEndpointAuthMethodsSupported: methods.Names(),
		IntrospectionEndpointAuthMethodsSupported: methods.Names(),
		DPoPSigningAlgValuesSupported:             dpopConf.SigningAlgValues(),
		TLSClientCertificateBoundAccessTokens:     bindCert,
	}
	// The same authenticators serve the three endpoints, so the same
	// assertion algorithms.
	var assertionAlgs []string
	switch {
	case slices.Contains(cfg.AuthMethods, oauth.AuthMethodPrivateKeyJWT):
		assertionAlgs = jose.Supported()
	case slices.Contains(cfg.AuthMethods, oauth.AuthMethodSPIFFEJWT):
		assertionAlgs = jwtgrant.SVIDAlgorithms()
	}
	md.TokenEndpointAuthSigningAlgValuesSupported = assertionAlgs
	md.RevocationEndpointAuthSigningAlgValuesSupported = assertionAlgs
	md.IntrospectionEndpointAuthSigningAlgValuesSupported = assertionAlgs
	if challenges != nil {
		md.ChallengeEndpoint = cfg.baseURL() + ChallengePath
		md.ClientAttestationSigningAlgValuesSupported = exchange.WITSVIDAlgorithms()
		md.ClientAttestationPoPSigningAlgValuesSupported = exchange.WITSVIDAlgorithms()
	}
	mdh, err := exchange.MetadataHandler(md)
	if err != nil {
		return fmt.Errorf("sts: metadata: %w", err)
	}
	wk, err := md.WellKnownURL()
	if err != nil {
		return fmt.Errorf("sts: metadata: %w", err)
	}
	wku, err := url.Parse(wk)
	if err != nil {
		return fmt.Errorf("sts: metadata: %w", err)
	}
	s.metadata = md
	h := &exchange.Handler{
		Issuer:          cfg.Issuer,
		Keys:            s.keys,
		Clients:         methods,
		Validators:      s.validators(t, revocations),
		Authorize:       pol.Authorizer(),
		OnDecision:      s.record,
		MaxLifetime:     maxLifetime,
		DPoP:            dpopConf,
		BindCertificate: bindCert,
	}
	revoke := &exchange.RevocationHandler{Clients: methods, Verifier: s.ownVerifier(), Revocations: revocations, OnRevoke: s.recordRevocation}
	introspect := &exchange.IntrospectionHandler{Clients: methods, Verifier: s.ownVerifier(), Revocations: revocations}
	s.mux = s.routes(h, revoke, introspect, challenges, wku.Path, mdh)
	return nil
}

// ServeHTTP routes a request to its endpoint.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.mux.ServeHTTP(w, r) }

// Keys returns the token signing keys.
func (s *Server) Keys() *exchange.KeySet { return s.keys }

// Metadata returns the published metadata; do not modify it.
func (s *Server) Metadata() *exchange.Metadata { return s.metadata }

// Config returns the configuration the server was built from.
func (s *Server) Config() *Config { return s.cfg }

// Store returns the durable state (store.sqlite): revocations, replay
// caches, key state and the audit log; nil when the configuration has no
// store. The server closes it in Close.
func (s *Server) Store() store.Store { return s.state }

// Close writes a final audit checkpoint and closes the audit log (and the
// store).
func (s *Server) Close() error {
	_, cerr := s.log.Checkpoint(context.Background())
	return errors.Join(cerr, s.closeAudit())
}

// OpenStore opens the SQLite store cfg names (store.sqlite); an error if
// it names none. The caller closes it.
func OpenStore(ctx context.Context, cfg *Config) (store.Store, error) {
	if cfg.Store.SQLite == "" {
		return nil, errors.New("sts: config: no store.sqlite")
	}
	st, err := store.OpenSQLite(ctx, cfg.StorePath())
	if err != nil {
		return nil, fmt.Errorf("sts: store: %w", err)
	}
	return st, nil
}

// openState opens the audit log's store and its closer: the SQLite
// store's audit log when store.sqlite is set (state is then that store),
// else the file audit.log (state nil).
func openState(ctx context.Context, cfg *Config) (astore audit.Store, closeAudit func() error, state store.Store, err error) {
	if cfg.Store.SQLite == "" {
		fs, err := audit.OpenFile(ctx, cfg.path(cfg.Audit.Log))
		if err != nil {
			return nil, nil, nil, fmt.Errorf("sts: audit log: %w", err)
		}
		return fs, fs.Close, nil, nil
	}
	st, err := OpenStore(ctx, cfg)
	if err != nil {
		return nil, nil, nil, err
	}
	return st.Audit(), st.Close, st, nil
}

// loadSigningKey reads a private JWK as a token signing key; it must have
// a kid.
func loadSigningKey(path string) (exchange.SigningKey, error) {
	k, err := wimse.LoadPrivateJWK(path)
	if err != nil {
		return exchange.SigningKey{}, fmt.Errorf("sts: signing key: %w", err)
	}
	if k.KeyID == "" {
		return exchange.SigningKey{}, fmt.Errorf("sts: signing key %s: no kid", path)
	}
	return exchange.SigningKey{Key: k.Signer, Alg: k.Algorithm, KeyID: k.KeyID}, nil
}

// record appends the audit record of d. It is the Handler's OnDecision:
// an error on an issuance withholds the token.
func (s *Server) record(ctx context.Context, d exchange.Decision) error {
	r, err := Record(d)
	if err != nil {
		return err
	}
	_, err = s.log.Append(ctx, r)
	if errors.Is(err, audit.ErrCheckpoint) {
		// The record itself is durable; the checkpoint is retried after
		// the next interval.
		return nil
	}
	return err
}

// Record converts a token endpoint decision to its audit record. For an
// issuance every value must be a valid audit.Label (an error otherwise);
// for a denial a value that is not one is replaced by "[redacted]".
func Record(d exchange.Decision) (audit.Record, error) {
	var errs []error
	label := func(v string) audit.Label {
		l, err := audit.ParseLabel(v)
		if err != nil {
			if d.Issued {
				errs = append(errs, err)
			}
			return audit.MustParseLabel(redacted)
		}
		return l
	}
	labels := func(vs []string) []audit.Label {
		var out []audit.Label
		for _, v := range vs {
			out = append(out, label(v))
		}
		return out
	}
	scopes := func(s scope.Set) []audit.Label { return labels(s.Tokens()) }
	r := audit.Record{
		Decision: audit.Denied,
		Reason:   d.Reason,
		Client:   audit.Client{ID: label(d.Client.ID), Method: label(d.Client.Method)},
		Subject:  audit.Subject{Issuer: label(d.SubjectIssuer), Sub: label(d.Subject)},
		Requested: audit.Grant{
			Audience: labels(d.RequestedAudiences),
			Resource: labels(d.RequestedResources),
			Scope:    scopes(d.RequestedScope),
		},
		Granted: audit.Grant{Audience: labels(d.GrantedAudience), Scope: scopes(d.GrantedScope)},
		JTI:     label(d.TokenID),
	}
	for _, a := range d.Actors {
		r.Actors = append(r.Actors, label(a.Subject))
	}
	if d.Issued {
		r.Decision, r.Reason, r.Lifetime = audit.Issued, "", d.Lifetime
	}
	if r.Decision == audit.Denied && r.Reason == "" {
		r.Reason = wimse.ReasonExchangeDenied
	}
	return r, errors.Join(errs...)
}

// CheckpointPublic returns the public key of the checkpoint key file of
// cfg, for audit.Verify.
func CheckpointPublic(cfg *Config) (crypto.PublicKey, error) {
	k, err := wimse.LoadPrivateJWK(cfg.path(cfg.Audit.CheckpointKey))
	if err != nil {
		return nil, err
	}
	return k.Signer.Public(), nil
}
