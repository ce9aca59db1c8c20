package httpwpt_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/wimse-wg/wimse/profiles/httpwpt"
	"github.com/wimse-wg/wimse/tokens/wit"
	"github.com/wimse-wg/wimse/tokens/wpt"
	"github.com/wimse-wg/wimse/wimse"
)

// A client authenticates with a WIT and a fresh WPT (wpt-02 carriage); the
// server's middleware verifies both and hands the handler the peer.
func Example() {
	issuer, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	workload, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	store := wimse.NewTrustStore()
	store.Set(wimse.MustParseTrustDomain("example.org"), wimse.Anchors{Keys: []wimse.IssuerKey{{KeyID: "k1", Public: issuer.Public()}}})

	// Issuer side: a WIT for the workload's key.
	token, _ := (&wit.Signer{Key: issuer, KeyID: "k1"}).Sign(wit.Claims{
		Subject: wimse.MustParseID("wimse://example.org/svc/client"),
		Expiry:  time.Now().Add(time.Hour),
		Key:     workload.Public(),
	})

	// Server side.
	var srv *httptest.Server
	v := &httpwpt.Verifier{
		WIT:      &wit.Verifier{Trust: store},
		WPT:      &wpt.Verifier{Replay: wimse.NewMemoryReplayCache(0)},
		Audience: func(r *http.Request) (string, error) { return srv.URL + r.URL.EscapedPath(), nil },
	}
	srv = httptest.NewServer(v.Middleware(nil)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, _ := httpwpt.PeerFromContext(r.Context())
		fmt.Fprintf(w, "hello %s (%s)", p.ID, p.Revision)
	})))
	defer srv.Close()

	// Client side.
	c := &http.Client{Transport: &httpwpt.Transport{WIT: token, Key: workload}}
	resp, err := c.Get(srv.URL + "/hello")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	fmt.Println(resp.StatusCode, string(b))
	// Output: 200 hello wimse://example.org/svc/client (wpt-02)
}
