// Package clientrole tests the client side of WIMSE: the suite plays the
// server, a client under test sends it requests, and every request is
// scored against the sender-side requirements of its profile (the "sender"
// requirements of vectors/v1/requirements.json: WIT-SEND-*, WPT-SEND-*,
// WPT01-SEND-ATH, SIG-SEND-*, SIG-CLIENT-RESPONSE, MTLS-SEND-*,
// MTLS-CLIENT-SERVER-ID). Results and reports are conformance's own
// (conformance.Result, conformance.Report and its JSON, JUnit, Markdown and
// HTML writers), in the same scoring vocabulary.
//
//	ln, _ := net.Listen("tcp", "127.0.0.1:0")
//	client, _ := clientrole.NewCommand("my-client --url {{url}} --wit {{wit}} --key {{key}}")
//	defer client.Close()
//	rep, err := clientrole.Run(ctx, clientrole.Config{
//		Profile: "wit-wpt", Draft: "wpt-02", Listener: ln, Client: client,
//	})
//
// # Scenarios
//
// The scenarios are the client-role vectors (vectors/v1/client.json, kind
// client): each names the request the client is asked to make (method,
// path with any query, body, extra fields such as a Txn-Token, fields to
// bind with oth, whether to require a signed response), how the suite
// answers it (vectors.ClientCase.Answer) and the requirements it scores.
// The suite gives the client a credential set of its own public test keys
// (Credentials): a WIT for vectors.Subject issued by the suite's "issuer"
// key with the "workload" key as cnf.jwk, and, for mtls, a client
// certificate from the suite's example.org root. The suite's own answers
// are signed with a WIT for vectors.ServerSubject ("server" key), its TLS
// certificate is vectors.MTLSServerCertificate (DNS-ID localhost): the
// mtls profile always serves TLS, the WIT profiles with Config.TLS.
//
// Every request is scored as it arrives, against the scenario's
// requirements only; a request that breaks any sender-side requirement of
// its profile is answered 400 with a JSON problem naming them, a correct
// one 200. A MUST broken is fail; only SHOULDs broken is warn (fail with
// Config.Strict). jti and nonce uniqueness span the whole run. A scenario
// whose client sent nothing is error, never fail.
//
// # Driving the client
//
// With Config.Client the suite runs the client once per scenario (twice
// for the repeat scenarios, times Config.Requests): NewCommand runs a
// command template, InProcess calls this module's transports. A scenario
// needing a capability the client does not declare (a command template
// without {{body}}, {{field}}, {{contextField}} or {{signResponse}}) is
// unsupported, never failed. Without a Client, the suite only listens:
// whatever arrives is scored against the profile's listen scenario
// (client-wpt-any, client-sig-any, client-mtls-any), one result per
// request, until Config.Requests requests or Config.Timeout.
//
// # Answers a client must refuse
//
// The invalid client vectors are wrong answers: for wit-httpsig an
// unsigned response although the client sent wimse-sign-response, a
// response signature with a bit flipped, a wrong wimse-req-nonce, a
// response signed by another workload than the server, a body changed
// after signing; for mtls a server certificate from a CA the client does
// not trust, or from the trusted CA for another host name. The suite detects the client's verdict by its behaviour: the
// command's exit status (0 accepted the answer, anything else refused it;
// Client.Call's error in process) and, for the TLS case, whether a request
// arrived at all. A refusal counts only behind its source: the valid
// scenario with the correct answer must have passed in the same run (the
// client completed, exit 0, and its requests were correct), otherwise the
// refusal proves nothing and the vector is blocked, as in conformance.
// Listen-only runs cannot see a verdict, so they play no such vector.
//
// SelfTest breaks this module's own client transports one behaviour at a
// time (internal/mutant ClientChecks, hooks in profiles/httpwpt and
// profiles/httpsig) and reports which scenarios catch each mutant.
//
// Experimental: the requirements follow draft-ietf-wimse-wpt-01/-02,
// draft-ietf-wimse-http-signature-06/-07 and
// draft-ietf-wimse-mutual-tls-03.
package clientrole
