// Package eddsa holds the Ed25519 encoding rules (RFC 8032) that
// crypto/ed25519 leaves to its callers, for the keys and signatures this
// module verifies: canonical public keys, public keys of small order, and
// the range of S.
//
// # Which keys, and why
//
// A public key is refused when it is not canonically encoded (RFC 8032
// §5.1.3: decoding fails when y ≥ p, or when x = 0 and its sign bit is
// set; crypto/ed25519 decodes both) or when it is a point of small order:
// the identity and the other seven points of the 8-torsion subgroup, whose
// canonical encodings are SmallOrder. Their discrete logarithm is public
// (0 for the identity), so anyone can sign under them: with the identity,
// R = identity and S = 0 is a valid signature of every message; with the
// other seven, a signer grinds R until the challenge k is a multiple of the
// point's order (Forge). A confirmation key of small order turns a WIT into
// a bearer token, an issuer key of small order lets anyone mint WITs.
//
// The non-canonical encodings of small-order points (the identity as
// y = p + 1, or with the sign bit; the order-2 point with the sign bit; the
// order-4 points as y = p) are refused by the canonical rule, checked
// first; once an encoding is canonical, the eight encodings of SmallOrder
// are all the small-order points. Points of mixed order (a large-order
// point plus a torsion component) are not refused: nobody knows their
// discrete logarithm, so they allow no forgery; crypto/ed25519's
// cofactorless verification only makes some honest signatures under them
// fail, which hurts their owner alone.
//
// A signature whose S is not below L, the order of the base point, is
// invalid (RFC 8032 §5.1.7). crypto/ed25519 refuses it already; CanonicalS
// lets a verifier say why, and keeps the rule if the verifier changes.
package eddsa

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha512"
	"errors"
	"math/big"
	"strconv"
)

// Errors of CheckPublicKey.
var (
	// ErrNonCanonical: the encoding is not 32 bytes, its y is not reduced
	// mod p, or x = 0 with the sign bit set (RFC 8032 §5.1.3).
	ErrNonCanonical = errors.New("eddsa: Ed25519 public key is not canonically encoded")
	// ErrSmallOrder: the point is in the 8-torsion subgroup (the identity
	// included); anyone can sign under it.
	ErrSmallOrder = errors.New("eddsa: Ed25519 public key is a point of small order")
)

// SmallOrder are the canonical encodings of the eight points of small
// order, of order 1 (the identity, x = 0, y = 1), 2 (x = 0, y = -1), 4
// (y = 0, both signs of x) and 8 (four points).
var SmallOrder = [8][32]byte{
	{0x01},
	{0xec, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f},
	{},
	{31: 0x80},
	{0x26, 0xe8, 0x95, 0x8f, 0xc2, 0xb2, 0x27, 0xb0, 0x45, 0xc3, 0xf4, 0x89, 0xf2, 0xef, 0x98, 0xf0, 0xd5, 0xdf, 0xac, 0x05, 0xd3, 0xc6, 0x33, 0x39, 0xb1, 0x38, 0x02, 0x88, 0x6d, 0x53, 0xfc, 0x05},
	{0x26, 0xe8, 0x95, 0x8f, 0xc2, 0xb2, 0x27, 0xb0, 0x45, 0xc3, 0xf4, 0x89, 0xf2, 0xef, 0x98, 0xf0, 0xd5, 0xdf, 0xac, 0x05, 0xd3, 0xc6, 0x33, 0x39, 0xb1, 0x38, 0x02, 0x88, 0x6d, 0x53, 0xfc, 0x85},
	{0xc7, 0x17, 0x6a, 0x70, 0x3d, 0x4d, 0xd8, 0x4f, 0xba, 0x3c, 0x0b, 0x76, 0x0d, 0x10, 0x67, 0x0f, 0x2a, 0x20, 0x53, 0xfa, 0x2c, 0x39, 0xcc, 0xc6, 0x4e, 0xc7, 0xfd, 0x77, 0x92, 0xac, 0x03, 0x7a},
	{0xc7, 0x17, 0x6a, 0x70, 0x3d, 0x4d, 0xd8, 0x4f, 0xba, 0x3c, 0x0b, 0x76, 0x0d, 0x10, 0x67, 0x0f, 0x2a, 0x20, 0x53, 0xfa, 0x2c, 0x39, 0xcc, 0xc6, 0x4e, 0xc7, 0xfd, 0x77, 0x92, 0xac, 0x03, 0xfa},
}

// CheckPublicKey reports whether pub is a usable Ed25519 public key:
// ErrNonCanonical, then ErrSmallOrder, or nil.
func CheckPublicKey(pub []byte) error {
	if !Canonical(pub) {
		return ErrNonCanonical
	}
	if IsSmallOrder(pub) {
		return ErrSmallOrder
	}
	return nil
}

// Canonical reports whether pub is a 32-byte encoding whose y is below p
// and which does not set the sign bit of x = 0 (RFC 8032 §5.1.3).
func Canonical(pub []byte) bool {
	if len(pub) != ed25519.PublicKeySize {
		return false
	}
	// y ≥ p = 2^255 - 19: bytes 1..30 all 0xff, byte 31 0x7f without the
	// sign bit, byte 0 at least 0xed.
	top := pub[31] & 0x7f
	if top == 0x7f && pub[0] >= 0xed && allFF(pub[1:31]) {
		return false
	}
	// x = 0 exactly when y = 1 or y = p - 1 (y^2 = 1): then the sign bit
	// must be clear.
	if pub[31]&0x80 != 0 {
		y1 := pub[0] == 0x01 && allZero(pub[1:31]) && top == 0
		yMinus1 := pub[0] == 0xec && allFF(pub[1:31]) && top == 0x7f
		if y1 || yMinus1 {
			return false
		}
	}
	return true
}

// IsSmallOrder reports whether pub is the canonical encoding of a point of
// small order. Call it on canonical encodings (Canonical): it does not
// recognise the non-canonical ones.
func IsSmallOrder(pub []byte) bool {
	for _, s := range SmallOrder {
		if bytes.Equal(pub, s[:]) {
			return true
		}
	}
	return false
}

func allFF(b []byte) bool {
	for _, c := range b {
		if c != 0xff {
			return false
		}
	}
	return true
}

func allZero(b []byte) bool {
	for _, c := range b {
		if c != 0 {
			return false
		}
	}
	return true
}

// l is L, the order of the base point, little-endian.
var l = [32]byte{0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14, 31: 0x10}

// CanonicalS reports whether sig is 64 bytes whose S half (little-endian)
// is below L (RFC 8032 §5.1.7). It says nothing of whether sig verifies.
func CanonicalS(sig []byte) bool {
	if len(sig) != ed25519.SignatureSize {
		return false
	}
	s := sig[32:]
	for i := 31; i >= 0; i-- {
		switch {
		case s[i] < l[i]:
			return true
		case s[i] > l[i]:
			return false
		}
	}
	return false // S = L
}

// lInt is L as a number.
var lInt = leInt(l[:])

func leInt(b []byte) *big.Int {
	r := make([]byte, len(b))
	for i := range b {
		r[len(b)-1-i] = b[i]
	}
	return new(big.Int).SetBytes(r)
}

func putLE(dst []byte, n *big.Int) {
	be := n.FillBytes(make([]byte, len(dst)))
	for i := range be {
		dst[len(dst)-1-i] = be[i]
	}
}

// ReduceS returns a copy of the 64-byte sig with S reduced mod L: what a
// verifier that does not check the range of S computes with. Only the
// conformance self-test's mutants use it.
func ReduceS(sig []byte) []byte {
	out := append([]byte(nil), sig...)
	if len(out) != ed25519.SignatureSize {
		return out
	}
	putLE(out[32:], new(big.Int).Mod(leInt(out[32:]), lInt))
	return out
}

// AddL returns a copy of the 64-byte sig with L added to S: a signature
// that verifies once S is reduced, and is invalid by RFC 8032 §5.1.7 (test
// vectors only).
func AddL(sig []byte) []byte {
	out := append([]byte(nil), sig...)
	if len(out) != ed25519.SignatureSize {
		return out
	}
	putLE(out[32:], new(big.Int).Add(leInt(out[32:]), lInt))
	return out
}

// Forge returns a signature of msg that crypto/ed25519 verifies under pub,
// made without any private key, when pub decodes to a point of small order
// (any encoding crypto/ed25519 accepts, canonical or not); ok is false for
// any other key. It is deterministic. Test vectors only: it is the attack
// the checks of this package stop.
//
// It picks R = [a]B for a scalar a of its own and S = a mod L, so that
// [S]B - [k]A = R exactly when [k]A is the identity, k = SHA-512(R || A ||
// msg) mod L; for A of order n that holds when n divides k, so it tries
// new values of a until it does (n ≤ 8 tries on average). A cofactored
// verifier accepts every try.
func Forge(pub ed25519.PublicKey, msg []byte) (sig []byte, ok bool) {
	for i := 0; i < 512; i++ {
		h := sha512.New()
		h.Write([]byte("wimse eddsa forge\x00"))
		h.Write(pub)
		h.Write([]byte(strconv.Itoa(i) + "\x00"))
		h.Write(msg)
		seed := h.Sum(nil)[:ed25519.SeedSize]
		r := ed25519.NewKeyFromSeed(seed).Public().(ed25519.PublicKey)
		d := sha512.Sum512(seed)
		d[0] &= 248
		d[31] &= 127
		d[31] |= 64
		sig = make([]byte, ed25519.SignatureSize)
		copy(sig, r)
		putLE(sig[32:], new(big.Int).Mod(leInt(d[:32]), lInt))
		if ed25519.Verify(pub, msg, sig) {
			return sig, true
		}
	}
	return nil, false
}
