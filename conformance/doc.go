// Package conformance plays the WIMSE test vectors against an HTTP endpoint
// and scores what it answers: verdict (accepted or rejected) and signalling
// (status, WWW-Authenticate) apart, in the vocabulary of
// shared/design/ARCHITECTURE.md (pass, fail, warn, xfail, xpass,
// unsupported, skip, error).
//
// Run materialises each selected request vector afresh (current times,
// fresh jti values, signed with the suite's public test keys), sends it to
// the target, sends it again for stateful vectors (replay), and returns a
// Report; it never prints. Reporters render the Report as JSON (the source
// of truth), JUnit XML, Markdown and a self-contained HTML page.
//
//	rep, err := conformance.Run(ctx, conformance.Config{Target: "https://svc.example/api", Draft: "wpt-02"})
//
// # Scoring
//
// A 2xx answer is an acceptance, anything else a rejection. Wrong verdict:
// fail, unless the vector is at SHOULD level (flag ShouldLevel) and the run
// is not strict: warn. Right verdict with another status or challenge than
// the draft prescribes: warn. Vectors marked acceptable pass with either
// verdict. Reason codes in problem bodies are recorded, never scored: a
// target need not use this module's codes. Timeouts and transport failures
// are error, never fail.
package conformance
