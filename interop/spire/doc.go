// Package spire runs a real SPIRE server and agent (v1.13.3) on loopback
// for interoperability tests, and its tests prove that what SPIRE issues
// passes our verifiers: SPIRE's X.509-SVIDs through the mTLS profile of
// draft-ietf-wimse-mutual-tls-03 (profiles/mtls), its JWT-SVIDs through the
// jwt-spiffe client-assertion verifier of
// draft-ietf-oauth-spiffe-client-auth-02 (tokens/jwtgrant.SPIFFEVerifier,
// and the reference STS of interop/sts), and its trust bundle, as its
// SPIFFE bundle endpoint serves it, through wimse.ParseSPIFFEBundle into a
// wimse.TrustStore.
//
// # How to run
//
// The tests are opt-in: without WIMSE_SPIRE=1 they skip with "set
// WIMSE_SPIRE=1 (and run tools/spire/build.sh) to run the SPIRE interop
// tests". From the repository root:
//
//	tools/spire/build.sh
//	WIMSE_SPIRE=1 go test -count=1 -v ./interop/spire/...
//
// tools/spire is a Go module of its own that pins SPIRE v1.13.3 as tools
// (go get -tool), so the project's go.mod does not carry SPIRE's ~340
// requirements. build.sh installs spire-server and spire-agent into
// ${XDG_CACHE_HOME:-$HOME/.cache}/wimse/spire-v1.13.3/bin and does nothing
// when they are already there; WIMSE_SPIRE_BIN overrides that directory,
// for both the script and the tests. The build needs cgo and a C compiler
// (SPIRE's sqlite3 datastore). .ci/run runs both commands.
//
// # What runs
//
// Start writes server.conf and agent.conf into a t.TempDir, with the server
// API and the federation bundle endpoint on free loopback ports (restarted
// on other ports if one was taken meanwhile), starts spire-server and polls
// its healthcheck, generates a join token with a node alias, registers the
// workload entries, starts spire-agent with the token (join-token node
// attestation) and polls its healthcheck. Both processes run in their own
// process groups and are stopped in t.Cleanup (SIGTERM, then SIGKILL after
// 10 s); on Linux they also die with the test process (Pdeathsig), so a
// go test -timeout panic leaves none behind. Every wait is bounded (the
// healthchecks, the bundle endpoint accepting connections, the first SVID),
// and a failed wait reports the tail of the log of the process concerned.
//
// The server reloads its entry cache and the agent synchronises every
// second (experimental cache_reload_interval and sync_interval; both
// default to 5 s, which delays a new workload's first SVID by 5 to 10 s).
//
// Two workloads are registered, with the unix workload attestor's
// discover_workload_path: both entries select unix:uid (the test's user)
// and unix:path, the path of the executable.
//
//   - Workload A, spiffe://example.org/workload/a, is the test binary
//     itself (os.Executable).
//   - Workload B, spiffe://example.org/workload/b, is a copy of the test
//     binary at another path, run as child processes. TestMain turns such a
//     child into workload B, which fetches its own X.509-SVID, bundle and
//     JWT-SVIDs from the Workload API with go-spiffe and then either hands
//     them to the test (fetch), serves HTTPS with our mTLS server half
//     (serve), or calls a URL with our mTLS client half (call).
//
// So in the mTLS tests each side is its own process with its own
// SPIRE-issued certificate and its own Workload API bundle as trust.
//
// # What is tested
//
//   - mtls/a-client-b-server, mtls/b-client-a-server: ServerConfig and
//     Middleware with one workload's SVID and bundle accept the other's
//     SVID as a client certificate, and ClientConfig accepts the server's
//     SVID as the expected identifier; VerifyPeer agrees in both roles.
//   - mtls/other-trust-domain: a client certificate from a CA of
//     other.example (mtlstest) is refused by workload B's server with
//     mtls.trust_domain, and such a server certificate by workload A's
//     client with the same reason; a certificate from that CA claiming
//     SPIRE's trust domain (spiffe://example.org/workload/a) is refused by
//     both with mtls.chain.
//   - jwtsvid: JWT-SVIDs of both workloads verify with SPIFFEVerifier
//     against the JWT bundle from the Workload API (and go-spiffe's
//     jwtsvid.ParseAndValidate agrees); one fetched for another audience
//     fails with jwtgrant.aud_mismatch; B's with A's client_id fails with
//     jwtgrant.client_id_mismatch.
//   - bundle-endpoint: the bundle endpoint (https_spiffe profile: our
//     ClientConfig authenticates it as spiffe://example.org/spire/server
//     against the Workload API bundle) serves a SPIFFE bundle that
//     ParseSPIFFEBundle reads (as go-spiffe's federation.FetchBundle
//     does: same roots, same number of keys); its X.509 roots equal the
//     Workload API's, the resulting trust store verifies both workloads'
//     SVIDs in both roles (VerifyPeer, and go-spiffe's x509svid.Verify
//     through mtls.X509BundleSource), and its JWT authorities verify B's
//     JWT-SVID.
//   - sts/jwt-spiffe: the reference STS (an sts.Init deployment whose
//     SPIFFE bundle for example.org is SPIRE's, from the bundle endpoint,
//     plus the demo's wit-svid authority) accepts workload A's SPIRE
//     JWT-SVID as a jwt-spiffe client assertion in a token exchange
//     (subject token: the demo's WIT-SVID with its WPT), and answers one
//     SPIRE issued for another audience invalid_client.
//   - sts/jwt-spiffe/subject-jwt-svid is an expected failure, skipped with
//     its reason: SPIRE leaves iss out of JWT-SVIDs unless the server sets
//     jwt_issuer, exchange.JWTSVIDValidator takes the party's issuer from
//     iss alone, so the STS policy (subjectIssuers spiffe://example.org)
//     answers invalid_request to a SPIRE JWT-SVID as subject token. The
//     subtest fails once the STS accepts it, so that the entry is removed.
//
// The test logs its start-up timings: spire-server healthy, entries
// registered, spire-agent healthy, first X.509-SVID, workload B's fetch.
//
// # Timings
//
// Measured on 2 shared cores: a cold build.sh took 10.5 minutes (toolbox
// §4 measured 4.8) and grows the Go build cache by ~2.7 GB; from a warm
// Go build cache into an empty directory it took 58 s (linking); with the
// binaries in place it returns in 0.1 s. spire-server is healthy 0.15 to
// 0.45 s after its start, registering the join token and the two entries
// takes ~0.15 s, spire-agent is healthy ~0.15 s after its start, and the
// first X.509-SVID reaches workload A ~1 s after that (one synchronisation
// interval). Workload B's fetch takes ~15 ms. The whole test takes ~2 s
// (plus compiling the test binary).
//
// # Clock
//
// SPIRE issues real certificates and tokens, valid from the real time, so
// these tests, unlike the rest of the repository, call our verifiers with
// time.Now (a nil Policy.Now, VerifyPeer's now argument, no WithNow). They
// never sleep; they poll the SPIRE processes for readiness with deadlines.
//
// # Limitations
//
// SPIRE 1.13.3 serves no WIT-SVIDs: its Workload API answers FetchWITSVID
// with Unimplemented, and its bundles carry no wit-svid authority. WITs
// and WIT-SVIDs cannot be tested against it; they come from our own issuer
// or an in-process Workload API. The harness
// needs a unix system (process groups, unix sockets, /proc for the unix
// attestor's workload path: Linux).
package spire
