// Package httpwpt binds the Workload Identity Token and the Workload Proof
// Token to HTTP requests: draft-ietf-wimse-workload-creds-02 §5.1.1 (the
// Workload-Identity-Token field), draft-ietf-wimse-wpt-01 §3 (the
// Workload-Proof-Token field) and draft-ietf-wimse-wpt-02 §2
// ("Authorization: WPT <jwt>").
//
// The server half is Verifier.Middleware: it verifies the WIT, then the WPT,
// and puts the authenticated Peer in the request context (PeerFromContext).
// The client half is Transport, an http.RoundTripper that attaches the WIT
// and a fresh WPT to every request.
//
//	v := &httpwpt.Verifier{
//		Trust:    store,          // issuer keys per trust domain
//		Policy:   wimse.Policy{}, // one policy for the WIT, the WPT and the carriage
//		Replay:   wimse.NewMemoryReplayCache(0),
//		Audience: httpwpt.AudienceFromBase("https://svc.example"),
//	}
//	http.ListenAndServeTLS(addr, cert, key, v.Middleware(logger)(app))
//
// # Carriage detection
//
// The revision is detected by carriage, never by token, since a WPT reads
// the same under both (wpt-02 §2 moved it from wpt-01 §3's
// Workload-Proof-Token field to the Authorization field): an Authorization
// field whose scheme is WPT (case-insensitive, RFC 9110 §11.1) is wpt-02,
// a Workload-Proof-Token field is wpt-01, both at once is rejected with 400
// (request.mixed_carriage: no draft allows mixing them). Senders default to
// wpt-02.
//
// On a wpt-01 request an Authorization field is parsed as RFC 9110 §11.4
// credentials: a token as auth-scheme (compared case-insensitively), then
// 1*SP and a token68 or auth-params. Bearer (RFC 6750) and DPoP (RFC 9449)
// credentials, in any case and after any number of spaces, carry an access
// token that ath must bind (wpt-01 §3.1); they must be exactly one token68.
// A field that does not parse ("Bearer<HTAB>token", a bare "Bearer",
// comma-joined credentials) is refused with 400
// request.authorization_malformed rather than ignored, so no lenient parser
// further down can read an access token the proof does not bind.
// Credentials of other schemes (Basic, Digest, ...) carry no access token.
//
// # Signalling
//
// On a wpt-02 request (or one with no proof at all, when wpt-02 is accepted)
// a credential failure answers 401 with "WWW-Authenticate: WPT" (wpt-02
// §2.1); WIT failures count as credential failures because wpt-02 makes WIT
// validation its first step (set Verifier.WITFailureStatus400 for creds-02
// §5.2's 400 instead). On a wpt-01 request every failure answers 400 (wpt-01
// §3: 401 NOT RECOMMENDED). Request-level failures (mixed carriage, repeated
// context tokens, a malformed wpt-01 Authorization field) answer 400. A full
// replay cache answers 503 (server.replay_cache_full), a sender over its
// replay-cache quota 429 (server.replay_sender_quota: that sender alone is
// refused until its own entries expire). Every rejection carries an RFC 9457
// application/problem+json body whose "reason" member is the stable reason
// code; its "detail" is included only with Verifier.ProblemDetail set to
// problem.Full (the zero value, problem.Minimal, leaves it out, since a
// detail can name the receiver's expected audience).
//
// # Security considerations
//
// The expected audience comes only from configuration (Verifier.Audience),
// never from Host or X-Forwarded-Host (wpt-01 §4.7). Raw WIT, WPT and
// Authorization values are never logged or echoed in problem bodies
// (wpt-02 §3.1.5). A bearer token in a wpt-01 request is bound through ath
// but never authenticates the caller.
package httpwpt
