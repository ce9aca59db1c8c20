package exchange

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/wimse-wg/wimse/internal/mutant"
	"github.com/wimse-wg/wimse/tokens/delegation"
	"github.com/wimse-wg/wimse/tokens/oauth"
)

// Mutant hooks: the conformance self-test of the reference STS
// (interop/sts SelfTest) switches single checks of the Handler off
// (internal/mutant.ExchangeChecks), so that the token endpoint vectors can
// prove they catch each one. The Set rides on the Handler under an
// unexported embedded field that only internal/mutant reaches; outside
// this module it is always empty, and every hook costs one nil check.

// mutantHook names the embedded field so that it stays unexported.
//
//lint:ignore U1000 the type of the Handler's embedded field
type mutantHook = mutant.Hook

// Keys of the Handler's mutable checks (internal/mutant.ExchangeChecks).
const (
	mutGrantType  = "exchange.grant_type"
	mutMayAct     = "may_act.mismatch"
	mutRepeated   = "sts.repeated_parameter"
	mutActorPair  = "sts.actor_pair"
	mutClientAuth = "sts.client_authentication"
	mutOneMethod  = "sts.one_auth_method"
	mutSubject    = "sts.subject_token"
	mutActor      = "sts.actor_token"
	mutActChain   = "sts.act_chain"
	mutNoStore    = "sts.no_store"
	mutChallenge  = "sts.challenge"
	// mutDPoPProof: a DPoP proof that fails verification is ignored (the
	// token issued unbound); mutDPoPBinding: every proof is ignored.
	mutDPoPProof   = "sts.dpop_proof"
	mutDPoPBinding = "sts.dpop_binding"
	// mutX509Audience: a subject token of type mtls is exchanged without
	// the audience its profile requires.
	mutX509Audience = "exchange.audience_required"
)

// mutateForm applies the form mutants before ParseRequest: repeated
// parameters read from their first value, any grant_type read as token
// exchange, a lone actor_token or actor_token_type ignored.
func mutateForm(form url.Values, m *mutant.Set) {
	if m == nil {
		return
	}
	if m.Off(mutRepeated) {
		for k, vs := range form {
			if len(vs) > 1 && !multiValued(k) {
				form[k] = vs[:1]
			}
		}
	}
	if g := form.Get(ParamGrantType); m.Off(mutGrantType) && g != "" && g != oauth.GrantTypeTokenExchange {
		form.Set(ParamGrantType, oauth.GrantTypeTokenExchange)
	}
	if m.Off(mutActorPair) && (form.Get(ParamActorToken) == "") != (form.Get(ParamActorTokenType) == "") {
		form.Del(ParamActorToken)
		form.Del(ParamActorTokenType)
	}
}

// mutateAuth, before client authentication: with the Authorization field
// present, the body's client credentials are ignored (two methods in one
// request go unnoticed).
func mutateAuth(r *http.Request, m *mutant.Set) {
	if m.Off(mutOneMethod) && r.Header.Get("Authorization") != "" {
		r.PostForm.Del(ParamClientSecret)
		r.PostForm.Del(ParamClientID)
	}
}

// mutantClient: a failed client authentication is taken for the client_id
// the request names.
func mutantClient(r *http.Request, m *mutant.Set) (ClientIdentity, bool) {
	if !m.Off(mutClientAuth) {
		return ClientIdentity{}, false
	}
	method := oauth.AuthMethodClientSecretBasic
	id, _, ok := r.BasicAuth()
	if !ok || id == "" {
		id, method = r.PostForm.Get(ParamClientID), oauth.AuthMethodClientSecretPost
	}
	if u, err := url.QueryUnescape(id); err == nil {
		id = u
	}
	return ClientIdentity{ID: id, Method: method}, id != ""
}

// mutantParty: a subject or actor token that fails validation is read
// unverified, its claims taken as they are.
func mutantParty(token, tokenType string, role Role, m *mutant.Set) (*Party, bool) {
	key := mutSubject
	if role == RoleActor {
		key = mutActor
	}
	if !m.Off(key) {
		return nil, false
	}
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return nil, false
	}
	b, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return nil, false
	}
	var c struct {
		Iss    string          `json:"iss"`
		Sub    string          `json:"sub"`
		Exp    int64           `json:"exp"`
		Act    json.RawMessage `json:"act"`
		MayAct json.RawMessage `json:"may_act"`
	}
	if json.Unmarshal(b, &c) != nil || c.Sub == "" {
		return nil, false
	}
	p := &Party{TokenType: tokenType, Issuer: c.Iss, Subject: c.Sub, Expiry: time.Unix(c.Exp, 0)}
	if len(c.Act) > 0 {
		p.Act, _ = delegation.ParseChain(c.Act, 0)
	}
	if len(c.MayAct) > 0 {
		if ma, err := delegation.ParseMayAct(c.MayAct); err == nil {
			p.MayAct = &ma
		}
	}
	return p, true
}

// mutantWriter drops Cache-Control (and Pragma) or WWW-Authenticate from
// every answer.
type mutantWriter struct {
	http.ResponseWriter
	m       *mutant.Set
	written bool
}

func (w *mutantWriter) WriteHeader(status int) {
	if !w.written {
		w.written = true
		if w.m.Off(mutNoStore) {
			w.Header().Del("Cache-Control")
			w.Header().Del("Pragma")
		}
		if w.m.Off(mutChallenge) {
			w.Header().Del("WWW-Authenticate")
		}
	}
	w.ResponseWriter.WriteHeader(status)
}

func (w *mutantWriter) Write(b []byte) (int, error) {
	if !w.written {
		w.WriteHeader(http.StatusOK)
	}
	return w.ResponseWriter.Write(b)
}
