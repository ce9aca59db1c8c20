{
  "clockSkew": 60,
  "maxTokenSize": 8192,
  "maxProofLifetime": 300,
  "kidRequired": true,
  "issuerAlgorithms": ["ES256", "ES384", "ES512", "EdDSA", "RS256", "PS256"],
  "proofAlgorithms": ["ES256", "ES384", "ES512", "EdDSA", "Ed25519", "RS256", "PS256"]
}
