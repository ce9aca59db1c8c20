package server_test

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

// TestServer runs the end-to-end specs of the reference server: real HTTP
// on loopback (httptest), the client side driven by httpwpt.Transport, and
// a clock the specs move instead of sleeping.
func TestServer(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "Reference server end-to-end")
}
