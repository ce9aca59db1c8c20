package rfc9421

import (
	"crypto/sha256"
	"crypto/sha512"
	"crypto/subtle"
	"fmt"
	"slices"

	"github.com/dunglas/httpsfv"
)

// ContentDigestField is the field of RFC 9530 §2.
const ContentDigestField = "Content-Digest"

// Digest algorithm keys of the Hash Algorithms for HTTP Digest Fields
// registry (RFC 9530 §7.2) implemented here; both are "Active".
const (
	DigestSHA256 = "sha-256"
	DigestSHA512 = "sha-512"
)

func digestOf(alg string, body []byte) ([]byte, bool) {
	switch alg {
	case DigestSHA256:
		d := sha256.Sum256(body)
		return d[:], true
	case DigestSHA512:
		d := sha512.Sum512(body)
		return d[:], true
	}
	return nil, false
}

// ContentDigest returns a Content-Digest field value for body (RFC 9530
// §2): a Dictionary with one Byte Sequence per algorithm, in the order
// given, duplicates dropped. With no algorithm it uses sha-256. The
// algorithms are DigestSHA256 and DigestSHA512; any other is a programming
// error and ContentDigest panics, as regexp.MustCompile does.
func ContentDigest(body []byte, algs ...string) string {
	if len(algs) == 0 {
		algs = []string{DigestSHA256}
	}
	d := httpsfv.NewDictionary()
	for i, alg := range algs {
		if slices.Contains(algs[:i], alg) {
			continue
		}
		sum, ok := digestOf(alg, body)
		if !ok {
			panic(fmt.Sprintf("rfc9421: ContentDigest: unsupported algorithm %q", alg))
		}
		d.Add(alg, httpsfv.NewItem(sum))
	}
	s, err := httpsfv.Marshal(d)
	if err != nil {
		panic(fmt.Sprintf("rfc9421: ContentDigest: %v", err)) // unreachable: keys and values are fixed
	}
	return s
}

// VerifyContentDigest checks a Content-Digest field value against body
// (RFC 9530 §2, §3): field is parsed as a Dictionary (combine several field
// lines with ", " first); algorithms other than sha-256 and sha-512 are
// ignored; at least one of those must be present, and every one present
// must be a Byte Sequence equal to the digest of body. Errors wrap
// ErrMalformed (not a Dictionary, or a supported member that is not a Byte
// Sequence), ErrUnsupportedAlgorithm (no supported algorithm) or
// ErrDigestMismatch.
func VerifyContentDigest(field string, body []byte) error {
	d, err := httpsfv.UnmarshalDictionary([]string{field})
	if err != nil {
		return fmt.Errorf("%w: Content-Digest: %w", ErrMalformed, err)
	}
	checked := 0
	for _, alg := range d.Names() {
		want, ok := digestOf(alg, body)
		if !ok {
			continue
		}
		m, _ := d.Get(alg)
		it, isItem := m.(httpsfv.Item)
		got, isBytes := it.Value.([]byte)
		if !isItem || !isBytes {
			return fmt.Errorf("%w: Content-Digest %s is not a Byte Sequence", ErrMalformed, alg)
		}
		if subtle.ConstantTimeCompare(got, want) != 1 {
			return fmt.Errorf("%w: %s", ErrDigestMismatch, alg)
		}
		checked++
	}
	if checked == 0 {
		return fmt.Errorf("%w: Content-Digest has no sha-256 or sha-512 member", ErrUnsupportedAlgorithm)
	}
	return nil
}
