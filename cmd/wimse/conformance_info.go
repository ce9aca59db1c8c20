package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/wimse-wg/wimse/internal/jose"
	"github.com/wimse-wg/wimse/vectors"
)

func conformanceListCmd(e *env) *cobra.Command {
	var draft, profile string
	c := &cobra.Command{
		Use:   "list [--profile wit-wpt|wit-httpsig|mtls] [--draft REVISION]",
		Short: "List the vectors the runner plays: ID, drafts, result, labels, comment",
		Long: `List the vectors 'wimse conformance run' plays with the same --profile: one
line per vector (ID, drafts, result, labels, comment), then the count and the
vector set's digest. --profile and --draft take the values run takes; with no
--draft every revision of the profile is listed (wit-wpt: wpt-02 and wpt-01;
wit-httpsig: http-signature-07 and -06).`,
		Example: `  wimse conformance list
  wimse conformance list --draft wpt-01
  wimse conformance list --profile wit-httpsig --draft http-signature-06
  wimse conformance list --profile mtls`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			drafts, _ := profileDrafts(profile)
			if cmd.Flags().Changed("draft") || !slices.Contains(profileNames(), profile) {
				d, _, err := resolveDraft(profile, draft, true, nil)
				if err != nil {
					return err
				}
				drafts = []string{d}
			}
			s, err := vectors.Load(vectors.FS)
			if err != nil {
				return usageErr("%v", err)
			}
			n := 0
			for _, v := range s.Vectors() {
				if profile == profileMTLS {
					if v.Kind != vectors.KindMTLS || v.Input == nil || v.Input.Certificates == nil || v.Input.Certificates.Role != vectors.RoleClient {
						continue
					}
				} else if v.Kind != vectors.KindRequest || !slices.ContainsFunc(drafts, v.AppliesTo) {
					continue
				}
				n++
				fmt.Fprintf(e.stdout, "%-44s %-13s %-10s [%s] %s\n", v.ID, strings.Join(v.Drafts, ","), v.Result, strings.Join(v.Labels, ","), v.Comment)
			}
			fmt.Fprintf(e.stdout, "%d vectors (set %s)\n", n, s.Digest)
			return nil
		},
	}
	c.Flags().StringVar(&draft, "draft", "", "only vectors of this revision (as run: wpt-02, wpt-01, http-signature-07, http-signature-06, mtls)")
	c.Flags().StringVar(&profile, "profile", "wit-wpt", "wit-wpt (WIT + WPT request vectors), wit-httpsig (WIT + HTTP message signature request vectors) or mtls (the client certificates the runner presents)")
	return c
}

func conformanceExplainCmd(e *env) *cobra.Command {
	return &cobra.Command{
		Use:   "explain ID",
		Short: "Show a vector: inputs, intermediate values, expectation, requirement text",
		Example: `  wimse conformance explain wpt-valid-es256
  wimse conformance explain wit-typ-jwt`,
		Args: cobra.ExactArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			s, err := vectors.Load(vectors.FS)
			if err != nil {
				return usageErr("%v", err)
			}
			v, ok := s.Find(args[0])
			if !ok {
				return usageErr("no vector %q (see wimse conformance list)", args[0])
			}
			w := e.stdout
			fmt.Fprintf(w, "%s (%s, %s)\n%s\n\n", v.ID, v.Kind, v.Result, v.Comment)
			if v.Mutation != nil {
				fmt.Fprintf(w, "derived from %s: %s\n\n", v.Mutation.From, v.Mutation.Change)
			}
			fmt.Fprintln(w, "requirements:")
			for _, id := range v.Requirements {
				for _, r := range s.Requirements.Requirements {
					if r.ID == id {
						fmt.Fprintf(w, "  %s  %s %s §%s: %s\n", r.ID, r.Level, r.Doc, r.Section, r.Text)
					}
				}
			}
			if len(v.Flags) > 0 {
				fmt.Fprintln(w, "\nflags:")
				notes := vectors.AllNotes()
				for _, fl := range v.Flags {
					fmt.Fprintf(w, "  %s (%s): %s\n", fl, notes[fl].BugType, notes[fl].Description)
				}
			}
			fmt.Fprintf(w, "\nexpect: %s", v.Expect.Verdict)
			if v.Expect.Reason != "" {
				fmt.Fprintf(w, ", reason %s", v.Expect.Reason)
			}
			fmt.Fprintln(w)
			for _, d := range v.Drafts {
				sig := v.Expect.Signal[d]
				fmt.Fprintf(w, "  %s: status %d", d, sig.Status)
				if sig.WWWAuthenticate != "" {
					fmt.Fprintf(w, ", WWW-Authenticate: %s", sig.WWWAuthenticate)
				}
				fmt.Fprintln(w)
			}
			if v.Input != nil && v.Input.Identifier != nil {
				id := *v.Input.Identifier
				if len(id) > 200 {
					id = fmt.Sprintf("%s… (%d octets)", id[:200], len(id))
				}
				fmt.Fprintf(w, "\ninput identifier: %q\n", id)
			}
			if in := v.Input; in != nil && in.Certificates != nil {
				explainCertificates(w, in.Certificates)
			}
			if v.Template != nil {
				b, _ := json.MarshalIndent(v.Template, "", "  ")
				fmt.Fprintf(w, "\ntemplate (minted at run time):\n%s\n", b)
			}
			if v.Frozen != nil {
				if in := v.Frozen.Intermediate; in != nil {
					b, _ := json.MarshalIndent(in, "", "  ")
					fmt.Fprintf(w, "\nintermediate values (frozen at %d):\n%s\n", v.Frozen.Now, b)
				}
				for _, d := range v.Drafts {
					if r := v.Frozen.Requests[d]; r != nil {
						fmt.Fprintf(w, "\nfrozen %s request:\n%s %s HTTP/1.1\n", d, r.Method, r.Target)
						for _, f := range r.Fields {
							fmt.Fprintf(w, "%s: %s\n", f[0], f[1])
						}
						fmt.Fprintf(w, "\n%s\n", r.Body)
					}
				}
			}
			return nil
		},
	}
}

// explainCertificates prints an mtls input: what is expected, then each
// certificate of the chain and the PEM.
func explainCertificates(w io.Writer, in *vectors.MTLSInput) {
	fmt.Fprintf(w, "\n%s certificate chain (%d certificates)", in.Role, len(in.Chain))
	if in.ExpectedID != "" {
		fmt.Fprintf(w, ", the client expects %s", in.ExpectedID)
	}
	if in.DNSName != "" {
		fmt.Fprintf(w, ", the client connects to %s", in.DNSName)
	}
	fmt.Fprintln(w, ":")
	chain, err := in.ParseChain()
	if err != nil {
		fmt.Fprintf(w, "  unreadable: %v\n", err)
	}
	for i, c := range chain {
		var uris []string
		for _, u := range c.URIs {
			uris = append(uris, u.String())
		}
		fmt.Fprintf(w, "  [%d] subject %q issuer %q, valid %s to %s, CA %v\n      URI SANs %v, DNS SANs %v, key usage %#x, extended key usage %v\n",
			i, c.Subject.String(), c.Issuer.String(), c.NotBefore.Format(time.DateOnly), c.NotAfter.Format(time.DateOnly), c.IsCA,
			uris, c.DNSNames, int(c.KeyUsage), c.ExtKeyUsage)
	}
	fmt.Fprintf(w, "\n%s", strings.Join(in.Chain, ""))
}

func trustBundleCmd(e *env) *cobra.Command {
	var serveAddr string
	var x509Roots bool
	c := &cobra.Command{
		Use:   "trust-bundle [--serve ADDR | --x509]",
		Short: "Print (or serve) the JWK Set and trust domain a target must trust to be tested",
		Long: `Print the suite's issuer public keys as a JWK Set on stdout, and the trust
domain on stderr. A target must trust these keys for the trust domain (or for
the one given with 'run --trust-domain'). WARNING: these are public test keys;
their private parts are published with the vectors. Never trust them outside a test.

With --serve ADDR the JWK Set is served at /jwks.json and /.well-known/jwks.json,
with an OAuth/OIDC-style metadata document naming it at
/.well-known/oauth-authorization-server and /.well-known/openid-configuration,
until interrupted.

With --x509 the suite's X.509 roots (the mtls vectors' CAs) are printed as PEM
instead, each after a comment line naming its trust domain: a target trusts
each root for its own trust domain only (example.org and other.example), as
mutual-tls-03 and issue #335 require. Test CAs: never trust them outside a test.`,
		Example: `  wimse conformance trust-bundle > suite.jwks
  wimse conformance trust-bundle --serve 127.0.0.1:9000
  wimse conformance trust-bundle --x509 > suite-roots.pem`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if x509Roots {
				return printX509Roots(e)
			}
			jwks, err := suiteJWKS()
			if err != nil {
				return failErr("%v", err)
			}
			fmt.Fprintf(e.stderr, "WARNING: public test keys (their private parts are published); never trust them outside a test.\ntrust domain: %s\n", vectors.TrustDomain)
			if serveAddr == "" {
				_, err := e.stdout.Write(append(jwks, '\n'))
				return err
			}
			return serveBundle(cmd.Context(), e, serveAddr, jwks)
		},
	}
	c.Flags().StringVar(&serveAddr, "serve", "", "serve the JWK Set and metadata on this address until interrupted")
	c.Flags().BoolVar(&x509Roots, "x509", false, "print the X.509 roots of the mtls vectors (PEM) instead of the JWK Set")
	c.MarkFlagsMutuallyExclusive("serve", "x509")
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

func suiteJWKS() ([]byte, error) {
	keys, err := vectors.DeriveKeys(vectors.DefaultSeed)
	if err != nil {
		return nil, err
	}
	var out []any
	for _, name := range vectors.TrustedIssuers {
		k, err := keys.Get(name)
		if err != nil {
			return nil, err
		}
		pub, err := jose.PublicJWKJSON(k.Signer.Public(), k.Alg, k.KeyID)
		if err != nil {
			return nil, err
		}
		out = append(out, pub)
	}
	return json.MarshalIndent(map[string]any{"keys": out}, "", "  ")
}

func serveBundle(ctx context.Context, e *env, addr string, jwks []byte) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return failErr("listen: %v", err)
	}
	base := "http://" + ln.Addr().String()
	meta, _ := json.MarshalIndent(map[string]any{"issuer": "https://issuer.example.org", "jwks_uri": base + "/jwks.json"}, "", "  ")
	mux := http.NewServeMux()
	for _, p := range []string{"/jwks.json", "/.well-known/jwks.json"} {
		mux.HandleFunc("GET "+p, func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "application/jwk-set+json")
			_, _ = w.Write(jwks)
		})
	}
	for _, p := range []string{"/.well-known/oauth-authorization-server", "/.well-known/openid-configuration"} {
		mux.HandleFunc("GET "+p, func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write(meta)
		})
	}
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	fmt.Fprintf(e.stdout, "serving %s/jwks.json (also %s/.well-known/jwks.json) and %s/.well-known/oauth-authorization-server until interrupted\n", base, base, base)
	go func() { <-ctx.Done(); _ = srv.Close() }()
	if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return failErr("serve: %v", err)
	}
	return nil
}
