// The reference server's policy (conformance.DefaultProfile), as a target
// profile file: the adapter reads it with conformance.LoadProfile, as
// `wimse conformance run --target-config` does.
{
  "clockSkew": 60,
  "maxTokenSize": 8192,
  "maxProofLifetime": 300,
  "kidRequired": true,
  "secondTrustDomain": "other.example",
  "issuerAlgorithms": ["ES256", "ES384", "ES512", "EdDSA", "RS256", "PS256"],
  "proofAlgorithms": ["ES256", "ES384", "ES512", "EdDSA", "Ed25519", "RS256", "PS256"],
  "contextTokenFields": ["X-Custom-Token"]
}
