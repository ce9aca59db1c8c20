package delegation

import (
	"encoding/json"

	"github.com/wimse-wg/wimse/internal/jose"
	"github.com/wimse-wg/wimse/wimse"
)

// MayAct is a may_act claim: the party authorized to act for the token's
// subject (RFC 8693 §4.4).
type MayAct struct {
	// Actor identifies the authorized party (sub required, iss optional).
	Actor Actor
}

// ParseMayAct reads the value of a may_act claim: one JSON object with a
// non-empty sub, an optional iss, and no exp, nbf, aud or act. Failures
// are *wimse.Error with a may_act.* reason.
func ParseMayAct(raw []byte) (MayAct, error) {
	if err := jose.CheckObject(raw); err != nil {
		return MayAct{}, wimse.Errorf(wimse.ReasonMayActMalformed, "may_act: %s", err.Error())
	}
	a, _, err := parseActor(raw, mayActReasons, 0)
	if err != nil {
		return MayAct{}, err
	}
	return MayAct{Actor: a}, nil
}

// Permits reports whether actor may act for the subject of the token that
// carries m (RFC 8693 §4.4): its sub equals m's, and, when m names an iss,
// its iss equals that too. Strings are compared exactly. A refusal is a
// *wimse.Error with may_act.mismatch.
func (m MayAct) Permits(actor Actor) error {
	switch {
	case m.Actor.Subject == "":
		return wimse.Errorf(wimse.ReasonMayActSubMissing, "may_act: names no sub")
	case actor.Subject != m.Actor.Subject:
		return wimse.Errorf(wimse.ReasonMayActMismatch, "may_act: actor sub %q is not the authorized %q", actor.Subject, m.Actor.Subject)
	case m.Actor.Issuer != "" && actor.Issuer != m.Actor.Issuer:
		return wimse.Errorf(wimse.ReasonMayActMismatch, "may_act: actor iss %q is not the authorized %q", actor.Issuer, m.Actor.Issuer)
	}
	return nil
}

// MarshalJSON writes the may_act object.
func (m MayAct) MarshalJSON() ([]byte, error) {
	o, err := m.Actor.object()
	if err != nil {
		return nil, err
	}
	return json.Marshal(o)
}

// UnmarshalJSON reads a may_act claim with ParseMayAct.
func (m *MayAct) UnmarshalJSON(data []byte) error {
	v, err := ParseMayAct(data)
	if err != nil {
		return err
	}
	*m = v
	return nil
}
