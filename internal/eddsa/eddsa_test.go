package eddsa

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"math/big"
	"testing"
)

// A reference edwards25519 in math/big, slow and obviously right: RFC 8032
// §5.1.3 decoding and affine addition, to check the byte-level rules
// against.

var (
	refP = new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 255), big.NewInt(19))
	refD = func() *big.Int {
		d := new(big.Int).ModInverse(big.NewInt(121666), refP)
		d.Mul(d, big.NewInt(-121665))
		return d.Mod(d, refP)
	}()
	refSqm1 = new(big.Int).Exp(big.NewInt(2), new(big.Int).Div(new(big.Int).Sub(refP, big.NewInt(1)), big.NewInt(4)), refP)
)

type refPoint struct{ x, y *big.Int }

func mod(n *big.Int) *big.Int { return n.Mod(n, refP) }

// refDecode decodes b as crypto/ed25519 does (y taken mod p, any sign bit
// honoured), and says whether RFC 8032 §5.1.3 calls the encoding
// canonical. ok is false when no point has that y.
func refDecode(b []byte) (pt refPoint, canonical, ok bool) {
	n := leInt(b)
	sign := n.Bit(255)
	y := new(big.Int).SetBit(n, 255, 0)
	canonical = y.Cmp(refP) < 0
	y = mod(y)
	y2 := mod(new(big.Int).Mul(y, y))
	u := mod(new(big.Int).Sub(y2, big.NewInt(1)))
	v := mod(new(big.Int).Add(new(big.Int).Mul(refD, y2), big.NewInt(1)))
	x2 := mod(new(big.Int).Mul(u, new(big.Int).ModInverse(v, refP)))
	x := new(big.Int).Exp(x2, new(big.Int).Div(new(big.Int).Add(refP, big.NewInt(3)), big.NewInt(8)), refP)
	if mod(new(big.Int).Mul(x, x)).Cmp(x2) != 0 {
		x = mod(x.Mul(x, refSqm1))
	}
	if mod(new(big.Int).Mul(x, x)).Cmp(x2) != 0 {
		return refPoint{}, canonical, false // no point has this y
	}
	if x.Sign() == 0 && sign == 1 {
		canonical = false
	}
	if x.Bit(0) != sign {
		x = mod(x.Neg(x))
	}
	return refPoint{x, y}, canonical, true
}

func refAdd(a, b refPoint) refPoint {
	t := mod(new(big.Int).Mul(new(big.Int).Mul(refD, new(big.Int).Mul(a.x, b.x)), new(big.Int).Mul(a.y, b.y)))
	xn := mod(new(big.Int).Add(new(big.Int).Mul(a.x, b.y), new(big.Int).Mul(a.y, b.x)))
	yn := mod(new(big.Int).Add(new(big.Int).Mul(a.y, b.y), new(big.Int).Mul(a.x, b.x)))
	xd := new(big.Int).ModInverse(mod(new(big.Int).Add(big.NewInt(1), t)), refP)
	yd := new(big.Int).ModInverse(mod(new(big.Int).Sub(big.NewInt(1), t)), refP)
	return refPoint{mod(xn.Mul(xn, xd)), mod(yn.Mul(yn, yd))}
}

func (p refPoint) isIdentity() bool { return p.x.Sign() == 0 && p.y.Cmp(big.NewInt(1)) == 0 }

// refOrder returns the order of p if it divides 8, else 0.
func refOrder(p refPoint) int {
	q := p
	for n := 1; n <= 8; n++ {
		if q.isIdentity() {
			return n
		}
		q = refAdd(q, p)
	}
	return 0
}

// refSmallOrder: [8]p is the identity.
func refSmallOrder(p refPoint) bool { return refOrder(p) != 0 }

// TestSmallOrderIsTheTorsionSubgroup: the eight encodings decode, are
// canonical, are distinct points of order 1, 2, 4, 4, 8, 8, 8, 8, so they
// are all of the 8-torsion subgroup (which has eight elements).
func TestSmallOrderIsTheTorsionSubgroup(t *testing.T) {
	want := []int{1, 2, 4, 4, 8, 8, 8, 8}
	seen := map[string]bool{}
	for i, s := range SmallOrder {
		pt, canonical, ok := refDecode(s[:])
		if !ok || !canonical {
			t.Fatalf("SmallOrder[%d] %x: decodes %v, canonical %v", i, s, ok, canonical)
		}
		if got := refOrder(pt); got != want[i] {
			t.Errorf("SmallOrder[%d] %x: order %d, want %d", i, s, got, want[i])
		}
		k := pt.x.String() + "," + pt.y.String()
		if seen[k] {
			t.Errorf("SmallOrder[%d] repeats a point", i)
		}
		seen[k] = true
	}
}

func mustHex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestCheckPublicKey: every non-canonical encoding of a small-order point
// (each y ≥ p that decodes, both signs; x = 0 with the sign bit) is
// ErrNonCanonical, the canonical small-order ones ErrSmallOrder, a
// non-canonical encoding of a large-order point ErrNonCanonical, and
// ordinary keys pass; each verdict agrees with the math/big reference.
func TestCheckPublicKey(t *testing.T) {
	var cases [][]byte
	for _, s := range SmallOrder {
		cases = append(cases, append([]byte(nil), s[:]...))
	}
	// Every y in [p, 2^255) with both signs: the only room for y ≥ p.
	for t0 := 0; t0 < 19; t0++ {
		for _, sign := range []byte{0, 0x80} {
			b := make([]byte, 32)
			putLE(b, new(big.Int).Add(refP, big.NewInt(int64(t0))))
			b[31] |= sign
			cases = append(cases, b)
		}
	}
	// x = 0 with the sign bit: the identity and the order-2 point.
	cases = append(cases, mustHex(t, "0100000000000000000000000000000000000000000000000000000000000080"),
		mustHex(t, "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"))
	for i := 0; i < 64; i++ {
		seed := sha256.Sum256([]byte{byte(i)})
		cases = append(cases, ed25519.NewKeyFromSeed(seed[:]).Public().(ed25519.PublicKey))
	}
	for _, c := range cases {
		pt, canonical, ok := refDecode(c)
		var want error
		switch {
		case !canonical:
			want = ErrNonCanonical
		case ok && refSmallOrder(pt):
			want = ErrSmallOrder
		}
		if !ok && canonical {
			continue // not a point: crypto/ed25519 refuses it, nothing to decide here
		}
		if got := CheckPublicKey(c); !errors.Is(got, want) || (want == nil && got != nil) {
			t.Errorf("CheckPublicKey(%x) = %v, want %v", c, got, want)
		}
	}
	if CheckPublicKey(make([]byte, 31)) != ErrNonCanonical {
		t.Error("a 31-byte key is not refused")
	}
}

// FuzzCheckPublicKey: on any 32 bytes that decode to a point, CheckPublicKey
// agrees with the reference: non-canonical first, then small order.
func FuzzCheckPublicKey(f *testing.F) {
	for _, s := range SmallOrder {
		f.Add(s[:])
	}
	f.Add(mustHex(f, "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"))
	f.Add(mustHex(f, "f0ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"))
	f.Fuzz(func(t *testing.T, b []byte) {
		err := CheckPublicKey(b)
		if len(b) != 32 {
			if err != ErrNonCanonical {
				t.Fatalf("%d bytes: %v", len(b), err)
			}
			return
		}
		pt, canonical, ok := refDecode(b)
		switch {
		case !canonical && err != ErrNonCanonical:
			t.Fatalf("%x: non-canonical, got %v", b, err)
		case canonical && ok && refSmallOrder(pt) && err != ErrSmallOrder:
			t.Fatalf("%x: small order, got %v", b, err)
		case canonical && ok && !refSmallOrder(pt) && err != nil:
			t.Fatalf("%x: ordinary point, got %v", b, err)
		}
	})
}

// TestCanonicalS: S in [0, L) passes, S ≥ L does not, at the boundaries.
func TestCanonicalS(t *testing.T) {
	sig := func(s *big.Int) []byte {
		b := make([]byte, 64)
		putLE(b[32:], s)
		return b
	}
	one := big.NewInt(1)
	max := new(big.Int).Sub(new(big.Int).Lsh(one, 256), one)
	for _, tc := range []struct {
		s    *big.Int
		want bool
	}{
		{big.NewInt(0), true},
		{new(big.Int).Sub(lInt, one), true},
		{lInt, false},
		{new(big.Int).Add(lInt, one), false},
		{new(big.Int).Lsh(one, 253), false},
		{max, false},
	} {
		if got := CanonicalS(sig(tc.s)); got != tc.want {
			t.Errorf("CanonicalS(S = %v) = %v, want %v", tc.s, got, tc.want)
		}
	}
	if CanonicalS(make([]byte, 63)) {
		t.Error("a 63-byte signature passes")
	}
}

// TestAddLReduceS: a real signature with L added to S is refused by
// crypto/ed25519 and by CanonicalS, and verifies again once reduced.
func TestAddLReduceS(t *testing.T) {
	seed := sha256.Sum256([]byte("s"))
	k := ed25519.NewKeyFromSeed(seed[:])
	msg := []byte("message")
	sig := ed25519.Sign(k, msg)
	bad := AddL(sig)
	if ed25519.Verify(k.Public().(ed25519.PublicKey), msg, bad) || CanonicalS(bad) {
		t.Fatal("S + L passes")
	}
	if r := ReduceS(bad); !ed25519.Verify(k.Public().(ed25519.PublicKey), msg, r) || string(r) != string(sig) {
		t.Fatal("ReduceS(S + L) is not the original signature")
	}
}

// TestForge: a signature forged without a private key verifies under each
// small-order point, in every encoding crypto/ed25519 decodes to one, and
// Forge gives up on an ordinary key.
func TestForge(t *testing.T) {
	keys := [][]byte{}
	for _, s := range SmallOrder {
		keys = append(keys, append([]byte(nil), s[:]...))
	}
	for _, h := range []string{
		"eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
		"0100000000000000000000000000000000000000000000000000000000000080",
		"ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
		"edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
		"edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
		"eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
	} {
		keys = append(keys, mustHex(t, h))
	}
	for _, k := range keys {
		for _, msg := range []string{"a", "b", "c"} {
			sig, ok := Forge(k, []byte(msg))
			if !ok || !ed25519.Verify(k, []byte(msg), sig) || !CanonicalS(sig) {
				t.Errorf("Forge(%x, %q) = %x, %v", k, msg, sig, ok)
			}
		}
	}
	seed := sha256.Sum256([]byte("ordinary"))
	if _, ok := Forge(ed25519.NewKeyFromSeed(seed[:]).Public().(ed25519.PublicKey), []byte("a")); ok {
		t.Error("Forge forged a signature under an ordinary key")
	}
}
