package sts

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spiffe/go-spiffe/v2/bundle/spiffebundle"
	"github.com/spiffe/go-spiffe/v2/spiffeid"

	"github.com/wimse-wg/wimse/conformance"
	"github.com/wimse-wg/wimse/internal/jose"
	"github.com/wimse-wg/wimse/internal/mutant"
	"github.com/wimse-wg/wimse/profiles/exchange"
	"github.com/wimse-wg/wimse/tokens/oauth"
	"github.com/wimse-wg/wimse/vectors"
)

// The in-process conformance target: an Init deployment, amended so that
// it trusts the suite's test issuer (workload identity federation: the
// OpenID Connect issuer vectors.ExchangeIssuer with the suite's "issuer"
// key, id_token subject and actor tokens), registers a private_key_jwt
// client with the suite's "workload" key, and follows a policy made for
// the vectors. Test keys only: never use such a deployment outside tests.

// SuiteClientJWT is the private_key_jwt client of the in-process
// conformance deployment, whose key is the suite's "workload" test key.
const SuiteClientJWT = "suite-pkjwt"

// suiteSecretEnv is the environment variable holding the secret of the
// in-process deployment's client_secret client (DemoClientBasic).
const suiteSecretEnv = "STS_SECRET_DEMO_BASIC"

// SuiteDeployment is an in-process STS started for the conformance suite.
type SuiteDeployment struct {
	// URL is the token endpoint.
	URL string
	// Profile is the target profile under which it passes the suite.
	Profile *conformance.Profile
	// Client reaches it (its CA trusted).
	Client *http.Client
	// CA is the PEM file of the root of its TLS certificate.
	CA  string
	srv *Server
	hs  *http.Server
	dir string
}

// Close stops the server and removes its deployment.
func (s *SuiteDeployment) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 250*time.Millisecond)
	defer cancel()
	err := s.hs.Shutdown(ctx)
	if err != nil {
		err = s.hs.Close()
	}
	return errors.Join(err, s.srv.Close(), os.RemoveAll(s.dir))
}

// StartSuite writes a deployment with Init into a temporary directory,
// amends it for the suite (see above) and serves it over TLS on loopback.
// The client secret is put in the process environment (sts.New reads it
// from there).
func StartSuite() (*SuiteDeployment, error) { return startSuite(suiteSetup{}) }

// suiteSetup is how a suite deployment departs from the default: the
// token endpoint checks mut disables (the self-test's mutants), a policy
// that narrows scope overreach instead of refusing it, one that issues a
// token for two targets, and the profile changes that declare them.
type suiteSetup struct {
	mut     *mutant.Set
	narrow  bool
	multi   bool
	profile func(*conformance.ExchangeProfile)
}

// startSuite is StartSuite with the setup's departures.
func startSuite(setup suiteSetup) (*SuiteDeployment, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	s, err := serveSuite(ln, setup)
	if err != nil {
		ln.Close()
	}
	return s, err
}

func serveSuite(ln net.Listener, setup suiteSetup) (*SuiteDeployment, error) {
	mut := setup.mut
	dir, err := os.MkdirTemp("", "wimse-sts-conformance-")
	if err != nil {
		return nil, err
	}
	fail := func(err error) (*SuiteDeployment, error) {
		os.RemoveAll(dir)
		return nil, err
	}
	// The demo's own trust domain is not the suite's (example.org), whose
	// JWT-SVID authority is the suite's "issuer" key (spiffe_jwt clients).
	d, err := Init(filepath.Join(dir, "sts"), InitOptions{Listen: ln.Addr().String(), TrustDomain: "sts-demo.example"})
	if err != nil {
		return fail(err)
	}
	secret, err := readSecret(d.SecretsEnv, suiteSecretEnv)
	if err != nil {
		return fail(err)
	}
	if err := os.Setenv(suiteSecretEnv, secret); err != nil {
		return fail(err)
	}
	keys, err := vectors.DeriveKeys(vectors.DefaultSeed)
	if err != nil {
		return fail(err)
	}
	write := func(name string, v any) (string, error) {
		b, err := json.MarshalIndent(v, "", "  ")
		if err != nil {
			return "", err
		}
		p := filepath.Join(dir, name)
		return p, os.WriteFile(p, b, 0o600)
	}
	jwks := func(name string) (any, error) {
		k, err := keys.Get(name)
		if err != nil {
			return nil, err
		}
		pub, err := jose.PublicJWKJSON(k.Signer.Public(), k.Alg, k.KeyID)
		return map[string]any{"keys": []any{pub}}, err
	}
	issuerSet, err := jwks("issuer")
	if err != nil {
		return fail(err)
	}
	clientSet, err := jwks("workload")
	if err != nil {
		return fail(err)
	}
	issuerFile, err := write("suite-issuer.jwks", issuerSet)
	if err != nil {
		return fail(err)
	}
	clientFile, err := write("suite-client.jwks", clientSet)
	if err != nil {
		return fail(err)
	}
	policyFile, err := write("suite-policy.json", suitePolicy(setup.narrow, setup.multi))
	if err != nil {
		return fail(err)
	}
	bundleFile, err := suiteBundle(dir, keys)
	if err != nil {
		return fail(err)
	}
	cfg, err := LoadConfig(d.Config)
	if err != nil {
		return fail(err)
	}
	cfg.Policy = policyFile
	cfg.OIDCIssuers = map[string]OIDCIssuer{vectors.ExchangeIssuer: {JWKS: issuerFile, Audiences: []string{d.Issuer}}}
	cfg.PrivateKeyJWTClients[SuiteClientJWT] = clientFile
	cfg.ClientSecrets = map[string]ClientSecret{DemoClientBasic: {SecretEnv: suiteSecretEnv}}
	cfg.SPIFFEBundles[vectors.TrustDomain] = bundleFile
	srv, err := New(cfg)
	if err != nil {
		return fail(err)
	}
	if mut != nil || setup.multi {
		h, _ := srv.mux.Handler(&http.Request{Method: http.MethodPost, URL: &url.URL{Path: TokenPath}})
		xh, ok := h.(*exchange.Handler)
		if !ok {
			srv.Close()
			return fail(fmt.Errorf("sts: the token endpoint is a %T, not an exchange.Handler", h))
		}
		if setup.multi {
			// The handler's own bound (exchange.Handler.MaxTargets, one by
			// default) besides the policy's maxTargets.
			xh.MaxTargets = 2
		}
		mutant.Put(xh, mut)
		if ov, ok := xh.Validators[oauth.TokenTypeIDToken].(*exchange.OIDCValidator); ok {
			mutant.Put(&ov.Policy, mut)
		}
		if jv, ok := xh.Validators[oauth.TokenTypeJWT].(*jwtValidator); ok {
			if wv, ok := jv.wit.(*exchange.WITValidator); ok {
				mutant.Put(wv, mut)
			}
		}
	}
	pem, err := os.ReadFile(d.CA)
	if err != nil {
		srv.Close()
		return fail(err)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(pem)
	hs := &http.Server{Handler: srv, ReadHeaderTimeout: 5 * time.Second, TLSConfig: srv.TLSConfig(), ErrorLog: log.New(io.Discard, "", 0)}
	go func() { _ = hs.ServeTLS(ln, "", "") }()
	return &SuiteDeployment{
		URL:     cfg.TokenEndpoint(),
		CA:      d.CA,
		Profile: SuiteProfile(d.Issuer, secret, srv.Metadata().ChallengeEndpoint),
		Client:  &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}, MaxIdleConnsPerHost: 16}},
		srv:     srv, hs: hs, dir: dir,
	}, nil
}

// SuiteProfile is the target profile of the in-process deployment whose
// issuer is issuer: client_secret_basic as DemoClientBasic, id_token
// subject tokens of the suite's issuer, every feature its policy grants.
func SuiteProfile(issuer, secret, challengeEndpoint string) *conformance.Profile {
	return &conformance.Profile{Exchange: &conformance.ExchangeProfile{
		Issuer:            issuer,
		ChallengeEndpoint: challengeEndpoint,
		Client:            conformance.ExchangeClient{Method: conformance.AuthClientSecretBasic, ClientID: DemoClientBasic, SecretEnv: suiteSecretEnv, Secret: secret, AssertionClientID: SuiteClientJWT},
		SubjectIssuer:     vectors.ExchangeIssuer,
		SubjectTokenType:  oauth.TokenTypeIDToken,
		Resources:         []string{vectors.ExchangeResource, vectors.ExchangeSecondResource},
		Audience:          vectors.ExchangeAudience,
		Scopes:            strings.Fields(vectors.ExchangeScope),
		Features: []string{vectors.FeatureClientSecretPost, vectors.FeatureClientRequired, vectors.FeatureDelegation, vectors.FeatureSPIFFEJWT, vectors.FeatureSPIFFEWIT, vectors.FeatureAttestationChallenge, vectors.FeatureSPIFFEX509, vectors.FeatureReplayProtection,
			vectors.FeatureMayAct, vectors.FeatureAudience, vectors.FeatureScope, vectors.FeatureForbiddenResource, vectors.FeatureJWT, vectors.FeatureSingleTarget, vectors.FeatureRFC7523bis, vectors.FeatureDPoP, vectors.FeatureScopeReject, vectors.FeatureWITSubject, vectors.FeatureX509Subject},
	}}
}

// suitePolicy lets the suite's clients exchange the suite issuer's tokens
// for the vectors' targets and scopes, refusing scope overreach (or, with
// narrow, narrowing it).
func suitePolicy(narrow, multi bool) any {
	maxTargets := 1
	if multi {
		maxTargets = 2
	}
	overreach := "reject"
	if narrow {
		overreach = "narrow"
	}
	rule := func(name, client string) map[string]any {
		return map[string]any{
			"scopeOverreach": overreach,
			"name":           name, "client": map[string]any{"clientId": client},
			"subjectIssuers": []string{vectors.ExchangeIssuer}, "subjectTokenTypes": []string{oauth.TokenTypeIDToken, oauth.TokenTypeJWT},
			"impersonation": true, "delegation": true, "actorIssuers": []string{vectors.ExchangeIssuer},
			"resources": []string{vectors.ExchangeResource, vectors.ExchangeSecondResource},
			"audiences": []string{vectors.ExchangeAudience},
			"scopes":    strings.Fields(vectors.ExchangeScope), "maxLifetime": "10m", "maxTargets": maxTargets,
		}
	}
	spiffe := rule("suite-spiffe-jwt", "")
	spiffe["client"] = map[string]any{"trustDomain": vectors.TrustDomain, "scheme": "spiffe"}
	// The X.509-to-access-token profile (feature x509_subject): a
	// spiffe_x509 client exchanges its own certificate, whose issuer is
	// its trust domain's SPIFFE ID.
	x509Subject := rule("suite-x509-subject", "")
	x509Subject["client"] = spiffe["client"]
	x509Subject["subjectIssuers"] = []string{"spiffe://" + vectors.TrustDomain}
	x509Subject["subjectTokenTypes"] = []string{oauth.TokenTypeMTLS}
	return map[string]any{"version": 1, "rules": []any{rule("suite-secret", DemoClientBasic), rule("suite-private-key-jwt", SuiteClientJWT), spiffe, x509Subject}}
}

// suiteBundle writes the SPIFFE bundle of the suite's trust domain: the
// suite's "issuer-es384" key as its JWT-SVID authority (spiffe_jwt
// clients), its "issuer" key as its WIT-SVID authority (spiffe_wit).
func suiteBundle(dir string, keys *vectors.KeySet) (string, error) {
	jk, err := keys.Get("issuer-es384")
	if err != nil {
		return "", err
	}
	wk, err := keys.Get("issuer")
	if err != nil {
		return "", err
	}
	b := spiffebundle.New(spiffeid.RequireTrustDomainFromString(vectors.TrustDomain))
	if err := b.AddJWTAuthority(jk.KeyID, jk.Signer.Public()); err != nil {
		return "", err
	}
	if err := b.AddWITAuthority(wk.KeyID, wk.Signer.Public()); err != nil {
		return "", err
	}
	// The suite's X.509 root of example.org (spiffe_x509 clients).
	roots, err := vectors.MTLSRoots(vectors.DefaultSeed)
	if err != nil {
		return "", err
	}
	for _, r := range roots {
		if r.TrustDomain != vectors.TrustDomain {
			continue
		}
		blk, _ := pem.Decode([]byte(r.Certificate))
		if blk == nil {
			return "", fmt.Errorf("sts: the suite's root of %s is not PEM", r.TrustDomain)
		}
		c, err := x509.ParseCertificate(blk.Bytes)
		if err != nil {
			return "", err
		}
		b.AddX509Authority(c)
	}
	raw, err := b.Marshal()
	if err != nil {
		return "", err
	}
	p := filepath.Join(dir, "suite-spiffe-bundle.json")
	return p, os.WriteFile(p, raw, 0o600)
}

// readSecret reads NAME=value from a secrets.env file.
func readSecret(file, name string) (string, error) {
	b, err := os.ReadFile(file)
	if err != nil {
		return "", err
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, name+"="); ok {
			return strings.TrimSpace(v), nil
		}
	}
	return "", fmt.Errorf("sts: %s: no %s", file, name)
}

// RunSuite plays the token endpoint vectors (cfg's selection) against the
// reference STS started in-process (StartSuite), and then the vectors the
// default deployment leaves unsupported (it refuses scope overreach and
// two targets) against the NarrowScope and MultiTarget variants: every
// vector is played. cfg's Target, Profile, Kinds, Draft and Client
// are set here.
func RunSuite(ctx context.Context, cfg conformance.Config) (*conformance.Report, error) {
	return runSuiteWithVariants(ctx, cfg, nil)
}

// runSuiteWithVariants is RunSuite with the checks of mut disabled.
func runSuiteWithVariants(ctx context.Context, cfg conformance.Config, mut *mutant.Set) (*conformance.Report, error) {
	rep, err := runSuite(ctx, cfg, suiteSetup{mut: mut})
	if err != nil || (cfg.FailFast && !rep.Conformant) {
		return rep, err
	}
	idx := map[string]int{}
	var ids []string
	for i, r := range rep.Results {
		if r.Status == conformance.StatusUnsupported {
			idx[r.ID] = i
			ids = append(ids, r.ID)
		}
	}
	if len(ids) == 0 {
		return rep, nil
	}
	for _, v := range []Variant{NarrowScope, MultiTarget} {
		vcfg := cfg
		vcfg.IDs = ids
		vrep, err := runSuite(ctx, vcfg, suiteSetup{mut: mut, narrow: v.NarrowScope, multi: v.MultiTarget, profile: v.Profile})
		if errors.Is(err, conformance.ErrNoVectors) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("sts: variant %s: %w", v.Name, err)
		}
		for _, res := range vrep.Results {
			if i, asked := idx[res.ID]; asked && res.Status != conformance.StatusUnsupported {
				res.Message = strings.TrimSpace(res.Message + " (played against the reference STS with " + v.Name + ")")
				rep.Results[i] = res
			}
		}
		rep.Duration += vrep.Duration
	}
	rep.Finalize()
	return rep, nil
}

// runSuite plays the selection against one suite deployment.
func runSuite(ctx context.Context, cfg conformance.Config, setup suiteSetup) (*conformance.Report, error) {
	s, err := startSuite(setup)
	if err != nil {
		return nil, err
	}
	defer s.Close()
	cfg.Target, cfg.Profile, cfg.Client = s.URL, s.Profile, s.Client
	if setup.profile != nil {
		setup.profile(cfg.Profile.Exchange)
	}
	cfg.Kinds, cfg.Draft = []string{vectors.KindExchange}, vectors.SignalExchange
	if cfg.Reproduce == nil {
		cfg.Reproduce = func(id string) string { return "wimse conformance run --profile token-exchange --id " + id }
	}
	rep, err := conformance.Run(ctx, cfg)
	if rep != nil {
		rep.Target.InProcess = true
	}
	return rep, err
}
