package main

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/wimse-wg/wimse/conformance"
	"github.com/wimse-wg/wimse/interop/sts"
	"github.com/wimse-wg/wimse/vectors"
)

// profileTokenExchange is the --profile value that plays the token
// endpoint vectors.
const profileTokenExchange = "token-exchange"

// exchangeFlags binds the client flags of --profile token-exchange.
func exchangeFlags(fl *pflag.FlagSet, f *runFlags) {
	fl.StringVar(&f.clientID, "client-id", "", "with --profile token-exchange: the client_id the suite authenticates as (overrides the profile's exchange.client.clientId)")
	fl.StringVar(&f.clientAuth, "client-auth", "", "with --profile token-exchange: client_secret_basic, client_secret_post, private_key_jwt (the suite's workload test key registered for the client) or none")
	fl.StringVar(&f.clientSecretEnv, "client-secret-env", "", "with --profile token-exchange: the environment variable holding the client secret (never reported)")
}

// exchangeConfig sets up a token-exchange run: the exchange kind, and for
// a --target the profile's exchange section with the flags and the
// secret from the environment.
func (f *runFlags) exchangeConfig(cfg *conformance.Config, _ *env) error {
	cfg.Kinds, cfg.Draft = []string{vectors.KindExchange}, vectors.SignalExchange
	if f.target == "" {
		return nil // the in-process reference STS brings its own profile
	}
	if cfg.Profile == nil {
		cfg.Profile = &conformance.Profile{}
	}
	if cfg.Profile.Exchange == nil {
		if f.clientID == "" && f.clientAuth == "" {
			return usageHint("`wimse conformance profile init` writes a commented example with an exchange section",
				"--profile token-exchange needs the target profile's exchange section (--target-config), or at least --client-id and --client-auth")
		}
		cfg.Profile.Exchange = &conformance.ExchangeProfile{}
	}
	x := cfg.Profile.Exchange
	x.Client.ClientID = cmp.Or(f.clientID, x.Client.ClientID)
	x.Client.Method = cmp.Or(f.clientAuth, x.Client.Method)
	x.Client.SecretEnv = cmp.Or(f.clientSecretEnv, x.Client.SecretEnv)
	if err := cfg.Profile.Validate(); err != nil {
		return usageErr("%v", err)
	}
	switch x.Client.Method {
	case conformance.AuthClientSecretBasic, conformance.AuthClientSecretPost:
		if x.Client.SecretEnv == "" {
			return usageErr("client authentication %s needs --client-secret-env (or exchange.client.secretEnv): the environment variable holding the secret", x.Client.Method)
		}
		x.Client.Secret = os.Getenv(x.Client.SecretEnv)
		if x.Client.Secret == "" {
			return usageErr("the environment variable %s (the client secret) is not set", x.Client.SecretEnv)
		}
	}
	return nil
}

// explainExchange prints an exchange vector's expectation and its token
// request recipe.
func explainExchange(w io.Writer, v *vectors.Vector) {
	x := v.Exchange
	sig := v.Expect.Signal[vectors.SignalExchange]
	fmt.Fprintf(w, "  status %d", sig.Status)
	if len(x.AltStatus) > 0 {
		fmt.Fprintf(w, " (or %v)", x.AltStatus)
	}
	if sig.WWWAuthenticate != "" {
		fmt.Fprintf(w, ", WWW-Authenticate: %s", sig.WWWAuthenticate)
	}
	fmt.Fprintln(w)
	if len(x.Accept) > 0 {
		fmt.Fprintf(w, "  also right: %s\n", strings.Join(x.Accept, ", "))
	}
	if len(x.Deviations) > 0 {
		fmt.Fprintf(w, "  a recorded deviation (warn): %s\n", strings.Join(x.Deviations, ", "))
	}
	if v.Needs != nil && len(v.Needs.Features) > 0 {
		fmt.Fprintf(w, "  needs the target to claim: %s\n", strings.Join(v.Needs.Features, ", "))
	}
	method := cmp.Or(x.Method, "POST")
	fmt.Fprintf(w, "\ntoken request ({{token:NAME}} minted at run time, {{NAME}} from the target profile): %s, client authentication %s\n", method, cmp.Or(x.Client, vectors.ClientDefault))
	for _, h := range x.Headers {
		fmt.Fprintf(w, "  %s: %s\n", h[0], h[1])
	}
	for _, p := range x.Params {
		fmt.Fprintf(w, "  %s=%s\n", p[0], p[1])
	}
	if len(x.Tokens) > 0 {
		b, _ := json.MarshalIndent(x.Tokens, "", "  ")
		fmt.Fprintf(w, "tokens (bases: the target profile's subject and actor, the suite's client assertion, DPoP proof or JWT-SVID; then these changes):\n%s\n", b)
	}
	if x.Issued != nil {
		b, _ := json.MarshalIndent(x.Issued, "", "  ")
		fmt.Fprintf(w, "expected of the issued token, beyond the checks of every 200:\n%s\n", b)
	}
}

// exchangeSelftest runs the reference STS's self-test (sts.SelfTest: one
// mutant per token endpoint check) and plays its variants (sts.Variants),
// printing a line each.
func exchangeSelftest(ctx context.Context, e *env) error {
	start := time.Now()
	res, err := sts.SelfTest(ctx, conformance.Config{})
	if err != nil {
		return failErr("%v", err)
	}
	detected := 0
	for _, m := range res {
		mark, by := "MISSED  ", ""
		if m.Detected() {
			detected++
			mark, by = "detected", "by "+strings.Join(m.DetectedBy, ", ")
		}
		fmt.Fprintf(e.stdout, "%s %-28s %-6s %s\n         %s\n", mark, m.Check.Reason, m.Check.Level, m.Check.Description, by)
	}
	fmt.Fprintf(e.stdout, "\n%d of %d mutants detected (%s)\n\n", detected, len(res), time.Since(start).Round(time.Millisecond))
	start = time.Now()
	clean := 0
	for _, v := range sts.Variants {
		rep, err := sts.RunVariant(ctx, conformance.Config{}, v)
		if err != nil {
			return failErr("variant %s: %v", v.Name, err)
		}
		c := rep.Summary.Counts
		if rep.Conformant && c[conformance.StatusWarn] == 0 {
			clean++
			fmt.Fprintf(e.stdout, "conformant  %s  %d pass, %d unsupported\n", v.Name, c[conformance.StatusPass], c[conformance.StatusUnsupported])
			continue
		}
		fmt.Fprintf(e.stdout, "FALSE ALARM %s: %s\n", v.Name, rep.SummaryLine())
	}
	fmt.Fprintf(e.stdout, "\n%d of %d conformant variants pass (%s)\n", clean, len(sts.Variants), time.Since(start).Round(time.Millisecond))
	if detected != len(res) || clean != len(sts.Variants) {
		return quietExit(exitFailure)
	}
	return nil
}
