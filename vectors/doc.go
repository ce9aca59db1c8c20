// Package vectors holds the WIMSE test vectors as data and the
// deterministic generator that writes them: the single source of truth for
// expected behaviour. This module's own tests, the conformance runner
// (conformance) and the interop tooling all play the same files.
//
// The files live in v1/ (identifier.json, wit.json, wpt.json, httpsig.json,
// mtls.json and requirements.json) under the JSON Schema
// schema/wimse_vectors_v1.schema.json, and are embedded as FS, so any Go
// project can read them:
//
//	set, err := vectors.Load(vectors.FS) // strict: unknown members are an error
//	for _, v := range set.Vectors() {
//		_ = v.Expect.Verdict // accept or reject, with Reason and per-draft Signal
//	}
//
// Each vector has a stable ID (never renumbered; retired IDs stay reserved),
// a result (valid, invalid, or acceptable with a flag whose note says why),
// requirement IDs into the requirements table, the drafts it applies to,
// the policy it assumes, its provenance (the valid vector it was derived
// from and what changed), intermediate values (decoded header and claims,
// wth, tth, oth, signature bases), and the expected verdict, reason and
// signalling apart.
//
// Request vectors come twice: as a Template with relative times and named
// keys, which Materialize mints and signs (the runner does so at run time),
// and Frozen at FrozenNow for offline library tests. Generate rebuilds every
// file from a seed: keys derive from it (two fixed RSA test keys aside),
// ECDSA signatures follow RFC 6979 and PSS salts derive from the input, so
// the output is byte-identical on every run (`wimse vectors check`).
//
// # Draft revisions
//
// Each vector lists the drafts it applies to, and each requirement of
// requirements.json names its draft and section: draft-ietf-wimse-identifier-03,
// draft-ietf-wimse-workload-creds-02 (the WIT, and §6.1 for certificates),
// draft-ietf-wimse-wpt-01 and -02, draft-ietf-wimse-http-signature-06 and
// -07, and draft-ietf-wimse-mutual-tls-03 (whose unnumbered requirements
// are cited M1–M19, as in profiles/mtls). A draft revision that changes a
// rule gets vectors of its own; vectors it leaves alone name both.
//
// # Security considerations
//
// Every key here is a public test key: requirements.json publishes the
// private parts so runners can sign. Never trust them outside a test.
package vectors
