// Package conformance plays the WIMSE test vectors against an HTTP endpoint
// and scores what it answers: verdict (accepted or rejected) and signalling
// (status, WWW-Authenticate) apart, in one vocabulary (Status: pass, fail,
// warn, xfail, xpass, blocked, unsupported, skip, error).
//
// Run materialises each selected request vector afresh (current times,
// fresh jti values, signed with the suite's public test keys), sends it to
// the target, sends it again for stateful vectors (replay), and returns a
// Report; it never prints. Reporters render the Report as JSON (the source
// of truth), JUnit XML, Markdown and a self-contained HTML page.
//
//	p, err := conformance.LoadProfile("target.json") // what the target declares
//	rep, err := conformance.Run(ctx, conformance.Config{
//		Target: "https://svc.example/api", Draft: "wpt-02", Profile: p})
//
// # Declared policy
//
// Only a mandatory requirement, or a choice the target declared, can make
// a vector fail. Where the drafts leave a choice to the receiver (clock
// skew, token size, maximum proof lifetime, key selection without kid,
// optional algorithms beyond ES256, an iss allow-list, the revisions it
// implements), the vector records what its expectation rests on
// (vectors.Needs) and the target's Profile declares its values: a vector
// whose needs the profile does not declare is unsupported, with a message
// naming the profile field, never fail. Boundary vectors are materialised
// relative to the declared values (vectors.Env.Policy): expired by the
// declared skew plus a 10 s margin, within it by the skew minus 10 s.
// LoadProfile reads and validates a profile file (ProfileExample writes a
// commented one); DefaultProfile declares the reference server's policy.
//
// # Scoring
//
// A 2xx answer is an acceptance, anything else a rejection. Wrong verdict:
// fail, unless the vector is at SHOULD level (flag ShouldLevel) and the run
// is not strict: warn. Right verdict with another status or challenge than
// the draft prescribes: warn. Vectors marked acceptable pass with either
// verdict. Reason codes in problem bodies are recorded, and scored only
// with Config.ScoreReasons: a target need not use this module's codes.
//
// No masked passes: every negative vector names the valid vector it was
// derived from (its source). Run plays the sources first, and a rejection
// counts as pass only if the target accepted the source in the same run;
// otherwise it is blocked (neither pass nor fail; the run is not
// conformant, and Report.Blockers names the sources to fix first). A
// target that rejects everything therefore passes nothing.
//
// Transport: a timeout or a refused connection is error, never fail; the
// first UnreachableAfter transport errors in a row stop the run with
// ErrUnreachable (unless Config.KeepGoing). A connection the target closes
// or resets after receiving a valid vector is fail; after a negative one
// it is a rejection with the wrong signalling (warn). Every non-pass
// result shows what the target answered (Observed: status,
// WWW-Authenticate, problem reason and detail, or the first 200 bytes of
// the body).
//
// # Draft revisions
//
// Config.Draft names the revision played (AllRevisions):
// draft-ietf-wimse-wpt-01 and -02 (a WIT of
// draft-ietf-wimse-workload-creds-02 with a WPT), or
// draft-ietf-wimse-http-signature-06 and -07 (a WIT with an HTTP message
// signature); the client-role vectors (Config.Kinds) play
// draft-ietf-wimse-mutual-tls-03. Identifiers follow
// draft-ietf-wimse-identifier-03 throughout. Each vector lists the drafts it
// applies to and cites its requirements by draft and section
// (vectors.Requirements). Experimental: the revisions follow the drafts.
package conformance
