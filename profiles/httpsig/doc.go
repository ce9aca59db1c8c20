// Package httpsig implements the WIMSE profile of HTTP Message Signatures
// (RFC 9421): draft-ietf-wimse-http-signature-06 and -07, side by side. A
// workload proves possession of its WIT key by signing the request with it;
// a server may sign its response with its own WIT key.
//
// The server half is Verifier (Serve, VerifyHeaders, Verify, Middleware);
// the client half is Transport, an http.RoundTripper that signs requests and
// checks signed responses and who signed them (Transport.Responder, an
// Authorizer such as AuthorizeID). Both build on the RFC 9421 core in the
// rfc9421 sub-package.
//
//	v := &httpsig.Verifier{
//		Trust:    store,          // issuer keys per trust domain
//		Policy:   wimse.Policy{}, // one policy for the WIT and the signature
//		Replay:   wimse.NewMemoryReplayCache(0),
//		Audience: httpsig.AudienceFromBase("https://svc.example"),
//	}
//	http.Handle("/", v.Middleware(responseSigner, false, logger)(app))
//
//	client := &http.Client{Transport: &httpsig.Transport{
//		Signer:    signer,
//		Responses: &wit.Verifier{Trust: store},
//		Responder: httpsig.AuthorizeID(serverID),
//	}}
//
// # Receiver checklist (-07 §3; R1–R9 are this package's labels)
//
// The WIT from Workload-Identity-Token is validated fully first (R1). Then
// the WIMSE signature is the one tagged wimse-workload-to-workload — labels
// mean nothing, other signatures are ignored, two tagged ones are rejected
// (R2) — and it must carry created, expires, nonce, tag and wimse-aud but not
// keyid or alg (R3); cover @method and @path plus @query (-07) or
// @request-target (-06), and each of content-type, content-digest,
// authorization, txn-token and workload-identity-token that the request
// carries (R4); have a Content-Digest matching the body when there is one
// (R5); verify with cnf.jwk under cnf.jwk.alg (R6); be within [created,
// expires] with the policy's skew, expire within Policy.MaxWPTLifetime and
// span no longer than it (R7); name this receiver in wimse-aud, from configuration only (R8); and
// carry a nonce not seen before (R9). Failures are *wimse.Error values with
// httpsig.* (or wit.*) reasons, answered 400 (-07 §3.6: 401 NOT RECOMMENDED).
//
// # Security considerations
//
// The body is read last. The signature base covers the Content-Digest
// field, not the content, so Serve (and the middleware) judge every check
// but R5 from the header (VerifyHeaders) and read the body only for a
// request whose credentials verified, at most Verifier.MaxBody bytes
// (request.body_too_large, 413), before comparing it with Content-Digest: an
// unauthenticated sender cannot make the server read or buffer its body.
// Time limits belong to the http.Server (ReadTimeout bounds a trickled body).
//
// A response signature proves that some workload with a trusted WIT signed
// the response; Transport.Responder says which one may. Transport refuses
// to run with response verification but no Responder, because "any trusted
// signer" lets an intermediary with a WIT of its own answer in the server's
// name; AuthorizeMemberOf and AuthorizeAny make that choice explicit.
//
// The middleware signs what net/http will send: when the handler sets no
// Content-Type, the one net/http sniffs from the body is set before signing
// (with net/http's own exceptions), and no content is digested for HEAD,
// 204 or 304 answers.
//
// # Draft revisions
//
// The revision is detected from the tagged signature's covered components
// (-07 §3.2 replaced -06 §3's @request-target by @path and @query): @path
// and @query mean -07, @request-target means -06; a signature covering
// neither is refused. The drafts do not say how a receiver of both tells
// them apart; this is the implementation's choice.
// wimse.Policy.Revisions decides which are accepted (RevisionHTTPSig06,
// RevisionHTTPSig07; nil accepts both). Responses mirror the request's
// revision (@request-target;req or @path;req and @query;req) and always
// carry wimse-req-nonce (-07, also legal for -06). Senders emit -07 under the
// label "wimse": -06 §3 asks for it, -07 gives labels no meaning. The nonce
// replay key is the sender's identifier and the nonce for both revisions
// (-06 scoped replay per peer, -07 §3.4 per receiver: equivalent here, since
// the signature binds the WIT). draft-ietf-wimse-http-signature-08 is
// treated as -07: its normative changes, if any, are not implemented.
package httpsig
