// Package fakeagent is an in-process SPIFFE Workload API (SPIFFE Workload
// Endpoint and Workload API standards; the WIT-SVID RPCs of go-spiffe
// v2.9.0's proto) for tests: a gRPC SpiffeWorkloadAPI server on a unix
// socket that serves one workload its X.509-SVID, JWT-SVIDs, WIT-SVIDs and
// the trust domain's bundles, where a real agent (SPIRE 1.13.3 serves no
// WIT-SVIDs) cannot. go-spiffe's own fake server is internal to go-spiffe.
//
// WIT-SVIDs are minted on every fetch by tokens/wit under wit.ProfileSVID,
// each with a fresh ES256 workload key returned as a private JWK, as the
// Workload API returns it. Like a real agent, every RPC requires the
// metadata "workload.spiffe.io: true" and answers InvalidArgument without
// it. It does not attest workloads (every caller is the one workload),
// rotate, push updates on a stream after the first answer, or validate
// JWT-SVIDs (ValidateJWTSVID is unimplemented).
//
//	a, err := fakeagent.Start(filepath.Join(t.TempDir(), "agent.sock"), fakeagent.Config{ID: id})
//	defer a.Close()
//	c, err := workloadapi.New(ctx, workloadapi.WithAddr(a.Addr()))
//	svid, err := c.FetchWITSVID(ctx, "")
package fakeagent
