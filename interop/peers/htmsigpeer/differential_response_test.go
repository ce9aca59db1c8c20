package htmsigpeer

import (
	"encoding/base64"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/lestrrat-go/htmsig/component"
	"github.com/lestrrat-go/htmsig/input"

	"github.com/wimse-wg/wimse/interop/peers/internal/peertest"
	"github.com/wimse-wg/wimse/interop/peers/jwxpeer"
	"github.com/wimse-wg/wimse/profiles/httpsig"
	"github.com/wimse-wg/wimse/tokens/wit"
	"github.com/wimse-wg/wimse/wimse"
)

// respCase is a crafted response to a signed request; both clients (the
// htmsig peer and our profiles/httpsig Transport) must judge it as the
// case says (-07 §3.5).
type respCase struct {
	name     string
	optional bool // the client does not send wimse-sign-response
	unsigned bool
	tag      string
	comps    []component.Identifier
	edit     func(b *input.DefinitionBuilder)
	reqNonce func(n string) string // "" leaves wimse-req-nonce out
	wit      string                // server (default), other, foreign
	digest   func(body []byte) string
	times    func(now time.Time) (time.Time, time.Time)
	accept   bool
}

func respComps(drop string) []component.Identifier {
	var out []component.Identifier
	for _, c := range append(responseComponents(), component.New("content-type"), component.New("content-digest")) {
		id, _ := c.MarshalSFV()
		if string(id) != drop {
			out = append(out, c)
		}
	}
	return out
}

func respCases() []respCase {
	return []respCase{
		{name: "valid", accept: true},
		{name: "valid-not-asked", optional: true, accept: true},
		{name: "unsigned", unsigned: true, accept: false},
		{name: "unsigned-not-asked", optional: true, unsigned: true, accept: true},
		{name: "other-tag-only", tag: "other-tag", accept: false},
		{name: "other-tag-only-not-asked", optional: true, tag: "other-tag", accept: true},
		{name: "wrong-req-nonce", reqNonce: func(string) string { return "not-the-nonce" }, accept: false},
		{name: "no-req-nonce", reqNonce: func(string) string { return "" }, accept: false},
		{name: "no-req-nonce-not-asked", optional: true, reqNonce: func(string) string { return "" }, accept: false},
		{name: "status-not-covered", comps: respComps(`"@status"`), accept: false},
		{name: "path-req-not-covered", comps: respComps(`"@path";req`), accept: false},
		{name: "query-req-not-covered", comps: respComps(`"@query";req`), accept: false},
		{name: "method-req-not-covered", comps: respComps(`"@method";req`), accept: false},
		{name: "wit-not-covered", comps: respComps(`"workload-identity-token"`), accept: false},
		{name: "content-type-not-covered", comps: respComps(`"content-type"`), accept: false},
		{name: "digest-not-covered", comps: respComps(`"content-digest"`), accept: false},
		{name: "digest-mismatch", digest: func([]byte) string { return ContentDigest([]byte("other")) }, accept: false},
		{name: "other-responder", wit: "other", accept: false},
		{name: "foreign-trust-domain", wit: "foreign", accept: false},
		{name: "keyid-param", edit: func(b *input.DefinitionBuilder) { b.KeyID("srv") }, accept: false},
		{name: "expired", times: func(n time.Time) (time.Time, time.Time) { return n.Add(-10 * time.Minute), n.Add(-9 * time.Minute) }, accept: false},
	}
}

// TestDifferentialResponses: each crafted response goes to both clients.
func TestDifferentialResponses(t *testing.T) {
	now := peertest.Now
	issuer := peertest.NewKey(t, "ES256", "issuer-1")
	w := peertest.NewKey(t, "ES256", "")
	sk := peertest.NewKey(t, "ES256", "")
	const serverSub, clientSub = "wimse://example.org/svc/server", "wimse://example.org/svc/caller"
	wits := map[string]string{
		"server":  issuer.MintWIT(t, peertest.WIT{Subject: serverSub, Workload: sk, IssuedAt: now.Add(-time.Minute)}),
		"other":   issuer.MintWIT(t, peertest.WIT{Subject: "wimse://example.org/svc/intruder", Workload: sk, IssuedAt: now.Add(-time.Minute)}),
		"foreign": issuer.MintWIT(t, peertest.WIT{Subject: "wimse://other.example/svc/server", Workload: sk, IssuedAt: now.Add(-time.Minute)}),
	}
	clientWIT := issuer.MintWIT(t, peertest.WIT{Subject: clientSub, Workload: w, IssuedAt: now.Add(-time.Minute)})
	set, err := jwxpeer.LoadBundle(peertest.WriteFile(t, t.TempDir(), "b.jwks", issuer.Bundle(t)))
	if err != nil {
		t.Fatal(err)
	}
	var current respCase
	base := newLoopback(t, http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		craftResponse(t, current, rw, r, wits, sk, now)
	}))
	for _, tc := range respCases() {
		clients := map[string]http.RoundTripper{
			"htmsigpeer": (&Client{WIT: clientWIT, Key: w.Private, Now: peertest.Clock(&now), SignResponse: !tc.optional,
				Responses: &jwxpeer.WITVerifier{TrustDomain: "example.org", Keys: set, Now: peertest.Clock(&now)}, Responder: serverSub}).RoundTripper(nil),
			"reference": &httpsig.Transport{Signer: &httpsig.Signer{WIT: clientWIT, Key: w.Signer, Alg: "ES256", Now: peertest.Clock(&now)},
				RequireSignedResponse: !tc.optional,
				Responses:             &wit.Verifier{Trust: peertest.TrustStore(t, "example.org", issuer), Policy: wimse.Policy{Now: peertest.Clock(&now)}},
				Responder:             httpsig.AuthorizeID(wimse.MustParseID(serverSub))},
		}
		for _, name := range []string{"htmsigpeer", "reference"} {
			t.Run(tc.name+"/"+name, func(t *testing.T) {
				current = tc
				req, _ := http.NewRequest(http.MethodGet, base+"/hello", nil)
				resp, err := (&http.Client{Transport: clients[name]}).Do(req)
				if err == nil {
					resp.Body.Close()
				}
				if got := err == nil && resp.StatusCode == http.StatusOK; got != tc.accept {
					t.Errorf("accepted=%v (%v), want accepted=%v", got, err, tc.accept)
				}
			})
		}
	}
}

func craftResponse(t *testing.T, tc respCase, rw http.ResponseWriter, r *http.Request, wits map[string]string, sk *peertest.Key, now time.Time) {
	_, _ = io.Copy(io.Discard, r.Body)
	body := []byte(`{"ok":true}` + "\n")
	h := rw.Header()
	h.Set("Content-Type", "application/json")
	if tc.unsigned {
		rw.WriteHeader(http.StatusOK)
		_, _ = rw.Write(body)
		return
	}
	sig, _, err := wimseSignature(r.Header)
	if err != nil || sig == nil {
		t.Errorf("server: request signature: %v", err)
		rw.WriteHeader(http.StatusBadRequest)
		return
	}
	reqNonce, _ := sig.def.Nonce()
	d := ContentDigest(body)
	if tc.digest != nil {
		d = tc.digest(body)
	}
	h.Set("Content-Digest", d)
	name := tc.wit
	if name == "" {
		name = "server"
	}
	h.Set("Workload-Identity-Token", wits[name])
	comps := tc.comps
	if comps == nil {
		comps = respComps("")
	}
	created, expires := now, now.Add(time.Minute)
	if tc.times != nil {
		created, expires = tc.times(now)
	}
	tag := tc.tag
	if tag == "" {
		tag = Tag
	}
	b := input.NewDefinitionBuilder().Label("sig1").Components(comps...).CreatedTime(created).ExpiresTime(expires).Nonce("resp-" + reqNonce).Tag(tag)
	rn := reqNonce
	if tc.reqNonce != nil {
		rn = tc.reqNonce(reqNonce)
	}
	if rn != "" {
		b = b.Parameter("wimse-req-nonce", rn)
	}
	if tc.edit != nil {
		tc.edit(b)
	}
	def := b.MustBuild()
	params, err := def.MarshalSFV()
	if err != nil {
		t.Error(err)
		return
	}
	m := &message{header: h, status: http.StatusOK, req: requestMessage(r)}
	sb, err := signatureBase(m, def, string(params))
	if err != nil {
		t.Errorf("server: base: %v", err)
		return
	}
	s, err := sign(sk.Private, "ES256", sb)
	if err != nil {
		t.Error(err)
		return
	}
	h.Set("Signature-Input", "sig1="+string(params))
	h.Set("Signature", "sig1=:"+base64.StdEncoding.EncodeToString(s)+":")
	rw.WriteHeader(http.StatusOK)
	_, _ = rw.Write(body)
}
