package audit

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"time"
)

// Checkpoint algorithms.
const (
	// AlgEd25519: an Ed25519 signature (RFC 8032) over the signed bytes.
	AlgEd25519 = "Ed25519"
	// AlgES256: an ECDSA P-256 signature over the SHA-256 of the signed
	// bytes, ASN.1 DER encoded.
	AlgES256 = "ES256"
)

// Checkpoint is a signed statement that the log's first Seq entries hash,
// as a chain, to Head. A checkpoint is itself an entry of the log (the one
// right after entry Seq), so deleting one breaks the chain like deleting a
// record. Keep the latest checkpoint somewhere the log's writer cannot
// rewrite too: only a checkpoint held outside the log detects that the
// log was cut short (VerifyOptions.Anchor). To store one, keep the line of
// its entry (Entry.MarshalText) and read it back with ParseEntry.
type Checkpoint struct {
	// Seq is the sequence number of the last entry covered.
	Seq uint64
	// Head is the Hash of entry Seq.
	Head Hash
	// Time is when the checkpoint was signed: its entry's Time.
	Time time.Time
	// Alg is AlgEd25519 or AlgES256.
	Alg string
	// KeyID is KeyID of the signing key's public key.
	KeyID string
	// Signature is over SignedBytes.
	Signature []byte
}

// signedPrefix separates checkpoint signatures from every other use of the
// key.
const signedPrefix = "wimse-audit-checkpoint-v1\n"

// SignedBytes returns the bytes the signature covers: a fixed context
// string, then the sequence number in decimal, the head in lower-case hex
// and the time in RFC 3339 (UTC, nanoseconds), each ended by a newline.
func (c Checkpoint) SignedBytes() []byte {
	b := []byte(signedPrefix)
	b = strconv.AppendUint(b, c.Seq, 10)
	b = append(b, '\n')
	b = append(b, c.Head.String()...)
	b = append(b, '\n')
	b = append(b, c.Time.UTC().Format(timeFormat)...)
	return append(b, '\n')
}

// KeyID returns the key ID of a checkpoint public key: the lower-case hex
// SHA-256 of its PKIX (SubjectPublicKeyInfo) DER encoding.
func KeyID(pub crypto.PublicKey) (string, error) {
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return "", fmt.Errorf("audit: checkpoint key: %w", err)
	}
	sum := sha256.Sum256(der)
	return hex.EncodeToString(sum[:]), nil
}

// algOf returns the checkpoint algorithm of a public key: Ed25519 and
// ECDSA P-256 are supported.
func algOf(pub crypto.PublicKey) (string, error) {
	switch k := pub.(type) {
	case ed25519.PublicKey:
		return AlgEd25519, nil
	case *ecdsa.PublicKey:
		if k.Curve == elliptic.P256() {
			return AlgES256, nil
		}
	}
	return "", fmt.Errorf("audit: checkpoint key %T: only Ed25519 and ECDSA P-256 are supported", pub)
}

// sign fills c's Alg, KeyID and Signature.
func (c *Checkpoint) sign(s crypto.Signer) error {
	pub := s.Public()
	alg, err := algOf(pub)
	if err != nil {
		return err
	}
	kid, err := KeyID(pub)
	if err != nil {
		return err
	}
	c.Alg, c.KeyID = alg, kid
	msg := c.SignedBytes()
	var sig []byte
	switch alg {
	case AlgEd25519:
		sig, err = s.Sign(rand.Reader, msg, crypto.Hash(0))
	case AlgES256:
		d := sha256.Sum256(msg)
		sig, err = s.Sign(rand.Reader, d[:], crypto.SHA256)
	}
	if err != nil {
		return fmt.Errorf("audit: signing checkpoint: %w", err)
	}
	c.Signature = sig
	return nil
}

// The errors of Checkpoint.Verify: no trusted key has the checkpoint's
// KeyID, or the signature does not verify with it.
var (
	ErrCheckpointKey       = errors.New("audit: checkpoint key is not trusted")
	ErrCheckpointSignature = errors.New("audit: checkpoint signature does not verify")
)

// Verify checks c's signature with the key among keys whose KeyID is
// c.KeyID; the key's algorithm must be c.Alg. It returns
// ErrCheckpointKey or ErrCheckpointSignature.
func (c Checkpoint) Verify(keys ...crypto.PublicKey) error {
	for _, k := range keys {
		kid, err := KeyID(k)
		if err != nil || kid != c.KeyID {
			continue
		}
		alg, err := algOf(k)
		if err != nil || alg != c.Alg {
			return ErrCheckpointSignature
		}
		msg := c.SignedBytes()
		ok := false
		switch alg {
		case AlgEd25519:
			ok = ed25519.Verify(k.(ed25519.PublicKey), msg, c.Signature)
		case AlgES256:
			d := sha256.Sum256(msg)
			ok = ecdsa.VerifyASN1(k.(*ecdsa.PublicKey), d[:], c.Signature)
		}
		if !ok {
			return ErrCheckpointSignature
		}
		return nil
	}
	return ErrCheckpointKey
}
