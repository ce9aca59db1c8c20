package jose

import (
	"bytes"
	"encoding/json"
	"math"
	"time"
)

// maxNumericDate is 9999-12-31T23:59:59Z; later dates are a type error.
const maxNumericDate = 253402300799

// Claims is a JWT claims set as raw JSON members, keyed by exact name (not
// encoding/json's case-insensitive field matching).
type Claims map[string]json.RawMessage

// ParseClaims decodes a payload that Parse already checked.
func ParseClaims(payload []byte) (Claims, error) {
	var c Claims
	if err := json.Unmarshal(payload, &c); err != nil {
		return nil, errorf(CodeMalformed, "claims are not a json object")
	}
	return c, nil
}

// String returns a string claim. present is false when the claim is absent;
// ok is false when it is present but not a JSON string.
func (c Claims) String(name string) (v string, present, ok bool) {
	raw, present := c[name]
	if !present {
		return "", false, true
	}
	v, ok = decodeString(raw)
	return v, true, ok
}

// decodeString decodes a JSON string value; strings without escapes (the
// common case) are sliced, not run through the decoder.
func decodeString(raw json.RawMessage) (string, bool) {
	if len(raw) < 2 || raw[0] != '"' || raw[len(raw)-1] != '"' {
		return "", false
	}
	if bytes.IndexByte(raw, '\\') < 0 {
		return string(raw[1 : len(raw)-1]), true
	}
	var v string
	if err := json.Unmarshal(raw, &v); err != nil {
		return "", false
	}
	return v, true
}

// NumericDate returns a NumericDate claim (RFC 7519 §2): a JSON number of
// seconds, possibly fractional, between 0 and year 9999.
func (c Claims) NumericDate(name string) (t time.Time, present, ok bool) {
	raw, present := c[name]
	if !present {
		return time.Time{}, false, true
	}
	var f float64
	if len(raw) == 0 || !(raw[0] == '-' || raw[0] >= '0' && raw[0] <= '9') || json.Unmarshal(raw, &f) != nil {
		return time.Time{}, true, false
	}
	if math.IsNaN(f) || f < 0 || f > maxNumericDate {
		return time.Time{}, true, false
	}
	sec, frac := math.Modf(f)
	return time.Unix(int64(sec), int64(frac*1e9)).UTC(), true, true
}

// Object returns an object claim's members.
func (c Claims) Object(name string) (m map[string]json.RawMessage, present, ok bool) {
	raw, present := c[name]
	if !present {
		return nil, false, true
	}
	if len(raw) == 0 || raw[0] != '{' || json.Unmarshal(raw, &m) != nil {
		return nil, true, false
	}
	return m, true, true
}
