package jose

import "fmt"

// Code classifies a JOSE-level failure.
type Code int

// The failure codes. Token packages map each to a reason of their own.
const (
	CodeMalformed Code = iota + 1
	CodeOversized
	CodeDuplicateMember
	CodeTyp
	CodeAlg
	CodeCrit
	CodeHeaderKey
	CodeSignature
	CodeKey
	CodeKeyPrivate
	CodeKeyAlg
	// CodeKeySmallOrder: an Ed25519 key of small order (internal/eddsa).
	CodeKeySmallOrder
	// CodeKeyNonCanonical: an Ed25519 key not canonically encoded (RFC 8032
	// §5.1.3).
	CodeKeyNonCanonical
	// CodeKeyUse: a JWK whose use or key_ops does not allow verifying
	// signatures, or is malformed (RFC 7517 §4.2, §4.3).
	CodeKeyUse
	// CodeSignatureNonCanonical: an Ed25519 signature whose S is not below L
	// (RFC 8032 §5.1.7).
	CodeSignatureNonCanonical
)

// Error is a JOSE-level failure.
type Error struct {
	Code   Code
	Detail string
}

func (e *Error) Error() string { return "jose: " + e.Detail }

func errorf(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Detail: fmt.Sprintf(format, args...)}
}
