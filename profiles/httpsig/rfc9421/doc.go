// Package rfc9421 implements the core of HTTP Message Signatures, RFC 9421:
// component identifiers and their values (§2), the signature base (§2.5),
// the Signature-Input and Signature fields (§4), and the signature
// algorithms of §3.3, including JWS algorithm names under §3.3.7. It also
// implements the Content-Digest field of RFC 9530, which signatures cover to
// protect message content.
//
// It is the layer below a profile such as draft-ietf-wimse-http-signature:
// it builds and checks signature bases and signatures, and leaves policy to
// the caller.
//
// # What it does not do
//
//   - Policy (RFC 9421 §3.2.1): which components must be covered, created
//     and expires windows, nonce replay, tag and label selection, key
//     resolution from keyid. Verify answers "does this signature verify over
//     this message with this key", nothing more.
//   - hmac-sha256 (§3.3.3): symmetric keys are out of scope.
//   - Trailers (the "tr" parameter, §2.1.4) and Accept-Signature
//     negotiation (§5).
//   - @query-param with a repeated name: RFC 9421 §2.2.8 forbids covering
//     it; this package reports ErrInvalidComponent.
//
// # Usage
//
// Signing a request:
//
//	m := rfc9421.FromRequest(req, "https")
//	cs := []rfc9421.Component{
//		rfc9421.MustParseComponent(`"@method"`),
//		rfc9421.MustParseComponent(`"@path"`),
//		rfc9421.MustParseComponent(`"content-digest"`),
//	}
//	var p rfc9421.Params
//	p.SetCreated(now.Unix())
//	p.SetTag("example")
//	sp, err := rfc9421.SignatureParams(cs, p)
//	base, err := rfc9421.SignatureBase(m, cs, sp)
//	sig, err := rfc9421.Sign(base, rfc9421.AlgEd25519, key)
//	err = rfc9421.AddSignature(req.Header, "sig1", sp, sig)
//
// Verifying:
//
//	sigs, err := rfc9421.ParseSignatures(r.Header)
//	// choose a signature by policy, check its Params, resolve the key...
//	err = sigs[0].Verify(rfc9421.FromRequest(r, "https"), alg, pub)
//
// # Security considerations
//
// Component values that would break the line structure of the signature
// base (CR, LF and other control characters) are rejected rather than
// escaped. A Signature-Input or Signature label that occurs twice is
// rejected instead of letting the last one win. FromRequest cannot know the
// scheme a client used behind a TLS-terminating proxy: it is a parameter.
// RFC 9421 §7 applies in full; in particular a verifier must check that the
// covered components are the ones its application requires (§7.2.1).
//
// # Versions
//
// RFC 9421 (February 2024) and RFC 9530 (February 2024); structured fields
// are parsed and serialised with github.com/dunglas/httpsfv (RFC 9651, a
// superset of RFC 8941).
package rfc9421
