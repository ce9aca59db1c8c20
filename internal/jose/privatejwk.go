package jose

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"math/big"
	"slices"
)

// privateKeyMembers are the key-type members of a private JWK of each
// supported kty (RFC 7518 §6.2, §6.3; RFC 8037 §2). A private member of
// another key type (an RSA "p" in an EC key, "k" anywhere) is refused: it
// means the file is not the key it claims to be.
var privateKeyMembers = map[string][]string{
	"EC":  {"crv", "x", "y", "d"},
	"OKP": {"crv", "x", "d"},
	"RSA": {"n", "e", "d", "p", "q", "dp", "dq", "qi"},
}

// ParsePrivateJWK parses one private JWK strictly and returns the signer
// and its alg and kid members ("" when absent):
//
//   - the input is exactly one JSON object, valid UTF-8, whose member names
//     are unique (a JWK Set is refused);
//   - kty is EC (P-256, P-384, P-521), OKP (Ed25519) or RSA; "oct" is a
//     symmetric key (CodeKeyPrivate);
//   - the private part is present and consistent with the public part: an
//     EC d in [1, n-1] of the curve's exact length whose public point is
//     (x, y); an Ed25519 d of 32 octets whose public key is x; an RSA key
//     with n, e, d, p and q (and dp, dq, qi, all three or none, equal to
//     the values they are derived from) that crypto/rsa validates; the
//     multi-prime "oth" member and private members of other key types are
//     refused;
//   - every key-type value is strict base64url without padding;
//   - alg, when present, is a supported algorithm that fits the key; with
//     or without it the key passes CheckKey under its algorithm (the
//     default of AlgForKey when alg is absent): the curve, RSA of at least
//     MinRSABits, an Ed25519 key canonical and not of small order;
//   - use and key_ops, when present, allow signing (use "sig", key_ops
//     listing "sign", no value twice) (RFC 7517 §4.2, §4.3).
//
// Other members (such as x5c or ext) are ignored, as RFC 7517 §4 asks.
// Failures are *Error values.
func ParsePrivateJWK(data []byte) (crypto.Signer, string, string, error) {
	if err := checkObject(data); err != nil {
		return nil, "", "", jsonError("private jwk", err)
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, "", "", errorf(CodeMalformed, "private jwk is not a json object")
	}
	if _, ok := m["keys"]; ok {
		return nil, "", "", errorf(CodeKey, "private jwk is a JWK Set, not one key")
	}
	kty, err := stringMember(m, "kty", true)
	if err != nil {
		return nil, "", "", err
	}
	alg, err := stringMember(m, "alg", false)
	if err != nil {
		return nil, "", "", errorf(CodeKeyAlg, "private jwk alg is not a string")
	}
	kid, err := stringMember(m, "kid", false)
	if err != nil {
		return nil, "", "", err
	}
	if kty == "oct" {
		return nil, "", "", errorf(CodeKeyPrivate, "private jwk is a symmetric key")
	}
	own, ok := privateKeyMembers[kty]
	if !ok {
		return nil, "", "", errorf(CodeKey, "private jwk kty %q is not EC, OKP or RSA", kty)
	}
	if _, ok := m["d"]; !ok {
		return nil, "", "", errorf(CodeKey, "jwk has no private part (d): it is a public key")
	}
	for _, p := range privateMembers {
		if _, ok := m[p]; ok && !slices.Contains(own, p) {
			if p == "oth" {
				return nil, "", "", errorf(CodeKey, "multi-prime RSA keys (oth) are not supported")
			}
			return nil, "", "", errorf(CodeKeyPrivate, "private jwk of kty %s has the member %q of another key type", kty, p)
		}
	}
	if err := checkSignUse(m); err != nil {
		return nil, "", "", err
	}
	var signer crypto.Signer
	switch kty {
	case "EC":
		signer, err = parseECPrivate(m)
	case "OKP":
		signer, err = parseOKPPrivate(m)
	default:
		signer, err = parseRSAPrivate(m)
	}
	if err != nil {
		return nil, "", "", err
	}
	if _, present := m["alg"]; present && !IsSupported(alg) {
		return nil, "", "", errorf(CodeKeyAlg, "private jwk alg %q is not supported", alg)
	}
	checkAlg := alg
	if checkAlg == "" {
		checkAlg = AlgForKey(signer.Public())
	}
	if err := CheckKey(checkAlg, signer.Public()); err != nil {
		return nil, "", "", err
	}
	return signer, alg, kid, nil
}

// stringMember reads member name of m as a string; "" when absent and not
// required.
func stringMember(m map[string]json.RawMessage, name string, required bool) (string, error) {
	raw, ok := m[name]
	if !ok {
		if required {
			return "", errorf(CodeKey, "jwk %s is missing", name)
		}
		return "", nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil || string(raw) == "null" {
		return "", errorf(CodeKey, "jwk %s is not a string", name)
	}
	return s, nil
}

// checkSignUse refuses a private key whose use or key_ops does not allow
// signing (RFC 7517 §4.2, §4.3).
func checkSignUse(m map[string]json.RawMessage) error {
	if _, ok := m["use"]; ok {
		use, err := stringMember(m, "use", true)
		if err != nil {
			return errorf(CodeKeyUse, "jwk use is not a string")
		}
		if use != "sig" {
			return errorf(CodeKeyUse, "jwk use %q is not sig", use)
		}
	}
	if raw, ok := m["key_ops"]; ok {
		var ops []string
		if err := json.Unmarshal(raw, &ops); err != nil || ops == nil {
			return errorf(CodeKeyUse, "jwk key_ops is not an array of strings")
		}
		seen := map[string]bool{}
		for _, op := range ops {
			if seen[op] {
				return errorf(CodeKeyUse, "jwk key_ops repeats %q", op)
			}
			seen[op] = true
		}
		if !seen["sign"] {
			return errorf(CodeKeyUse, "jwk key_ops %q does not allow sign", ops)
		}
	}
	return nil
}

// octets decodes member name of m, strict base64url without padding;
// size > 0 requires exactly that many octets.
func octets(m map[string]json.RawMessage, name string, size int) ([]byte, error) {
	s, err := stringMember(m, name, true)
	if err != nil {
		return nil, err
	}
	b, err := base64.RawURLEncoding.Strict().DecodeString(s)
	switch {
	case err != nil:
		return nil, errorf(CodeKey, "jwk %s is not base64url", name)
	case size > 0 && len(b) != size:
		return nil, errorf(CodeKey, "jwk %s is not %d octets", name, size)
	case len(b) == 0:
		return nil, errorf(CodeKey, "jwk %s is empty", name)
	}
	return b, nil
}

// parseECPrivate reads an EC private key (RFC 7518 §6.2.2.1: d has the
// curve order's exact length) and requires (x, y) to be d's public point.
func parseECPrivate(m map[string]json.RawMessage) (crypto.Signer, error) {
	pub, err := parseCurveKey("EC", m, nil)
	if err != nil {
		return nil, err
	}
	curve := pub.(*ecdsa.PublicKey).Curve
	d, err := octets(m, "d", (curve.Params().N.BitLen()+7)/8)
	if err != nil {
		return nil, err
	}
	key, err := ecdsa.ParseRawPrivateKey(curve, d)
	if err != nil {
		return nil, errorf(CodeKey, "jwk d is not a private key on %s", curve.Params().Name)
	}
	if !key.PublicKey.Equal(pub) {
		return nil, errorf(CodeKey, "jwk x and y are not the public key of d")
	}
	return key, nil
}

// parseOKPPrivate reads an Ed25519 private key (RFC 8037 §2: d is the
// 32-octet seed) and requires x to be its public key.
func parseOKPPrivate(m map[string]json.RawMessage) (crypto.Signer, error) {
	crv, err := stringMember(m, "crv", true)
	if err != nil {
		return nil, err
	}
	if crv != "Ed25519" {
		return nil, errorf(CodeKey, "unsupported OKP curve %q", crv)
	}
	x, err := octets(m, "x", ed25519.PublicKeySize)
	if err != nil {
		return nil, err
	}
	d, err := octets(m, "d", ed25519.SeedSize)
	if err != nil {
		return nil, err
	}
	key := ed25519.NewKeyFromSeed(d)
	if subtle.ConstantTimeCompare(key.Public().(ed25519.PublicKey), x) != 1 {
		return nil, errorf(CodeKey, "jwk x is not the public key of d")
	}
	return key, nil
}

// parseRSAPrivate reads a two-prime RSA private key (RFC 7518 §6.3.2). The
// primes are required (crypto/rsa signs with them); dp, dq and qi are
// optional as a group and must equal the values derived from d, p and q.
func parseRSAPrivate(m map[string]json.RawMessage) (crypto.Signer, error) {
	num := func(name string) (*big.Int, error) {
		b, err := octets(m, name, 0)
		if err != nil {
			return nil, err
		}
		if b[0] == 0 {
			return nil, errorf(CodeKey, "jwk %s has a leading zero octet", name)
		}
		return new(big.Int).SetBytes(b), nil
	}
	var v [5]*big.Int
	for i, name := range []string{"n", "e", "d", "p", "q"} {
		if _, ok := m[name]; !ok && (name == "p" || name == "q") {
			return nil, errorf(CodeKey, "rsa private jwk without p and q is not supported")
		}
		x, err := num(name)
		if err != nil {
			return nil, err
		}
		v[i] = x
	}
	n, e, d, p, q := v[0], v[1], v[2], v[3], v[4]
	if !e.IsInt64() || e.Int64() > 1<<31-1 {
		return nil, errorf(CodeKey, "jwk e is out of range")
	}
	key := &rsa.PrivateKey{PublicKey: rsa.PublicKey{N: n, E: int(e.Int64())}, D: d, Primes: []*big.Int{p, q}}
	if key.N.BitLen() < MinRSABits {
		// Checked before Validate, which is slow on huge inputs and
		// pointless on small ones.
		return nil, errorf(CodeKey, "rsa key of %d bits is below %d", key.N.BitLen(), MinRSABits)
	}
	if key.N.BitLen() > 8192 {
		return nil, errorf(CodeKey, "rsa key of %d bits is above 8192", key.N.BitLen())
	}
	if err := key.Validate(); err != nil {
		return nil, errorf(CodeKey, "rsa private jwk is inconsistent: %v", err)
	}
	key.Precompute()
	crt := 0
	for _, name := range []string{"dp", "dq", "qi"} {
		if _, ok := m[name]; ok {
			crt++
		}
	}
	switch crt {
	case 0:
	case 3:
		for _, c := range []struct {
			name string
			want *big.Int
		}{{"dp", key.Precomputed.Dp}, {"dq", key.Precomputed.Dq}, {"qi", key.Precomputed.Qinv}} {
			got, err := num(c.name)
			if err != nil {
				return nil, err
			}
			if got.Cmp(c.want) != 0 {
				return nil, errorf(CodeKey, "jwk %s does not match d, p and q", c.name)
			}
		}
	default:
		return nil, errorf(CodeKey, "jwk dp, dq and qi must be present together (RFC 7518 §6.3.2)")
	}
	return key, nil
}
