package wimse

import (
	"strings"

	"github.com/spiffe/go-spiffe/v2/spiffeid"
)

// MaxIDLength is the largest Workload Identifier accepted, in octets.
// identifier-03 ("URI Requirements") requires implementations to handle
// identifiers of up to and including 2048 octets, and "URI Parsing and
// Processing Considerations" lets parsers apply internal limits;
// SPIFFE-ID §2.3 uses the same number. Longer input is rejected with
// ReasonIDTooLong before any parsing, and without allocating.
const MaxIDLength = 2048

// Schemes with their own rules (identifier-03 "The wimse URI Scheme",
// SPIFFE-ID §2).
const (
	schemeWIMSE  = "wimse"
	schemeSPIFFE = "spiffe"
)

// ID is a validated Workload Identifier (identifier-03 "URI Requirements")
// in canonical form: a wimse URI (identifier-03 "The wimse URI
// Scheme"), a SPIFFE ID (SPIFFE-ID §2), or a URI of a scheme the caller
// configured with ParseIDWithSchemes.
//
// An ID is a value type comparable with ==: two IDs are equal exactly when
// their canonical serializations are equal byte for byte, which is the
// comparison identifier-03 prescribes for the wimse scheme (and it
// compares the complete URI, never a component alone). The zero value is no
// identifier.
//
// An ID is only built by ParseID, ParseIDWithSchemes, MustParseID or
// UnmarshalText; because non-canonical input is rejected rather than
// repaired, String always returns the exact input that was parsed.
type ID struct {
	// s is the canonical serialization, exactly as parsed.
	s string
	// colon is the index of the ':' that ends the scheme.
	colon int
	// path is the index where the path begins; len(s) when it is empty.
	// Both indexes are functions of s, so == on ID compares s alone.
	path int
}

// ParseID parses and validates a Workload Identifier of scheme wimse or
// spiffe (identifier-03 "URI Parsing and Processing Considerations": full
// structural and canonical validation, before any use). Other schemes are
// rejected with ReasonIDScheme.
//
// A wimse identifier has the form wimse://<trust-domain>/<path> and follows
// identifier-03 "The wimse URI Scheme": the literal lower-case prefix
// "wimse://"; a non-empty trust domain of [a-z0-9._-] that does not end in
// '.'; a path of at least one segment, each of RFC 3986 unreserved
// characters [A-Za-z0-9._~-], with no empty, "." or ".." segment and no
// trailing '/'; no percent-encoding, userinfo, port, query or fragment
// anywhere.
//
// A spiffe identifier follows the SPIFFE-ID specification §2: the path may
// be empty (the trust domain's own ID, spiffe://example.org) and path
// segments are limited to [A-Za-z0-9._-] (no '~'). The result is
// cross-checked with go-spiffe's spiffeid.FromString. Beyond go-spiffe, a
// trust domain ending in '.' is rejected (as for wimse), and the 255-octet
// trust domain and 2048-octet identifier limits are enforced.
//
// Non-canonical input is rejected, never repaired (identifier-03). Every
// rejection is an *Error whose Reason is one of the id.* reasons; when
// several rules are broken the reason is chosen in this order:
//
//   - ReasonIDTooLong: longer than MaxIDLength (checked first);
//   - ReasonIDMalformed: not "scheme://" followed by the rest;
//   - ReasonIDScheme: a scheme that is not accepted in any letter case;
//   - ReasonIDQueryFragment: a '?' or '#' anywhere after the scheme;
//   - ReasonIDTrustDomain: an empty trust domain, userinfo, a port, a
//     character outside [A-Za-z0-9._%-], a trailing '.', or more than 255
//     octets;
//   - ReasonIDPath: a path error (empty wimse path, empty, "." or ".."
//     segment, trailing '/', character not allowed by the scheme);
//   - ReasonIDNotCanonical: otherwise, if the scheme or trust domain has an
//     upper-case letter, or '%' appears anywhere. The value is never decoded,
//     so wimse://trust.example/service/%70ayment is rejected, not read as
//     wimse://trust.example/service/payment.
//
// ReasonIDNotCanonical therefore means that only the spelling is wrong.
//
// The trust domain is checked syntactically only; an IPv4 address is
// accepted here, and identifier-03 "Trust Domain Association" (no IP
// addresses) and "Trust Domain Validation" (an allow-list of trust
// domains) are left to the trust policy.
func ParseID(s string) (ID, error) {
	return parseID(s, nil)
}

// ParseIDWithSchemes is ParseID that also accepts the schemes listed in
// extra. A configured scheme gets the generic rules of identifier-03 "URI
// Requirements" with the trust domain and path rules of the wimse
// scheme ("The wimse URI Scheme"), except that its path may be empty (the
// generic rules do not require one). Names in extra must be lower-case RFC
// 3986 scheme names; a name that is not (for example "Foo" or "") never
// matches anything, and naming wimse or spiffe changes nothing. The scheme
// in the input must be spelled in lower case like the configured name, or
// the result is ReasonIDNotCanonical.
func ParseIDWithSchemes(s string, extra ...string) (ID, error) {
	return parseID(s, extra)
}

// MustParseID is like ParseID but panics on error. It is meant for constants
// in tests and examples only.
func MustParseID(s string) ID {
	id, err := ParseID(s)
	if err != nil {
		panic(err)
	}
	return id
}

// String returns the canonical serialization of the identifier, which is the
// string it was parsed from, or "" for the zero value.
func (id ID) String() string { return id.s }

// Scheme returns the URI scheme in lower case: "wimse", "spiffe" or a scheme
// configured with ParseIDWithSchemes; "" for the zero value.
func (id ID) Scheme() string { return id.s[:id.colon] }

// TrustDomain returns the trust domain, the authority of the identifier
// (identifier-03 "Trust Domain Association"). Authorization must still
// use the complete identifier; the trust domain selects trust anchors
// and policy.
func (id ID) TrustDomain() TrustDomain {
	if id.IsZero() {
		return TrustDomain{}
	}
	return TrustDomain{name: id.s[id.colon+len("://") : id.path]}
}

// Path returns the path, e.g. "/service/payment". It is "" for a SPIFFE
// trust domain ID such as spiffe://example.org (SPIFFE-ID §2.2), for a
// configured scheme without a path, and for the zero value. Never authorize
// on the path alone (identifier-03 "Trust Domain Association").
func (id ID) Path() string { return id.s[id.path:] }

// IsZero reports whether id is the zero value.
func (id ID) IsZero() bool { return id.s == "" }

// MarshalText returns the canonical serialization. The zero value marshals
// to an empty text (use the json "omitzero" option to leave it out).
func (id ID) MarshalText() ([]byte, error) {
	if id.IsZero() {
		return []byte{}, nil
	}
	return []byte(id.s), nil
}

// UnmarshalText parses text with ParseID, so only wimse and spiffe
// identifiers are accepted. An empty text is rejected (ReasonIDMalformed)
// like any invalid identifier; it never silently yields the zero value. On
// error *id is set to the zero value.
func (id *ID) UnmarshalText(text []byte) error {
	if len(text) > MaxIDLength {
		*id = ID{}
		return tooLong(len(text))
	}
	parsed, err := ParseID(string(text))
	*id = parsed
	return err
}

func tooLong(n int) error {
	return Errorf(ReasonIDTooLong, "wimse: identifier is %d octets, longer than %d", n, MaxIDLength)
}

// schemeKind selects the rule set for an identifier.
type schemeKind int

const (
	kindWIMSE schemeKind = iota + 1
	kindSPIFFE
	kindExtra
)

func parseID(s string, extra []string) (ID, error) {
	if len(s) > MaxIDLength {
		return ID{}, tooLong(len(s))
	}

	colon := schemeEnd(s)
	if colon < 0 {
		return ID{}, Errorf(ReasonIDMalformed, "wimse: identifier is not an absolute uri of the form scheme://trust-domain/path")
	}
	kind, lower := matchScheme(s[:colon], extra)
	if kind == 0 {
		return ID{}, Errorf(ReasonIDScheme, "wimse: scheme is not wimse, spiffe or a configured scheme")
	}

	start := colon + len("://")
	if i := strings.IndexAny(s[start:], "?#"); i >= 0 {
		what := "identifier has a query ('?')"
		if s[start+i] == '#' {
			what = "identifier has a fragment ('#')"
		}
		return ID{}, problemAt(ReasonIDQueryFragment, what, start+i).spiffeErr(kind, s)
	}

	path := len(s)
	if i := strings.IndexByte(s[start:], '/'); i >= 0 {
		path = start + i
	}
	tdHard, tdSoft := checkTrustDomain(s[start:path], start)
	if !tdHard.ok() {
		return ID{}, tdHard.spiffeErr(kind, s)
	}
	pathHard, pathSoft := checkPath(s[path:], path, kind)
	if !pathHard.ok() {
		return ID{}, pathHard.spiffeErr(kind, s)
	}
	switch {
	case !lower:
		return ID{}, problemAt(ReasonIDNotCanonical, "scheme is not lower case", 0).spiffeErr(kind, s)
	case !tdSoft.ok():
		return ID{}, tdSoft.spiffeErr(kind, s)
	case !pathSoft.ok():
		return ID{}, pathSoft.spiffeErr(kind, s)
	}

	if kind == kindSPIFFE {
		// go-spiffe is the reference for SPIFFE IDs. Our rules are
		// stricter, so this never fails; if it does, reject.
		if _, err := spiffeid.FromString(s); err != nil {
			return ID{}, Errorf(ReasonIDMalformed, "wimse: spiffe id rejected by go-spiffe: %w", err)
		}
	}
	return ID{s: s, colon: colon, path: path}, nil
}

// schemeEnd returns the index of the ':' that ends the scheme of s when s
// starts with an RFC 3986 §3.1 scheme (ALPHA *( ALPHA / DIGIT / "+" / "-" /
// "." ), any letter case) followed by "://", and -1 otherwise.
func schemeEnd(s string) int {
	if s == "" || !isAlpha(s[0]) {
		return -1
	}
	i := 1
	for i < len(s) && isSchemeChar(s[i]) {
		i++
	}
	if !strings.HasPrefix(s[i:], "://") {
		return -1
	}
	return i
}

// matchScheme returns the rule set for scheme, and whether scheme is spelled
// in lower case. kind is 0 when the scheme is not accepted.
func matchScheme(scheme string, extra []string) (kind schemeKind, lower bool) {
	switch scheme {
	case schemeWIMSE:
		return kindWIMSE, true
	case schemeSPIFFE:
		return kindSPIFFE, true
	}
	for _, e := range extra {
		if scheme == e && isLowerSchemeName(e) {
			return kindExtra, true
		}
	}
	switch {
	case strings.EqualFold(scheme, schemeWIMSE):
		return kindWIMSE, false
	case strings.EqualFold(scheme, schemeSPIFFE):
		return kindSPIFFE, false
	}
	for _, e := range extra {
		if strings.EqualFold(scheme, e) && isLowerSchemeName(e) {
			return kindExtra, false
		}
	}
	return 0, false
}

// checkPath validates the path of an identifier, which starts at offset base
// and is empty or starts with '/'. hard and soft are as for
// checkTrustDomain: hard problems have ReasonIDPath, soft ones (percent-
// encoding) ReasonIDNotCanonical.
func checkPath(p string, base int, kind schemeKind) (hard, soft problem) {
	if p == "" {
		if kind == kindWIMSE {
			return problemAt(ReasonIDPath, "path is empty; a wimse identifier needs at least one segment", base), problem{}
		}
		return problem{}, problem{}
	}
	segStart := 1 // p[0] == '/'
	for i := 1; i <= len(p); i++ {
		if i == len(p) || p[i] == '/' {
			switch seg := p[segStart:i]; {
			case seg == "" && i == len(p):
				return problemAt(ReasonIDPath, "path has a trailing '/'", base+i-1), problem{}
			case seg == "":
				return problemAt(ReasonIDPath, "path has an empty segment", base+i), problem{}
			case seg == "." || seg == "..":
				return problemAt(ReasonIDPath, "path has a dot segment", base+segStart), problem{}
			}
			segStart = i + 1
			continue
		}
		c := p[i]
		switch {
		case isAlpha(c) || isDigit(c) || c == '.' || c == '-' || c == '_':
		case c == '~' && kind != kindSPIFFE:
		case c == '~':
			return problemAt(ReasonIDPath, "spiffe path has '~', not allowed in spiffe ids", base+i), problem{}
		case c == '%':
			if soft.ok() {
				soft = problemAt(ReasonIDNotCanonical, "path has percent-encoding", base+i)
			}
		default:
			return problemChar(ReasonIDPath, "path has an invalid character", base+i, c), problem{}
		}
	}
	return problem{}, soft
}

func isAlpha(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }
func isDigit(c byte) bool { return '0' <= c && c <= '9' }

func isSchemeChar(c byte) bool {
	return isAlpha(c) || isDigit(c) || c == '+' || c == '-' || c == '.'
}

// isLowerSchemeName reports whether e is an RFC 3986 §3.1 scheme name in
// lower case.
func isLowerSchemeName(e string) bool {
	if e == "" || e[0] < 'a' || e[0] > 'z' {
		return false
	}
	for i := 1; i < len(e); i++ {
		if c := e[i]; !isSchemeChar(c) || 'A' <= c && c <= 'Z' {
			return false
		}
	}
	return true
}

// problem is one rule violation found while parsing, kept as plain data so
// that the success path allocates nothing. The zero value is no problem.
type problem struct {
	reason Reason
	what   string
	off    int // byte offset in the input
	char   int // offending byte, or -1
}

func problemAt(r Reason, what string, off int) problem {
	return problem{reason: r, what: what, off: off, char: -1}
}

func problemChar(r Reason, what string, off int, c byte) problem {
	return problem{reason: r, what: what, off: off, char: int(c)}
}

func (p problem) ok() bool { return p.reason == "" }

func (p problem) err() *Error {
	if p.char >= 0 {
		return Errorf(p.reason, "wimse: %s %q at offset %d", p.what, byte(p.char), p.off)
	}
	return Errorf(p.reason, "wimse: %s at offset %d", p.what, p.off)
}

// spiffeErr is err, with go-spiffe's own verdict on s as the cause when s is
// a SPIFFE ID that go-spiffe rejects too.
func (p problem) spiffeErr(kind schemeKind, s string) error {
	e := p.err()
	if kind == kindSPIFFE {
		if _, err := spiffeid.FromString(s); err != nil {
			e.Err = err
		}
	}
	return e
}
