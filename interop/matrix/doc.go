// Package matrix runs an interop matrix: every client against every server
// of a registry, for each profile (wit-wpt, wit-httpsig, mtls) and draft
// revision both declare, with per-cell evidence, in the manner of the QUIC
// interop runner.
//
// A registry (Registry, loaded strictly by Load; schema in
// schema/registry.schema.json) names implementations by the commands that
// run them. Commands are argv arrays, never shell lines, whose {{variables}}
// the runner fills from a credential set it generates for every run (a trust
// domain with an issuer key, its JWK Set, a WIT and its key for the client,
// an X.509 CA with a server and a client certificate) and from the cell
// (listen address, URL, audience, draft). The Go packages a registry lists
// under "build" are built once into a temporary directory; {{bin.NAME}}
// names the binary.
//
// For each cell the runner starts the server on a free loopback port, waits
// for GET /healthz to answer 200 within a deadline, runs the client with a
// time bound, and stops the server's whole process group. A cell passes
// when the client exits 0 and its output names the identity the server
// authenticated, and then the negative probe, the same client run with the
// rogue credentials (the same names issued by an issuer key and a CA
// nobody trusts), is refused (exit 1): a server that accepts anything
// cannot pass. The probe tests servers only; a client's own checks of the
// server (a rogue server certificate, an unsigned response) are not probed.
//
// # Classification
//
// A failing cell (client C, server S) is judged with two controls that
// are cells of the same run, the QUIC runner's trick: C against the
// reference server R, and the reference client R against S.
//
//	C→R passes, R→S passes: disagreement (each works with the reference, not with each other)
//	C→R fails,  R→S passes: client-side
//	C→R passes, R→S fails:  server-side
//	otherwise:              unknown (the controls cannot decide)
//
// A server that does not start, a build that fails or a client that exits
// 2 (usage or setup error, by the peers' CLI convention) is setup. A
// failing cell the registry lists as a known disagreement (with a finding
// reference) keeps its class and is marked known; a known entry whose cell
// now passes is stale and fails the run, like an expected failure that no
// longer fails.
//
// # Evidence
//
// Each cell leaves one text file: the commands, timing, the client's
// output (the answer), the negative probe's output and the server's log.
// Plain-HTTP cells run through a transparent TCP relay, so the file also
// holds the bytes sent and answered, exactly (the server's audience is the
// relay's address). It holds the run's WITs and proofs, never a private
// key; TLS cells are not recorded.
//
// The runner returns a Result and never prints; WriteJSON and WriteHTML
// render it (schema/matrix.schema.json describes the JSON).
package matrix
