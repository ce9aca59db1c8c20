// Package mtls authenticates workloads by Workload Identity Certificates
// over mutual TLS: draft-ietf-wimse-mutual-tls-03 with the certificate
// profile of draft-ietf-wimse-workload-creds-02 §6.1. SPIFFE X.509-SVIDs, as
// SPIRE issues them, are Workload Identity Certificates and work unchanged.
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
// canonical; it is never repaired (identifier-03 forbids repairing a
// non-canonical identifier). Go's built-in
// verification is bypassed on both sides because it ignores trust domains;
// see ServerConfig and ClientConfig. An extended key usage extension must
// include the role's purpose; a leaf without one is accepted (RFC 5280
// §4.2.1.12; the drafts only say SHOULD carry it, M5). Revocation is not
// checked (creds-02 issue #270): keep certificate lifetimes short (M15).
//
// # Requirements
//
// The draft does not number its requirements; this package's comments cite
// them as follows.
//
//   - M1: Workload Identity Certificates may authenticate TLS clients and
//     servers.
//   - M2: the peer's chain validates (RFC 5280) to the trust anchors of the
//     trust domain of the identifier in its certificate.
//   - M3: that trust domain is the one expected for the peer.
//   - M4: a server that authorises clients by certificate requires one in
//     the handshake.
//   - M5: client certificates carry id-kp-clientAuth, server ones
//     id-kp-serverAuth (SHOULD).
//   - M6, M13: a client that connects by DNS name validates the server's
//     DNS-ID (RFC 9525 §6.3).
//   - M7, M9: otherwise the client knows the server's expected identifier
//     and matches the whole of it, path within its trust domain.
//   - M8: the identifier's authority is a trust domain, not a host name.
//   - M10, M14: the server takes the client's identifier from the URI SAN
//     and validates chain, trust domain and identifier before using it.
//   - M11: chain, extended key usage and identifier are validated before an
//     identity is used.
//   - M12: an identity is never authorised on its path alone.
//   - M15: certificate lifetimes are short, revocation timely (SHOULD).
//   - M18: application-layer identities never override the TLS one.
//   - M19: the draft has no IANA actions and no examples.
//
// # Draft revisions
//
// Experimental: draft-ietf-wimse-mutual-tls-03, which differs from -02 only
// editorially (capitalised terms; M3 names the trust domain of the
// identifier in the certificate; M8 refers to the identifier draft for
// trust domains); the issue #335 check is implemented ahead of the draft.
package mtls
