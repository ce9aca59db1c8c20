package main

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

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
				if profile == profileTokenExchange {
					if v.Kind != vectors.KindExchange {
						continue
					}
				} else if profile == profileMTLS {
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
			if v.Exchange != nil {
				explainExchange(w, v)
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
