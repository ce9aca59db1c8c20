package exchange

import (
	"net/url"
	"testing"

	"github.com/wimse-wg/wimse/wimse"
)

// FuzzParseDiscovery: an accepted discovery document names exactly the
// configured issuer and an https jwks_uri; a refused one has an oidc.*
// reason of a failure of the server.
func FuzzParseDiscovery(f *testing.F) {
	const iss = "https://issuer.example"
	f.Add([]byte(`{"issuer":"https://issuer.example","jwks_uri":"https://issuer.example/jwks"}`))
	f.Add([]byte(`{"issuer":"https://issuer.example/","jwks_uri":"https://issuer.example/jwks"}`))
	f.Add([]byte(`{"issuer":"https://issuer.example","jwks_uri":"http://issuer.example/jwks"}`))
	f.Add([]byte(`{"issuer":"https://issuer.example","issuer":"https://issuer.example","jwks_uri":"https://x/j"}`))
	f.Add([]byte(`{"issuer":1}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		u, err := parseDiscovery(data, iss)
		if err != nil {
			if wimse.ClassOf(wimse.ReasonOf(err)) != wimse.ClassUnavailable {
				t.Fatalf("reason %q", wimse.ReasonOf(err))
			}
			return
		}
		p, perr := url.Parse(u)
		if perr != nil || p.Scheme != "https" || p.Host == "" {
			t.Fatalf("accepted jwks_uri %q", u)
		}
	})
}

// FuzzParseOIDCJWKS: an accepted JWK Set has at least one key, each with
// a public key and a kid unique in the set; a refused one is
// oidc.document_malformed.
func FuzzParseOIDCJWKS(f *testing.F) {
	f.Add([]byte(`{"keys":[{"kty":"EC","crv":"P-256","kid":"k1","x":"l8tFrhx-34tV3hRICRDY9zCkDlpBhF42UQUfWVAWBFs","y":"9VE4jf_Ok_o64zbTTlcuNJajHmt6v9TDVrU0CdvGRDA"}]}`))
	f.Add([]byte(`{"keys":[{"kty":"EC","crv":"P-256","kid":"k1","use":"enc","x":"l8tFrhx-34tV3hRICRDY9zCkDlpBhF42UQUfWVAWBFs","y":"9VE4jf_Ok_o64zbTTlcuNJajHmt6v9TDVrU0CdvGRDA"}]}`))
	f.Add([]byte(`{"keys":[{"kty":"oct","k":"AAAA"}]}`))
	f.Add([]byte(`{"keys":[]}`))
	f.Add([]byte(`{}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		keys, err := parseOIDCJWKS(data)
		if err != nil {
			if r := wimse.ReasonOf(err); r != wimse.ReasonOIDCDocumentMalformed {
				t.Fatalf("reason %q", r)
			}
			return
		}
		seen := map[string]bool{}
		for _, k := range keys {
			if k.Public == nil || seen[k.KeyID] {
				t.Fatalf("accepted key %+v", k)
			}
			seen[k.KeyID] = true
		}
		if len(keys) == 0 {
			t.Fatal("accepted an empty set")
		}
	})
}
