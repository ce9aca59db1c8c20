package sts

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"errors"
	"fmt"
	"net/http"
	"os"
	"slices"

	"github.com/spiffe/go-spiffe/v2/bundle/jwtbundle"
	"github.com/spiffe/go-spiffe/v2/bundle/spiffebundle"
	"github.com/spiffe/go-spiffe/v2/spiffeid"

	"github.com/wimse-wg/wimse/internal/jose"
	"github.com/wimse-wg/wimse/interop/sts/audit"
	"github.com/wimse-wg/wimse/interop/sts/store"
	"github.com/wimse-wg/wimse/profiles/exchange"
	"github.com/wimse-wg/wimse/tokens/accesstoken"
	"github.com/wimse-wg/wimse/tokens/attestation"
	"github.com/wimse-wg/wimse/tokens/dpop"
	"github.com/wimse-wg/wimse/tokens/jwtgrant"
	"github.com/wimse-wg/wimse/tokens/oauth"
	"github.com/wimse-wg/wimse/tokens/wit"
	"github.com/wimse-wg/wimse/tokens/wpt"
	"github.com/wimse-wg/wimse/wimse"
)

// The paths of the endpoints besides /token, the metadata and the JWKS.
const (
	RevocationPath    = "/revoke"
	IntrospectionPath = "/introspect"
	ChallengePath     = "/challenge"
)

// ReplayDPoP and ReplayAttestation are the replay namespaces of DPoP
// proofs and attestation PoPs in the store.
const (
	ReplayDPoP        = "dpop"
	ReplayAttestation = "attestation_pop"
)

// ownTrustDomain names the trust store entry of this STS's own signing
// keys, from which it reads back its tokens (subject tokens, revocation,
// introspection). It is local to the process and never matched against a
// token's identifiers: tokens are found by iss.
var ownTrustDomain = wimse.MustParseTrustDomain("sts.invalid")

// trust is what the configuration trusts, read from its files.
type trust struct {
	// wit verifies WITs (WIMSE trust domains from witTrust, SPIFFE trust
	// domains from their bundles' wit-svid keys) and X.509-SVIDs (the
	// bundles' x509-svid roots).
	wit *wimse.TrustStore
	// jwt holds the bundles' jwt-svid keys (spiffe_jwt, JWT-SVID subject
	// tokens).
	jwt *jwtbundle.Set
	// spiffe lists the SPIFFE trust domains configured.
	spiffe []spiffeid.TrustDomain
	// oidc holds the accepted OpenID Connect issuers (ID token subject
	// tokens): keys from a file or from discovery.
	oidc map[string]exchange.IssuerConfig
}

func loadTrust(cfg *Config) (*trust, error) {
	t := &trust{wit: wimse.NewTrustStore(), jwt: jwtbundle.NewSet()}
	for td, file := range cfg.WITTrust {
		b, err := os.ReadFile(cfg.path(file))
		if err != nil {
			return nil, fmt.Errorf("sts: witTrust %s: %w", td, err)
		}
		ks, err := wimse.ParseJWKSet(b)
		if err != nil {
			return nil, fmt.Errorf("sts: witTrust %s: %w", td, err)
		}
		t.wit.Set(wimse.MustParseTrustDomain(td), wimse.Anchors{Keys: ks})
	}
	for td, file := range cfg.SPIFFEBundles {
		b, err := os.ReadFile(cfg.path(file))
		if err != nil {
			return nil, fmt.Errorf("sts: spiffeBundles %s: %w", td, err)
		}
		wtd, err := wimse.ParseTrustDomain(td)
		if err != nil {
			return nil, fmt.Errorf("sts: spiffeBundles %s: %w", td, err)
		}
		if _, dup := cfg.WITTrust[td]; dup {
			return nil, fmt.Errorf("sts: trust domain %s is in both witTrust and spiffeBundles", td)
		}
		a, err := wimse.ParseSPIFFEBundle(wtd, b)
		if err != nil {
			return nil, fmt.Errorf("sts: spiffeBundles %s: %w", td, err)
		}
		t.wit.Set(wtd, a)
		std, err := spiffeid.TrustDomainFromString(td)
		if err != nil {
			return nil, fmt.Errorf("sts: spiffeBundles %s: %w", td, err)
		}
		sb, err := spiffebundle.Parse(std, b)
		if err != nil {
			return nil, fmt.Errorf("sts: spiffeBundles %s: %w", td, err)
		}
		t.jwt.Add(sb.JWTBundle())
		t.spiffe = append(t.spiffe, std)
	}
	for iss, oc := range cfg.OIDCIssuers {
		ic := exchange.IssuerConfig{Discovery: oc.Discovery, Audiences: oc.Audiences}
		if oc.JWKS != "" {
			b, err := os.ReadFile(cfg.path(oc.JWKS))
			if err != nil {
				return nil, fmt.Errorf("sts: oidcIssuers %s: %w", iss, err)
			}
			if ic.Keys, err = wimse.ParseJWKSet(b); err != nil {
				return nil, fmt.Errorf("sts: oidcIssuers %s: %w", iss, err)
			}
		}
		if t.oidc == nil {
			t.oidc = map[string]exchange.IssuerConfig{}
		}
		t.oidc[iss] = ic
	}
	return t, nil
}

// replay returns the replay cache of namespace ns: in the store when
// there is one (it survives restarts and is shared by replicas), in memory
// otherwise.
func (s *Server) replay(ns string) wimse.ReplayCache {
	if s.state != nil {
		return s.state.Replay(ns)
	}
	return wimse.NewMemoryReplayCache(0)
}

// hmacKey returns a random key for the stateless DPoP nonces and
// attestation challenges. Replicas behind one name need one key: they do
// not share it yet, so a nonce or challenge is good only at the replica
// that made it (documented limit).
func hmacKey() ([]byte, error) {
	k := make([]byte, 32)
	if _, err := rand.Read(k); err != nil {
		return nil, err
	}
	return k, nil
}

// clientMethods builds the client authenticators of the enabled methods.
func (s *Server) clientMethods(t *trust) (exchange.Methods, exchange.ChallengeSource, error) {
	cfg := s.cfg
	methods := exchange.Methods{}
	var challenges exchange.ChallengeSource
	for _, m := range cfg.AuthMethods {
		switch m {
		case oauth.AuthMethodClientSecretBasic, oauth.AuthMethodClientSecretPost:
			secrets := make(map[string]string, len(cfg.ClientSecrets))
			for id, sec := range cfg.ClientSecrets {
				v, ok := s.lookupEnv(sec.SecretEnv)
				if !ok || v == "" {
					return nil, nil, fmt.Errorf("sts: client %q: environment variable %s is not set", id, sec.SecretEnv)
				}
				secrets[id] = v
			}
			methods[m] = exchange.NewClientSecrets(secrets)
		case oauth.AuthMethodPrivateKeyJWT:
			keys := jwtgrant.StaticKeys{}
			for id, file := range cfg.PrivateKeyJWTClients {
				b, err := os.ReadFile(cfg.path(file))
				if err != nil {
					return nil, nil, fmt.Errorf("sts: privateKeyJwtClients %s: %w", id, err)
				}
				ks, err := wimse.ParseJWKSet(b)
				if err != nil {
					return nil, nil, fmt.Errorf("sts: privateKeyJwtClients %s: %w", id, err)
				}
				keys[id] = ks
			}
			methods[m] = &exchange.PrivateKeyJWTAuthenticator{Verifier: &jwtgrant.Verifier{
				Issuer: cfg.Issuer, Keys: keys, Replay: s.replay(store.ReplayClientAssertion),
			}}
		case oauth.AuthMethodSPIFFEJWT:
			methods[m] = &exchange.JWTSPIFFEAuthenticator{Verifier: &jwtgrant.SPIFFEVerifier{Issuer: cfg.Issuer, Bundles: t.jwt}}
		case oauth.AuthMethodSPIFFEX509:
			methods[m] = &exchange.X509SVIDAuthenticator{Trust: t.wit}
		case oauth.AuthMethodSPIFFEWIT:
			key, err := hmacKey()
			if err != nil {
				return nil, nil, err
			}
			challenges = &attestation.Challenges{Key: key}
			methods[m] = &exchange.AttestationAuthenticator{
				Verifier:   &wit.Verifier{Trust: t.wit, Profile: wit.ProfileSVID},
				Issuer:     cfg.Issuer,
				Challenges: challenges,
				Replay:     s.replay(ReplayAttestation),
			}
		default:
			return nil, nil, fmt.Errorf("sts: auth method %q is not supported", m)
		}
	}
	return methods, challenges, nil
}

// jwtValidator validates urn:ietf:params:oauth:token-type:jwt subject and
// actor tokens: a JWT typed wit+jwt is a WIT (proof of its key
// required), any other a JWT-SVID of a configured SPIFFE trust domain.
// The typ is read before verifying only to pick the validator; each
// validator then requires its own typ, so a token cannot pass as the
// other kind.
type jwtValidator struct {
	wit, svid exchange.TokenValidator
}

func (v *jwtValidator) ValidateToken(ctx context.Context, p exchange.Presentation) (*exchange.Party, error) {
	if v.svid != nil {
		if jt, err := jose.Parse(p.Token, wimse.DefaultMaxTokenSize); err == nil && jt.Header.Typ != wit.MediaType {
			return v.svid.ValidateToken(ctx, p)
		}
	}
	return v.wit.ValidateToken(ctx, p)
}

// ownVerifier reads back this STS's own access tokens, with the keys it
// publishes now.
func (s *Server) ownVerifier() *accesstoken.Verifier {
	return &accesstoken.Verifier{Trust: s.own, AnyAudience: true}
}

// refreshOwnTrust installs the published signing keys as the keys this
// STS reads its own tokens with; called at start and after Reload.
func (s *Server) refreshOwnTrust() {
	s.own.Set(ownTrustDomain, wimse.Anchors{Keys: s.keys.IssuerKeys(), Issuers: []string{s.cfg.Issuer}})
}

// validators builds the subject and actor token validators.
func (s *Server) validators(t *trust, revocations exchange.Revocations) map[string]exchange.TokenValidator {
	jv := &jwtValidator{wit: &exchange.WITValidator{
		Verifier: &wit.Verifier{Trust: t.wit},
		Proof:    &wpt.Verifier{Replay: s.replay(store.ReplayProof)},
		Audience: s.cfg.TokenEndpoint(),
	}}
	if len(t.spiffe) > 0 {
		jv.svid = &exchange.JWTSVIDValidator{Verifier: &jwtgrant.SPIFFEVerifier{Issuer: s.cfg.Issuer, Bundles: t.jwt}}
	}
	vs := map[string]exchange.TokenValidator{
		oauth.TokenTypeJWT:         jv,
		oauth.TokenTypeAccessToken: &exchange.AccessTokenValidator{Verifier: s.ownVerifier(), Revocations: revocations},
	}
	if len(t.oidc) > 0 {
		vs[oauth.TokenTypeIDToken] = &exchange.OIDCValidator{Issuers: t.oidc}
	}
	// The X.509-to-access-token profile: the subject is the client
	// certificate that spiffe_x509 verified, so only with that method.
	if slices.Contains(s.cfg.AuthMethods, oauth.AuthMethodSPIFFEX509) {
		vs[oauth.TokenTypeMTLS] = exchange.X509SubjectValidator{}
	}
	return vs
}

// dpopConfig builds the token endpoint's DPoP configuration, nil when
// DPoP is off.
func (s *Server) dpopConfig() (*exchange.DPoPConfig, error) {
	if s.cfg.DPoP == nil {
		return nil, nil
	}
	v := &dpop.Verifier{Replay: s.replay(ReplayDPoP)}
	c := &exchange.DPoPConfig{Verifier: v, TokenURL: s.cfg.TokenEndpoint()}
	if s.cfg.DPoP.RequireNonce {
		key, err := hmacKey()
		if err != nil {
			return nil, err
		}
		n := &dpop.NonceSource{Key: key}
		v.Nonces, c.Nonces = n, n
	}
	return c, nil
}

// recordRevocation appends the audit record of a revocation request: a
// revocation, or a refused one (another client's token: an error
// answered). A request answered 200 that revokes nothing (RFC 7009 §2.2:
// an invalid, expired or foreign token) is not recorded: nothing was
// decided about any token of this STS.
func (s *Server) recordRevocation(ctx context.Context, d exchange.RevocationDecision) error {
	if !d.Revoked && d.Error == "" {
		return nil
	}
	label := func(v string) audit.Label {
		l, err := audit.ParseLabel(v)
		if err != nil {
			return audit.MustParseLabel(redacted)
		}
		return l
	}
	r := audit.Record{
		Decision: audit.Revoked,
		Client:   audit.Client{ID: label(d.Client.ID), Method: label(d.Client.Method)},
		Subject:  audit.Subject{Sub: label(d.Subject)},
		JTI:      label(d.TokenID),
	}
	if !d.Revoked {
		r.Decision, r.Reason = audit.Denied, d.Reason
	}
	_, err := s.log.Append(ctx, r)
	if errors.Is(err, audit.ErrCheckpoint) {
		return nil
	}
	return err
}

// TLSConfig returns the server's TLS configuration (tls in the
// configuration), or nil when it serves plain HTTP. It asks for a client
// certificate without requiring one: the spiffe_x509 authenticator
// verifies it on each request, against the trust domain's bundle.
func (s *Server) TLSConfig() *tls.Config { return s.tls }

func loadTLS(cfg *Config) (*tls.Config, error) {
	if cfg.TLS == nil {
		if slices.Contains(cfg.AuthMethods, oauth.AuthMethodSPIFFEX509) {
			return nil, errors.New("sts: spiffe_x509 needs tls")
		}
		return nil, nil
	}
	cert, err := tls.LoadX509KeyPair(cfg.path(cfg.TLS.Cert), cfg.path(cfg.TLS.Key))
	if err != nil {
		return nil, fmt.Errorf("sts: tls: %w", err)
	}
	return &tls.Config{
		Certificates: []tls.Certificate{cert},
		ClientAuth:   tls.RequestClientCert,
		MinVersion:   tls.VersionTLS12,
	}, nil
}

// handle registers the endpoints on a new mux.
func (s *Server) routes(token, revoke, introspect http.Handler, challenges exchange.ChallengeSource, metadataPath string, metadata http.Handler) *http.ServeMux {
	mux := http.NewServeMux()
	mux.Handle(TokenPath, token)
	mux.Handle(RevocationPath, revoke)
	mux.Handle(IntrospectionPath, introspect)
	if challenges != nil {
		mux.Handle(ChallengePath, exchange.ChallengeHandler(challenges))
	}
	mux.Handle(metadataPath, metadata)
	mux.Handle(JWKSPath, s.keys.JWKSHandler())
	return mux
}
