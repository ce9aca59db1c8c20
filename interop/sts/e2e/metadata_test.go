package e2e_test

import (
	"net/http"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/wimse-wg/wimse/tokens/oauth"
)

// privateMembers are the JWK members of private or symmetric keys (RFC
// 7518 §6.2.2, §6.3.2, §6.4.1; RFC 8037 §2).
var privateMembers = []string{"d", "p", "q", "dp", "dq", "qi", "oth", "k"}

func describeMetadata() {
	Describe("the authorization server metadata (RFC 8414)", Label("metadata"), func() {
		var md map[string]any
		BeforeAll(func() {
			resp := sts.getJSON(sts.url("/.well-known/oauth-authorization-server"), &md)
			Expect(resp.Header.Get("Content-Type")).To(HavePrefix("application/json"))
		})

		It("has the issuer identifier the deployment was written for (§3.3)", func() {
			Expect(md).To(HaveKeyWithValue("issuer", sts.d.Issuer))
			Expect(md).To(HaveKeyWithValue("token_endpoint", sts.url("/token")))
			Expect(md).To(HaveKeyWithValue("jwks_uri", sts.url("/jwks.json")))
			Expect(md).To(HaveKeyWithValue("grant_types_supported", ConsistOf(oauth.GrantTypeTokenExchange)))
		})

		It("names exactly the six client authentication methods, at every endpoint", func() {
			six := make([]any, len(methods))
			for i, m := range methods {
				six[i] = m
			}
			for _, k := range []string{"token_endpoint_auth_methods_supported",
				"revocation_endpoint_auth_methods_supported", "introspection_endpoint_auth_methods_supported"} {
				Expect(md).To(HaveKeyWithValue(k, ConsistOf(six...)), k)
			}
		})

		It("names the revocation, introspection and challenge endpoints", func() {
			Expect(md).To(HaveKeyWithValue("revocation_endpoint", sts.url("/revoke")))
			Expect(md).To(HaveKeyWithValue("introspection_endpoint", sts.url("/introspect")))
			Expect(md).To(HaveKeyWithValue("challenge_endpoint", sts.url("/challenge")))
		})

		It("names the DPoP algorithms and certificate-bound tokens (RFC 9449 §5.1, RFC 8705 §3.3)", func() {
			Expect(md).To(HaveKeyWithValue("dpop_signing_alg_values_supported", ContainElement("ES256")))
			Expect(md).To(HaveKeyWithValue("tls_client_certificate_bound_access_tokens", true))
		})

		// RFC 8414 §2: revocation_endpoint_auth_signing_alg_values_supported
		// and introspection_endpoint_auth_signing_alg_values_supported "MUST
		// be present" when private_key_jwt is among the endpoint's methods.
		It("names the JWS algorithms of private_key_jwt at the revocation and introspection endpoints (RFC 8414 §2)", func() {
			Expect(md).To(HaveKeyWithValue("revocation_endpoint_auth_signing_alg_values_supported", ContainElement("ES256")))
			Expect(md).To(HaveKeyWithValue("introspection_endpoint_auth_signing_alg_values_supported", ContainElement("ES256")))
		})

		It("serves the challenge endpoint it names", func() {
			resp := sts.postForm("/challenge", nil, nil)
			Expect(resp.status).To(Equal(http.StatusOK), "%s", resp.body)
			Expect(resp.json()).To(HaveKeyWithValue("attestation_challenge", Not(BeEmpty())))
		})
	})

	Describe("the JWK Set", Label("jwks"), func() {
		It("publishes the current key first, then the next one", func() {
			set, keys := sts.fetchJWKS()
			Expect(set.kids()).To(Equal([]string{"sts-1", "sts-2"}))
			Expect(keys).To(HaveLen(2))
		})

		It("has no private key members", func() {
			set, _ := sts.fetchJWKS()
			for _, k := range set.Keys {
				for _, m := range privateMembers {
					Expect(k).NotTo(HaveKey(m), "kid %v", k["kid"])
				}
			}
		})
	})
}
