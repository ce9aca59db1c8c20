package vectors

import (
	"bufio"
	"bytes"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/wimse-wg/wimse/profiles/httpsig"
	"github.com/wimse-wg/wimse/profiles/httpsig/rfc9421"
	"github.com/wimse-wg/wimse/wimse"
)

// The examples of draft-ietf-wimse-http-signature-06 and -07: the keys,
// the client's and the server's WITs, a signed request that asks for a
// signed response (wimse-sign-response) and that response, both with
// their signature bases, an expired signature with the receiver's answer,
// and a replay.

// exResponseBody is the body of the server's signed answer.
func exResponseBody() string { return `{"subject":"` + Subject + `"}` }

func sigExamples(d *exDoc, e *exEnv) error {
	rev := e.draft
	issuer, client, server := e.key("issuer"), e.key(exWorkloadKey(rev)), e.key("server")
	target := map[string]string{Sig07: "@method, @path and @query", Sig06: "@method and @request-target"}[rev]
	d.para(fmt.Sprintf("The client %s signs its request to %s with the key of its WIT; the server %s signs its answer "+
		"with the key of its own WIT. Both trust the Identity Server key of {{%s}} for the trust domain %s and apply "+
		"the default policy of this module (60 s clock skew, signatures valid for at most 300 s, a replay cache). "+
		"The server expects wimse-aud to be %s followed by the request path.",
		Subject, exampleHost(), ServerSubject, e.anchor("issuer-keys"), TrustDomain, FrozenBase))

	d.heading(2, "Keys")
	d.para("The Identity Server signs WITs with an ES256 key. Both peers trust its public part for " + TrustDomain + ", as this JWK Set:")
	d.figure("json", e.anchor("issuer-keys"), "Identity Server public key", d.jwkSet(issuer), 2)
	d.para(fmt.Sprintf("Its private key; the client's %s key and the server's ES256 key, which their WITs' cnf.jwk name "+
		"(public parts: drop d):", client.Alg))
	d.figure("json", e.anchor("issuer-key"), "Identity Server private key", d.privateJWK(issuer), 2)
	d.figure("json", e.anchor("client-key"), "Client private key", d.privateJWK(client), 2)
	d.figure("json", e.anchor("server-key"), "Server private key", d.privateJWK(server), 2)

	clientWIT := BaseWIT()
	clientWIT.Claims["cnf"] = map[string]any{"jwk": map[string]any{"$jwk": client.Name}}
	serverWIT := BaseWIT()
	serverWIT.Claims["sub"] = ServerSubject
	serverWIT.Claims["cnf"] = map[string]any{"jwk": map[string]any{"$jwk": server.Name}}
	ms, err := Materialize(&Template{WIT: serverWIT}, Env{Now: e.now, Base: FrozenBase, Draft: rev, Keys: e.keys,
		JTI: func(string) string { return e.value("server wit jti") }})
	if err != nil {
		return err
	}
	t := &Template{WIT: clientWIT, Request: BaseSigRequest(), Sigs: []*SigTemplate{e.sigTemplate(client.Name)}}
	m, err := e.materialize(t, "request")
	if err != nil {
		return err
	}
	for _, w := range []struct {
		who, name string
		m         *Materialized
	}{{"client", "client-wit", m}, {"server", "server-wit", ms}} {
		d.heading(2, "The "+w.who+"'s WIT")
		d.para(fmt.Sprintf("The %s's WIT (workload-creds-02), sent in its Workload-Identity-Token field. Its JOSE header, claims and compact serialization:", w.who))
		d.figure("json", e.anchor(w.name+"-header"), "The "+w.who+"'s WIT JOSE header", d.pretty(w.m.Intermediate.WITHeader), 2)
		d.figure("json", e.anchor(w.name+"-claims"), "The "+w.who+"'s WIT claims", d.pretty(w.m.Intermediate.WITClaims), 2)
		d.claimTimes(w.m.Intermediate.WITClaims)
		d.figure("", e.anchor(w.name), "The "+w.who+"'s WIT", w.m.WIT, 0)
	}

	d.heading(2, "Signed request")
	d.para(fmt.Sprintf("The client signs a POST with a JSON body under the label wimse, tagged wimse-workload-to-workload, covering %s, "+
		"the WIT, Content-Type and Content-Digest (RFC 9530); wimse-sign-response asks the server to sign its answer.", target))
	d.expect("accepted")
	reqText := httpRequestText(m.Request, exampleHost())
	d.figure("http-message", e.anchor("request"), "Signed request", reqText, 2)
	d.sigTimes(m.Request.Fields)
	d.para("Its signature base (RFC 9421 §2.5; lines end with LF, the last one without):")
	d.figure("", e.anchor("request-base"), "Signature base of the request", m.Intermediate.SignatureBases["wimse"], 2)

	resp, base, err := e.signedResponse(reqText, m.Nonces["wimse"], ms.WIT, server)
	if err != nil {
		return err
	}
	d.heading(2, "Signed response")
	d.para(fmt.Sprintf("The server answers {{%s}} with a response signed with the key of its own WIT. The signature covers "+
		"@status, the server's WIT, Content-Type, Content-Digest and, from the request, %s (;req); wimse-req-nonce "+
		"carries the request's nonce.", e.anchor("request"), target))
	d.expect("accepted by the client, signed by " + ServerSubject)
	d.figure("http-message", e.anchor("response"), "Signed response", resp, 2)
	d.para("Its signature base:")
	d.figure("", e.anchor("response-base"), "Signature base of the response", base, 2)

	d.heading(2, "Rejected: an expired signature")
	expired := t.Clone()
	expired.Sigs[0].Params[0].Value = map[string]any{"$rel": -180}
	expired.Sigs[0].Params[1].Value = map[string]any{"$rel": -120}
	mx, err := e.materialize(expired, "expired")
	if err != nil {
		return err
	}
	d.para("The signature of this request expired 120 seconds before the time of verification, beyond the 60-second clock skew. " +
		"The profile answers every rejection with 400 (401 is NOT RECOMMENDED).")
	d.expect(rejected(400, "", wimse.ReasonHTTPSigExpired))
	d.figure("http-message", e.anchor("expired"), "Request with an expired signature", httpRequestText(mx.Request, exampleHost()), 2)
	d.sigTimes(mx.Request.Fields)
	d.para("The receiver's answer, with RFC 9457 problem details:")
	d.figure("http-message", e.anchor("expired-response"), "Answer to an expired signature", d.problem(400, "", wimse.ReasonHTTPSigExpired), 2)

	d.heading(2, "Rejected: a replayed signature")
	d.para(fmt.Sprintf("The request of {{%s}} sent a second time carries a nonce the receiver has seen from this client: "+
		"a receiver records the nonces of the signatures it accepts until they expire, and refuses them again.", e.anchor("request")))
	d.expect("accepted on the first send; on the second, " + rejected(400, "", wimse.ReasonHTTPSigReplayed))
	d.figure("http-message", e.anchor("replay-response"), "Answer to a replayed signature", d.problem(400, "", wimse.ReasonHTTPSigReplayed), 2)
	return nil
}

// sigTemplate is the client's WIMSE signature of the examples: BaseSig
// of the draft by key, asking for a signed response.
func (e *exEnv) sigTemplate(key string) *SigTemplate {
	st := BaseSig(e.draft)
	st.Key = key
	st.Params = append(st.Params, SigParam{Name: httpsig.ParamSignResponse, Value: true})
	return st
}

// signedResponse is the server's signed answer to the request reqText
// whose signature carried nonce, and the response's signature base.
func (e *exEnv) signedResponse(reqText, nonce, serverWIT string, key *Key) (string, string, error) {
	req, err := http.ReadRequest(bufio.NewReader(strings.NewReader(strings.ReplaceAll(reqText, "\n", "\r\n"))))
	if err != nil {
		return "", "", err
	}
	msg := rfc9421.FromRequest(req, "https")
	s := &httpsig.Signer{WIT: serverWIT, Key: key.Signer, Alg: key.Alg, Revision: wimse.Revision(e.draft),
		Now: func() time.Time { return e.now }, Rand: bytes.NewReader(e.derive("response nonce", 16)), Deterministic: true}
	h := http.Header{}
	h.Set("Content-Type", "application/json")
	body := exResponseBody()
	if err := s.SignResponse(h, http.StatusOK, []byte(body), msg, wimse.Revision(e.draft), nonce); err != nil {
		return "", "", err
	}
	sigs, err := rfc9421.ParseSignatures(h)
	if err != nil || len(sigs) != 1 {
		return "", "", fmt.Errorf("signed response: %d signatures (%v)", len(sigs), err)
	}
	base, err := sigs[0].Base(rfc9421.FromResponse(http.StatusOK, h, msg))
	if err != nil {
		return "", "", err
	}
	var fields [][2]string
	for _, name := range []string{"Content-Type", "Content-Digest", httpsig.HeaderWIT, "Signature-Input", "Signature"} {
		fields = append(fields, [2]string{name, h.Get(name)})
	}
	return httpResponseText(http.StatusOK, fields, body), string(base), nil
}

// sigTimes writes the times table of the signature parameters in fields'
// Signature-Input.
func (d *exDoc) sigTimes(fields [][2]string) {
	h := http.Header{}
	for _, f := range fields {
		h.Add(f[0], f[1])
	}
	sigs, err := rfc9421.ParseSignatures(h)
	if err != nil || len(sigs) == 0 {
		d.stick(fmt.Errorf("signature parameters: %d signatures (%v)", len(sigs), err))
		return
	}
	var rows [][2]any
	if c, ok := sigs[0].Params.Created(); ok {
		rows = append(rows, [2]any{"created", c})
	}
	if x, ok := sigs[0].Params.Expires(); ok {
		rows = append(rows, [2]any{"expires", x})
	}
	d.times("Parameter", rows)
}
