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
