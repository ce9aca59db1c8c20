package httpsig

import (
	"net/http"

	"github.com/wimse-wg/wimse/internal/mutant"
	"github.com/wimse-wg/wimse/profiles/httpsig/rfc9421"
)

// mutantHook names the embedded mutant.Hook of Transport and Signer so
// that it stays unexported: the client-role self-test
// (conformance/clientrole) breaks one sender-side behaviour at a time
// through it (internal/mutant ClientChecks); outside this module it is
// always empty.
type mutantHook = mutant.Hook

// Client mutant keys of Signer and Transport.
const (
	mutantAud                = "client.sig.aud"
	mutantComponents         = "client.sig.components"
	mutantDigest             = "client.sig.digest_missing"
	mutantExpiresFar         = "client.sig.expires_far"
	mutantKeyID              = "client.sig.keyid"
	mutantNonceReuse         = "client.sig.nonce_reuse"
	mutantReqNonce           = "client.sig.req_nonce"
	mutantResponder          = "client.sig.responder"
	mutantResponseUnsigned   = "client.sig.response_unsigned"
	mutantResponseUnverified = "client.sig.response_unverified"
	mutantSignResponse       = "client.sig.sign_response"
	mutantFixedNonce         = "client-role-mutant-nonce"
)

// mutateParams applies the parameter mutants of m to a request signature's
// parameters and returns the nonce sent.
func mutateParams(m *mutant.Set, p *rfc9421.Params, nonce string) string {
	if m.Off(mutantNonceReuse) {
		nonce = mutantFixedNonce
		p.SetNonce(nonce)
	}
	if created, ok := p.Created(); ok && m.Off(mutantExpiresFar) {
		p.SetExpires(created + 3600)
	}
	if m.Off(mutantKeyID) {
		p.SetKeyID("client-role-mutant")
	}
	return nonce
}

// echoedNonce is the wimse-req-nonce of a response's tagged signature:
// with the req_nonce mutant the transport expects whatever was echoed.
func echoedNonce(h http.Header) string {
	sigs, _ := rfc9421.ParseSignatures(h)
	for _, s := range sigs {
		if t, _ := s.Params.Tag(); t == Tag {
			n, _ := s.Params.GetString(ParamReqNonce)
			return n
		}
	}
	return ""
}
