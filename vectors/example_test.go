package vectors_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"time"

	"github.com/wimse-wg/wimse/profiles/httpwpt"
	"github.com/wimse-wg/wimse/vectors"
	"github.com/wimse-wg/wimse/wimse"
)

// exampleVerifier is the receiver a request vector assumes (its Policy),
// trusting the suite's issuer keys, at the vector's frozen time.
func exampleVerifier(v *vectors.Vector, keys *vectors.KeySet) *httpwpt.Verifier {
	p := v.Policy
	store := wimse.NewTrustStore()
	for _, td := range p.TrustDomains {
		store.Set(wimse.MustParseTrustDomain(td), wimse.Anchors{Keys: keys.IssuerKeysOf(td), Issuers: p.Issuers, ProofAlgorithms: p.ProofAlgorithms})
	}
	var revs []wimse.Revision
	for _, r := range p.Revisions {
		revs = append(revs, wimse.Revision(r))
	}
	now := time.Unix(v.Frozen.Now, 0)
	return &httpwpt.Verifier{
		Trust: store,
		Policy: wimse.Policy{
			Now:            func() time.Time { return now },
			ClockSkew:      time.Duration(p.ClockSkew) * time.Second,
			MaxWPTLifetime: time.Duration(p.MaxWPTLifetime) * time.Second,
			MaxTokenSize:   p.MaxTokenSize,
			Revisions:      revs,
		},
		Replay:             wimse.NewMemoryReplayCache(0),
		Audience:           httpwpt.AudienceFromBase(p.Audience),
		ContextTokenFields: p.ContextTokenFields,
	}
}

// exampleRequest is a vector's frozen request for draft as an
// *http.Request addressed to the vector's audience.
func exampleRequest(v *vectors.Vector, draft string) *http.Request {
	fr := v.Frozen.Requests[draft]
	r := httptest.NewRequest(fr.Method, v.Policy.Audience+fr.Target, strings.NewReader(fr.Body))
	for _, f := range fr.Fields {
		r.Header.Add(f[0], f[1])
	}
	return r
}

// Load the embedded vectors, select the wpt-02 vectors about wth, and play
// one of them, and the valid vector it was derived from, through this
// module's verifier: the reason it gives must be the vector's.
func Example() {
	set, err := vectors.Load(vectors.FS) // strict: unknown members are an error
	if err != nil {
		fmt.Println(err)
		return
	}
	var selected []*vectors.Vector
	for _, v := range set.Vectors() {
		if slices.Contains(v.Labels, "wth") && v.AppliesTo("wpt-02") {
			selected = append(selected, v)
		}
	}
	v, _ := set.Find("wpt-wth-other-wit")
	fmt.Println(slices.Contains(selected, v))
	fmt.Println(v.ID, v.Result, v.Expect.Verdict, v.Expect.Reason, "from", v.Mutation.From)

	keys, err := vectors.DeriveKeys(vectors.DefaultSeed) // the suite's public test keys
	if err != nil {
		fmt.Println(err)
		return
	}
	src, _ := set.Find(v.Mutation.From)
	for _, x := range []*vectors.Vector{src, v} {
		_, err := exampleVerifier(x, keys).Verify(exampleRequest(x, "wpt-02"))
		fmt.Printf("%s: %q\n", x.ID, wimse.ReasonOf(err))
	}
	// Output:
	// true
	// wpt-wth-other-wit invalid reject wpt.wth_mismatch from wpt-valid-es256
	// wpt-valid-es256: ""
	// wpt-wth-other-wit: "wpt.wth_mismatch"
}
