package walkthrough_test

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/onsi/ginkgo/v2"
	"github.com/onsi/gomega"

	"github.com/wimse-wg/wimse/conformance/suite"
	"github.com/wimse-wg/wimse/profiles/httpwpt"
	"github.com/wimse-wg/wimse/wimse"
)

// newServer is the service: an application behind WIT + WPT
// authentication. It trusts the issuers in trust and serves baseURL.
func newServer(trust *wimse.TrustStore, baseURL string) http.Handler {
	app := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		peer, _ := httpwpt.PeerFromContext(r.Context())
		fmt.Fprintf(w, "hello, %s\n", peer.ID)
	})
	v := &httpwpt.Verifier{
		Trust:    trust,
		Replay:   wimse.NewMemoryReplayCache(0),
		Audience: httpwpt.AudienceFromBase(baseURL),
	}
	return v.Middleware(nil)(app)
}

// One spec per wpt-02 vector, played against newServer on loopback.
var _ = suite.Describe(suite.Options{
	Name:  "greeter",
	Draft: "wpt-02",
	Handler: func(env suite.Env) (http.Handler, error) {
		return newServer(env.Trust, env.BaseURL), nil // the suite's issuers
	},
	// What the service enforces where the drafts leave a choice: the file
	// `wimse conformance run --target-config` reads.
	ProfileFile: "testdata/greeter.profile",
})

func TestConformance(t *testing.T) {
	gomega.RegisterFailHandler(ginkgo.Fail)
	ginkgo.RunSpecs(t, "greeter")
}
