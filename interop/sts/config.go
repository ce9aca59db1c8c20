package sts

import (
	"github.com/wimse-wg/wimse/internal/strictjson"

	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/wimse-wg/wimse/tokens/oauth"
	"github.com/wimse-wg/wimse/wimse"
)

// MaxConfigSize bounds a configuration file, in bytes.
const MaxConfigSize = 1 << 20

// Config is the configuration of the reference STS, read from a JSON file by
// LoadConfig. Relative file names in it are resolved against the directory of
// the configuration file. It holds no secret: client secrets are named by the
// environment variable that carries them, and keys are in their own files.
type Config struct {
	// Issuer is the issuer identifier (RFC 8414 §2): an https URL, iss of
	// every issued token. Required.
	Issuer string `json:"issuer"`
	// URL is the base URL where the endpoints are reached (/token,
	// /jwks.json), when it is not Issuer: for example
	// http://127.0.0.1:8443 for a loopback deployment. The token endpoint
	// URL, URL + "/token", is the aud every WPT must carry. "" means Issuer.
	URL string `json:"url,omitempty"`
	// Listen is the address to listen on, such as 127.0.0.1:8443.
	Listen string `json:"listen,omitempty"`
	// SigningKeys are the private JWK files of the token signing keys:
	// the current one and the next one (published ahead of its use).
	SigningKeys SigningKeys `json:"signingKeys"`
	// Audit configures the audit log. Required.
	Audit AuditConfig `json:"audit"`
	// Store configures the durable state (interop/sts/store): the audit
	// log, revocations and replay caches in one SQLite database. Its zero
	// value means none: the audit log is the file audit.log and the
	// replay cache lives in memory.
	Store StoreConfig `json:"store,omitzero"`
	// Policy is the exchange policy file (interop/sts/policy). Required.
	Policy string `json:"policy"`
	// WITTrust maps each trust domain to the JWK Set file of its WIT
	// issuer keys: the WITs presented as subject tokens are verified with
	// them.
	WITTrust map[string]string `json:"witTrust,omitempty"`
	// ClientSecrets maps each client_id to where its secret is.
	ClientSecrets map[string]ClientSecret `json:"clientSecrets,omitempty"`
	// PrivateKeyJWTClients maps each private_key_jwt client_id to the JWK
	// Set file of its public keys (RFC 7523 §2.2 with the 7523bis rules:
	// the assertion's aud is the issuer identifier alone).
	PrivateKeyJWTClients map[string]string `json:"privateKeyJwtClients,omitempty"`
	// SPIFFEBundles maps each SPIFFE trust domain to its SPIFFE bundle
	// file (the JWK Set form SPIRE's bundle endpoint serves). Its
	// x509-svid roots authenticate spiffe_x509 clients, its jwt-svid keys
	// spiffe_jwt clients and JWT-SVID subject tokens, and its wit-svid keys
	// spiffe_wit clients and WIT-SVID subject tokens.
	SPIFFEBundles map[string]string `json:"spiffeBundles,omitempty"`
	// TLS, when set, makes the server listen with HTTPS and ask for (not
	// require) client certificates: spiffe_x509 needs it.
	TLS *TLSConfig `json:"tls,omitempty"`
	// DPoP, when set, enables DPoP-bound tokens (RFC 9449).
	DPoP *DPoPConfig `json:"dpop,omitempty"`
	// OIDCIssuers maps each accepted OpenID Connect issuer (exact issuer
	// identifier) to how its ID tokens are verified: workload identity
	// federation with an issuer allow-list.
	OIDCIssuers map[string]OIDCIssuer `json:"oidcIssuers,omitempty"`
	// AuthMethods are the client authentication methods enabled
	// (client_secret_basic, client_secret_post); the metadata lists exactly
	// these. Required.
	AuthMethods []string `json:"authMethods"`
	// MaxLifetime bounds the lifetime of issued tokens, as a Go duration
	// ("10m"). "" means one hour (exchange.DefaultMaxLifetime).
	MaxLifetime Duration `json:"maxLifetime,omitzero"`

	// dir is the directory relative file names are resolved against.
	dir string
}

// SigningKeys names the private JWK files of the token signing keys. Each
// must have a kid, distinct from the other's.
type SigningKeys struct {
	Current string `json:"current"`
	Next    string `json:"next"`
	// Retired is the file of the retired keys' public halves, published
	// until the tokens they signed have expired (RotateKeys writes it). ""
	// means none, and RotateKeys refuses to run.
	Retired string `json:"retired,omitempty"`
}

// AuditConfig configures the audit log (interop/sts/audit).
type AuditConfig struct {
	// Log is the log file (JSON Lines), created if missing. Exactly one
	// of Log and Store.SQLite must be set: with a store, the audit log is
	// in its database.
	Log string `json:"log,omitempty"`
	// CheckpointKey is the private JWK file (Ed25519 or P-256) that signs
	// checkpoints; keep it apart from the signing keys. Required.
	CheckpointKey string `json:"checkpointKey"`
	// CheckpointEvery is the number of records between checkpoints; 0
	// means 100.
	CheckpointEvery int `json:"checkpointEvery,omitempty"`
}

// StoreConfig configures the STS's durable state (interop/sts/store).
type StoreConfig struct {
	// SQLite is the SQLite database file, created if missing. When set,
	// the audit log lives in it (audit.log must then be empty), and the
	// replay cache of Workload Proof Tokens too, so a replay is refused
	// across restarts. "" means no store.
	SQLite string `json:"sqlite"`
}

// TLSConfig names the server certificate chain and key (PEM files).
type TLSConfig struct {
	Cert string `json:"cert"`
	Key  string `json:"key"`
}

// DPoPConfig configures DPoP at the token endpoint.
type DPoPConfig struct {
	// RequireNonce makes the token endpoint demand a server nonce in every
	// proof (RFC 9449 §8): a proof without one is answered use_dpop_nonce.
	RequireNonce bool `json:"requireNonce,omitempty"`
}

// OIDCIssuer says how to verify the ID tokens of one issuer.
type OIDCIssuer struct {
	// JWKS is a JWK Set file of the issuer's keys; "" with Discovery
	// true fetches them from the issuer's discovery document.
	JWKS string `json:"jwks,omitempty"`
	// Discovery fetches the keys through the issuer's OpenID discovery
	// document (the issuer URL + /.well-known/openid-configuration).
	Discovery bool `json:"discovery,omitempty"`
	// Audiences are the aud values accepted; "" entries are refused. At
	// least one is required.
	Audiences []string `json:"audiences"`
}

// ClientSecret says where a client's secret is: the environment variable
// SecretEnv holds it. The secret itself never appears in the file.
type ClientSecret struct {
	SecretEnv string `json:"secretEnv"`
}

// Duration is a time.Duration written as a Go duration string ("10m").
type Duration time.Duration

// UnmarshalJSON reads a duration string.
func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("duration must be a string such as \"10m\"")
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return err
	}
	*d = Duration(v)
	return nil
}

// MarshalJSON writes the duration string.
func (d Duration) MarshalJSON() ([]byte, error) { return json.Marshal(time.Duration(d).String()) }

// supportedMethods are the client authentication methods the server can
// enable from a Config.
var supportedMethods = []string{oauth.AuthMethodClientSecretBasic, oauth.AuthMethodClientSecretPost,
	oauth.AuthMethodPrivateKeyJWT, oauth.AuthMethodSPIFFEJWT, oauth.AuthMethodSPIFFEX509, oauth.AuthMethodSPIFFEWIT}

// LoadConfig reads the configuration file at path with ParseConfig,
// resolving relative file names against the file's directory.
func LoadConfig(path string) (*Config, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("sts: config: %w", err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, MaxConfigSize+1))
	if err != nil {
		return nil, fmt.Errorf("sts: config %s: %w", path, err)
	}
	if len(b) > MaxConfigSize {
		return nil, fmt.Errorf("sts: config %s: larger than %d bytes", path, MaxConfigSize)
	}
	c, err := ParseConfig(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	c.dir = filepath.Dir(path)
	return c, nil
}

// ParseConfig reads a configuration strictly: unknown members, trailing
// data and a configuration that Validate rejects are errors. Relative file
// names are resolved against the working directory.
func ParseConfig(b []byte) (*Config, error) {
	var c Config
	if err := strictjson.Decode(b, &c); err != nil {
		return nil, fmt.Errorf("sts: config: %w", err)
	}
	if err := c.Validate(); err != nil {
		return nil, err
	}
	return &c, nil
}

// Validate checks the configuration without reading the files it names,
// and returns every problem, joined.
func (c *Config) Validate() error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf("sts: config: "+format, args...)) }
	if u, err := url.Parse(c.Issuer); err != nil || u.Scheme != "https" || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		bad("issuer %q: want an https URL with a host and no query or fragment", c.Issuer)
	}
	if c.URL != "" {
		if u, err := url.Parse(c.URL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
			bad("url %q: want an http or https URL with a host and no query or fragment", c.URL)
		}
	}
	if c.SigningKeys.Current == "" || c.SigningKeys.Next == "" {
		bad("signingKeys: current and next are required")
	}
	if c.Audit.CheckpointKey == "" {
		bad("audit: checkpointKey is required")
	}
	if (c.Audit.Log == "") == (c.Store.SQLite == "") {
		bad("audit.log and store.sqlite: exactly one is required (the audit log is the file, or in the store)")
	}
	if c.Audit.CheckpointEvery < 0 {
		bad("audit: checkpointEvery must not be negative")
	}
	if c.Policy == "" {
		bad("policy is required")
	}
	for td, file := range c.WITTrust {
		if _, err := wimse.ParseTrustDomain(td); err != nil {
			bad("witTrust: trust domain %q: %v", td, err)
		}
		if file == "" {
			bad("witTrust: trust domain %q: no JWK Set file", td)
		}
	}
	for id, s := range c.ClientSecrets {
		if id == "" {
			bad("clientSecrets: empty client_id")
		}
		if s.SecretEnv == "" {
			bad("clientSecrets: %q: secretEnv is required", id)
		}
	}
	if len(c.AuthMethods) == 0 {
		bad("authMethods: at least one method is required")
	}
	for i, m := range c.AuthMethods {
		if !slices.Contains(supportedMethods, m) {
			bad("authMethods: %q is not supported (want one of %s)", m, strings.Join(supportedMethods, ", "))
		}
		if slices.Contains(c.AuthMethods[:i], m) {
			bad("authMethods: %q repeated", m)
		}
		switch {
		case (m == oauth.AuthMethodClientSecretBasic || m == oauth.AuthMethodClientSecretPost) && len(c.ClientSecrets) == 0:
			bad("authMethods: %s needs clientSecrets", m)
		case m == oauth.AuthMethodPrivateKeyJWT && len(c.PrivateKeyJWTClients) == 0:
			bad("authMethods: %s needs privateKeyJwtClients", m)
		case (m == oauth.AuthMethodSPIFFEJWT || m == oauth.AuthMethodSPIFFEX509 || m == oauth.AuthMethodSPIFFEWIT) && len(c.SPIFFEBundles) == 0:
			bad("authMethods: %s needs spiffeBundles", m)
		case m == oauth.AuthMethodSPIFFEX509 && c.TLS == nil:
			bad("authMethods: %s needs tls", m)
		}
	}
	for id, file := range c.PrivateKeyJWTClients {
		if id == "" || file == "" {
			bad("privateKeyJwtClients: %q: a client_id and a JWK Set file are required", id)
		}
	}
	for td, file := range c.SPIFFEBundles {
		if _, err := wimse.ParseTrustDomain(td); err != nil {
			bad("spiffeBundles: trust domain %q: %v", td, err)
		}
		if file == "" {
			bad("spiffeBundles: trust domain %q: no bundle file", td)
		}
	}
	for iss, oc := range c.OIDCIssuers {
		if u, err := url.Parse(iss); err != nil || u.Scheme != "https" || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
			bad("oidcIssuers: %q: want an https issuer URL with a host and no query or fragment", iss)
		}
		if (oc.JWKS == "") == !oc.Discovery {
			bad("oidcIssuers: %q: give exactly one of jwks and discovery", iss)
		}
		if len(oc.Audiences) == 0 || slices.Contains(oc.Audiences, "") {
			bad("oidcIssuers: %q: at least one non-empty audience is required", iss)
		}
	}
	if c.TLS != nil && (c.TLS.Cert == "" || c.TLS.Key == "") {
		bad("tls: cert and key are required")
	}
	if c.MaxLifetime < 0 {
		bad("maxLifetime must not be negative")
	}
	return errors.Join(errs...)
}

// path resolves a file name of the configuration.
func (c *Config) path(name string) string {
	if filepath.IsAbs(name) || c.dir == "" {
		return name
	}
	return filepath.Join(c.dir, name)
}

// baseURL is where the endpoints are, without a trailing "/".
func (c *Config) baseURL() string {
	if c.URL != "" {
		return strings.TrimSuffix(c.URL, "/")
	}
	return strings.TrimSuffix(c.Issuer, "/")
}

// TokenEndpoint is the token endpoint URL: the aud of every WPT.
func (c *Config) TokenEndpoint() string { return c.baseURL() + TokenPath }

// JWKSURI is the URL of the JWK Set of the token signing keys.
func (c *Config) JWKSURI() string { return c.baseURL() + JWKSPath }

// AuditLogPath is the path of the audit log file ("" when the audit log
// is in the store).
func (c *Config) AuditLogPath() string {
	if c.Audit.Log == "" {
		return ""
	}
	return c.path(c.Audit.Log)
}

// StorePath is the path of the SQLite store ("" when there is none).
func (c *Config) StorePath() string {
	if c.Store.SQLite == "" {
		return ""
	}
	return c.path(c.Store.SQLite)
}
