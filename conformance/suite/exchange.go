package suite

import "github.com/wimse-wg/wimse/vectors"

// DraftExchange is the Options.Draft value that plays the token endpoint
// vectors (vectors/v1/exchange.json: RFC 8693 token exchange, RFC 8707,
// RFC 6749 and RFC 7523 client authentication, RFC 9449 at the token
// endpoint), as `wimse conformance run --profile token-exchange`. The
// Handler is the token endpoint, served at Env.BaseURL + "/path"; the
// profile's Exchange section says how the suite authenticates and what
// the endpoint claims. Subject and actor tokens are minted with the
// suite's "issuer" test key, one of the keys in Env.JWKS.
const DraftExchange = vectors.SignalExchange
