package vectors

import "slices"

// trustDomainNotes explains the flags only this catalogue uses.
var trustDomainNotes = map[string]Note{
	"CrossTrustDomain": {BugType: "AUTH_BYPASS", Description: "a WIT of one trusted trust domain signed by another trusted trust domain's issuer key; each trust domain's WITs verify with its own anchors only (creds-02 §5.1.3). A receiver that pools the issuer keys of every trust domain, or gives every trust domain every key, lets one domain's issuer speak for all the others"},
}

// SecondSubject is the identifier of the WITs of OtherTrustDomain, the
// suite's second trust domain.
const SecondSubject = "wimse://" + OtherTrustDomain + "/workload/client"

// secondTrustDomain makes v a vector for a receiver that trusts
// OtherTrustDomain with SecondIssuers besides TrustDomain with
// TrustedIssuers (NeedSecondTrustDomain).
func secondTrustDomain(v Vector) Vector {
	p := *v.Policy
	p.TrustDomains = []string{TrustDomain, OtherTrustDomain}
	v.Policy = &p
	return needPolicy(v, NeedSecondTrustDomain)
}

// witTrustDomainVectors are the WIT vectors of keys bound to their trust
// domain (creds-02 §5.1.3: take the trust domain from sub and use that
// domain's trust anchors; issue 9). The receiver trusts both example.org
// and other.example, each with its own issuer keys; a WIT of one signed by
// the other's issuer key must fail whatever its kid says.
func witTrustDomainVectors(base Vector) []Vector {
	reqs := []string{"WIT-TRUST-DOMAIN-KEYS", "WIT-KEY-SELECT"}
	reject := func(reason string) Expect { return RejectCredential(reason, base.Drafts) }

	t := base.Template.Clone()
	t.WIT.Key = "second-issuer"
	t.WIT.Header["kid"] = "second-issuer-es256"
	t.WIT.Claims["sub"] = SecondSubject
	valid := secondTrustDomain(RequestVector("wit-second-trust-domain", "a valid WIT of the second trusted trust domain, other.example, signed by its own issuer key (kid second-issuer-es256); the receiver trusts example.org and other.example, each with its own issuer keys",
		t, base.Drafts, []string{"WIT-TRUST-DOMAIN", "WIT-TRUST-DOMAIN-KEYS"}, []string{"Baseline"}, Accept(base.Drafts)))

	vs := []Vector{
		valid,
		Derived(valid, "wit-trust-domain-foreign-key", "the other.example WIT is signed by example.org's issuer key under that key's kid issuer-es256: other.example has no such key, and example.org's keys never verify other.example's WITs (a receiver that gives every trust domain every key, or looks kid up across trust domains, accepts)",
			func(t *Template) {
				t.WIT.Key = "issuer"
				t.WIT.Header["kid"] = "issuer-es256"
			}, reqs, []string{"AuthBypass", "CrossTrustDomain"}, reject("wit.key_trust_domain")),
		Derived(valid, "wit-trust-domain-foreign-key-no-kid", "the other.example WIT carries no kid and is signed by example.org's issuer key: the only key of other.example is selected and does not verify it (a receiver that tries every trusted key, of every trust domain, accepts)",
			func(t *Template) {
				t.WIT.Key = "issuer"
				delete(t.WIT.Header, "kid")
			}, []string{"WIT-TRUST-DOMAIN-KEYS", "WIT-SIGNATURE"}, []string{"AuthBypass", "CrossTrustDomain"}, reject("wit.signature")),
		secondTrustDomain(Derived(base, "wit-trust-domain-second-key", "the example.org WIT is signed by other.example's issuer key under that key's kid second-issuer-es256, the receiver trusting both trust domains: other.example's keys never verify example.org's WITs",
			func(t *Template) {
				t.WIT.Key = "second-issuer"
				t.WIT.Header["kid"] = "second-issuer-es256"
			}, reqs, []string{"AuthBypass", "CrossTrustDomain"}, reject("wit.key_trust_domain"))),
	}
	for i := range vs {
		vs[i].Labels = slices.Clone([]string{"trust-domain", "kid"})
	}
	return vs
}
