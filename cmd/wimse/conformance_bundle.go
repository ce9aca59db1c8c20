package main

import (
	"cmp"
	"context"
	"crypto"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spiffe/go-spiffe/v2/bundle/spiffebundle"
	"github.com/spiffe/go-spiffe/v2/spiffeid"

	"github.com/wimse-wg/wimse/internal/jose"
	"github.com/wimse-wg/wimse/vectors"
)

// suiteTrustDomains are the trust domains the suite has issuer keys for,
// each with its own (vectors.KeySet.IssuerKeysOf).
var suiteTrustDomains = []string{vectors.TrustDomain, vectors.OtherTrustDomain}

func trustBundleCmd(e *env) *cobra.Command {
	var serveAddr, td, issuer string
	var x509Roots, spiffe bool
	c := &cobra.Command{
		Use:   "trust-bundle [--trust-domain TD] [--serve ADDR | --x509 | --spiffe]",
		Short: "Print (or serve) the JWK Set and trust domain a target must trust to be tested",
		Long: `Print the suite's issuer public keys of one trust domain as a JWK Set on stdout,
and the trust domain on stderr. The suite has two trust domains, each with
issuer keys of its own: example.org (the default: every vector's WITs; or the
one given with 'run --trust-domain') and other.example (--trust-domain
other.example: the second issuer key set, which the vectors of keys crossing
trust domains need; a target declares it with the profile's secondTrustDomain).
A target trusts each set for its own trust domain only (creds-02 §5.1.3), e.g.
'wimse serve --trust-bundle example.org=suite.jwks --trust-bundle
other.example=second.jwks'. WARNING: these are public test keys; their private
parts are published with the vectors. Never trust them outside a test.

With --spiffe both trust domains are printed as one SPIFFE bundle set, a JSON
object {"spiffe://example.org": bundle, "spiffe://other.example": bundle}: each
bundle (SPIFFE Trust Domain and Bundle §4) holds its trust domain's issuer keys
as wit-svid keys and its X.509 roots (the mtls vectors' CAs) as x509-svid keys;
'wimse serve --spiffe-bundle FILE' reads it.

With --serve ADDR the JWK Set of example.org is served at /jwks.json and
/.well-known/jwks.json, with an OAuth/OIDC-style metadata document naming it at
/.well-known/oauth-authorization-server and /.well-known/openid-configuration
(an OpenID Connect issuer's discovery document: a token endpoint that federates
with an external issuer is pointed at it for --profile token-exchange, whose
subject tokens carry that iss; --issuer names it when it is not
https://issuer.example.org);
each trust domain TD's JWK Set at /trust-domains/TD/jwks.json and its SPIFFE
bundle, as a SPIFFE bundle endpoint serves it, at /trust-domains/TD/bundle,
until interrupted.

With --x509 the suite's X.509 roots (the mtls vectors' CAs) are printed as PEM
instead, each after a comment line naming its trust domain: a target trusts
each root for its own trust domain only (example.org and other.example), as
mutual-tls-03 and issue #335 require. Test CAs: never trust them outside a test.`,
		Example: `  wimse conformance trust-bundle > suite.jwks
  wimse conformance trust-bundle --trust-domain other.example > second.jwks
  wimse conformance trust-bundle --spiffe > suite-bundles.json
  wimse conformance trust-bundle --serve 127.0.0.1:9000
  wimse conformance trust-bundle --x509 > suite-roots.pem`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if !slices.Contains(suiteTrustDomains, td) {
				return usageErr("--trust-domain %q: the suite has issuer keys for %s and %s only", td, vectors.TrustDomain, vectors.OtherTrustDomain)
			}
			switch {
			case x509Roots:
				return printX509Roots(e)
			case spiffe:
				set, err := suiteSPIFFEBundleSet()
				if err != nil {
					return failErr("%v", err)
				}
				fmt.Fprintf(e.stderr, "WARNING: public test keys and test CAs; never trust them outside a test.\ntrust domains: %s, %s\n", vectors.TrustDomain, vectors.OtherTrustDomain)
				_, err = e.stdout.Write(append(set, '\n'))
				return err
			}
			jwks, err := suiteJWKS(td)
			if err != nil {
				return failErr("%v", err)
			}
			fmt.Fprintf(e.stderr, "WARNING: public test keys (their private parts are published); never trust them outside a test.\ntrust domain: %s\n", td)
			if serveAddr == "" {
				_, err := e.stdout.Write(append(jwks, '\n'))
				return err
			}
			return serveBundle(cmd.Context(), e, serveAddr, issuer)
		},
	}
	c.Flags().StringVar(&td, "trust-domain", vectors.TrustDomain, "whose issuer keys: "+vectors.TrustDomain+" or "+vectors.OtherTrustDomain+" (the second trust domain)")
	c.Flags().StringVar(&serveAddr, "serve", "", "serve the JWK Sets, SPIFFE bundles and metadata on this address until interrupted")
	c.Flags().StringVar(&issuer, "issuer", "", "with --serve: the issuer the discovery documents name, where a token endpoint under test fetches them (the exchange profile's subjectIssuer); default https://issuer.example.org")
	c.Flags().BoolVar(&x509Roots, "x509", false, "print the X.509 roots of the mtls vectors (PEM) instead of the JWK Set")
	c.Flags().BoolVar(&spiffe, "spiffe", false, "print both trust domains as a SPIFFE bundle set (wit-svid and x509-svid keys) instead of the JWK Set")
	c.MarkFlagsMutuallyExclusive("serve", "x509", "spiffe")
	return c
}

func printX509Roots(e *env) error {
	roots, err := vectors.MTLSRoots(vectors.DefaultSeed)
	if err != nil {
		return failErr("%v", err)
	}
	fmt.Fprintln(e.stderr, "WARNING: test CAs (their keys derive from a public seed); never trust them outside a test.")
	for _, r := range roots {
		fmt.Fprintf(e.stdout, "# trust domain %s: trust this root for %s only\n%s", r.TrustDomain, r.TrustDomain, r.Certificate)
	}
	return nil
}

// suiteJWKS is the JWK Set of the issuer keys of td, one of
// suiteTrustDomains.
func suiteJWKS(td string) ([]byte, error) {
	keys, err := vectors.DeriveKeys(vectors.DefaultSeed)
	if err != nil {
		return nil, err
	}
	var out []any
	for _, k := range keys.IssuerKeysOf(td) {
		pub, err := jose.PublicJWKJSON(k.Public, k.Algorithm, k.KeyID)
		if err != nil {
			return nil, err
		}
		out = append(out, pub)
	}
	return json.MarshalIndent(map[string]any{"keys": out}, "", "  ")
}

// suiteSPIFFEBundle is the SPIFFE bundle of td, one of suiteTrustDomains:
// its issuer keys as wit-svid authorities, its X.509 roots as x509-svid
// authorities, made with go-spiffe and its keys sorted (go-spiffe writes
// them in map order) so the output is the same on every run.
func suiteSPIFFEBundle(td string) (json.RawMessage, error) {
	keys, err := vectors.DeriveKeys(vectors.DefaultSeed)
	if err != nil {
		return nil, err
	}
	wit := map[string]crypto.PublicKey{}
	for _, k := range keys.IssuerKeysOf(td) {
		wit[k.KeyID] = k.Public
	}
	b := spiffebundle.FromWITAuthorities(spiffeid.RequireTrustDomainFromString(td), wit)
	roots, err := vectors.MTLSRoots(vectors.DefaultSeed)
	if err != nil {
		return nil, err
	}
	for _, r := range roots {
		if r.TrustDomain != td {
			continue
		}
		blk, _ := pem.Decode([]byte(r.Certificate))
		if blk == nil {
			return nil, fmt.Errorf("x509 root of %s is not PEM", td)
		}
		c, err := x509.ParseCertificate(blk.Bytes)
		if err != nil {
			return nil, err
		}
		b.AddX509Authority(c)
	}
	b.SetSequenceNumber(1)
	raw, err := b.Marshal()
	if err != nil {
		return nil, err
	}
	var doc struct {
		Keys     []map[string]any `json:"keys"`
		Sequence uint64           `json:"spiffe_sequence"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		return nil, err
	}
	str := func(m map[string]any, k string) string { s, _ := m[k].(string); return s }
	slices.SortFunc(doc.Keys, func(a, b map[string]any) int {
		return cmp.Or(cmp.Compare(str(a, "use"), str(b, "use")), cmp.Compare(str(a, "kid"), str(b, "kid")))
	})
	return json.Marshal(doc)
}

// suiteSPIFFEBundleSet is the SPIFFE bundle set of suiteTrustDomains.
func suiteSPIFFEBundleSet() ([]byte, error) {
	set := map[string]json.RawMessage{}
	for _, td := range suiteTrustDomains {
		b, err := suiteSPIFFEBundle(td)
		if err != nil {
			return nil, err
		}
		set["spiffe://"+td] = b
	}
	return json.MarshalIndent(set, "", "  ")
}

func serveBundle(ctx context.Context, e *env, addr, issuer string) error {
	if issuer != "" {
		if u, err := url.Parse(issuer); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
			return usageErr("--issuer %q: want an http(s) URL without query or fragment", issuer)
		}
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return failErr("listen: %v", err)
	}
	base := "http://" + ln.Addr().String()
	// The metadata of an OpenID Connect issuer (OpenID Connect Discovery
	// 1.0 §3; RFC 8414 §2): a token endpoint that federates with an
	// external issuer finds the suite's keys from its iss. With --issuer,
	// jwks_uri is under the issuer too (the address a proxy forwards
	// here).
	iss, jwksURI := cmp.Or(issuer, "https://issuer.example.org"), base+"/jwks.json"
	if issuer != "" {
		jwksURI = strings.TrimSuffix(issuer, "/") + "/jwks.json"
	}
	meta, _ := json.MarshalIndent(map[string]any{"issuer": iss, "jwks_uri": jwksURI,
		"response_types_supported": []string{"id_token"}, "subject_types_supported": []string{"public"},
		"id_token_signing_alg_values_supported": []string{"ES256", "ES384", "ES512", "EdDSA", "RS256", "PS256"}}, "", "  ")
	mux := http.NewServeMux()
	serve := func(path, contentType string, body []byte) {
		mux.HandleFunc("GET "+path, func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", contentType)
			_, _ = w.Write(body)
		})
	}
	for _, td := range suiteTrustDomains {
		jwks, err := suiteJWKS(td)
		if err != nil {
			return failErr("%v", err)
		}
		bundle, err := suiteSPIFFEBundle(td)
		if err != nil {
			return failErr("%v", err)
		}
		if td == vectors.TrustDomain {
			serve("/jwks.json", "application/jwk-set+json", jwks)
			serve("/.well-known/jwks.json", "application/jwk-set+json", jwks)
		}
		serve("/trust-domains/"+td+"/jwks.json", "application/jwk-set+json", jwks)
		serve("/trust-domains/"+td+"/bundle", "application/json", bundle)
	}
	for _, p := range []string{"/.well-known/oauth-authorization-server", "/.well-known/openid-configuration"} {
		serve(p, "application/json", meta)
	}
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	fmt.Fprintf(e.stdout, "serving %s/jwks.json (also %s/.well-known/jwks.json) and %s/.well-known/oauth-authorization-server until interrupted\n", base, base, base)
	for _, td := range suiteTrustDomains {
		fmt.Fprintf(e.stdout, "trust domain %s: JWK Set %s/trust-domains/%s/jwks.json, SPIFFE bundle %s/trust-domains/%s/bundle\n", td, base, td, base, td)
	}
	go func() { <-ctx.Done(); _ = srv.Close() }()
	if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return failErr("serve: %v", err)
	}
	return nil
}
