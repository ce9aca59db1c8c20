package conformance

import (
	"github.com/wimse-wg/wimse/internal/strictjson"

	"cmp"
	"fmt"
	"net/url"
	"os"
	"slices"
	"strings"

	"github.com/wimse-wg/wimse/vectors"
	"github.com/wimse-wg/wimse/wimse"
)

// Algorithms a profile may declare. EdDSA and Ed25519 (RFC 9864) name the
// same algorithm for an Ed25519 key: declaring one declares both.
var knownAlgorithms = []string{"ES256", "ES384", "ES512", "EdDSA", "Ed25519", "RS256", "RS384", "RS512", "PS256", "PS384", "PS512"}

// DefaultProfile is the profile of the in-process reference server: it
// declares the reference server's policy (the vectors' own, see
// vectors.DefaultPolicy: 60 s clock skew, 8 KiB tokens, 300 s proofs,
// kid required among several keys, every algorithm the vectors use, no
// iss allow-list) and X-Custom-Token as oth field.
func DefaultProfile() *Profile {
	p := vectors.DefaultPolicy()
	kid := true
	return &Profile{
		ContextTokenFields: []string{"X-Custom-Token"},
		ClockSkew:          &p.ClockSkew,
		MaxTokenSize:       &p.MaxTokenSize,
		MaxProofLifetime:   &p.MaxWPTLifetime,
		KidRequired:        &kid,
		SecondTrustDomain:  vectors.OtherTrustDomain,
		IssuerAlgorithms:   []string{"ES256", "ES384", "ES512", "EdDSA", "RS256", "PS256"},
		ProofAlgorithms:    []string{"ES256", "ES384", "ES512", "EdDSA", "Ed25519", "RS256", "PS256"},
	}
}

// LoadProfile reads a target profile (--target-config): one JSON object
// with the fields of Profile, where lines whose first non-blank characters
// are "//" are comments (ProfileExample writes one). Unknown fields,
// trailing data and invalid values are errors that name the field.
func LoadProfile(path string) (*Profile, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("conformance: target profile: %w", err)
	}
	p, err := ParseProfile(b)
	if err != nil {
		return nil, fmt.Errorf("conformance: target profile %s: %w", path, err)
	}
	return p, nil
}

// ParseProfile is LoadProfile on bytes.
func ParseProfile(b []byte) (*Profile, error) {
	b = strictjson.WithoutComments(b)
	p := &Profile{}
	if err := strictjson.Decode(b, p); err != nil {
		return nil, strictjson.WithLine(b, err)
	}
	if err := p.check(); err != nil {
		return nil, err
	}
	return p, nil
}

// Validate checks every declared value; the error names the field.
func (p *Profile) Validate() error {
	if err := p.check(); err != nil {
		return fmt.Errorf("conformance: target profile %w", err)
	}
	return nil
}

func (p *Profile) check() error {
	bad := func(field, format string, args ...any) error {
		return fmt.Errorf("field %s: %s", field, fmt.Sprintf(format, args...))
	}
	var td wimse.TrustDomain
	if p.TrustDomain != "" {
		var err error
		if td, err = wimse.ParseTrustDomain(p.TrustDomain); err != nil {
			return bad("trustDomain", "%v", err)
		}
	}
	if p.SecondTrustDomain != "" {
		if _, err := wimse.ParseTrustDomain(p.SecondTrustDomain); err != nil {
			return bad("secondTrustDomain", "%v", err)
		}
		if first := cmp.Or(p.TrustDomain, vectors.TrustDomain); p.SecondTrustDomain == first {
			return bad("secondTrustDomain", "%s is the first trust domain too: the second must be another", first)
		}
	}
	if p.Subject != "" {
		id, err := wimse.ParseID(p.Subject)
		if err != nil {
			return bad("subject", "%v", err)
		}
		if !td.IsZero() && id.TrustDomain() != td {
			return bad("subject", "%s is not in trustDomain %s", p.Subject, p.TrustDomain)
		}
	}
	for field, u := range map[string]string{"issuer": p.Issuer, "audience": p.Audience} {
		if u == "" {
			continue
		}
		if pu, err := url.Parse(u); err != nil || pu.Scheme == "" || pu.Host == "" {
			return bad(field, "%q is not an absolute URL", u)
		}
	}
	if p.Path != "" && !strings.HasPrefix(p.Path, "/") {
		return bad("path", "%q does not start with /", p.Path)
	}
	if p.Method != "" && strings.ContainsAny(p.Method, " \t:/") {
		return bad("method", "%q is not an HTTP method", p.Method)
	}
	for _, h := range p.Headers {
		if k, _, ok := strings.Cut(h, ":"); !ok || strings.TrimSpace(k) == "" {
			return bad("headers", "a line is not 'Name: value' (its text is not shown: it may hold a secret)")
		}
	}
	for _, f := range p.ContextTokenFields {
		if f == "" || strings.ContainsAny(f, " \t:") {
			return bad("contextTokenFields", "%q is not a field name", f)
		}
	}
	if p.ClockSkew != nil && (*p.ClockSkew < 0 || *p.ClockSkew > 3600) {
		return bad("clockSkew", "%d s: want 0 to 3600 seconds", *p.ClockSkew)
	}
	if p.MaxTokenSize != nil && *p.MaxTokenSize < 1024 {
		return bad("maxTokenSize", "%d bytes: the suite's valid tokens need at least 1024", *p.MaxTokenSize)
	}
	if p.MaxProofLifetime != nil && *p.MaxProofLifetime < 60 {
		return bad("maxProofLifetime", "%d s: the suite's valid proofs live 60 s, so it must be at least 60", *p.MaxProofLifetime)
	}
	for field, algs := range map[string][]string{"issuerAlgorithms": p.IssuerAlgorithms, "proofAlgorithms": p.ProofAlgorithms} {
		for _, a := range algs {
			if !slices.Contains(knownAlgorithms, a) {
				return bad(field, "%q is not one of %s (none and HMAC are never allowed)", a, strings.Join(knownAlgorithms, ", "))
			}
		}
	}
	for _, is := range p.Issuers {
		if is == "" {
			return bad("issuers", "an empty issuer")
		}
	}
	for _, r := range p.Revisions {
		if !slices.Contains(AllRevisions, r) {
			return bad("revisions", "%q is not one of %s", r, strings.Join(AllRevisions, ", "))
		}
	}
	if p.Revisions != nil && len(p.Revisions) == 0 {
		return bad("revisions", "an empty list declares no revision: leave it out to accept all")
	}
	if c := p.MTLSCredentials; c != "" && !slices.Contains(AllRevisions, c) {
		return bad("mtlsCredentials", "%q is not one of %s", c, strings.Join(AllRevisions, ", "))
	}
	for _, l := range p.Unsupported {
		if strings.TrimSpace(l) == "" {
			return bad("unsupported", "an empty label")
		}
	}
	if p.Exchange != nil {
		return p.Exchange.check()
	}
	return nil
}

// policyValues are the values policy-relative vectors are materialised
// against: the declared ones; an undeclared skew is
// vectors.UndeclaredClockSkew (vectors at its boundary are unsupported, see
// unmetNeeds), other undeclared values are the vectors' defaults, used
// only by vectors that are then unsupported.
func (p *Profile) policyValues() *vectors.PolicyValues {
	v := vectors.DefaultPolicyValues()
	v.ClockSkew = vectors.UndeclaredClockSkew
	if p.ClockSkew != nil {
		v.ClockSkew = *p.ClockSkew
	}
	if p.MaxTokenSize != nil {
		v.MaxTokenSize = *p.MaxTokenSize
	}
	if p.MaxProofLifetime != nil {
		v.MaxWPTLifetime = *p.MaxProofLifetime
	}
	return &v
}

// supportsAlg reports whether a declared list (ES256 always assumed)
// covers alg.
func supportsAlg(declared []string, alg string) bool {
	if alg == "ES256" || slices.Contains(declared, alg) {
		return true
	}
	switch alg {
	case "EdDSA":
		return slices.Contains(declared, "Ed25519")
	case "Ed25519":
		return slices.Contains(declared, "EdDSA")
	}
	return false
}

// unmetNeeds says which of the vector's needs (vectors.Needs) the profile
// does not declare, naming the profile field; "" when all are met.
func unmetNeeds(v *vectors.Vector, p *Profile) string {
	if v.Kind == vectors.KindRequest && (v.Policy != nil && v.Policy.WITSVID) != p.WITSVID {
		if p.WITSVID {
			return "the vector's WIT is a WIMSE WIT for a receiver of WITs, and the profile declares a receiver of WIT-SVIDs only (profile witSVID)"
		}
		return "the vector assumes a receiver that verifies WITs as SPIFFE WIT-SVIDs, which the profile does not declare (profile witSVID)"
	}
	n := v.Needs
	if n == nil {
		return ""
	}
	pol := v.Policy
	if pol == nil {
		pol = vectors.DefaultPolicy()
	}
	for _, name := range n.Policy {
		switch name {
		case vectors.NeedClockSkew:
			if p.ClockSkew == nil {
				return "the vector lies at the boundary of the target's clock skew, which the profile does not declare (profile clockSkew)"
			}
		case vectors.NeedMaxTokenSize:
			if p.MaxTokenSize == nil {
				return "the vector exceeds the target's maximum token size, which the profile does not declare (profile maxTokenSize)"
			}
		case vectors.NeedMaxWPTLifetime:
			if p.MaxProofLifetime == nil {
				return "the vector lies at or beyond the target's maximum proof lifetime, which the profile does not declare (profile maxProofLifetime)"
			}
		case vectors.NeedKidRequired:
			if p.KidRequired == nil {
				return "the vector assumes a rule for a WIT without kid among several issuer keys, which the profile does not declare (profile kidRequired)"
			}
			if *p.KidRequired != pol.KidRequired {
				return fmt.Sprintf("the vector assumes kidRequired %v, the profile declares %v (profile kidRequired)", pol.KidRequired, *p.KidRequired)
			}
		case vectors.NeedIssuers:
			want := slices.Clone(pol.Issuers)
			for i, is := range want {
				if is == "https://issuer.example.org" && p.Issuer != "" {
					want[i] = p.Issuer
				}
			}
			if !slices.Equal(want, p.Issuers) {
				if len(want) == 0 {
					return "the vector assumes a target without an iss allow-list, and the profile declares one (profile issuers)"
				}
				return "the vector needs the target to enforce the iss allow-list " + strings.Join(want, ", ") + " (profile issuers)"
			}
		case vectors.NeedWITSVID:
			// Judged above, for every request vector.
		case vectors.NeedSecondTrustDomain:
			if p.SecondTrustDomain == "" {
				return "the vector needs a target that trusts a second trust domain with the suite's second issuer key set, which the profile does not declare (profile secondTrustDomain; the keys: wimse conformance trust-bundle --trust-domain " + vectors.OtherTrustDomain + ")"
			}
		case vectors.NeedLegacyTyp:
			if want := slices.Contains(pol.Revisions, "s2s-06"); p.LegacyTyp != want {
				if want {
					return "the vector assumes a target that accepts the legacy s2s-06 typ values (profile legacyTyp)"
				}
				return "the vector assumes a target that refuses the legacy s2s-06 typ values, and the profile declares legacyTyp"
			}
		default:
			return fmt.Sprintf("the vector needs %q, which this runner does not know: update the runner", name)
		}
	}
	for _, a := range n.IssuerAlgorithms {
		if !supportsAlg(p.IssuerAlgorithms, a) {
			return fmt.Sprintf("the vector's WIT is signed with %s, which the profile does not list (profile issuerAlgorithms; only ES256 is mandatory)", a)
		}
	}
	for _, a := range n.ProofAlgorithms {
		if !supportsAlg(p.ProofAlgorithms, a) {
			return fmt.Sprintf("the vector's proof uses %s, which the profile does not list (profile proofAlgorithms; only ES256 is mandatory)", a)
		}
	}
	return ""
}

// ProfileExample is a commented target profile (`wimse conformance profile
// init`): every field, with the reference server's values where it has
// them. LoadProfile reads it as written.
func ProfileExample() string {
	return `// wimse conformance target profile: how the suite maps onto your deployment, and
// the policy choices the drafts leave to you. Lines starting with // are comments.
// A vector whose expectation rests on a value you do not declare is reported
// "unsupported", never "fail". Remove what you do not need.
{
  // Identifiers the suite's WITs carry instead of example.org and its defaults.
  "trustDomain": "example.org",
  // A second trust domain you trust with the suite's second issuer key set
  // (wimse conformance trust-bundle --trust-domain other.example), bound to
  // it alone: plays the vectors of a WIT signed by the other domain's key.
  "secondTrustDomain": "other.example",
  "subject": "wimse://example.org/workload/client",
  "issuer": "https://issuer.example.org",

  // The protected path and method (default: the --target path, POST), the aud
  // base your server expects (default: the target's origin), extra header lines.
  "path": "/path",
  "method": "POST",
  "audience": "https://workload.example.com",
  "headers": [],

  // The revisions you implement: wpt-01, wpt-02, http-signature-06,
  // http-signature-07. Leave out to declare all. --draft must be one of them.
  "revisions": ["wpt-02", "http-signature-07"],

  // Clock skew for exp, nbf and signature windows, in seconds. Undeclared:
  // vectors at the skew boundary are unsupported; "clearly expired" vectors
  // assume at most 300 s.
  "clockSkew": 60,
  // Largest compact token (WIT or WPT) you accept, in bytes.
  "maxTokenSize": 8192,
  // Largest exp - now of a WPT (expires - now of a signature), in seconds.
  "maxProofLifetime": 300,
  // true: a WIT without kid is rejected when the trust domain has several
  // issuer keys (the suite's bundle has six); false: you try each key.
  "kidRequired": true,

  // Algorithms beyond the mandatory ES256: of WIT signatures, and of proofs
  // (cnf.jwk.alg). Vectors that need others are unsupported.
  "issuerAlgorithms": ["ES256", "ES384", "ES512", "EdDSA", "RS256", "PS256"],
  "proofAlgorithms": ["ES256", "ES384", "ES512", "EdDSA", "Ed25519", "RS256", "PS256"],

  // Your iss allow-list, if you enforce one (leave out otherwise).
  // "issuers": ["https://issuer.example.org"],

  // Fields you bind with the WPT's oth claim.
  "contextTokenFields": ["X-Custom-Token"],

  // true if you accept the legacy s2s-06 typ values.
  "legacyTyp": false,

  // true if you verify WITs as SPIFFE WIT-SVIDs only (typ exactly wit+jwt, kid,
  // RS/ES/PS only, a spiffe:// sub, no aud): the suite then plays the witsvid
  // vectors, and no other request vector.
  "witSVID": false,

  // With --profile mtls: the application-layer proof you require besides the
  // client certificate ("wpt-02", "wpt-01", "http-signature-07", "http-signature-06").
  "mtlsCredentials": "",

  // Vector labels you declare unsupported, e.g. "oth".
  "unsupported": [],

  // With --profile token-exchange (the --target is your token endpoint): how
  // the suite authenticates, which subject tokens you accept from the suite's
  // issuer (signed with its "issuer" test key: wimse conformance trust-bundle),
  // and what you claim. Vectors that need an unclaimed feature are unsupported.
  "exchange": {
    // Your issuer identifier: aud of the suite's client assertions.
    "issuer": "https://as.example.com",
    // client_secret_basic, client_secret_post, private_key_jwt (the suite's
    // "workload" test key registered for clientId) or none. The secret comes
    // from the environment variable secretEnv (or --client-secret-env).
    "client": {"method": "client_secret_basic", "clientId": "conformance", "secretEnv": "STS_CLIENT_SECRET"},
    // iss, aud and subject_token_type of the subject and actor tokens.
    "subjectIssuer": "https://issuer.example.org",
    "subjectAudience": "https://as.example.com",
    "subjectTokenType": "urn:ietf:params:oauth:token-type:jwt",
    // Resources the client may obtain a token for (one, or two for the
    // multi-target vectors), an audience, and at least two scopes.
    "resources": ["https://backend.example.com/api", "https://backend.example.com/reports"],
    "audience": "urn:example:cooperation-context",
    "forbiddenResource": "https://vault.example.com/secrets",
    "scopes": ["orders:read", "orders:write"],
    // The SPIFFE client of spiffe_jwt and spiffe_wit (JWT-SVIDs and WIT-SVIDs of
    // example.org: wimse conformance trust-bundle names the authority keys),
    // and your attestation challenge endpoint if you require challenges.
    "spiffeClientId": "spiffe://example.org/workload/client",
    "challengeEndpoint": "https://as.example.com/challenge",
    // client_secret_basic, client_secret_post, private_key_jwt, client_required,
    // delegation, may_act, audience, scope, forbidden_resource, jwt,
    // single_target or multi_target (two targets refused, or one token for both),
    // replay_protection (a seen client assertion, DPoP proof or PoP is refused),
    // rfc7523bis (a client assertion's aud is your issuer alone), dpop, and
    // scope_reject or scope_narrow (what you do with a scope beyond the grant),
    // spiffe_jwt (JWT-SVIDs of example.org, whose JWT-SVID authority is the
    // suite's "issuer-es384" key, authenticate spiffeClientId), spiffe_wit
    // (WIT-SVIDs, authority "issuer"), attestation_challenge, spiffe_x509
    // (X.509-SVIDs of the suite's example.org root: trust-bundle --x509),
    // wit_subject (WITs of example.org, authority "issuer", iss subjectIssuer,
    // as subject tokens of type ...:jwt with a Workload-Proof-Token),
    // x509_subject (the X.509-to-access-token profile: the spiffe_x509
    // client's certificate as subject token of type ...:mtls, with audience).
    "features": ["client_required", "delegation", "audience", "scope"]
  }
}
`
}
