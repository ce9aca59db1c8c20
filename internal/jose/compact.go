package jose

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
)

// Header is the protected header of a parsed JWS, with the members this
// module acts on decoded and the dangerous ones flagged.
type Header struct {
	Alg string
	Typ string
	Kid string
	// HasTyp and HasKid tell a present-but-empty member from an absent one.
	HasTyp, HasKid bool
	// Crit is true when the header has a crit member (never understood).
	Crit bool
	// KeyRef names the first of jku, x5u, jwk, x5c present, or "".
	KeyRef string
	// Raw is the decoded header JSON. (A "b64": false header, RFC 7797, is
	// rejected as malformed by Parse.)
	Raw []byte
}

// Token is a parsed, not yet verified, JWS in compact serialization.
type Token struct {
	// Raw is the compact serialization as received.
	Raw string
	Header
	// Payload is the decoded payload: a JSON object with unique members.
	Payload []byte
	// SigningInput is the ASCII of BASE64URL(header) "." BASE64URL(payload).
	SigningInput string
	// Signature is the decoded signature.
	Signature []byte
}

// Parse splits and decodes a compact JWS strictly: exactly three segments
// of the base64url alphabet without padding or whitespace (RFC 7515 §2, §7.1),
// a header and a payload that are JSON objects with unique member names, a
// header whose alg, typ and kid are strings. maxSize bounds len(raw) before
// any decoding.
func Parse(raw string, maxSize int) (*Token, error) { return ParseSkip(raw, maxSize, nil) }

// ParseSkip is Parse with the checks named by skip passed over: the size
// limit (CodeOversized), unique member names (CodeDuplicateMember, the last
// one wins), a string typ (CodeTyp, read as "") and a string alg (CodeAlg,
// read as "").
func ParseSkip(raw string, maxSize int, skip Skip) (*Token, error) {
	if len(raw) > maxSize && !skip.has(CodeOversized) {
		return nil, errorf(CodeOversized, "token of %d bytes exceeds the limit of %d", len(raw), maxSize)
	}
	first := strings.IndexByte(raw, '.')
	last := strings.LastIndexByte(raw, '.')
	if first < 0 || first == last {
		return nil, errorf(CodeMalformed, "a compact JWS has exactly three segments")
	}
	if strings.IndexByte(raw[first+1:last], '.') >= 0 {
		return nil, errorf(CodeMalformed, "a compact JWS has exactly three segments")
	}
	hseg, pseg, sseg := raw[:first], raw[first+1:last], raw[last+1:]
	if hseg == "" || pseg == "" || sseg == "" {
		return nil, errorf(CodeMalformed, "empty segment")
	}
	for _, seg := range []string{hseg, pseg, sseg} {
		if !isBase64URL(seg) {
			return nil, errorf(CodeMalformed, "segment is not unpadded base64url")
		}
	}
	hdr, err := base64.RawURLEncoding.Strict().DecodeString(hseg)
	if err != nil {
		return nil, errorf(CodeMalformed, "header is not base64url")
	}
	payload, err := base64.RawURLEncoding.Strict().DecodeString(pseg)
	if err != nil {
		return nil, errorf(CodeMalformed, "payload is not base64url")
	}
	sig, err := base64.RawURLEncoding.Strict().DecodeString(sseg)
	if err != nil {
		return nil, errorf(CodeMalformed, "signature is not base64url")
	}
	t := &Token{Raw: raw, Payload: payload, SigningInput: raw[:last], Signature: sig}
	if err := parseHeader(hdr, &t.Header, skip); err != nil {
		return nil, err
	}
	if err := checkObjectSkip(payload, skip.has(CodeDuplicateMember)); err != nil {
		return nil, jsonError("payload", err)
	}
	return t, nil
}

func jsonError(what string, err error) *Error {
	if errors.Is(err, errDuplicate) {
		return errorf(CodeDuplicateMember, "%s repeats a member name", what)
	}
	return errorf(CodeMalformed, "%s is not a valid json object", what)
}

func isBase64URL(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

func parseHeader(data []byte, h *Header, skip Skip) error {
	if err := checkObjectSkip(data, skip.has(CodeDuplicateMember)); err != nil {
		return jsonError("header", err)
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(data, &m); err != nil {
		return errorf(CodeMalformed, "header is not a valid json object")
	}
	h.Raw = data
	str := func(name string, dst *string) (bool, error) {
		v, ok := m[name]
		if !ok {
			return false, nil
		}
		if err := json.Unmarshal(v, dst); err != nil {
			return true, errorf(CodeMalformed, "header member %q is not a string", name)
		}
		return true, nil
	}
	if _, err := str("alg", &h.Alg); err != nil && !skip.has(CodeAlg) {
		return &Error{Code: CodeAlg, Detail: err.(*Error).Detail}
	}
	var err error
	if h.HasTyp, err = str("typ", &h.Typ); err != nil && !skip.has(CodeTyp) {
		return &Error{Code: CodeTyp, Detail: err.(*Error).Detail}
	}
	if h.HasKid, err = str("kid", &h.Kid); err != nil {
		return err
	}
	_, h.Crit = m["crit"]
	for _, k := range []string{"jku", "x5u", "jwk", "x5c"} {
		if _, ok := m[k]; ok {
			h.KeyRef = k
			break
		}
	}
	if v, ok := m["b64"]; ok && string(v) != "true" {
		return errorf(CodeMalformed, "unencoded payloads (b64) are not allowed")
	}
	return nil
}

// CheckHeader applies the header rules shared by every token kind: crit is
// rejected, key references are rejected, alg is supported and allowed by
// allow (nil admits every supported algorithm), and typ names the media type
// want (with or without "application/", case-insensitively, RFC 7515 §4.1.9)
// or one of legacy. The checks whose codes skip names are passed over.
func CheckHeader(h *Header, want string, legacy []string, allow func(string) bool, skip Skip) error {
	if h.Crit && !skip.has(CodeCrit) {
		return errorf(CodeCrit, "crit header parameters are not understood")
	}
	if h.KeyRef != "" && !skip.has(CodeHeaderKey) {
		return errorf(CodeHeaderKey, "header parameter %q names a key; keys come only from configuration", h.KeyRef)
	}
	if (!h.HasTyp || !TypMatches(h.Typ, want, legacy)) && !skip.has(CodeTyp) {
		return errorf(CodeTyp, "typ %q is not %s", h.Typ, want)
	}
	if skip.has(CodeAlg) {
		return nil
	}
	if h.Alg == "" {
		return errorf(CodeAlg, "alg is missing")
	}
	if !IsSupported(h.Alg) || (allow != nil && !allow(h.Alg)) {
		return errorf(CodeAlg, "alg %q is not allowed", h.Alg)
	}
	return nil
}

// TypMatches reports whether typ conveys the media type application/want.
func TypMatches(typ, want string, legacy []string) bool {
	if strings.EqualFold(typ, want) || strings.EqualFold(typ, "application/"+want) {
		return true
	}
	for _, l := range legacy {
		if strings.EqualFold(typ, l) || strings.EqualFold(typ, "application/"+l) {
			return true
		}
	}
	return false
}
