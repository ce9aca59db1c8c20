package vectors

import (
	"encoding/json"
	"strings"
)

// SchemaID names the schema of every v1 file; the major version is in the
// directory name (v1/) and in this value.
const SchemaID = "wimse_vectors_v1"

// File is one vector file: a group of vectors about one subject.
type File struct {
	Schema string `json:"schema"`
	// Group names the file's subject, e.g. "identifier", "wit", "wpt".
	Group string `json:"group"`
	// Header explains the file in a few sentences.
	Header []string `json:"header"`
	// Generator records how the file was made.
	Generator Generator `json:"generator"`
	// NumberOfTests is len(Tests).
	NumberOfTests int `json:"numberOfTests"`
	// Notes explain every flag used in Tests (Wycheproof style).
	Notes map[string]Note `json:"notes"`
	// Tests are the vectors, in a stable order.
	Tests []Vector `json:"tests"`
}

// Generator identifies the generator run that wrote a file.
type Generator struct {
	Name    string `json:"name"`
	Version string `json:"version"`
	Seed    string `json:"seed"`
}

// Note explains a flag.
type Note struct {
	// BugType classifies what an implementation that fails gets wrong.
	BugType     string   `json:"bugType"`
	Description string   `json:"description"`
	Links       []string `json:"links,omitempty"`
}

// Result values, as in Wycheproof.
const (
	ResultValid      = "valid"
	ResultInvalid    = "invalid"
	ResultAcceptable = "acceptable"
)

// Kinds of vectors.
const (
	// KindIdentifier: Input.Identifier is parsed as a Workload Identifier.
	KindIdentifier = "identifier"
	// KindWIT: Input.WIT is verified on its own (library level).
	KindWIT = "wit"
	// KindRequest: an HTTP request carrying a WIT and a WPT is verified.
	KindRequest = "request"
	// KindMTLS: Input.Certificates, a certificate chain presented in a TLS
	// handshake, is verified as a Workload Identity Certificate.
	KindMTLS = "mtls"
)

// Vector is one test case. ID is a stable slug that is never renumbered
// or reused (retired IDs stay reserved in requirements.json).
type Vector struct {
	ID      string `json:"id"`
	Kind    string `json:"kind"`
	Comment string `json:"comment"`
	// Result is valid, invalid or acceptable; an acceptable vector has at
	// least one flag whose note explains the choice.
	Result string   `json:"result"`
	Flags  []string `json:"flags"`
	// Requirements are IDs into the requirements table.
	Requirements []string `json:"requirements"`
	// Drafts lists the WPT revisions the vector applies to (request
	// vectors): ["wpt-01"], ["wpt-02"] or both.
	Drafts []string `json:"drafts,omitempty"`
	// Labels select vectors in the runner (e.g. "replay", "typ").
	Labels []string `json:"labels,omitempty"`
	// Mutation says how a negative vector was derived from a valid one.
	Mutation *Mutation `json:"mutation,omitempty"`
	// Policy is the verification policy the vector assumes.
	Policy *Policy `json:"policy,omitempty"`
	// Needs is what the expectation rests on beyond the drafts' mandatory
	// requirements; nil means nothing.
	Needs *Needs `json:"needs,omitempty"`
	// Template is the recipe the runner materialises at run time.
	Template *Template `json:"template,omitempty"`
	// Frozen is the template materialised at a fixed time, per draft.
	Frozen *Frozen `json:"frozen,omitempty"`
	// Input holds the direct input of identifier and WIT vectors.
	Input *Input `json:"input,omitempty"`
	// Exchange is the token request of an exchange vector (exchange.go).
	Exchange *ExchangeCase `json:"exchange,omitempty"`
	// Client is the scenario of a client-role vector (client_vectors.go).
	Client *ClientCase `json:"client,omitempty"`
	// Expect is the expected outcome.
	Expect Expect `json:"expect"`

	// certs is the recipe of an mtls vector's certificates; freeze issues
	// them from the seed into Input.Certificates.
	certs *certRecipe
}

// Mutation records the provenance of a negative vector.
type Mutation struct {
	// From is the ID of the valid vector this one was derived from.
	From string `json:"from"`
	// Change says what was changed, in words.
	Change string `json:"change"`
}

// Needs is what a vector's expectation rests on beyond the drafts'
// mandatory requirements: receiver policy that the drafts leave open, and
// algorithms beyond the mandatory-to-implement ES256. A runner plays the
// vector only against a target whose profile declares them (a value for
// each Policy name; support for each algorithm), and materialises the
// vector's policy-relative times and sizes from the declared values;
// otherwise the vector is unsupported, never failed. A negative vector
// carries the needs of its valid source too: it can only be judged where
// its source can.
type Needs struct {
	// Policy names the receiver settings the expectation rests on: the
	// Need* constants.
	Policy []string `json:"policy,omitempty"`
	// IssuerAlgorithms are the WIT signature algorithms, other than ES256,
	// the receiver must verify.
	IssuerAlgorithms []string `json:"issuerAlgorithms,omitempty"`
	// ProofAlgorithms are the proof algorithms (cnf.jwk.alg), other than
	// ES256, the receiver must accept.
	ProofAlgorithms []string `json:"proofAlgorithms,omitempty"`
	// Features are the token endpoint features (Feature* constants) the
	// target must claim (exchange vectors).
	Features []string `json:"features,omitempty"`
}

// Names of Needs.Policy.
const (
	// NeedClockSkew: the vector lies at the boundary of the receiver's
	// clock skew (just within or just beyond it).
	NeedClockSkew = "clockSkew"
	// NeedMaxTokenSize: the vector exceeds the receiver's token size limit.
	NeedMaxTokenSize = "maxTokenSize"
	// NeedMaxWPTLifetime: the vector lies at or beyond the receiver's
	// maximum proof lifetime (WPT exp, signature expires).
	NeedMaxWPTLifetime = "maxWptLifetime"
	// NeedKidRequired: the vector assumes the receiver's rule for a WIT
	// without kid when the trust domain has several keys (Policy.KidRequired).
	NeedKidRequired = "kidRequired"
	// NeedIssuers: the vector assumes exactly the iss allow-list of
	// Policy.Issuers (none when empty).
	NeedIssuers = "issuers"
	// NeedLegacyTyp: the vector assumes the receiver accepts the legacy
	// s2s-06 typ values (Policy.Revisions holds s2s-06), or that it does
	// not.
	NeedLegacyTyp = "legacyTyp"
	// NeedSecondTrustDomain: the vector assumes the receiver trusts a
	// second trust domain, OtherTrustDomain, with the suite's second issuer
	// key set (SecondIssuers) bound to it alone, besides TrustDomain.
	NeedSecondTrustDomain = "secondTrustDomain"
)

// Policy is the receiver policy a vector assumes. Times are seconds.
type Policy struct {
	// Audience is the receiver's audience base URL in frozen mode: the
	// expected aud or wimse-aud of a request for path P is Audience + P. The
	// runner uses the target's own instead.
	Audience string `json:"audience"`
	// TrustDomains are the trusted trust domains, each with its own issuer
	// keys: TrustDomain with TrustedIssuers, OtherTrustDomain with
	// SecondIssuers (KeySet.IssuerKeysOf).
	TrustDomains       []string `json:"trustDomains"`
	ClockSkew          int      `json:"clockSkew"`
	MaxWPTLifetime     int      `json:"maxWptLifetime"`
	MaxTokenSize       int      `json:"maxTokenSize"`
	Revisions          []string `json:"revisions"`
	ContextTokenFields []string `json:"contextTokenFields,omitempty"`
	// Issuers, when set, is the iss allow-list of every trust domain.
	Issuers []string `json:"issuers,omitempty"`
	// ProofAlgorithms, when set, is every trust domain's allow-list of
	// proof algorithms (cnf.jwk.alg; http-signature-07 §3.1).
	ProofAlgorithms []string `json:"proofAlgorithms,omitempty"`
	// KidRequired: a WIT without kid is rejected when its trust domain has
	// several issuer keys (creds-02 §5.1.1 leaves key selection without
	// kid to deployment policy).
	KidRequired bool `json:"kidRequired,omitempty"`
	// WITSVID: the receiver verifies WITs under the SPIFFE WIT-SVID
	// profile (tokens/wit ProfileSVID; the witsvid vectors, NeedWITSVID).
	WITSVID bool `json:"witSVID,omitempty"`
}

// Input is the direct input of identifier, WIT and mtls vectors.
type Input struct {
	Identifier *string `json:"identifier,omitempty"`
	// Certificates is the input of an mtls vector.
	Certificates *MTLSInput `json:"certificates,omitempty"`
}

// Roles of an mtls vector.
const (
	// RoleClient: the certificate a TLS client presents, judged by the
	// server (the runner plays it against the target).
	RoleClient = "client"
	// RoleServer: the certificate a TLS server presents, judged by a client
	// expecting ExpectedID or DNSName (played offline only: the runner
	// cannot change the target's certificate).
	RoleServer = "server"
)

// MTLSInput is a certificate chain presented in a TLS handshake
// (mutual-tls-03), verified at the time the vector is played against the
// X.509 roots of requirements.json (x509Roots): each root trusted for its
// own trust domain only.
type MTLSInput struct {
	// Role is RoleClient or RoleServer: the role the presenting peer plays,
	// which decides the extended key usage it needs.
	Role string `json:"role"`
	// Chain is the chain as sent, PEM CERTIFICATE blocks, leaf first; empty
	// when the peer sends no certificate.
	Chain []string `json:"chain"`
	// Key is the leaf's private key (PEM PKCS#8), so a runner can present
	// the chain. A public test key: never trust it outside a test.
	Key string `json:"key,omitempty"`
	// ExpectedID is the Workload Identifier the client expects of the
	// server (server role; mutual-tls-03 M7, M9).
	ExpectedID string `json:"expectedId,omitempty"`
	// DNSName is the host name the client connects to (server role;
	// mutual-tls-03 M6).
	DNSName string `json:"dnsName,omitempty"`
}

// Expect is the expected outcome, verdict and signalling apart.
type Expect struct {
	// Verdict is "accept" or "reject".
	Verdict string `json:"verdict"`
	// Reason is the expected reason code of a rejection.
	Reason string `json:"reason,omitempty"`
	// Signal is the expected HTTP signalling per draft (request vectors),
	// or under the key "mtls" for client-role mtls vectors: status 200 when
	// the target completes the handshake and answers, 0 when it refuses the
	// certificate in the handshake (a 4xx answer is the same verdict).
	Signal map[string]Signal `json:"signal,omitempty"`
	// SignedResponse: the answer must carry a valid WIMSE response
	// signature echoing the request's nonce (http-signature vectors that
	// send wimse-sign-response).
	SignedResponse bool `json:"signedResponse,omitempty"`
}

// Signal is the HTTP signalling of an answer.
type Signal struct {
	Status int `json:"status"`
	// WWWAuthenticate is the expected challenge scheme, "" for none.
	WWWAuthenticate string `json:"wwwAuthenticate,omitempty"`
}

// Template is a request recipe with relative times and named keys; see
// Materialize.
type Template struct {
	WIT *TokenTemplate `json:"wit,omitempty"`
	WPT *TokenTemplate `json:"wpt,omitempty"`
	// Extra tokens (e.g. "txn") whose hashes claims can reference.
	Tokens map[string]string `json:"tokens,omitempty"`
	// Request is the HTTP request; nil for WIT-only vectors.
	Request *RequestTemplate `json:"request,omitempty"`
	// Sigs are HTTP message signatures to add (RFC 9421), in order; their
	// Signature-Input and Signature field lines are appended to the request.
	Sigs []*SigTemplate `json:"sigs,omitempty"`
	// Sends is how many times the same materialised request is sent; the
	// expectation is for the last send, every earlier one must be accepted
	// (replay vectors use 2). Zero means 1.
	Sends int `json:"sends,omitempty"`
}

// TokenTemplate describes a JWS to mint. String values may use the
// placeholders of Materialize; header and claim values may be directives:
// {"$rel": N} (now + N seconds; with "$policy": "-clockSkew" or a list such
// as ["+maxWptLifetime", "+clockSkew"], the receiver's policy values are
// added or subtracted, see Env.Policy),
// {"$hash": "wit"|"token:NAME"|"field:NAME"},
// {"$jwk": KEY} (the public JWK of KEY with its alg), {"$jti": true},
// {"$jkt": KEY} (the RFC 7638 SHA-256 thumbprint of KEY's public JWK,
// base64url).
type TokenTemplate struct {
	// Header is the protected header; HeaderRaw, when set, replaces its
	// serialization byte for byte (duplicate members and the like).
	Header    map[string]any `json:"header,omitempty"`
	HeaderRaw string         `json:"headerRaw,omitempty"`
	// Claims and ClaimsRaw likewise; ClaimsRaw may hold "{{...}}" placeholders.
	Claims    map[string]any `json:"claims,omitempty"`
	ClaimsRaw string         `json:"claimsRaw,omitempty"`
	// Key names the signing key; Alg the signing algorithm ("none" leaves
	// the signature empty; "HS256" keys HMAC with Key's public JWK JSON).
	Key string `json:"key"`
	Alg string `json:"alg"`
	// Encoding mangles the compact form: truncate, extra-segment, pad,
	// whitespace, plus-slash, or ed25519-s-plus-l (L added to the S of an
	// Ed25519 signature, EncodingEd25519SPlusL).
	Encoding string `json:"encoding,omitempty"`
	// OverLimit pads the claims with a filler claim so that the compact
	// token exceeds the receiver's maximum token size (Env.Policy) by at
	// least this many bytes.
	OverLimit int `json:"overLimit,omitempty"`
	// Tamper replaces claims after signing: the token keeps the signature
	// of the original claims.
	Tamper map[string]any `json:"tamper,omitempty"`
}

// SigTemplate describes one HTTP message signature to add to a request.
// Params values may be directives ({"$rel": N}) or strings with
// placeholders ({{aud}}, {{nonce}}: a fresh nonce per signature).
type SigTemplate struct {
	// Label is the dictionary key in Signature-Input and Signature.
	Label string `json:"label"`
	// Components are the covered component identifiers, serialised
	// (e.g. "\"@method\"", "\"content-digest\"").
	Components []string `json:"components"`
	// Params are the signature parameters in order.
	Params []SigParam `json:"params"`
	// Key names the signing key; Alg the algorithm ("" means the key's).
	Key string `json:"key"`
	Alg string `json:"alg,omitempty"`
	// Corrupt flips one bit of the signature after signing.
	Corrupt bool `json:"corrupt,omitempty"`
	// SPlusL adds L, the order of the edwards25519 base point, to the S
	// half of an Ed25519 signature after signing: invalid by RFC 8032
	// §5.1.7, valid to a verifier that reduces S.
	SPlusL bool `json:"sPlusL,omitempty"`
	// ParamsRaw, when set, replaces the serialised parameters (after the
	// inner list) byte for byte, for malformed inputs.
	ParamsRaw string `json:"paramsRaw,omitempty"`
}

// SigParam is one signature parameter.
type SigParam struct {
	Name  string `json:"name"`
	Value any    `json:"value"`
}

// RequestTemplate is an HTTP request with ordered field lines. Values may
// use the placeholders {{wit}}, {{wpt}}, {{token:NAME}} and the foreign
// origins of origin.go; the field line ["{{proof}}", ""] stands for the
// draft's proof: the WPT in its carriage, or a WIMSE message signature
// under an HTTP signature revision (carriage.go); the value
// {{digest}} is the RFC 9530 sha-256 Content-Digest of the body.
type RequestTemplate struct {
	Method string      `json:"method"`
	Path   string      `json:"path"`
	Fields [][2]string `json:"fields"`
	Body   string      `json:"body,omitempty"`
}

// Frozen is a template materialised at Now.
type Frozen struct {
	Now int64 `json:"now"`
	// WIT is the compact WIT (WIT vectors).
	WIT string `json:"wit,omitempty"`
	// Requests holds the request per draft (request vectors).
	Requests map[string]*Request `json:"requests,omitempty"`
	// Intermediate values for debugging.
	Intermediate *Intermediate `json:"intermediate,omitempty"`
}

// Request is a concrete HTTP request.
type Request struct {
	Method string      `json:"method"`
	Target string      `json:"target"`
	Fields [][2]string `json:"fields"`
	Body   string      `json:"body"`
}

// HasField reports whether the request has a field line of that name
// (case-insensitive). A request without a Host field gets the target's.
func (r *Request) HasField(name string) bool {
	for _, f := range r.Fields {
		if strings.EqualFold(f[0], name) {
			return true
		}
	}
	return false
}

// Intermediate holds decoded values that help find a mismatch.
type Intermediate struct {
	WITHeader json.RawMessage `json:"witHeader,omitempty"`
	WITClaims json.RawMessage `json:"witClaims,omitempty"`
	WPTHeader json.RawMessage `json:"wptHeader,omitempty"`
	WPTClaims json.RawMessage `json:"wptClaims,omitempty"`
	WTH       string          `json:"wth,omitempty"`
	// SignatureBases are the RFC 9421 signature bases, per signature label.
	SignatureBases map[string]string `json:"signatureBases,omitempty"`
	TTH            string            `json:"tth,omitempty"`
	OTH            map[string]string `json:"oth,omitempty"`
}
