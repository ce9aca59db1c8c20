// Package mtls authenticates workloads by Workload Identity Certificates
// over mutual TLS: draft-ietf-wimse-mutual-tls-03 (rules M1–M19 of the
// digest, §14.7) with the certificate profile of
// draft-ietf-wimse-workload-creds-02 §6.1. SPIFFE X.509-SVIDs, as SPIRE
// issues them, are Workload Identity Certificates and work unchanged.
//
// VerifyPeer is the verification core: a pure function of a certificate
// chain, a trust store, the peer's role and a time. The server half is
// ServerConfig (a *tls.Config that requires and verifies client
// certificates) and Middleware (which puts the verified Peer in the request
// context, PeerFromContext); the client half is ClientConfig, which verifies
// the server against an expected identifier or DNS name.
//
//	opts := []mtls.Option{mtls.WithLogger(logger), mtls.WithAuthorizer(mtls.AuthorizeMemberOf(td))}
//	srv := &http.Server{
//		Handler:   mtls.Middleware(store, opts...)(app),
//		TLSConfig: mtls.ServerConfig(store, serverCert, opts...),
//	}
//	client := &http.Client{Transport: &http.Transport{
//		TLSClientConfig: mtls.ClientConfig(store, clientCert, mtls.ServerIdentity{ID: serverID}),
//	}}
//
// It does not fetch bundles, rotate certificates or talk to a Workload API;
// build the wimse.TrustStore (Anchors.X509Roots) and the tls.Certificate
// from whatever source the deployment uses. Sub-package mtlstest makes
// deterministic test certificates.
//
// # Signalling
//
// TLS has no HTTP status. A peer that fails verification fails the
// handshake with a bad_certificate alert, and the error, a *wimse.Error
// whose reason is one of the mtls.* codes (docs/reasons.md), is logged
// (WithLogger) and returned by the handshake. Only Middleware answers in
// HTTP: 400 with an RFC 9457 problem body, for a request without a verified
// peer.
//
// # Security considerations
//
// Trust anchors are chosen by the trust domain of the leaf's identifier, but
// the identifier is only trusted once the chain validates to the roots of
// that trust domain and of no other, so the trust domain whose anchors
// validated the chain is always the identifier's (M2, M12, issue #335).
// The identifier is taken byte for byte from the single URI SAN and must be
// canonical; it is never repaired (identifier-03 I8). Go's built-in
// verification is bypassed on both sides because it ignores trust domains;
// see ServerConfig and ClientConfig. An extended key usage extension must
// include the role's purpose; a leaf without one is accepted (RFC 5280
// §4.2.1.12; the drafts only say SHOULD carry it, M5). Revocation is not
// checked (creds-02 issue #270): keep certificate lifetimes short (M15).
//
// # Draft revisions
//
// Experimental: mutual-tls-03 and -02 differ only editorially (digest
// §14.7.2); the #335 check is implemented ahead of the draft.
package mtls
