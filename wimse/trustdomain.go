package wimse

// maxTrustDomainLength is the longest trust domain name accepted, in octets.
// SPIFFE-ID §2.3 limits trust domain names to 255 bytes (the RFC 3986 host
// limit); identifier-03 gives no number, and we apply the same limit to
// every scheme so that ID.TrustDomain always yields a value ParseTrustDomain
// accepts (a DNS name has at most 253 octets anyway).
const maxTrustDomainLength = 255

// TrustDomain is the name of a trust domain: the authority component of a
// Workload Identifier (identifier-03 "Trust Domain Association"; SPIFFE-ID
// §2.1). It holds the name in canonical form, so two trust domains are
// equal exactly when their names are equal byte for byte, and the type is
// comparable with ==. The zero value is no trust domain.
//
// A TrustDomain is only built by ParseTrustDomain, MustParseTrustDomain,
// UnmarshalText or ID.TrustDomain.
type TrustDomain struct {
	name string
}

// ParseTrustDomain parses a bare trust domain name such as "example.org"
// (not a URI). The name must be non-empty, at most 255 octets, consist only
// of lower-case ASCII letters, digits, '.', '-' and '_', and must not end
// with '.' (identifier-03 "The wimse URI Scheme"; SPIFFE-ID §2.1, §2.3).
// Non-canonical names, for example with upper-case letters, are rejected,
// never lowered.
//
// Every rejection is an *Error with ReasonIDTrustDomain.
//
// The name is checked syntactically only: an IPv4 address such as
// "192.0.2.1" is a valid name here. identifier-03 "Trust Domain Association"
// (IP addresses MUST NOT be used except for legacy compatibility) and
// "Trust Domain Validation" (the trust domain must be explicitly
// trusted) are left to the trust policy.
func ParseTrustDomain(s string) (TrustDomain, error) {
	hard, soft := checkTrustDomain(s, 0)
	if !hard.ok() {
		return TrustDomain{}, hard.err()
	}
	if !soft.ok() {
		soft.reason = ReasonIDTrustDomain
		return TrustDomain{}, soft.err()
	}
	return TrustDomain{name: s}, nil
}

// MustParseTrustDomain is like ParseTrustDomain but panics on error. It is
// meant for constants in tests and examples only.
func MustParseTrustDomain(s string) TrustDomain {
	td, err := ParseTrustDomain(s)
	if err != nil {
		panic(err)
	}
	return td
}

// String returns the trust domain name, e.g. "example.org", or "" for the
// zero value.
func (td TrustDomain) String() string { return td.name }

// IsZero reports whether td is the zero value.
func (td TrustDomain) IsZero() bool { return td.name == "" }

// MarshalText returns the trust domain name. The zero value marshals to an
// empty text (use the json "omitzero" option to leave it out).
func (td TrustDomain) MarshalText() ([]byte, error) {
	if td.IsZero() {
		return []byte{}, nil
	}
	return []byte(td.name), nil
}

// UnmarshalText parses text with ParseTrustDomain. An empty text is rejected
// like any other invalid name. On error *td is set to the zero value.
func (td *TrustDomain) UnmarshalText(text []byte) error {
	if len(text) > maxTrustDomainLength {
		*td = TrustDomain{}
		return Errorf(ReasonIDTrustDomain, "wimse: trust domain is %d octets, longer than %d", len(text), maxTrustDomainLength)
	}
	parsed, err := ParseTrustDomain(string(text))
	*td = parsed
	return err
}

// checkTrustDomain validates a trust domain name that starts at offset base
// of its input. hard is the first structural problem (ReasonIDTrustDomain);
// soft, reported only when there is no hard problem, is the first
// canonicalisation problem (upper-case letter or percent-encoding,
// ReasonIDNotCanonical). Both are zero when the name is valid.
func checkTrustDomain(td string, base int) (hard, soft problem) {
	switch {
	case td == "":
		return problemAt(ReasonIDTrustDomain, "trust domain is empty", base), problem{}
	case len(td) > maxTrustDomainLength:
		return problemAt(ReasonIDTrustDomain, "trust domain is longer than 255 octets", base), problem{}
	}
	for i := 0; i < len(td); i++ {
		c := td[i]
		switch {
		case isTrustDomainChar(c):
		case 'A' <= c && c <= 'Z':
			if soft.ok() {
				soft = problemChar(ReasonIDNotCanonical, "trust domain has an upper-case letter", base+i, c)
			}
		case c == '%':
			if soft.ok() {
				soft = problemAt(ReasonIDNotCanonical, "trust domain has percent-encoding", base+i)
			}
		case c == '@':
			return problemAt(ReasonIDTrustDomain, "trust domain has userinfo ('@')", base+i), problem{}
		case c == ':':
			return problemAt(ReasonIDTrustDomain, "trust domain has a port (':')", base+i), problem{}
		default:
			return problemChar(ReasonIDTrustDomain, "trust domain has an invalid character", base+i, c), problem{}
		}
	}
	if td[len(td)-1] == '.' {
		return problemAt(ReasonIDTrustDomain, "trust domain ends with '.'", base+len(td)-1), problem{}
	}
	return problem{}, soft
}

// isTrustDomainChar reports whether c may appear in a canonical trust
// domain: [a-z0-9._-] (identifier-03 "The wimse URI Scheme", SPIFFE-ID
// §2.1).
func isTrustDomainChar(c byte) bool {
	return 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '.' || c == '-' || c == '_'
}
