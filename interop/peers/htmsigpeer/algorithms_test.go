package htmsigpeer_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/wimse-wg/wimse/interop/peers/internal/peertest"
)

// TestAlgorithms crosses issuer and workload algorithms, both directions.
func TestAlgorithms(t *testing.T) {
	algs := []string{"ES256", "ES384", "EdDSA", "Ed25519", "RS256", "PS256"}
	if testing.Short() {
		algs = algs[:4] // RSA key generation is slow
	}
	issuers, workloads := map[string]*peertest.Key{}, map[string]*peertest.Key{}
	for _, a := range algs {
		issuers[a], workloads[a] = peertest.NewKey(t, a, "issuer-1"), peertest.NewKey(t, a, "")
	}
	for _, ia := range algs {
		for _, wa := range algs {
			t.Run(ia+"-issuer/"+wa+"-workload", func(t *testing.T) {
				f := &fixture{now: peertest.Now, issuer: issuers[ia], workload: workloads, serverKey: workloads[wa]}
				base := f.referenceServer(t, "")
				c := f.peerClient(t, subject, f.workload[wa], f.now.Add(time.Hour))
				if code, out, err := do(t, c.RoundTripper(nil), http.MethodPost, base+"/hello", `{"a":1}`); err != nil || code != http.StatusOK {
					t.Errorf("htmsigpeer client -> reference: got %d %s %v", code, out, err)
				}
				srv := f.peerServer(t)
				if code, out, err := do(t, f.ourTransport(t, subject, f.workload[wa], f.now.Add(time.Hour)), http.MethodPost, srv.URL+"/hello", `{"a":1}`); err != nil || code != http.StatusOK {
					t.Errorf("reference client -> htmsigpeer: got %d %s %v", code, out, err)
				}
			})
		}
	}
}
