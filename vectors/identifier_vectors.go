package vectors

import (
	"fmt"
	"strings"
)

// identifierNotes explains the flags only this catalogue uses.
var identifierNotes = map[string]Note{
	"LengthLimit": {BugType: "EDGE_CASE", Description: "the 2048-octet limit: identifiers of up to and including 2048 octets must be handled " +
		"(identifier-03 I4, SPIFFE-ID §2.3); longer input may be rejected, early and without exhausting memory (I6)"},
	"DotSegment": {BugType: "CANONICALIZATION", Description: "a '.' or '..' path segment, literal or percent-encoded, that a URI normaliser " +
		"would remove and so turn into another identifier; segments that merely contain dots ('.well-known', '...') are ordinary segments"},
	"AuthorityConfusion": {BugType: "AUTH_BYPASS", Description: "userinfo, a port or an IP literal in the authority: URI parsers disagree " +
		"on which part is the host, so the trust domain one component sees is not the one another sees"},
	"ReservedCharacter": {BugType: "BASIC", Description: "an RFC 3986 reserved character (gen-delims or sub-delims): a legal URI character, " +
		"but path segments of a Workload Identifier allow unreserved characters only"},
	"NotURICharacter": {BugType: "BASIC", Description: "a byte that is no URI character at all (control, space, non-ASCII, or a character " +
		"RFC 3986 excludes); lenient parsers trim, escape or IDNA-map it into a different identifier"},
	"SchemeRules": {BugType: "EDGE_CASE", Description: "the wimse and spiffe rules differ here (empty path, '~' in a segment); a validator " +
		"that applies one scheme's rules to the other gets this vector wrong"},
	"UnknownScheme": {BugType: "BASIC", Description: "a scheme other than wimse or spiffe, often a near miss of one; a consumer accepts " +
		"only the identifier schemes it is configured for"},
}

// IdentifierVector builds an identifier vector.
func IdentifierVector(id, comment, input string, reqs, flags []string, reason string) Vector {
	v := Vector{ID: id, Kind: KindIdentifier, Comment: comment, Requirements: reqs, Flags: flags, Input: &Input{Identifier: &input}}
	if reason == "" {
		v.Result, v.Expect = ResultValid, Expect{Verdict: "accept"}
	} else {
		v.Result, v.Expect = ResultInvalid, Expect{Verdict: "reject", Reason: reason}
	}
	return v
}

// idCase is one row of an identifier table. A row with a reason is an
// invalid vector derived from the valid vector from by change. An
// acceptable row (flag Inference) expects the reference implementation's
// verdict, but either verdict conforms.
type idCase struct {
	id, input, reason string
	from, change      string
	comment           string
	reqs, flags       []string
	labels            []string
	acceptable        bool
}

func (c idCase) vector() Vector {
	v := IdentifierVector(c.id, c.comment, c.input, c.reqs, c.flags, c.reason)
	if c.reason != "" {
		v.Mutation = &Mutation{From: c.from, Change: c.change}
	}
	if c.acceptable {
		v.Result = ResultAcceptable
	}
	v.Labels = c.labels
	return v
}

// Identifiers the negative vectors are derived from (identifier-03 and
// SPIFFE-ID examples).
const (
	idWIMSE     = "wimse://trust.example.com/service/payment"
	idInstance  = "wimse://trust.example.com/service/payment/instance/1234"
	idUUID      = "wimse://prod.corp.example/workload/89a6ec51-f877-44c0-9501-b213597f2d1d"
	idSPIFFE    = "spiffe://prod.trust.domain/ns/prod-01/sa/foo-service"
	idSPIFFEOrg = "spiffe://example.org/ns/prod-01/sa/foo-service"
	idSPIFFETD  = "spiffe://example.org"
)

// Valid vector IDs used as Mutation.From.
const (
	fromWIMSE     = "id-wimse-valid"
	fromInstance  = "id-wimse-valid-instance"
	fromUUID      = "id-wimse-valid-uuid"
	fromSPIFFE    = "id-spiffe-valid"
	fromSPIFFEOrg = "id-spiffe-valid-example-org"
	fromSPIFFETD  = "id-spiffe-trust-domain-id"
	fromWIMSE2048 = "id-wimse-length-2048"
	fromSPIFF2048 = "id-spiffe-length-2048"
	fromSPIFFTD   = "id-spiffe-trust-domain-255"
	fromWIMSETD   = "id-wimse-trust-domain-255"
)

// idOfLength pads prefix with 'a' to exactly n octets.
func idOfLength(prefix string, n int) string {
	return prefix + strings.Repeat("a", n-len(prefix))
}

// trustDomainOfLength is a trust domain of exactly n octets: labels of 63
// 'a's separated by dots, the last label shortened.
func trustDomainOfLength(n int) string {
	var b strings.Builder
	for b.Len() < n {
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(strings.Repeat("a", min(63, n-b.Len())))
	}
	return b.String()
}

// identifierVectors is the identifier catalogue.
func identifierVectors() []Vector {
	var out []Vector
	for _, table := range [][]idCase{
		idBaselines(), idAbsolute(), idAuthority(), idQueryFragment(), idLength(),
		idCanonical(), idTrustDomain(), idPath(), idPathCharacters(), idSPIFFERules(), idSchemes(),
	} {
		for _, c := range table {
			out = append(out, c.vector())
		}
	}
	return out
}

// idBaselines are the valid identifiers: the drafts' examples and the
// unusual-but-valid shapes.
func idBaselines() []idCase {
	base := []string{"Baseline"}
	edge := []string{"EdgeCase"}
	return []idCase{
		{id: fromWIMSE, input: idWIMSE, comment: "the identifier-03 example",
			reqs: []string{"ID-ABSOLUTE", "ID-WIMSE-SCHEME", "ID-WIMSE-TD", "ID-WIMSE-PATH"}, flags: base, labels: []string{"wimse"}},
		{id: fromInstance, input: idInstance, comment: "the identifier-03 example of an instance identifier",
			reqs: []string{"ID-WIMSE-PATH"}, flags: base, labels: []string{"wimse"}},
		{id: fromUUID, input: idUUID, comment: "the identifier-03 example with a UUID segment",
			reqs: []string{"ID-WIMSE-PATH"}, flags: base, labels: []string{"wimse"}},
		{id: fromSPIFFE, input: idSPIFFE, comment: "the identifier-03 SPIFFE example; SPIFFE IDs are Workload Identifiers",
			reqs: []string{"ID-SPIFFE"}, flags: base, labels: []string{"spiffe"}},
		{id: fromSPIFFEOrg, input: idSPIFFEOrg, comment: "a SPIFFE ID in the conventional example.org trust domain",
			reqs: []string{"ID-SPIFFE"}, flags: base, labels: []string{"spiffe"}},
		{id: fromSPIFFETD, input: idSPIFFETD, comment: "a SPIFFE trust domain ID: SPIFFE-ID allows an empty path (a wimse identifier needs a segment)",
			reqs: []string{"ID-SPIFFE"}, flags: []string{"EdgeCase", "SchemeRules"}, labels: []string{"spiffe", "path"}},
		{id: "id-spiffe-path-mixed-case", input: "spiffe://example.org/ns/Prod_01/sa/Foo.Service", comment: "SPIFFE path segments allow [A-Za-z0-9._-]; the path is case-sensitive",
			reqs: []string{"ID-SPIFFE"}, flags: edge, labels: []string{"spiffe", "path"}},
		{id: "id-wimse-trust-domain-underscore", input: "wimse://trust_domain.example/service/payment", comment: "'_' is allowed in a wimse trust domain (not in a DNS host name)",
			reqs: []string{"ID-WIMSE-TD"}, flags: edge, labels: []string{"wimse", "trust-domain"}},
		{id: "id-wimse-trust-domain-hyphen-digits", input: "wimse://trust-01.example-2.com/service/payment", comment: "hyphens and digits are allowed in a wimse trust domain",
			reqs: []string{"ID-WIMSE-TD"}, flags: edge, labels: []string{"wimse", "trust-domain"}},
		{id: "id-wimse-trust-domain-single-label", input: "wimse://corp/service/payment", comment: "a trust domain of one label: [a-z0-9._-] only is required, not a dot",
			reqs: []string{"ID-WIMSE-TD"}, flags: edge, labels: []string{"wimse", "trust-domain"}},
		{id: "id-wimse-trust-domain-punycode", input: "wimse://xn--bcher-kva.example/service/payment", comment: "an internationalised trust domain is written in its ASCII (A-label) form",
			reqs: []string{"ID-WIMSE-TD"}, flags: edge, labels: []string{"wimse", "trust-domain"}},
		{id: "id-wimse-path-single-segment", input: "wimse://trust.example.com/payment", comment: "one path segment is enough",
			reqs: []string{"ID-WIMSE-PATH"}, flags: edge, labels: []string{"wimse", "path"}},
		{id: "id-wimse-path-tilde", input: "wimse://trust.example.com/~team/payment", comment: "'~' is unreserved and allowed in wimse segments (not in spiffe ones)",
			reqs: []string{"ID-WIMSE-PATH"}, flags: []string{"EdgeCase", "SchemeRules"}, labels: []string{"wimse", "path"}},
		{id: "id-wimse-path-all-unreserved", input: "wimse://trust.example.com/AZaz09-._~", comment: "a segment using every class of RFC 3986 unreserved characters",
			reqs: []string{"ID-WIMSE-PATH"}, flags: edge, labels: []string{"wimse", "path"}},
		{id: "id-wimse-path-dots-in-segment", input: "wimse://trust.example.com/.well-known/.../v1..2/.a", comment: "segments that contain dots but are not exactly '.' or '..' are ordinary segments",
			reqs: []string{"ID-WIMSE-PATH"}, flags: []string{"EdgeCase", "DotSegment"}, labels: []string{"wimse", "path"}},
		{id: "id-wimse-path-case-distinct", input: "wimse://trust.example.com/service/Payment",
			comment: "the path is case-sensitive: this is a valid identifier, distinct from wimse://trust.example.com/service/payment " +
				"(byte-for-byte comparison); a receiver must neither reject it nor fold it onto the lower-case one",
			reqs: []string{"ID-WIMSE-PATH", "ID-BYTE-COMPARE"}, flags: []string{"EdgeCase", "Canonicalization"}, labels: []string{"wimse", "path", "compare"}},
		{id: "id-wimse-trust-domain-ipv4", input: "wimse://192.0.2.1/service/payment",
			comment: "an IPv4 address as trust domain is syntactically a valid wimse trust domain ([0-9.] only). identifier-03 I10 says IP addresses " +
				"MUST NOT be used except for legacy compatibility, which a parser cannot judge; the reference implementation accepts it at parse " +
				"time and leaves I10 to the trust-domain allow-list (wimse.ParseID doc). Rejecting it is also conformant",
			reqs: []string{"ID-WIMSE-TD", "ID-TD-NO-IP"}, flags: []string{"Inference"}, labels: []string{"wimse", "trust-domain"}, acceptable: true},
	}
}

// idAbsolute: a Workload Identifier is an absolute URI with an authority
// (identifier-03 I1, I2).
func idAbsolute() []idCase {
	c := func(id, input, change string, reqs ...string) idCase {
		return idCase{id: id, input: input, reason: "id.malformed", from: fromWIMSE, change: change,
			comment: "not an absolute URI of the form scheme://authority/path: " + change,
			reqs:    append([]string{"ID-ABSOLUTE"}, reqs...), flags: []string{"Malformed"}, labels: []string{"absolute"}}
	}
	return []idCase{
		c("id-empty-string", "", "the empty string"),
		c("id-relative-path-absolute", "/service/payment", "only the path: a relative reference"),
		c("id-relative-path-noscheme", "trust.example.com/service/payment", "no scheme: a relative reference"),
		c("id-relative-network-path", "//trust.example.com/service/payment", "no scheme: a network-path reference"),
		c("id-relative-path-only-segments", "service/payment", "a relative path"),
		c("id-scheme-empty", "://trust.example.com/service/payment", "an empty scheme"),
		c("id-scheme-missing-colon", "wimse//trust.example.com/service/payment", "the ':' after the scheme is missing"),
		c("id-scheme-only", "wimse", "the scheme name alone"),
		c("id-wimse-no-authority-absolute-path", "wimse:/service/payment", "wimse:/service/payment, an absolute URI without an authority", "ID-AUTHORITY", "ID-WIMSE-SCHEME"),
		c("id-wimse-no-authority-rootless", "wimse:trust.example.com/service/payment", "wimse:trust.example.com/..., an absolute URI without an authority", "ID-AUTHORITY", "ID-WIMSE-SCHEME"),
		c("id-wimse-no-authority-opaque", "wimse:x", "wimse:x, an absolute URI without an authority", "ID-AUTHORITY", "ID-WIMSE-SCHEME"),
		c("id-leading-space", " "+idWIMSE, "a space before the scheme"),
		c("id-scheme-non-ascii", "wims\u0435://trust.example.com/service/payment", "the scheme's last letter is CYRILLIC SMALL LETTER IE (U+0435), so there is no RFC 3986 scheme"),
	}
}

// idAuthority: the authority is a non-empty trust domain without userinfo
// or port (identifier-03 I2, I3; SPIFFE-ID §2.1).
func idAuthority() []idCase {
	c := func(id, from, input, change string, reqs []string, flags ...string) idCase {
		return idCase{id: id, input: input, reason: "id.trust_domain", from: from, change: change, comment: change,
			reqs: reqs, flags: append([]string{"Malformed"}, flags...), labels: []string{"authority"}}
	}
	empty := []string{"ID-AUTHORITY"}
	up := []string{"ID-NO-USERINFO-PORT"}
	sp := []string{"ID-NO-USERINFO-PORT", "ID-SPIFFE"}
	return []idCase{
		c("id-wimse-authority-empty", fromWIMSE, "wimse:///service/payment", "the authority is empty (wimse:///...)", empty),
		c("id-spiffe-authority-empty", fromSPIFFE, "spiffe:///ns/prod-01/sa/foo-service", "the authority is empty (spiffe:///...)", []string{"ID-AUTHORITY", "ID-SPIFFE"}),
		c("id-wimse-userinfo", fromWIMSE, "wimse://user@trust.example.com/service/payment", "userinfo user@ before the trust domain", up, "AuthorityConfusion"),
		c("id-wimse-userinfo-empty", fromWIMSE, "wimse://@trust.example.com/service/payment", "an empty userinfo (a bare '@') before the trust domain", up, "AuthorityConfusion"),
		c("id-wimse-userinfo-password", fromWIMSE, "wimse://user:secret@trust.example.com/service/payment", "userinfo with a password before the trust domain", up, "AuthorityConfusion"),
		c("id-wimse-userinfo-host-confusion", fromWIMSE, "wimse://trust.example.com@evil.example/service/payment",
			"the trusted name moved into userinfo: a URI parser sees trust domain evil.example, a prefix check sees trust.example.com", up, "AuthorityConfusion", "AuthBypass"),
		c("id-wimse-port", fromWIMSE, "wimse://trust.example.com:443/service/payment", "a port :443 after the trust domain", up, "AuthorityConfusion"),
		c("id-wimse-port-empty", fromWIMSE, "wimse://trust.example.com:/service/payment", "an empty port (a bare ':') after the trust domain", up, "AuthorityConfusion"),
		c("id-wimse-ipv6-literal", fromWIMSE, "wimse://[2001:db8::1]/service/payment", "an IPv6 literal as authority ('[', ']' and ':' are not trust-domain characters)",
			[]string{"ID-WIMSE-TD", "ID-NO-USERINFO-PORT"}, "AuthorityConfusion"),
		c("id-spiffe-port", fromSPIFFEOrg, "spiffe://example.org:8443/ns/prod-01/sa/foo-service", "a port :8443 after the trust domain", sp, "AuthorityConfusion"),
		c("id-spiffe-userinfo", fromSPIFFEOrg, "spiffe://user@example.org/ns/prod-01/sa/foo-service", "userinfo user@ before the trust domain", sp, "AuthorityConfusion"),
	}
}

// idQueryFragment: no query and no fragment (identifier-03 I3, SPIFFE-ID §2).
func idQueryFragment() []idCase {
	c := func(id, from, input, change string, reqs ...string) idCase {
		return idCase{id: id, input: input, reason: "id.query_fragment", from: from, change: change, comment: change,
			reqs: append([]string{"ID-NO-QUERY-FRAGMENT"}, reqs...), flags: []string{"Malformed"}, labels: []string{"query-fragment"}}
	}
	return []idCase{
		c("id-wimse-query", fromWIMSE, idWIMSE+"?x", "a query ?x appended"),
		c("id-wimse-query-empty", fromWIMSE, idWIMSE+"?", "an empty query (a bare '?') appended"),
		c("id-wimse-query-mid-path", fromInstance, "wimse://trust.example.com/service/payment?/instance/1234", "a '?' inside the path turns the rest into a query"),
		c("id-wimse-fragment", fromWIMSE, idWIMSE+"#x", "a fragment #x appended"),
		c("id-wimse-fragment-empty", fromWIMSE, idWIMSE+"#", "an empty fragment (a bare '#') appended"),
		c("id-wimse-query-and-fragment", fromWIMSE, idWIMSE+"?a=b#c", "a query and a fragment appended"),
		c("id-spiffe-query", fromSPIFFE, idSPIFFE+"?x", "a query ?x appended", "ID-SPIFFE"),
		c("id-spiffe-fragment", fromSPIFFE, idSPIFFE+"#x", "a fragment #x appended", "ID-SPIFFE"),
		c("id-spiffe-trust-domain-id-query-empty", fromSPIFFETD, idSPIFFETD+"?", "an empty query appended to a trust domain ID", "ID-SPIFFE"),
		c("id-spiffe-trust-domain-id-fragment-empty", fromSPIFFETD, idSPIFFETD+"#", "an empty fragment appended to a trust domain ID", "ID-SPIFFE"),
	}
}

// idLength: identifiers up to 2048 octets are handled, longer ones may be
// rejected without exhausting memory (identifier-03 I4, I6; SPIFFE-ID
// §2.3: 2048-octet identifiers, 255-octet trust domains).
func idLength() []idCase {
	lbl := []string{"length"}
	td255, td256 := trustDomainOfLength(255), trustDomainOfLength(256)
	long := func(id, from, input, change string, reqs ...string) idCase {
		return idCase{id: id, input: input, reason: "id.too_long", from: from, change: change,
			comment: change + "; an identifier longer than 2048 octets is rejected before it is parsed",
			reqs:    append([]string{"ID-LIMIT"}, reqs...), flags: []string{"LengthLimit"}, labels: lbl}
	}
	return []idCase{
		{id: fromWIMSE2048, input: idOfLength("wimse://trust.example.com/service/", 2048),
			comment: "exactly 2048 octets, the longest identifier every implementation must handle",
			reqs:    []string{"ID-2048", "ID-WIMSE-PATH"}, flags: []string{"EdgeCase", "LengthLimit"}, labels: lbl},
		{id: fromSPIFF2048, input: idOfLength("spiffe://example.org/ns/prod-01/sa/", 2048),
			comment: "a SPIFFE ID of exactly 2048 octets (SPIFFE-ID §2.3: MUST support)",
			reqs:    []string{"ID-2048", "ID-SPIFFE"}, flags: []string{"EdgeCase", "LengthLimit"}, labels: append([]string{"spiffe"}, lbl...)},
		long("id-wimse-length-2049", fromWIMSE2048, idOfLength("wimse://trust.example.com/service/", 2049), "2049 octets, one more than the limit"),
		long("id-spiffe-length-2049", fromSPIFF2048, idOfLength("spiffe://example.org/ns/prod-01/sa/", 2049), "a SPIFFE ID of 2049 octets", "ID-SPIFFE"),
		long("id-wimse-length-100k", fromWIMSE2048, idOfLength("wimse://trust.example.com/service/", 100*1024), "102400 octets (100 KiB)"),
		{id: fromSPIFFTD, input: "spiffe://" + td255 + "/ns/prod-01/sa/foo-service",
			comment: "a SPIFFE trust domain of exactly 255 octets, the host limit SPIFFE-ID §2.3 cites",
			reqs:    []string{"ID-SPIFFE"}, flags: []string{"EdgeCase", "LengthLimit"}, labels: []string{"spiffe", "trust-domain", "length"}},
		{id: "id-spiffe-trust-domain-256", input: "spiffe://" + td256 + "/ns/prod-01/sa/foo-service", reason: "id.trust_domain",
			from: fromSPIFFTD, change: "the trust domain lengthened to 256 octets",
			comment: "SPIFFE-ID §2.3: a trust domain name is at most 255 bytes",
			reqs:    []string{"ID-SPIFFE"}, flags: []string{"LengthLimit"}, labels: []string{"spiffe", "trust-domain", "length"}},
		{id: fromWIMSETD, input: "wimse://" + td255 + "/service/payment",
			comment: "a wimse trust domain of 255 octets, the longest DNS name and RFC 3986 host the other limits are based on",
			reqs:    []string{"ID-WIMSE-TD"}, flags: []string{"EdgeCase", "LengthLimit"}, labels: []string{"wimse", "trust-domain", "length"}},
		{id: "id-wimse-trust-domain-256", input: "wimse://" + td256 + "/service/payment", reason: "id.trust_domain",
			from: fromWIMSETD, change: "the trust domain lengthened to 256 octets",
			comment: "identifier-03 sets no trust-domain length for wimse; I6 lets parsers apply internal limits and the reference implementation " +
				"applies the SPIFFE/RFC 3986 255-octet host limit to every trust domain (wimse.ParseID doc). Accepting it is also conformant",
			reqs: []string{"ID-WIMSE-TD", "ID-LIMIT"}, flags: []string{"Inference", "LengthLimit"}, labels: []string{"wimse", "trust-domain", "length"}, acceptable: true},
	}
}

// idCanonical: non-canonical spellings are rejected, never repaired
// (identifier-03 I8 and "The wimse URI Scheme"): the scheme and trust
// domain are lower case, and there is no percent-encoding anywhere.
func idCanonical() []idCase {
	c := func(id, from, input, change, why string, reqs []string, flags ...string) idCase {
		return idCase{id: id, input: input, reason: "id.not_canonical", from: from, change: change, comment: why,
			reqs: append([]string{"ID-NO-REPAIR"}, reqs...), flags: append([]string{"Canonicalization"}, flags...), labels: []string{"canonical"}}
	}
	cmp := " A receiver that normalised it would treat it as " + idWIMSE + " (ID-BYTE-COMPARE: the canonical spelling is accepted, this one rejected)."
	return []idCase{
		c("id-wimse-percent-encoded", fromWIMSE, "wimse://trust.example.com/service/%70ayment", "p percent-encoded as %70",
			"the identifier-03 example attack: %70ayment spells payment; it must be rejected, not decoded."+cmp,
			[]string{"ID-WIMSE-PATH", "ID-BYTE-COMPARE"}),
		c("id-wimse-scheme-upper", fromWIMSE, "WIMSE://trust.example.com/service/payment", "the scheme in upper case",
			"the wimse prefix is the literal lower-case wimse:// (RFC 3986 calls schemes case-insensitive, but the canonical form is lower case)."+cmp,
			[]string{"ID-WIMSE-SCHEME", "ID-BYTE-COMPARE"}),
		c("id-wimse-scheme-mixed-case", fromWIMSE, "Wimse://trust.example.com/service/payment", "the scheme spelled Wimse",
			"the wimse prefix is the literal lower-case wimse://."+cmp, []string{"ID-WIMSE-SCHEME", "ID-BYTE-COMPARE"}),
		c("id-wimse-trust-domain-upper", fromWIMSE, "wimse://Trust.Example.com/service/payment", "the trust domain in mixed case",
			"a wimse trust domain has lower-case letters only, though DNS names compare case-insensitively."+cmp, []string{"ID-WIMSE-TD", "ID-BYTE-COMPARE"}),
		c("id-wimse-trust-domain-all-upper", fromWIMSE, "wimse://TRUST.EXAMPLE.COM/service/payment", "the trust domain in upper case",
			"a wimse trust domain has lower-case letters only."+cmp, []string{"ID-WIMSE-TD", "ID-BYTE-COMPARE"}),
		c("id-wimse-trust-domain-percent", fromWIMSE, "wimse://trust.ex%41mple.com/service/payment", "a of example written %41",
			"no percent-encoding in the trust domain; %41 is not decoded (it would even decode to an upper-case A)", []string{"ID-WIMSE-TD"}),
		c("id-wimse-trust-domain-percent-dot", fromWIMSE, "wimse://trust%2eexample.com/service/payment", "a dot of the trust domain written %2e",
			"no percent-encoding in the trust domain; a decoder would read trust.example.com."+cmp, []string{"ID-WIMSE-TD", "ID-BYTE-COMPARE"}),
		c("id-wimse-path-percent-slash", fromInstance, "wimse://trust.example.com/service/payment%2Finstance%2F1234", "the path's '/' written %2F",
			"no percent-encoding in the path; %2F would decode to a segment separator and turn one segment into three", []string{"ID-WIMSE-PATH"}),
		c("id-wimse-path-percent-dot-dot", fromWIMSE, "wimse://trust.example.com/service/%2e%2e/admin", "a .. segment written %2e%2e",
			"no percent-encoding; a decoder followed by dot-segment removal would read wimse://trust.example.com/admin", []string{"ID-WIMSE-PATH"}, "DotSegment", "AuthBypass"),
		c("id-wimse-path-percent-dot-upper-hex", fromWIMSE, "wimse://trust.example.com/service/%2E/payment", "a . segment written %2E",
			"no percent-encoding; a normaliser would remove the segment and read "+idWIMSE, []string{"ID-WIMSE-PATH", "ID-BYTE-COMPARE"}, "DotSegment"),
		c("id-wimse-path-percent-space", fromWIMSE, "wimse://trust.example.com/service/pay%20ment", "a space written %20 inside a segment",
			"no percent-encoding in the path, even of a character that has no other spelling", []string{"ID-WIMSE-PATH"}),
		c("id-wimse-path-percent-percent", fromWIMSE, "wimse://trust.example.com/service/%2570ayment", "p written %2570 (double encoding)",
			"no percent-encoding; decoding twice would read "+idWIMSE, []string{"ID-WIMSE-PATH"}),
		c("id-wimse-path-percent-nul", fromWIMSE, "wimse://trust.example.com/service/payment%00.admin", "an encoded NUL %00 inside a segment",
			"no percent-encoding; a C-string consumer of the decoded value would stop at the NUL and read "+idWIMSE, []string{"ID-WIMSE-PATH"}, "AuthBypass"),
		c("id-spiffe-scheme-upper", fromSPIFFE, "SPIFFE://prod.trust.domain/ns/prod-01/sa/foo-service", "the scheme in upper case",
			"a SPIFFE ID uses the scheme spiffe in lower case; upper case is not repaired (ID-BYTE-COMPARE: "+idSPIFFE+" is accepted)",
			[]string{"ID-SPIFFE", "ID-BYTE-COMPARE"}),
		c("id-spiffe-scheme-mixed-case", fromSPIFFE, "Spiffe://prod.trust.domain/ns/prod-01/sa/foo-service", "the scheme spelled Spiffe",
			"a SPIFFE ID uses the scheme spiffe in lower case", []string{"ID-SPIFFE"}),
		c("id-spiffe-trust-domain-upper", fromSPIFFEOrg, "spiffe://Example.org/ns/prod-01/sa/foo-service", "the trust domain spelled Example.org",
			"a SPIFFE trust domain has lower-case letters only (ID-BYTE-COMPARE: "+idSPIFFEOrg+" is accepted)", []string{"ID-SPIFFE", "ID-BYTE-COMPARE"}),
		c("id-spiffe-path-percent", fromSPIFFEOrg, "spiffe://example.org/ns/prod-01/sa/%66oo-service", "f of foo written %66",
			"SPIFFE path segments have no percent-encoding", []string{"ID-SPIFFE"}),
		c("id-spiffe-trust-domain-percent", fromSPIFFEOrg, "spiffe://ex%61mple.org/ns/prod-01/sa/foo-service", "a of example written %61",
			"a SPIFFE trust domain has no percent-encoding", []string{"ID-SPIFFE"}),
	}
}

// idTrustDomain: a wimse trust domain is [a-z0-9._-] and does not end in
// '.' (identifier-03 "The wimse URI Scheme").
func idTrustDomain() []idCase {
	c := func(id, input, change string, flags ...string) idCase {
		return idCase{id: id, input: input, reason: "id.trust_domain", from: fromWIMSE, change: change,
			comment: "a wimse trust domain has only [a-z0-9._-] and does not end in '.': " + change,
			reqs:    []string{"ID-WIMSE-TD"}, flags: append([]string{"Malformed"}, flags...), labels: []string{"trust-domain"}}
	}
	td := func(s string) string { return "wimse://" + s + "/service/payment" }
	trailing := c("id-wimse-trust-domain-trailing-dot", td("trust.example.com."), "a trailing dot (trust.example.com.)", "Canonicalization")
	trailing.comment = "the trust domain must not end with '.': trust.example.com. names the same DNS host as trust.example.com but is " +
		"another identifier byte for byte; it is rejected, never stripped (ID-BYTE-COMPARE: " + idWIMSE + " is accepted)"
	trailing.reqs = []string{"ID-WIMSE-TD", "ID-NO-REPAIR", "ID-BYTE-COMPARE"}
	return []idCase{
		trailing,
		c("id-wimse-trust-domain-dot-only", td("."), "a trust domain that is a single '.'"),
		c("id-wimse-trust-domain-bang", td("trust!.example.com"), "a '!' in the trust domain", "ReservedCharacter"),
		c("id-wimse-trust-domain-star", td("*.example.com"), "a wildcard '*' label", "ReservedCharacter"),
		c("id-wimse-trust-domain-tilde", td("trust~1.example.com"), "a '~' (unreserved, but not a trust-domain character)"),
		c("id-wimse-trust-domain-plus", td("trust+prod.example.com"), "a '+' in the trust domain", "ReservedCharacter"),
		c("id-wimse-trust-domain-space", td("trust example.com"), "a space in the trust domain", "NotURICharacter"),
		c("id-wimse-trust-domain-nul", td("trust.example.com\x00.evil.example"), "a NUL byte in the trust domain", "NotURICharacter", "AuthBypass"),
		c("id-wimse-trust-domain-non-ascii", td("bücher.example"), "a non-ASCII letter (UTF-8 ü) instead of the A-label xn--bcher-kva", "NotURICharacter"),
		c("id-wimse-trust-domain-homoglyph", td("trust.ex\u0430mple.com"), "the a of example is CYRILLIC SMALL LETTER A (U+0430)", "NotURICharacter", "AuthBypass"),
		c("id-wimse-trust-domain-backslash", td(`trust.example.com\evil.example`), "a backslash, which some URL parsers read as '/'", "NotURICharacter", "AuthorityConfusion"),
	}
}

// idPath: a wimse path has at least one segment; no empty, "." or ".."
// segment, no trailing '/' (identifier-03 "The wimse URI Scheme").
func idPath() []idCase {
	c := func(id, from, input, change string, flags ...string) idCase {
		return idCase{id: id, input: input, reason: "id.path", from: from, change: change, comment: change,
			reqs: []string{"ID-WIMSE-PATH"}, flags: append([]string{"Malformed"}, flags...), labels: []string{"path"}}
	}
	dot := func(id, from, input, change string) idCase {
		v := c(id, from, input, change, "DotSegment")
		v.comment = change + "; dot segments are rejected, not removed"
		v.reqs = []string{"ID-WIMSE-PATH", "ID-NO-REPAIR"}
		return v
	}
	noPath := c("id-wimse-path-missing", fromWIMSE, "wimse://trust.example.com", "no path at all (wimse://trust.example.com)", "SchemeRules")
	noPath.comment = "a wimse identifier needs at least one path segment; the bare trust domain is valid only as a spiffe trust domain ID"
	return []idCase{
		noPath,
		c("id-wimse-path-root-only", fromWIMSE, "wimse://trust.example.com/", "the path is a single '/'"),
		c("id-wimse-path-trailing-slash", fromWIMSE, idWIMSE+"/", "a trailing '/'"),
		c("id-wimse-path-empty-segment", fromWIMSE, "wimse://trust.example.com/service//payment", "an empty segment ('//') inside the path"),
		c("id-wimse-path-leading-double-slash", fromWIMSE, "wimse://trust.example.com//service/payment", "an empty first segment ('//' after the trust domain)"),
		c("id-wimse-path-double-trailing-slash", fromWIMSE, idWIMSE+"//", "two trailing slashes"),
		dot("id-wimse-path-dot", fromWIMSE, "wimse://trust.example.com/service/./payment", "a '.' segment inside the path"),
		dot("id-wimse-path-dot-dot", fromInstance, "wimse://trust.example.com/service/payment/instance/../1234", "a '..' segment inside the path"),
		dot("id-wimse-path-dot-only", fromWIMSE, "wimse://trust.example.com/.", "the only segment is '.'"),
		dot("id-wimse-path-dot-dot-only", fromWIMSE, "wimse://trust.example.com/..", "the only segment is '..'"),
		dot("id-wimse-path-dot-dot-escape", fromWIMSE, "wimse://trust.example.com/../service/payment", "a leading '..' segment that would climb above the root"),
		dot("id-wimse-path-trailing-dot-dot", fromWIMSE, idWIMSE+"/..", "a trailing '..' segment"),
	}
}

// idPathCharacters: each path segment has RFC 3986 unreserved characters
// only ([A-Za-z0-9._~-]).
func idPathCharacters() []idCase {
	var out []idCase
	for _, ch := range []struct{ name, char, flag string }{
		{"at", "@", "ReservedCharacter"}, {"colon", ":", "ReservedCharacter"}, {"bang", "!", "ReservedCharacter"},
		{"dollar", "$", "ReservedCharacter"}, {"ampersand", "&", "ReservedCharacter"}, {"apostrophe", "'", "ReservedCharacter"},
		{"paren", "(", "ReservedCharacter"}, {"star", "*", "ReservedCharacter"}, {"plus", "+", "ReservedCharacter"},
		{"comma", ",", "ReservedCharacter"}, {"semicolon", ";", "ReservedCharacter"}, {"equals", "=", "ReservedCharacter"},
		{"bracket", "[", "ReservedCharacter"},
		{"space", " ", "NotURICharacter"}, {"backslash", `\`, "NotURICharacter"}, {"double-quote", `"`, "NotURICharacter"},
		{"angle", "<", "NotURICharacter"}, {"pipe", "|", "NotURICharacter"}, {"caret", "^", "NotURICharacter"},
		{"backtick", "`", "NotURICharacter"}, {"brace", "{", "NotURICharacter"},
		{"nul", "\x00", "NotURICharacter"}, {"tab", "\t", "NotURICharacter"}, {"carriage-return", "\r", "NotURICharacter"},
		{"del", "\x7f", "NotURICharacter"}, {"non-ascii", "é", "NotURICharacter"},
	} {
		out = append(out, idCase{id: "id-wimse-path-char-" + ch.name, input: "wimse://trust.example.com/service/pay" + ch.char + "ment", reason: "id.path",
			from: fromWIMSE, change: fmt.Sprintf("%s (%s) inserted into the segment payment", fmtByte(ch.char), ch.name),
			comment: "path segments allow RFC 3986 unreserved characters only", reqs: []string{"ID-WIMSE-PATH"},
			flags: []string{ch.flag}, labels: []string{"path", "charset"}})
	}
	tail := func(id, input, change string) idCase {
		return idCase{id: id, input: input, reason: "id.path", from: fromWIMSE, change: change,
			comment: change + "; lenient parsers trim it and read " + idWIMSE, reqs: []string{"ID-WIMSE-PATH", "ID-NO-REPAIR"},
			flags: []string{"NotURICharacter"}, labels: []string{"path", "charset"}}
	}
	return append(out,
		tail("id-wimse-trailing-newline", idWIMSE+"\n", "a trailing line feed"),
		tail("id-wimse-trailing-space", idWIMSE+" ", "a trailing space"),
		tail("id-wimse-trailing-crlf", idWIMSE+"\r\n", "a trailing CR LF"),
		idCase{id: "id-wimse-path-homoglyph", input: "wimse://trust.example.com/service/p\u0430yment", reason: "id.path", from: fromWIMSE,
			change: "the a of payment is CYRILLIC SMALL LETTER A (U+0430)", comment: "non-ASCII is not a URI character; a look-alike of an authorised name is rejected",
			reqs: []string{"ID-WIMSE-PATH"}, flags: []string{"NotURICharacter", "AuthBypass"}, labels: []string{"path", "charset"}},
	)
}

// fmtByte names the character of a path-character vector readably.
func fmtByte(s string) string {
	if len(s) == 1 && (s[0] <= 0x20 || s[0] == 0x7f) {
		return fmt.Sprintf("0x%02X", s[0])
	}
	return "'" + s + "'"
}

// idSPIFFERules: spiffe:// identifiers follow SPIFFE-ID §2.
func idSPIFFERules() []idCase {
	c := func(id, from, input, reason, change string, flags ...string) idCase {
		return idCase{id: id, input: input, reason: reason, from: from, change: change, comment: "SPIFFE-ID §2: " + change,
			reqs: []string{"ID-SPIFFE"}, flags: append([]string{"Malformed"}, flags...), labels: []string{"spiffe"}}
	}
	trailingDot := idCase{id: "id-spiffe-trust-domain-trailing-dot", input: "spiffe://example.org./ns/prod-01/sa/foo-service", reason: "id.trust_domain",
		from: fromSPIFFEOrg, change: "a trailing dot on the trust domain (example.org.)",
		comment: "SPIFFE-ID does not forbid a trailing '.' in so many words ([a-z0-9._-] allows it; go-spiffe accepts it); the reference " +
			"implementation applies the wimse rule (no trailing '.') to spiffe trust domains too (wimse.ParseID doc), since example.org. " +
			"and example.org would otherwise be two spellings of one DNS name. Accepting it is also conformant",
		reqs: []string{"ID-SPIFFE", "ID-BYTE-COMPARE"}, flags: []string{"Inference", "Canonicalization"}, labels: []string{"spiffe", "trust-domain"}, acceptable: true}
	return []idCase{
		c("id-spiffe-trust-domain-id-trailing-slash", fromSPIFFETD, idSPIFFETD+"/", "id.path", "a trust domain ID with a trailing '/' (spiffe://example.org/)"),
		c("id-spiffe-trailing-slash", fromSPIFFEOrg, idSPIFFEOrg+"/", "id.path", "a trailing '/'"),
		c("id-spiffe-empty-segment", fromSPIFFEOrg, "spiffe://example.org/ns//sa/foo-service", "id.path", "an empty segment ('//')"),
		c("id-spiffe-dot-segment", fromSPIFFEOrg, "spiffe://example.org/ns/./prod-01/sa/foo-service", "id.path", "a '.' segment", "DotSegment"),
		c("id-spiffe-dot-dot-segment", fromSPIFFEOrg, "spiffe://example.org/ns/prod-01/../sa/foo-service", "id.path", "a '..' segment", "DotSegment"),
		c("id-spiffe-path-tilde", fromSPIFFEOrg, "spiffe://example.org/ns/prod-01/sa/~foo-service", "id.path", "a '~' in a segment: SPIFFE segments are [A-Za-z0-9._-] (wimse allows '~')", "SchemeRules"),
		c("id-spiffe-path-at", fromSPIFFEOrg, "spiffe://example.org/ns/prod-01/sa/foo@service", "id.path", "an '@' in a segment", "ReservedCharacter"),
		c("id-spiffe-path-colon", fromSPIFFEOrg, "spiffe://example.org/ns/prod-01/sa:foo-service", "id.path", "a ':' in a segment", "ReservedCharacter"),
		c("id-spiffe-path-non-ascii", fromSPIFFEOrg, "spiffe://example.org/ns/prod-01/sa/föo-service", "id.path", "a non-ASCII letter (UTF-8 ö) in a segment", "NotURICharacter"),
		c("id-spiffe-trust-domain-bang", fromSPIFFEOrg, "spiffe://exam!ple.org/ns/prod-01/sa/foo-service", "id.trust_domain", "a '!' in the trust domain", "ReservedCharacter"),
		c("id-spiffe-path-plus", fromSPIFFEOrg, "spiffe://example.org/ns/prod-01/sa/foo+service", "id.path", "a '+' in a segment", "ReservedCharacter"),
		trailingDot,
	}
}

// idSchemes: a consumer accepts only the schemes it is configured for;
// ParseID accepts wimse and spiffe (identifier-03 I7, "Trust Domain
// Validation").
func idSchemes() []idCase {
	c := func(id, input, change string) idCase {
		return idCase{id: id, input: input, reason: "id.scheme", from: fromWIMSE, change: change,
			comment: "only the wimse and spiffe schemes are accepted: " + change,
			reqs:    []string{"ID-SCHEME-KNOWN"}, flags: []string{"UnknownScheme"}, labels: []string{"scheme"}}
	}
	urn := c("id-scheme-urn", "urn:wimse:trust.example.com:service:payment", "a urn: name in place of the wimse URI")
	urn.reason = "id.malformed"
	urn.comment = "an unknown scheme that also has no authority: urn:... is an absolute URI without '//' authority, so it fails I2 " +
		"before its scheme is looked at (wimse.ParseID reason order: id.malformed before id.scheme); rejected either way"
	urn.reqs = []string{"ID-SCHEME-KNOWN", "ID-AUTHORITY"}
	return []idCase{
		c("id-scheme-https", "https://trust.example.com/service/payment", "https:// in place of wimse://"),
		c("id-scheme-http", "http://trust.example.com/service/payment", "http:// in place of wimse://"),
		urn,
		c("id-scheme-spiff", "spiff://trust.example.com/service/payment", "spiff://, a near miss of spiffe://"),
		c("id-scheme-spiffee", "spiffee://trust.example.com/service/payment", "spiffee://, a near miss of spiffe://"),
		c("id-scheme-wims", "wims://trust.example.com/service/payment", "wims://, a near miss of wimse://"),
		c("id-scheme-wimses", "wimses://trust.example.com/service/payment", "wimses://, a near miss of wimse://"),
		c("id-scheme-wimse-plus", "wimse+https://trust.example.com/service/payment", "wimse+https://, a compound scheme"),
		c("id-scheme-x-wimse", "x-wimse://trust.example.com/service/payment", "x-wimse://, a private-use variant"),
	}
}
