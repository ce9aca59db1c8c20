package audit

import (
	"fmt"
	"regexp"
	"time"

	"github.com/wimse-wg/wimse/wimse"
)

// Decision is what the STS decided. It is a closed set: Log.Append refuses
// any other value.
type Decision string

// The decisions an audit record can carry.
const (
	// Issued: a token was issued (RFC 8693 §2.2.1).
	Issued Decision = "issued"
	// Denied: a request was refused (RFC 8693 §2.2.2, RFC 6749 §5.2);
	// Record.Reason says why.
	Denied Decision = "denied"
	// Revoked: a token was revoked (RFC 7009); Record.JTI names it.
	Revoked Decision = "revoked"
	// KeyRotated: the STS's signing key changed; Record.KeyID names the
	// new current key.
	KeyRotated Decision = "key_rotated"
)

func (d Decision) valid() bool {
	switch d {
	case Issued, Denied, Revoked, KeyRotated:
		return true
	}
	return false
}

// Client is the authenticated client of the request.
type Client struct {
	// ID is the client's identity: its Workload Identifier for the spiffe_*
	// methods, its client_id otherwise. Zero when the client did not
	// authenticate.
	ID Label `json:"id,omitzero"`
	// Method is the client authentication method that succeeded
	// (spiffe_wit, spiffe_jwt, spiffe_x509, private_key_jwt,
	// client_secret_basic, client_secret_post), or zero.
	Method Label `json:"method,omitzero"`
}

// Subject is the subject of the subject token: its iss and sub claims.
type Subject struct {
	Issuer Label `json:"iss,omitzero"`
	Sub    Label `json:"sub,omitzero"`
}

// Grant is a set of targets and scopes: what the client asked for, or what
// the STS granted.
type Grant struct {
	// Audience is the audience parameter (RFC 8693 §2.1) or the issued
	// token's aud.
	Audience []Label `json:"aud,omitempty"`
	// Resource is the resource parameter (RFC 8707 §2).
	Resource []Label `json:"resource,omitempty"`
	// Scope holds the scope values (RFC 6749 §3.3), one per Label.
	Scope []Label `json:"scope,omitempty"`
}

// Record is one audited decision. It has no place for a token: every
// free-form value is a Label, and a Label is never a JWS or JWE. The log
// stamps the time (Entry.Time).
type Record struct {
	Decision Decision
	// Reason is the stable reason code of a denial (or of a revocation or
	// rotation, where there is one); empty otherwise.
	Reason wimse.Reason
	Client Client
	// Subject is the subject token's iss and sub.
	Subject Subject
	// Actors is the actor chain, the current actor first (the outermost
	// act claim, RFC 8693 §4.1), then the earlier ones.
	Actors    []Label
	Requested Grant
	Granted   Grant
	// JTI is the jti of the issued token (Issued) or of the revoked one
	// (Revoked).
	JTI Label
	// Lifetime is the issued token's lifetime, recorded in whole seconds
	// (rounded down).
	Lifetime time.Duration
	// KeyID is the key ID (kid) of the new signing key (KeyRotated).
	KeyID Label
}

// reasonPattern is the shape of every wimse.Reason: dotted lower-case
// words. A Reason is a string type, so Log.Append checks the shape: a
// token cannot be slipped in through a conversion.
var reasonPattern = regexp.MustCompile(`^[a-z0-9_]{1,32}(\.[a-z0-9_]{1,48}){1,3}$`)

// validate checks what the types cannot: the closed Decision set, the
// shape of Reason and a non-negative Lifetime. Labels are valid by
// construction.
func (r *Record) validate() error {
	if !r.Decision.valid() {
		return fmt.Errorf("%w: unknown decision %q", ErrInvalidRecord, truncate(string(r.Decision)))
	}
	if r.Reason != "" && !reasonPattern.MatchString(string(r.Reason)) {
		return fmt.Errorf("%w: reason %q is not a reason code", ErrInvalidRecord, truncate(string(r.Reason)))
	}
	if r.Lifetime < 0 {
		return fmt.Errorf("%w: negative lifetime", ErrInvalidRecord)
	}
	return nil
}

// truncate shortens a refused value before it goes into an error message,
// so a token passed by mistake is not copied whole into logs.
func truncate(s string) string {
	if len(s) > 16 {
		return s[:16] + "..."
	}
	return s
}
