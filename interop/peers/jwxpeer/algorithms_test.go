package jwxpeer_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/wimse-wg/wimse/interop/peers/internal/peertest"
	"github.com/wimse-wg/wimse/wimse"
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
				f := &fixture{now: peertest.Now, issuer: issuers[ia], workload: workloads}
				ref := peertest.StartReference(t, peertest.TrustStore(t, td, f.issuer), "", peertest.Clock(&f.now), nil)
				if code, _, body := get(t, f.peerClient(t, subject, f.workload[wa], f.now.Add(time.Hour), "", nil), ref.URL+"/hello"); code != http.StatusOK {
					t.Errorf("jwxpeer client -> reference: got %d %s", code, body)
				}
				srv := f.peerServer(t, "")
				c := f.ourClient(f.ourWIT(t, subject, f.workload[wa], f.now.Add(time.Hour)), f.workload[wa], wimse.RevisionWPT02, nil)
				if code, _, body := get(t, c, srv.URL+"/hello"); code != http.StatusOK {
					t.Errorf("reference client -> jwxpeer: got %d %s", code, body)
				}
			})
		}
	}
}
