package main

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/wimse-wg/wimse/profiles/httpsig"

	"github.com/spf13/cobra"

	"github.com/wimse-wg/wimse/internal/jose"
	"github.com/wimse-wg/wimse/profiles/httpwpt"
	"github.com/wimse-wg/wimse/tokens/wit"
	"github.com/wimse-wg/wimse/tokens/wpt"
	"github.com/wimse-wg/wimse/wimse"
)

func tokenCmd(e *env) *cobra.Command {
	c := &cobra.Command{Use: "token", Short: "Mint, inspect and verify WITs and WPTs"}
	c.AddCommand(tokenIssueCmd(e), tokenRequestCmd(e), tokenVerifyCmd(e), tokenInspectCmd(e))
	return c
}

func tokenIssueCmd(e *env) *cobra.Command {
	var issuerKey, subject, workloadKey, iss string
	var lifetime time.Duration
	c := &cobra.Command{
		Use:   "issue --issuer-key FILE --subject ID --workload-key FILE",
		Short: "Mint a Workload Identity Token (WIT)",
		Long: `Mint a WIT for SUBJECT, binding the workload's public key (cnf.jwk), signed by
the issuer key. --workload-key may be the workload's private or public JWK; only
its public part goes into the token. Prints the compact WIT.`,
		Example: `  wimse token issue --issuer-key issuer.jwk --subject wimse://example.org/svc/a \
    --workload-key workload.jwk > workload.wit`,
		Args: cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			if issuerKey == "" || subject == "" || workloadKey == "" {
				return usageErr("--issuer-key, --subject and --workload-key are required")
			}
			id, err := wimse.ParseID(subject)
			if err != nil {
				return usageErr("--subject: %v", err)
			}
			ik, ialg, kid, err := loadPrivateKey("--issuer-key", issuerKey)
			if err != nil {
				return err
			}
			wk, walg, err := loadPublicKey("--workload-key", workloadKey)
			if err != nil {
				return err
			}
			jti, err := wpt.NewID(nil)
			if err != nil {
				return failErr("%v", err)
			}
			now := time.Now()
			tok, err := (&wit.Signer{Key: ik, Alg: ialg, KeyID: kid}).Sign(wit.Claims{
				Subject: id, Issuer: iss, ID: jti, IssuedAt: now, Expiry: now.Add(lifetime), Key: wk, KeyAlg: walg,
			})
			if err != nil {
				return failErr("%v", err)
			}
			fmt.Fprintln(e.stdout, tok)
			return nil
		},
	}
	c.Flags().StringVar(&issuerKey, "issuer-key", "", "issuer private JWK file (required)")
	c.Flags().StringVar(&subject, "subject", "", "Workload Identifier, wimse:// or spiffe:// (required)")
	c.Flags().StringVar(&workloadKey, "workload-key", "", "workload JWK file, private or public (required)")
	c.Flags().StringVar(&iss, "iss", "", "iss claim (omitted when empty)")
	c.Flags().DurationVar(&lifetime, "lifetime", time.Hour, "WIT lifetime")
	return c
}

func tokenRequestCmd(e *env) *cobra.Command {
	var rawURL, witFile, keyFile, method, data, draft, format, cacert, audience string
	var signResponse bool
	var headers []string
	var lifetime time.Duration
	c := &cobra.Command{
		Use:   "request --url URL --wit FILE --key FILE",
		Short: "Write a ready HTTP request (raw or curl) carrying a WIT and a fresh WPT",
		Long: `Write an HTTP request for URL that carries the WIT and a fresh WPT signed with
the workload key: a raw HTTP/1.1 message (--format raw, the input of 'wimse token
verify') or a curl command (--format curl). The proof is a WPT in the wpt-02
carriage (Authorization: WPT) unless --draft says wpt-01, or an HTTP message
signature with --draft http-signature-07 (or -06). The proof expires after
--lifetime.`,
		Example: `  wimse token request --url https://127.0.0.1:8443/hello --wit workload.wit \
    --key workload.jwk --format curl --cacert server.crt`,
		Args: cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			if rawURL == "" || witFile == "" || keyFile == "" {
				return usageErr("--url, --wit and --key are required")
			}
			u, err := url.Parse(rawURL)
			if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
				return usageErr("--url %q is not an absolute http(s) URL", rawURL)
			}
			witRaw, err := os.ReadFile(witFile)
			if err != nil {
				return usageErr("read WIT: %v", err)
			}
			key, alg, _, err := loadPrivateKey("--key", keyFile)
			if err != nil {
				return err
			}
			req, err := http.NewRequest(strings.ToUpper(method), u.String(), strings.NewReader(data))
			if err != nil {
				return usageErr("%v", err)
			}
			for _, h := range headers {
				k, v, ok := strings.Cut(h, ":")
				if !ok || strings.TrimSpace(k) == "" {
					return usageErr("--header %q is not NAME: VALUE", h)
				}
				req.Header.Add(strings.TrimSpace(k), strings.TrimSpace(v))
			}
			if data != "" && req.Header.Get("Content-Type") == "" {
				req.Header.Set("Content-Type", "application/json")
			}
			witStr := strings.TrimSpace(string(witRaw))
			switch rev := wimse.Revision(draft); rev {
			case wimse.RevisionWPT01, wimse.RevisionWPT02:
				t := &httpwpt.Transport{WIT: witStr, Key: key, Alg: alg, Revision: rev, Lifetime: lifetime}
				if audience != "" {
					t.Audience = func(*http.Request) string { return audience }
				}
				if err := t.Authenticate(req); err != nil {
					return failErr("%v", err)
				}
			case wimse.RevisionHTTPSig06, wimse.RevisionHTTPSig07:
				aud := audience
				if aud == "" {
					aud = httpwpt.AudienceOf(req)
				}
				s := &httpsig.Signer{WIT: witStr, Key: key, Alg: alg, Revision: rev, Lifetime: lifetime}
				if _, err := s.SignRequest(req, []byte(data), httpsig.RequestOptions{Audience: aud, SignResponse: signResponse}); err != nil {
					return failErr("%v", err)
				}
			default:
				return usageErr("--draft %q is not wpt-02, wpt-01, http-signature-07 or http-signature-06", draft)
			}
			switch format {
			case "raw":
				fmt.Fprint(e.stdout, rawRequest(req, data))
			case "curl":
				fmt.Fprintln(e.stdout, curlCommand(req, data, cacert))
			default:
				return usageErr("--format %q is not raw or curl", format)
			}
			return nil
		},
	}
	f := c.Flags()
	f.StringVar(&rawURL, "url", "", "target URL (required)")
	f.StringVar(&witFile, "wit", "", "file holding the compact WIT (required)")
	f.StringVar(&keyFile, "key", "", "workload private JWK file (required)")
	f.StringVar(&method, "method", "GET", "HTTP method")
	f.StringVar(&data, "data", "", "request body")
	f.StringArrayVar(&headers, "header", nil, "extra field 'NAME: VALUE' (repeatable); Txn-Token is bound with tth")
	f.StringVar(&draft, "draft", "wpt-02", "proof: wpt-02 (Authorization: WPT), wpt-01 (Workload-Proof-Token), http-signature-07 or http-signature-06 (RFC 9421 message signature)")
	f.BoolVar(&signResponse, "sign-response", false, "with an http-signature draft: ask the server for a signed response (wimse-sign-response)")
	f.StringVar(&format, "format", "raw", "output: raw (HTTP/1.1 message) or curl")
	f.StringVar(&cacert, "cacert", "", "with --format curl: CA file for curl's --cacert")
	f.StringVar(&audience, "audience", "", "WPT aud; default is the URL without query")
	f.DurationVar(&lifetime, "lifetime", 5*time.Minute, "WPT lifetime")
	return c
}

// rawRequest renders req as an HTTP/1.1 message, fields in sorted order.
func rawRequest(req *http.Request, body string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s HTTP/1.1\r\nHost: %s\r\n", req.Method, req.URL.RequestURI(), req.URL.Host)
	if body != "" {
		fmt.Fprintf(&b, "Content-Length: %d\r\n", len(body))
	}
	for _, k := range sortedKeys(req.Header) {
		for _, v := range req.Header[k] {
			fmt.Fprintf(&b, "%s: %s\r\n", k, v)
		}
	}
	b.WriteString("\r\n")
	b.WriteString(body)
	return b.String()
}

// curlCommand renders req as a curl command line.
func curlCommand(req *http.Request, body, cacert string) string {
	parts := []string{"curl", "-sS", "-i"}
	if cacert != "" {
		parts = append(parts, "--cacert", shellQuote(cacert))
	}
	parts = append(parts, "-X", req.Method)
	for _, k := range sortedKeys(req.Header) {
		for _, v := range req.Header[k] {
			parts = append(parts, "-H", shellQuote(k+": "+v))
		}
	}
	if body != "" {
		parts = append(parts, "--data-raw", shellQuote(body))
	}
	parts = append(parts, shellQuote(req.URL.String()))
	return strings.Join(parts, " ")
}

func sortedKeys(h http.Header) []string {
	keys := make([]string, 0, len(h))
	for k := range h {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func shellQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

func tokenInspectCmd(e *env) *cobra.Command {
	return &cobra.Command{
		Use:   "inspect TOKEN|-",
		Short: "Decode a compact JWT without verifying it",
		Long:  "Decode a compact JWT (WIT or WPT) and print its header and claims as JSON. Nothing is verified.",
		Example: `  wimse token inspect "$(cat workload.wit)"
  wimse token inspect - < workload.wit`,
		Args: cobra.ExactArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			raw := args[0]
			if raw == "-" {
				b, err := readInput(e, "-")
				if err != nil {
					return usageErr("read token: %v", err)
				}
				raw = strings.TrimSpace(string(b))
			}
			t, err := jose.Parse(raw, wimse.DefaultMaxTokenSize)
			if err != nil {
				return failErr("%v", err)
			}
			out := map[string]any{"header": json.RawMessage(t.Header.Raw), "claims": json.RawMessage(t.Payload),
				"signature": base64.RawURLEncoding.EncodeToString(t.Signature), "sha256": wit.Hash(raw)}
			b, _ := json.MarshalIndent(out, "", "  ")
			fmt.Fprintln(e.stdout, string(b))
			return nil
		},
	}
}
