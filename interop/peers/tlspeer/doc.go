// Package tlspeer is an independent mutual-TLS peer for the interop matrix
// (draft-ietf-wimse-mutual-tls-03), built only on go-spiffe's spiffetls
// building blocks: x509svid for the workload's own certificate and key,
// x509bundle for the trust bundle, tlsconfig for the TLS configurations
// and their authorizers. It imports nothing from this module's profiles/.
//
// Both sides validate the peer's chain against the bundle of the trust
// domain of the peer's SPIFFE ID only (go-spiffe's x509svid.Verify: M2, and
// issue #335's binding of identifier and anchors) and authorize the peer's
// SPIFFE ID: a member of the configured trust domain, or one exact ID.
//
// go-spiffe's x509svid.Verify checks neither the extended key usage nor a
// key usage without digitalSignature (verified in TestGoSpiffeLeniency), so
// the peer adds both on top (RFC 5280 §4.2.1.3 and §4.2.1.12, which
// mutual-tls-03 M2 and M11 apply): a present EKU must allow the role
// (id-kp-clientAuth for clients, id-kp-serverAuth for servers), a present
// key usage must include digitalSignature.
//
// Deviation, on purpose: the server requests a client certificate but does
// not require one in the handshake, so that GET /healthz answers without
// credentials (the interop matrix probes it). A certificate that is sent
// is verified in the handshake and a bad one fails it; /hello without a
// certificate is answered 401. mutual-tls-03 M4 wants the certificate
// required in the handshake when the server authorises by it.
package tlspeer
