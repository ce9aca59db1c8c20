package vectors

import (
	"fmt"
	"strings"

	"github.com/wimse-wg/wimse/internal/jose"
	"github.com/wimse-wg/wimse/wimse"
)

// The examples of draft-ietf-wimse-wpt-01 and -02: the keys, the WIT, the
// WPT and its request, a Txn-Token bound by tth, a context token bound by
// oth, an expired WPT with the receiver's answer (401 with the WPT
// challenge under wpt-02), and a replay.

// exampleHost is the receiver of the examples' requests.
func exampleHost() string { return strings.TrimPrefix(FrozenBase, "https://") }

func wptExamples(d *exDoc, e *exEnv) error {
	issuer, workload := e.key("issuer"), e.key(exWorkloadKey(e.draft))
	txnKey, err := e.txnServiceKey()
	if err != nil {
		return err
	}
	wpt02 := e.draft == "wpt-02"
	status, challenge := 400, ""
	if wpt02 {
		status, challenge = 401, "WPT"
	}
	d.para(fmt.Sprintf("The receiver of the requests is %s: it expects aud to be %s followed by the request path, "+
		"trusts the Identity Server key of {{%s}} for the trust domain %s, applies the default policy of this module "+
		"(60 s clock skew, WPT lifetime at most 300 s, a replay cache) and treats %s as a context token (oth).",
		exampleHost(), FrozenBase, e.anchor("issuer-keys"), TrustDomain, wptOtherField))

	d.heading(2, "Keys")
	d.para("The Identity Server signs WITs with an ES256 key. A receiver trusts its public part for " + TrustDomain + ", as this JWK Set:")
	d.figure("json", e.anchor("issuer-keys"), "Identity Server public key", d.jwkSet(issuer), 2)
	d.para("Its private key, and the workload's Ed25519 key, which the WIT's cnf.jwk names and which signs the WPTs (public part: drop d):")
	d.figure("json", e.anchor("issuer-key"), "Identity Server private key", d.privateJWK(issuer), 2)
	d.figure("json", e.anchor("workload-key"), "Workload private key", d.privateJWK(workload), 2)
	d.para(fmt.Sprintf("The Transaction Token Service signs the Txn-Token of {{%s}} with this key; the receiver of "+
		"these examples only hashes the Txn-Token:", e.anchor("txn")))
	d.figure("json", e.anchor("txn-service-key"), "Transaction Token Service private key", d.privateJWK(txnKey), 2)

	base := e.wptTemplate()
	m, err := e.materialize(base, "request")
	if err != nil {
		return err
	}
	d.heading(2, "Workload Identity Token")
	d.para("The workload's WIT (workload-creds-02), sent in the Workload-Identity-Token field of every request below. Its JOSE header and claims:")
	d.figure("json", e.anchor("wit-header"), "WIT JOSE header", d.pretty(m.Intermediate.WITHeader), 2)
	d.figure("json", e.anchor("wit-claims"), "WIT claims", d.pretty(m.Intermediate.WITClaims), 2)
	d.claimTimes(m.Intermediate.WITClaims)
	d.para("The WIT in compact serialization:")
	d.figure("", e.anchor("wit"), "WIT", m.WIT, 0)

	d.heading(2, "Workload Proof Token")
	binds := "wth is the hash of the WIT"
	if !wpt02 {
		binds += " and ath the hash of the OAuth access token sent in Authorization (wpt-01 §3.1)"
	}
	d.para(fmt.Sprintf("The WPT of {{%s}}: aud is the target URI, %s (base64url of SHA-256 over the ASCII characters), "+
		"exp a minute ahead. Its JOSE header and claims:", e.anchor("request"), binds))
	d.figure("json", e.anchor("wpt-header"), "WPT JOSE header", d.pretty(m.Intermediate.WPTHeader), 2)
	d.figure("json", e.anchor("wpt-claims"), "WPT claims", d.pretty(m.Intermediate.WPTClaims), 2)
	d.claimTimes(m.Intermediate.WPTClaims)
	d.para("The WPT in compact serialization:")
	d.figure("", e.anchor("wpt"), "WPT", m.WPT, 0)

	d.heading(2, "Request")
	if wpt02 {
		d.para("The request carries the WIT in Workload-Identity-Token and the WPT as credentials of the WPT authentication scheme (wpt-02 §2).")
	} else {
		d.para("The request carries the WIT in Workload-Identity-Token, the WPT in Workload-Proof-Token and an OAuth access token that ath binds (wpt-01 §3).")
	}
	d.expect("accepted")
	d.figure("http-message", e.anchor("request"), "Request with a WIT and a WPT", httpRequestText(m.Request, exampleHost()), 2)

	if err := e.wptContextExamples(d, base); err != nil {
		return err
	}

	d.heading(2, "Rejected: an expired WPT")
	expired := base.Clone()
	expired.WPT.Claims["exp"] = map[string]any{"$rel": -120}
	mx, err := e.materialize(expired, "expired")
	if err != nil {
		return err
	}
	why := "wpt-02 §2.1: the recipient SHOULD answer 401 with a challenge for the WPT scheme"
	if !wpt02 {
		why = "wpt-01 §4: 400; 401 is NOT RECOMMENDED"
	}
	d.para("The WPT of this request expired 120 seconds before the time of verification, beyond the 60-second clock skew. Its claims:")
	d.figure("json", e.anchor("expired-wpt-claims"), "Claims of an expired WPT", d.pretty(mx.Intermediate.WPTClaims), 2)
	d.claimTimes(mx.Intermediate.WPTClaims)
	d.expect(rejected(status, challenge, wimse.ReasonWPTExpired))
	d.figure("http-message", e.anchor("expired"), "Request with an expired WPT", httpRequestText(mx.Request, exampleHost()), 2)
	d.para("The receiver's answer (" + why + "), with RFC 9457 problem details:")
	d.figure("http-message", e.anchor("expired-response"), "Answer to an expired WPT", d.problem(status, challenge, wimse.ReasonWPTExpired), 2)

	d.heading(2, "Rejected: a replayed WPT")
	d.para(fmt.Sprintf("The request of {{%s}} sent a second time carries a WPT whose jti the receiver has seen: "+
		"a receiver records the jti of every WPT it accepts until the WPT expires, and refuses it again.", e.anchor("request")))
	d.expect("accepted on the first send; on the second, " + rejected(status, challenge, wimse.ReasonWPTReplayed))
	d.figure("http-message", e.anchor("replay-response"), "Answer to a replayed WPT", d.problem(status, challenge, wimse.ReasonWPTReplayed), 2)
	return nil
}

// wptContextExamples writes the tth and oth examples, built on base.
func (e *exEnv) wptContextExamples(d *exDoc, base *Template) error {
	txn, err := e.txnToken()
	if err != nil {
		return err
	}
	d.heading(2, "A Txn-Token bound by tth")
	_, txnClaims := decodeParts(txn)
	d.para("A request that carries a Txn-Token binds it with the WPT's tth claim: base64url of SHA-256 over the Txn-Token's ASCII characters. The Txn-Token's claims and compact form:")
	d.figure("json", e.anchor("txn-claims"), "Txn-Token claims", d.pretty(txnClaims), 2)
	d.claimTimes(txnClaims)
	d.figure("", e.anchor("txn"), "Txn-Token", txn, 0)
	t := base.Clone()
	if t.Tokens == nil {
		t.Tokens = map[string]string{}
	}
	t.Tokens["txn"] = txn
	t.Request.Fields = append(t.Request.Fields, [2]string{"Txn-Token", "{{token:txn}}"})
	t.WPT.Claims["tth"] = map[string]any{"$hash": "token:txn"}
	m, err := e.materialize(t, "tth")
	if err != nil {
		return err
	}
	d.para("The WPT's claims:")
	d.figure("json", e.anchor("tth-wpt-claims"), "Claims of a WPT with tth", d.pretty(m.Intermediate.WPTClaims), 2)
	d.claimTimes(m.Intermediate.WPTClaims)
	d.expect("accepted")
	d.figure("http-message", e.anchor("request-tth"), "Request with a Txn-Token", httpRequestText(m.Request, exampleHost()), 2)

	d.heading(2, "Another context token bound by oth")
	ctx := "ctx-" + e.value("context token")
	t = base.Clone()
	t.Request.Fields = append(t.Request.Fields, [2]string{wptOtherField, ctx})
	t.WPT.Claims["oth"] = map[string]any{strings.ToLower(wptOtherField): map[string]any{"$hash": "string:" + ctx}}
	if m, err = e.materialize(t, "oth"); err != nil {
		return err
	}
	d.para(fmt.Sprintf("A receiver that treats %s as a context token requires the WPT to bind it through oth, "+
		"keyed by the field name in lower case, with the hash of the field value. The WPT's claims:", wptOtherField))
	d.figure("json", e.anchor("oth-wpt-claims"), "Claims of a WPT with oth", d.pretty(m.Intermediate.WPTClaims), 2)
	d.claimTimes(m.Intermediate.WPTClaims)
	d.expect("accepted")
	d.figure("http-message", e.anchor("request-oth"), "Request with another context token", httpRequestText(m.Request, exampleHost()), 2)
	return nil
}

// exWorkloadKey names the workload key of a draft's examples: Ed25519,
// under the alg the draft's own examples use.
func exWorkloadKey(draft string) string {
	if draft == Sig07 {
		return "workload-ed25519" // -07's examples: "alg":"Ed25519"
	}
	return "workload-eddsa"
}

// wptTemplate is the examples' request: BaseTemplate with the Ed25519
// workload key, and under wpt-01 an OAuth access token bound by ath.
func (e *exEnv) wptTemplate() *Template {
	t := BaseTemplate()
	t.WIT.Claims["cnf"] = map[string]any{"jwk": map[string]any{"$jwk": exWorkloadKey(e.draft)}}
	t.WPT.Key, t.WPT.Header["alg"] = exWorkloadKey(e.draft), "EdDSA"
	if e.draft == "wpt-01" {
		t.Tokens = map[string]string{"access": e.value("access token")}
		t.Request.Fields = append([][2]string{t.Request.Fields[0], {"Authorization", "Bearer {{token:access}}"}}, t.Request.Fields[1:]...)
		t.WPT.Claims["ath"] = map[string]any{"$hash": "token:access"}
	}
	return t
}

// txnServiceKey is the Transaction Token Service's ES256 key, derived from
// the seed like the test keys.
func (e *exEnv) txnServiceKey() (*Key, error) {
	k, err := deriveEC(e.seed, "example txn-service", "ES256")
	if err != nil {
		return nil, err
	}
	return &Key{Name: "txn-service", Alg: "ES256", KeyID: "txn-service", Signer: k}, nil
}

// txnToken is a Txn-Token (draft-ietf-oauth-transaction-tokens) issued
// five seconds before the examples' time for five minutes.
func (e *exEnv) txnToken() (string, error) {
	k, err := e.txnServiceKey()
	if err != nil {
		return "", err
	}
	now := e.now.Unix()
	claims := map[string]any{
		"aud": TrustDomain, "iat": now - 5, "exp": now + 295, "scope": "orders.create",
		"sub": "user-" + e.value("txn sub")[:8], "txn": e.value("txn id"),
	}
	return jose.Sign(map[string]any{"kid": k.KeyID, "typ": "txntoken+jwt"}, claims, k.Alg, k.Signer, true)
}
