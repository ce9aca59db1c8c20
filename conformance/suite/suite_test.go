package suite_test

import (
	"net/http"
	"testing"

	"github.com/onsi/ginkgo/v2"
	"github.com/onsi/gomega"

	"github.com/wimse-wg/wimse/conformance"
	"github.com/wimse-wg/wimse/conformance/suite"
	"github.com/wimse-wg/wimse/interop/server"
	"github.com/wimse-wg/wimse/vectors"
)

// lazyHandler builds the reference server once its base URL is known:
// the audience depends on it.
type lazyHandler struct{ h http.Handler }

func (l *lazyHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) { l.h.ServeHTTP(w, r) }

func reference(base string, l *lazyHandler) conformance.Config {
	cfg, err := server.SuiteConfig(vectors.DefaultSeed, base)
	gomega.Expect(err).NotTo(gomega.HaveOccurred())
	l.h, err = server.New(cfg)
	gomega.Expect(err).NotTo(gomega.HaveOccurred())
	return conformance.Config{Profile: conformance.DefaultProfile()}
}

// referenceFromFile is reference with the profile left to ProfileFile.
func referenceFromFile(base string, l *lazyHandler) conformance.Config {
	cfg := reference(base, l)
	cfg.Profile = nil
	return cfg
}

var (
	h02, h01 = &lazyHandler{}, &lazyHandler{}
	_        = suite.Describe(suite.Options{Draft: "wpt-02", Handler: h02, Config: func(b string) conformance.Config { return reference(b, h02) }})
	_        = suite.Describe(suite.Options{Draft: "wpt-01", Handler: h01, Config: func(b string) conformance.Config { return referenceFromFile(b, h01) },
		ProfileFile: "testdata/reference.profile"})
)

// TestSuiteAgainstReference runs the adapter against the reference server:
// every vector in the claimed profile passes, as with `wimse conformance run`.
func TestSuiteAgainstReference(t *testing.T) {
	gomega.RegisterFailHandler(ginkgo.Fail)
	ginkgo.RunSpecs(t, "WIMSE conformance adapter")
}
