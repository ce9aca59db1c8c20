package rfc9421

import "errors"

// Sentinel errors. Errors returned by this package wrap one of them, so
// callers branch with errors.Is; messages are for humans only. A
// Signature-Input or signature-params value that is malformed because of
// one of its component identifiers wraps both ErrMalformed and
// ErrInvalidComponent.
var (
	// ErrMissingComponent: a covered component is absent from the message: a
	// field that is not present, a dictionary member or query parameter that
	// does not occur, a derived component whose value the message does not
	// carry, or ";req" on a response without its related request
	// (RFC 9421 §2.5, last list).
	ErrMissingComponent = errors.New("rfc9421: component not present in the message")

	// ErrUnknownComponent: a derived component name ("@...") that this
	// package does not implement (RFC 9421 §2.5 step 2.4).
	ErrUnknownComponent = errors.New("rfc9421: unknown derived component")

	// ErrInvalidComponent: a component identifier that cannot be used: not an
	// sf-string, an upper-case field name, an unknown, mistyped or
	// incompatible parameter (";bs" with ";sf"), ";req" on a request, ";tr"
	// (trailers are not supported), a duplicate identifier, a derived
	// component applied to the wrong kind of message, a field of unknown
	// structured type under ";sf", a repeated query parameter, or a value
	// that would break the signature base (newline, control character)
	// (RFC 9421 §2, §2.1, §2.2, §2.5).
	ErrInvalidComponent = errors.New("rfc9421: invalid component identifier")

	// ErrMalformed: a Signature-Input, Signature or Content-Digest field, or a
	// signature-params value, that does not parse as the structured field
	// RFC 9421 §4 and RFC 9530 §2 require, a label present in only one of
	// Signature-Input and Signature, or a label that occurs twice.
	ErrMalformed = errors.New("rfc9421: malformed signature field")

	// ErrUnsupportedAlgorithm: the algorithm name is not one this package
	// implements, or the key does not fit it (wrong type, curve or size)
	// (RFC 9421 §3.3).
	ErrUnsupportedAlgorithm = errors.New("rfc9421: unsupported algorithm or key")

	// ErrSignature: the signature does not verify over the signature base
	// with the given key (RFC 9421 §3.2 step 8).
	ErrSignature = errors.New("rfc9421: signature does not verify")

	// ErrNonCanonical: an Ed25519 signature whose S is not below L, the
	// order of the base point: invalid by RFC 8032 §5.1.7 whatever the rest
	// of it (a verifier that reduced S would accept it). Verify wraps it
	// together with ErrSignature.
	ErrNonCanonical = errors.New("rfc9421: Ed25519 signature is not canonical (S is not below L)")

	// ErrDigestMismatch: a Content-Digest value for a supported algorithm
	// does not match the content (RFC 9530 §2).
	ErrDigestMismatch = errors.New("rfc9421: content digest does not match")
)
