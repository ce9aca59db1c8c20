package confirmation

import (
	"crypto"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"

	"github.com/wimse-wg/wimse/wimse"
)

// Proof reports whether what the presenter of a token proved possession of,
// for this request, satisfies the token's cnf claim c; the zero c means
// the token has none. It returns nil or a *wimse.Error with a cnf.* reason.
// Proofs are built from an already verified result (a DPoP proof's key, a
// TLS client certificate, a WIT's key with its WPT verified) and are safe
// for concurrent use.
type Proof func(c Claim) error

// Key is the proof of possession of the private key of pub: the jwk of a
// verified DPoP proof (RFC 9449 §7.1: jkt must be its thumbprint), or a
// WIMSE workload's key (cnf.jwk of its WIT, whose proof verified). It
// accepts a jkt claim equal to pub's thumbprint and a jwk claim naming pub.
func Key(pub crypto.PublicKey) Proof {
	tp, err := Thumbprint(pub)
	return func(c Claim) error {
		switch {
		case c.IsZero():
			return wimse.Errorf(wimse.ReasonCnfMissing, "cnf: a key was proven but the token is not sender-constrained")
		case err != nil:
			return err
		case c.method != MethodJKT && c.method != MethodJWK:
			return wimse.Errorf(wimse.ReasonCnfMismatch, "cnf: token is bound by %s, not by a key", c.method)
		case !equal(c.value, tp):
			return wimse.Errorf(wimse.ReasonCnfMismatch, "cnf: the proven key is not the one the token is bound to")
		}
		return nil
	}
}

// Certificate is the proof of possession of the private key of leaf, the
// client certificate of a mutual TLS connection (RFC 8705 §3): it accepts
// an x5t#S256 claim equal to the certificate's SHA-256 hash.
func Certificate(leaf *x509.Certificate) Proof {
	sum := sha256.Sum256(leaf.Raw)
	want := base64.RawURLEncoding.EncodeToString(sum[:])
	return func(c Claim) error {
		switch {
		case c.IsZero():
			return wimse.Errorf(wimse.ReasonCnfMissing, "cnf: a certificate was proven but the token is not sender-constrained")
		case c.method != MethodX5TS256:
			return wimse.Errorf(wimse.ReasonCnfMismatch, "cnf: token is bound by %s, not by a certificate", c.method)
		case !equal(c.value, want):
			return wimse.Errorf(wimse.ReasonCnfMismatch, "cnf: the client certificate is not the one the token is bound to")
		}
		return nil
	}
}

// Confirm checks c against proof, the token's presentation: with no proof
// (nil) a token with cnf is cnf.unconfirmed and a bearer token passes;
// with one, proof decides.
func Confirm(c Claim, proof Proof) error {
	if proof == nil {
		if !c.IsZero() {
			return wimse.Errorf(wimse.ReasonCnfUnconfirmed, "cnf: the token is bound by %s but was presented without a proof of possession", c.method)
		}
		return nil
	}
	return proof(c)
}
