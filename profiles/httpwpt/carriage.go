package httpwpt

import (
	"net/http"
	"net/textproto"
	"slices"
	"strings"

	"github.com/wimse-wg/wimse/internal/mutant"
	"github.com/wimse-wg/wimse/wimse"
)

// Field names used by the drafts.
const (
	// HeaderWIT carries the WIT (creds-02 §5.1.1).
	HeaderWIT = "Workload-Identity-Token"
	// HeaderWPT carries the WPT in wpt-01 (§3).
	HeaderWPT = "Workload-Proof-Token"
	// HeaderTxnToken carries a Transaction Token (draft-ietf-oauth-transaction-tokens).
	HeaderTxnToken = "Txn-Token"
	// Scheme is the wpt-02 HTTP authentication scheme.
	Scheme = "WPT"
)

// presented is what a request carries, before any verification.
type presented struct {
	revision    wimse.Revision
	wit         string
	wpt         string
	accessToken *string
	txnToken    *string
	other       map[string]string
}

// hasWPTScheme reports whether an Authorization value uses the WPT scheme,
// including malformed uses (bare "WPT", "WPT<HTAB>..."), so they are judged
// as WPTs rather than ignored.
func hasWPTScheme(v string) bool {
	if len(v) < 3 || !strings.EqualFold(v[:3], Scheme) {
		return false
	}
	return len(v) == 3 || v[3] == ' ' || v[3] == '\t'
}

// off reports whether m (the self-test's mutant.Set) disables the check of r.
func off(m *mutant.Set, r wimse.Reason) bool { return m.Off(string(r)) }

// classify finds the carriage of a request: wpt-01, wpt-02, mixed, or none.
// With the request.mixed_carriage mutant (m), a mixed request is wpt-02.
func classify(h http.Header, m *mutant.Set) (wimse.Revision, error) {
	auth := h.Values("Authorization")
	wpt02 := false
	for _, a := range auth {
		if hasWPTScheme(a) {
			wpt02 = true
		}
	}
	wpt01 := len(h.Values(HeaderWPT)) > 0
	switch {
	case wpt01 && wpt02 && !off(m, wimse.ReasonRequestMixedCarriage):
		return "", wimse.Errorf(wimse.ReasonRequestMixedCarriage, "httpwpt: request carries both Authorization: WPT and Workload-Proof-Token")
	case wpt02:
		return wimse.RevisionWPT02, nil
	case wpt01:
		return wimse.RevisionWPT01, nil
	}
	return "", nil
}

// extract reads the credentials of a request whose carriage is rev. The
// multiplicity mutants (m) read a repeated field from its first line.
func extract(h http.Header, rev wimse.Revision, otherFields []string, m *mutant.Set) (*presented, error) {
	p := &presented{revision: rev}
	switch rev {
	case wimse.RevisionWPT02:
		auth := h.Values("Authorization")
		if len(auth) != 1 && off(m, wimse.ReasonWPTMultiple) {
			if i := slices.IndexFunc(auth, hasWPTScheme); i >= 0 {
				auth = auth[i : i+1] // the first WPT credentials
			}
		}
		if len(auth) != 1 {
			return nil, wimse.Errorf(wimse.ReasonWPTMultiple, "httpwpt: %d Authorization fields; exactly one is allowed", len(auth))
		}
		tok, err := parseCredentials(auth[0], off(m, wimse.ReasonWPTMultiple))
		if err != nil {
			return nil, err
		}
		p.wpt = tok
	case wimse.RevisionWPT01:
		v, err := single(h, HeaderWPT, wimse.ReasonWPTMultiple, m)
		if err != nil {
			return nil, err
		}
		p.wpt = v
		auth := h.Values("Authorization")
		if len(auth) > 1 {
			return nil, wimse.Errorf(wimse.ReasonRequestMalformed, "httpwpt: %d Authorization fields", len(auth))
		}
		if len(auth) == 1 {
			if p.accessToken, err = accessToken(auth[0], m); err != nil {
				return nil, err
			}
		}
	default:
		return nil, wimse.Errorf(wimse.ReasonWPTMissing, "httpwpt: request carries no workload proof token")
	}
	var err error
	if p.wit, err = single(h, HeaderWIT, wimse.ReasonWITMultiple, m); err != nil {
		return nil, err
	}
	if len(h.Values(HeaderWIT)) == 0 {
		return nil, wimse.Errorf(wimse.ReasonWITMissing, "httpwpt: request carries no Workload-Identity-Token")
	}
	if p.txnToken, err = optional(h, HeaderTxnToken, m); err != nil {
		return nil, err
	}
	for _, name := range otherFields {
		v, err := optional(h, name, m)
		if err != nil {
			return nil, err
		}
		if v != nil {
			if p.other == nil {
				p.other = map[string]string{}
			}
			p.other[strings.ToLower(name)] = strings.Trim(*v, " ")
		}
	}
	return p, nil
}

// parseCredentials parses `"WPT" 1*SP token68` (wpt-02 Figure 1). With
// firstOnly (the wpt.multiple mutant), comma-joined credentials are cut to
// the first.
func parseCredentials(v string, firstOnly bool) (string, error) {
	rest := v[len(Scheme):]
	tok := strings.TrimLeft(rest, " ")
	if tok == rest || tok == "" {
		return "", wimse.Errorf(wimse.ReasonWPTMalformed, "httpwpt: Authorization credentials are not \"WPT\" 1*SP token68")
	}
	if i := strings.IndexByte(tok, ','); i >= 0 && firstOnly {
		tok = strings.TrimRight(tok[:i], " ")
	}
	if strings.Contains(tok, ",") {
		return "", wimse.Errorf(wimse.ReasonWPTMultiple, "httpwpt: Authorization carries more than one set of credentials")
	}
	if !isToken68(tok) {
		return "", wimse.Errorf(wimse.ReasonWPTMalformed, "httpwpt: Authorization credentials are not a token68")
	}
	return tok, nil
}

// isToken68 implements RFC 9110 §11.2 token68.
func isToken68(s string) bool {
	i := 0
	for ; i < len(s); i++ {
		c := s[i]
		if !('A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' ||
			c == '-' || c == '.' || c == '_' || c == '~' || c == '+' || c == '/') {
			break
		}
	}
	if i == 0 {
		return false
	}
	for ; i < len(s); i++ {
		if s[i] != '=' {
			return false
		}
	}
	return true
}

// single returns the one value of a field that must appear at most once and
// never as a comma-joined list; "" when absent. When m disables multiple,
// the first value is returned: the first field line up to its first comma.
func single(h http.Header, name string, multiple wimse.Reason, m *mutant.Set) (string, error) {
	vs := h.Values(name)
	switch {
	case len(vs) == 0:
		return "", nil
	case len(vs) > 1 || strings.Contains(vs[0], ","):
		if off(m, multiple) {
			v, _, _ := strings.Cut(vs[0], ",")
			return strings.TrimRight(v, " "), nil
		}
		return "", wimse.Errorf(multiple, "httpwpt: %s appears more than once", textproto.CanonicalMIMEHeaderKey(name))
	}
	return vs[0], nil
}

func optional(h http.Header, name string, m *mutant.Set) (*string, error) {
	v, err := single(h, name, wimse.ReasonRequestContextTokenMultiple, m)
	if err != nil || len(h.Values(name)) == 0 {
		return nil, err
	}
	return &v, nil
}
