package conformance_test

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

// TestRunner runs the behaviour specs of the conformance runner: the
// vectors played over loopback HTTP against the in-process reference
// server and against deliberately broken peers written as http.Handlers
// (httptest), scored, selected and reported.
func TestRunner(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "Conformance runner")
}
