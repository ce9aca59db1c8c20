package vectors

import (
	"errors"
	"slices"
)

// Client-role vectors (group "client"): the suite plays the server and
// scores what a client under test sends (conformance/clientrole). A vector
// of kind KindClient is a scenario: the request the client is asked to
// make (Client: method, path, body, extra fields), how the suite answers
// it (Client.Answer), and the sender-side requirements (Role "sender" in
// the requirements table) every request the client sends in it is scored
// against. Expect.Verdict says what the client must do with the answer:
// accept (complete, exit 0) or reject (refuse it, exit non-zero). An
// invalid client vector is an answer the client must refuse, derived from
// the valid scenario whose correct answer it replaces: it is judged only
// behind that source, as request vectors are.

// KindClient: Vector.Client is a scenario played with a client under test.
const KindClient = "client"

// Profiles of client vectors (ClientCase.Profile), the --profile values of
// `wimse conformance client`.
const (
	ClientProfileWPT     = "wit-wpt"
	ClientProfileHTTPSig = "wit-httpsig"
	ClientProfileMTLS    = "mtls"
)

// Answers of the suite (ClientCase.Answer).
const (
	// AnswerOK: 200 with a JSON body, signed with the suite's server WIT
	// key when the request asked for a signed response.
	AnswerOK = "ok"
	// AnswerUnsigned: no response signature although one was asked for.
	AnswerUnsigned = "unsigned"
	// AnswerBadSignature: a response signature with one bit flipped.
	AnswerBadSignature = "bad-signature"
	// AnswerWrongNonce: wimse-req-nonce is not the request's nonce.
	AnswerWrongNonce = "wrong-nonce"
	// AnswerOtherResponder: signed correctly by another workload of the
	// trust domain than the server the client means to reach.
	AnswerOtherResponder = "other-responder"
	// AnswerDigestMismatch: signed, then the body changed (Content-Digest
	// no longer matches).
	AnswerDigestMismatch = "digest-mismatch"
	// AnswerRogueServer: the TLS handshake presents a certificate for the
	// server's names from a CA the client does not trust (mtls).
	AnswerRogueServer = "rogue-server"
	// AnswerWrongServerName: the TLS handshake presents a certificate from
	// the trusted CA whose DNS-ID is not the host the client connects to
	// (mtls).
	AnswerWrongServerName = "wrong-server-name"
)

// Capabilities a client command must declare for a scenario
// (ClientCase.Needs): the placeholders of its command template.
const (
	// CapBody: the client sends the method and body it is given ({{method}}, {{body}}).
	CapBody = "body"
	// CapFields: the client adds the request fields it is given ({{field}}).
	CapFields = "fields"
	// CapContextTokens: the client binds the named fields with oth
	// ({{contextField}}).
	CapContextTokens = "contextTokens"
	// CapSignedResponse: the client can require and verify a signed
	// response ({{signResponse}}, {{bundle}}, {{serverId}}).
	CapSignedResponse = "signedResponse"
)

// ClientCase is a client-role scenario.
type ClientCase struct {
	// Profile is ClientProfileWPT, ClientProfileHTTPSig or ClientProfileMTLS.
	Profile string `json:"profile"`
	// Method, Path (with any query) and Body are the request the client is
	// asked to make; Body "" sends none.
	Method string `json:"method"`
	Path   string `json:"path"`
	Body   string `json:"body,omitempty"`
	// Fields are extra request fields the client is asked to add (a
	// Txn-Token, an access token): values are literal test tokens.
	Fields [][2]string `json:"fields,omitempty"`
	// ContextTokens name the Fields the client is asked to bind with oth.
	ContextTokens []string `json:"contextTokens,omitempty"`
	// SignResponse: the client is asked to require a signed response.
	SignResponse bool `json:"signResponse,omitempty"`
	// Sends is how many times the client is run (at least 2 for the
	// uniqueness of jti and nonce); zero means 1.
	Sends int `json:"sends,omitempty"`
	// Answer is how the suite answers (Answer* constants).
	Answer string `json:"answer"`
	// Needs are the capabilities (Cap* constants) a client command must
	// declare; a scenario it cannot express is unsupported.
	Needs []string `json:"needs,omitempty"`
	// Listen marks the scenario that scores whatever arrives when the
	// suite only listens (no client command): one per profile.
	Listen bool `json:"listen,omitempty"`
}

var clientHeader = []string{
	"Client-role scenarios: the suite plays the server (wimse conformance client) and scores each request the client sends against the",
	"sender-side requirements it cites (role sender in requirements.json). client.answer is how the suite answers; expect.verdict is what",
	"the client must do with that answer: accept (exit 0) or reject (exit non-zero). Invalid vectors are answers a client must refuse,",
	"judged behind the valid scenario they derive from.",
}

// Sender-side requirement sets of each profile, in check order.
var (
	wptSend      = []string{"WIT-SEND-VALID", "WPT-SEND-ONE", "WPT-SEND-TYP", "WPT-SEND-ALG", "WPT-SEND-AUD", "WPT-SEND-EXP", "WPT-SEND-LIFETIME", "WPT-SEND-JTI", "WPT-SEND-WTH"}
	sigSend      = []string{"WIT-SEND-VALID", "SIG-SEND-TAG", "SIG-SEND-PARAMS", "SIG-SEND-COMPONENTS", "SIG-SEND-KEY", "SIG-SEND-WINDOW", "SIG-SEND-EXPIRES-TIGHT", "SIG-SEND-NONCE", "SIG-SEND-AUD"}
	mtlsSend     = []string{"MTLS-SEND-CERT", "MTLS-SEND-WIC"}
	bothWPT      = []string{"wpt-01", "wpt-02"}
	bothSig      = []string{Sig06, Sig07}
	jsonBody     = `{"client":"role"}`
	testTxnToken = "txn-token-for-the-client-role-suite"
)

func with(base []string, more ...string) []string {
	return append(slices.Clone(base), more...)
}

// clientVector builds a valid scenario.
func clientVector(id, comment string, drafts []string, reqs []string, c ClientCase, labels ...string) Vector {
	if c.Answer == "" {
		c.Answer = AnswerOK
	}
	if c.Method == "" {
		c.Method = "GET"
	}
	return Vector{ID: id, Kind: KindClient, Comment: comment, Result: ResultValid, Flags: []string{"Baseline"},
		Requirements: reqs, Drafts: drafts, Labels: labels, Client: &c, Expect: Expect{Verdict: "accept"}}
}

// clientRefusal derives an answer the client must refuse from a valid scenario.
func clientRefusal(from Vector, id, change, answer, reason string, reqs []string, flags ...string) Vector {
	c := *from.Client
	c.Answer = answer
	return Vector{ID: id, Kind: KindClient, Comment: change, Result: ResultInvalid, Flags: flags, Requirements: reqs,
		Drafts: from.Drafts, Labels: from.Labels, Client: &c, Mutation: &Mutation{From: from.ID, Change: change},
		Expect: Expect{Verdict: "reject", Reason: reason}}
}

func clientVectors() []Vector {
	var out []Vector
	// Proof of possession with a WPT.
	out = append(out,
		clientVector("client-wpt-any", "whatever request the client sends while the suite only listens: every sender-side WPT rule, tth, oth and ath when the request carries those tokens",
			bothWPT, with(wptSend, "WPT-SEND-TTH", "WPT01-SEND-ATH"), ClientCase{Profile: ClientProfileWPT, Path: "/client/resource", Listen: true}, "listen"),
		clientVector("client-wpt-get", "a GET of the resource: the WIT, one WPT in the draft's carriage, typ, alg = cnf.jwk.alg, aud = target URI, exp, a short lifetime, jti and wth",
			bothWPT, wptSend, ClientCase{Profile: ClientProfileWPT, Path: "/client/resource"}),
		clientVector("client-wpt-post-json", "a POST with a JSON body: the WPT does not change with the method or the body",
			bothWPT, wptSend, ClientCase{Profile: ClientProfileWPT, Method: "POST", Path: "/client/resource", Body: jsonBody, Needs: []string{CapBody}}),
		clientVector("client-wpt-query", "a GET with a query: aud is the target URI without the query",
			bothWPT, wptSend, ClientCase{Profile: ClientProfileWPT, Path: "/client/resource?page=2&sort=asc"}, "aud"),
		clientVector("client-wpt-repeat", "the same GET twice: each WPT has a jti of its own (never reused across the requests of a run)",
			bothWPT, wptSend, ClientCase{Profile: ClientProfileWPT, Path: "/client/resource", Sends: 2}, "replay"),
		clientVector("client-wpt-txn-token", "a GET carrying a Txn-Token: tth binds it",
			bothWPT, with(wptSend, "WPT-SEND-TTH"), ClientCase{Profile: ClientProfileWPT, Path: "/client/resource",
				Fields: [][2]string{{"Txn-Token", testTxnToken}}, Needs: []string{CapFields}}),
		clientVector("client-wpt-context-token", "a GET carrying another context token the client binds: oth has its lower-case field name and hash",
			bothWPT, with(wptSend, "WPT-SEND-OTH"), ClientCase{Profile: ClientProfileWPT, Path: "/client/resource",
				Fields: [][2]string{{"X-Custom-Token", "custom-context-token"}}, ContextTokens: []string{"X-Custom-Token"}, Needs: []string{CapFields, CapContextTokens}}),
		clientVector("client-wpt01-bearer", "a wpt-01 GET carrying an OAuth access token (Authorization: Bearer): ath binds it",
			[]string{"wpt-01"}, with(wptSend, "WPT01-SEND-ATH"), ClientCase{Profile: ClientProfileWPT, Path: "/client/resource",
				Fields: [][2]string{{"Authorization", "Bearer access-token-for-the-client-role-suite"}}, Needs: []string{CapFields}}),
	)
	// HTTP message signatures.
	signed := clientVector("client-sig-signed-response", "a GET that requires a signed response: wimse-sign-response is sent, and the correctly signed answer is accepted",
		bothSig, with(sigSend, "SIG-SEND-SIGN-RESPONSE", "SIG-CLIENT-RESPONSE"), ClientCase{Profile: ClientProfileHTTPSig, Path: "/client/resource", SignResponse: true,
			Needs: []string{CapSignedResponse}}, "response")
	respReqs := []string{"SIG-CLIENT-RESPONSE"}
	out = append(out,
		clientVector("client-sig-any", "whatever request the client sends while the suite only listens: every sender-side signature rule, Content-Digest with a body",
			bothSig, with(sigSend, "SIG-SEND-DIGEST"), ClientCase{Profile: ClientProfileHTTPSig, Path: "/client/resource", Listen: true}, "listen"),
		clientVector("client-sig-get", "a signed GET: one signature tagged wimse-workload-to-workload, its parameters, the covered components, the WIT key, a tight window, a fresh nonce, wimse-aud",
			bothSig, sigSend, ClientCase{Profile: ClientProfileHTTPSig, Path: "/client/resource"}),
		clientVector("client-sig-post-json", "a signed POST with a JSON body: Content-Digest present, covered and correct, Content-Type covered",
			bothSig, with(sigSend, "SIG-SEND-DIGEST"), ClientCase{Profile: ClientProfileHTTPSig, Method: "POST", Path: "/client/resource", Body: jsonBody, Needs: []string{CapBody}}),
		clientVector("client-sig-query", "a signed GET with a query: @query (-07) or @request-target (-06) covers it, wimse-aud leaves it out",
			bothSig, sigSend, ClientCase{Profile: ClientProfileHTTPSig, Path: "/client/resource?page=2&sort=asc"}, "aud"),
		clientVector("client-sig-repeat", "the same signed GET twice: each signature has a nonce of its own",
			bothSig, sigSend, ClientCase{Profile: ClientProfileHTTPSig, Path: "/client/resource", Sends: 2}, "replay"),
		clientVector("client-sig-txn-token", "a signed GET carrying a Txn-Token: txn-token is covered",
			bothSig, sigSend, ClientCase{Profile: ClientProfileHTTPSig, Path: "/client/resource", Fields: [][2]string{{"Txn-Token", testTxnToken}}, Needs: []string{CapFields}}),
		signed,
		clientRefusal(signed, "client-sig-response-unsigned", "the suite answers 200 without a signature although the client sent wimse-sign-response: the client must reject it",
			AnswerUnsigned, "httpsig.response_unsigned", respReqs, "AuthBypass"),
		clientRefusal(signed, "client-sig-response-bad-signature", "the response signature has one bit flipped: the client must reject it",
			AnswerBadSignature, "httpsig.signature", respReqs, "ModifiedParameter"),
		clientRefusal(signed, "client-sig-response-wrong-nonce", "the response is signed, but wimse-req-nonce is not the request's nonce (a replayed answer): the client must reject it",
			AnswerWrongNonce, "httpsig.req_nonce", respReqs, "Replay"),
		clientRefusal(signed, "client-sig-response-other-responder", "the response is signed correctly by another workload of the trust domain than the server the client calls: the client must reject it",
			AnswerOtherResponder, "httpsig.responder_identity", respReqs, "AuthBypass"),
		clientRefusal(signed, "client-sig-response-digest-mismatch", "the response body is changed after signing, so its Content-Digest no longer matches: the client must reject it",
			AnswerDigestMismatch, "httpsig.digest_mismatch", respReqs, "ModifiedParameter"),
	)
	// Mutual TLS.
	mget := clientVector("client-mtls-get", "a GET over mutual TLS: the client presents a Workload Identity Certificate (one URI SAN, clientAuth allowed) chaining to the suite's roots for its trust domain",
		nil, mtlsSend, ClientCase{Profile: ClientProfileMTLS, Path: "/client/resource"})
	out = append(out,
		clientVector("client-mtls-any", "whatever the client sends while the suite only listens: a Workload Identity Certificate chaining to the suite's roots",
			nil, mtlsSend, ClientCase{Profile: ClientProfileMTLS, Path: "/client/resource", Listen: true}, "listen"),
		mget,
		clientRefusal(mget, "client-mtls-rogue-server", "the suite's TLS certificate names the server but comes from a CA the client does not trust: the client must refuse the handshake and send nothing",
			AnswerRogueServer, "mtls.chain", []string{"MTLS-CLIENT-SERVER-ID"}, "AuthBypass"),
		clientRefusal(mget, "client-mtls-wrong-server-name", "the suite's TLS certificate chains to the trusted root but names elsewhere.example, not the host the client connects to: the client must refuse the handshake and send nothing",
			AnswerWrongServerName, "mtls.dns_id", []string{"MTLS-CLIENT-SERVER-ID"}, "AuthBypass"),
	)
	return out
}

// lintClient checks a client vector's scenario.
func lintClient(v *Vector) error {
	c := v.Client
	if c == nil {
		return errors.New("client vector without a client scenario")
	}
	switch c.Profile {
	case ClientProfileWPT, ClientProfileHTTPSig:
		if len(v.Drafts) == 0 {
			return errors.New("client vector of a WIT profile needs drafts")
		}
	case ClientProfileMTLS:
		if len(v.Drafts) != 0 {
			return errors.New("mtls client vector with drafts")
		}
	default:
		return errors.New("client vector of an unknown profile")
	}
	switch c.Answer {
	case AnswerOK:
		if v.Result != ResultValid {
			return errors.New("a correct answer is a valid scenario")
		}
	case AnswerUnsigned, AnswerBadSignature, AnswerWrongNonce, AnswerOtherResponder, AnswerDigestMismatch:
		if c.Profile != ClientProfileHTTPSig || !c.SignResponse || v.Result != ResultInvalid {
			return errors.New("a wrong response signature is an invalid wit-httpsig scenario that asked for a signed response")
		}
	case AnswerRogueServer, AnswerWrongServerName:
		if c.Profile != ClientProfileMTLS || v.Result != ResultInvalid {
			return errors.New("a wrong server certificate is an invalid mtls scenario")
		}
	default:
		return errors.New("unknown answer")
	}
	if c.Method == "" || len(c.Path) == 0 || c.Path[0] != '/' {
		return errors.New("client scenario needs a method and an absolute path")
	}
	for _, n := range c.Needs {
		if !slices.Contains([]string{CapBody, CapFields, CapContextTokens, CapSignedResponse}, n) {
			return errors.New("unknown client capability " + n)
		}
	}
	return nil
}
