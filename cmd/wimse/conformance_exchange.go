package main

import (
	"cmp"
	"os"

	"github.com/spf13/pflag"

	"github.com/wimse-wg/wimse/conformance"
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
