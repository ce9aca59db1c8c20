package main

import (
	"crypto"
	"encoding/json"
	"errors"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/wimse-wg/wimse/internal/jose"
	"github.com/wimse-wg/wimse/wimse"
)

func keysCmd(e *env) *cobra.Command {
	c := &cobra.Command{Use: "keys", Short: "Generate and convert keys"}
	var alg, kid, out, bundle string
	gen := &cobra.Command{
		Use:   "generate --alg ALG --out FILE [--kid KID] [--bundle FILE]",
		Short: "Generate a private key as a JWK file (mode 0600)",
		Long: `Generate a private key for ALG (ES256, ES384, ES512, EdDSA, RS256, PS256) and
write it as a private JWK. --bundle also writes its public key as a one-key JWK
Set, the trust bundle format of 'wimse serve'.`,
		Example: `  wimse keys generate --alg ES256 --kid issuer-1 --out issuer.jwk --bundle bundle.jwks
  wimse keys generate --alg EdDSA --out workload.jwk`,
		Args: cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			if out == "" {
				return usageErr("--out is required")
			}
			key, err := generateKey(alg)
			if err != nil {
				return err
			}
			data, err := jose.PrivateJWKJSON(key, alg, kid)
			if err != nil {
				return failErr("%v", err)
			}
			if err := writeFileMode(out, append(data, '\n'), 0o600); err != nil {
				return failErr("write key: %v", err)
			}
			if bundle != "" {
				pub, err := jose.PublicJWKJSON(key.Public(), alg, kid)
				if err != nil {
					return failErr("%v", err)
				}
				b, _ := json.MarshalIndent(map[string]any{"keys": []any{pub}}, "", "  ")
				if err := os.WriteFile(bundle, append(b, '\n'), 0o644); err != nil {
					return failErr("write bundle: %v", err)
				}
			}
			return nil
		},
	}
	gen.Flags().StringVar(&alg, "alg", "ES256", "JWS algorithm the key is for")
	gen.Flags().StringVar(&kid, "kid", "", "key ID (kid) to record in the JWK")
	gen.Flags().StringVar(&out, "out", "", "private JWK output file (required)")
	gen.Flags().StringVar(&bundle, "bundle", "", "also write the public key as a JWK Set to this file")
	c.AddCommand(gen, keysConvertCmd(e))
	return c
}

func generateKey(alg string) (crypto.Signer, error) {
	k, err := jose.GenerateKey(alg, nil)
	if err != nil {
		return nil, usageErr("--alg %q is not one of ES256, ES384, ES512, EdDSA, Ed25519, RS256, PS256", alg)
	}
	return k, nil
}

// loadPrivateKey reads the private JWK file of flag with
// wimse.LoadPrivateJWK: the key, its alg (the key's default when the JWK
// has none) and kid. A PEM or DER file is a usage error that says how to
// convert it.
func loadPrivateKey(flag, path string) (crypto.Signer, string, string, error) {
	k, err := wimse.LoadPrivateJWK(path)
	var notJWK *wimse.NotJWKError
	switch {
	case errors.As(err, &notJWK):
		return nil, "", "", usageHint(notJWK.Hint(), "%s %s is %s, where a JWK is expected", flag, path, notJWK.Format)
	case err != nil:
		return nil, "", "", usageErr("%s: %s", flag, strings.TrimPrefix(err.Error(), "wimse: "))
	}
	return k.Signer, k.Algorithm, k.KeyID, nil
}

// loadPublicKey reads a JWK file, public or private, and returns the public
// key and alg.
func loadPublicKey(flag, path string) (crypto.PublicKey, string, error) {
	data, err := readJWKFile(flag, path, false)
	if err != nil {
		return nil, "", err
	}
	if k, err := jose.ParsePublicJWK(data); err == nil {
		alg := k.Alg
		if alg == "" {
			alg = jose.AlgForKey(k.Key)
		}
		return k.Key, alg, nil
	}
	k, alg, _, err := jose.ParsePrivateJWK(data)
	if err != nil {
		return nil, "", usageErr("%s %s: %v", flag, path, err)
	}
	if alg == "" {
		alg = jose.AlgForKey(k.Public())
	}
	return k.Public(), alg, nil
}
