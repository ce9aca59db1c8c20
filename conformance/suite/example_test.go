package suite_test

import (
	"fmt"
	"net/http"

	"github.com/wimse-wg/wimse/conformance"
	"github.com/wimse-wg/wimse/conformance/suite"
)

// Validate reports what Describe would fail the container with: a typo in
// the draft or the profile registers a failing "setup" spec, never zero
// specs.
func ExampleOptions_Validate() {
	handler := func(suite.Env) (http.Handler, error) { return http.NotFoundHandler(), nil }
	for _, o := range []suite.Options{
		{Draft: "wpt02", Handler: handler},
		{Draft: "wpt-02", Handler: handler, Profile: &conformance.Profile{Revisions: []string{"wpt-2"}}},
		{Draft: "wpt-02", Handler: handler, Profile: conformance.DefaultProfile(), ProfileFile: "testdata/reference.profile"},
		{Draft: suite.DraftMTLS, Target: "http://svc.example/api"},
		{Draft: "http-signature-07", Handler: handler, ProfileFile: "testdata/reference.profile"},
	} {
		fmt.Println(o.Validate())
	}
	// Output:
	// suite: Options.Draft "wpt02" is not one of wpt-01, wpt-02, http-signature-06, http-signature-07, mtls, exchange
	// suite: Options.Profile: conformance: target profile field revisions: "wpt-2" is not one of wpt-01, wpt-02, http-signature-06, http-signature-07
	// suite: set Options.Profile or Options.ProfileFile, not both
	// suite: conformance: mtls vectors need an https target, not http://svc.example/api
	// <nil>
}

// The drafts Options.Draft accepts: every revision and profile the runner
// plays.
func ExampleDrafts() {
	fmt.Println(suite.Drafts())
	// Output: [wpt-01 wpt-02 http-signature-06 http-signature-07 mtls exchange]
}
