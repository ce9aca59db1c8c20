package server_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/wimse-wg/wimse/conformance"
	"github.com/wimse-wg/wimse/interop/server"
	"github.com/wimse-wg/wimse/profiles/httpwpt"
	"github.com/wimse-wg/wimse/tokens/wit"
	"github.com/wimse-wg/wimse/vectors"
	"github.com/wimse-wg/wimse/wimse"
)

// The reference server protecting every path: a workload calls it with a
// WIT and a WPT and gets back who it is.
func ExampleNew() {
	issuer, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	workload, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	store := wimse.NewTrustStore()
	store.Set(wimse.MustParseTrustDomain("example.org"), wimse.Anchors{Keys: []wimse.IssuerKey{{KeyID: "k1", Public: issuer.Public()}}})
	token, _ := (&wit.Signer{Key: issuer, KeyID: "k1"}).Sign(wit.Claims{
		Subject: wimse.MustParseID("wimse://example.org/svc/client"),
		Expiry:  time.Now().Add(time.Hour),
		Key:     workload.Public(),
	})

	srv := httptest.NewUnstartedServer(nil)
	h, err := server.New(server.Config{
		Trust:    store,
		Audience: "http://" + srv.Listener.Addr().String(), // its public base URL, from configuration
		Profiles: []string{server.ProfileWPT},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	srv.Config.Handler = h
	srv.Start()
	defer srv.Close()

	c := &http.Client{Transport: &httpwpt.Transport{WIT: token, Key: workload}}
	resp, err := c.Get(srv.URL + "/orders")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	fmt.Println(resp.StatusCode, string(b))
	// Output: 200 {"subject":"wimse://example.org/svc/client","trust_domain":"example.org","carriage":"wpt-02"}
}

// The conformance suite against the reference server in-process, as
// `wimse conformance run` does without --target: SuiteConfig trusts the
// suite's public test issuer keys.
func ExampleStartLoopback() {
	run, err := server.StartLoopback(func(base string) (server.Config, error) {
		return server.SuiteConfig(vectors.DefaultSeed, base)
	}, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer run.Close()

	rep, err := conformance.Run(context.Background(), conformance.Config{
		Target: run.URL + "/path",
		Draft:  "wpt-02",
		IDs:    []string{"wpt-valid-es256", "wpt-wth-other-wit", "wpt-exp-expired"},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, r := range rep.Results {
		fmt.Println(r.ID, r.Status, r.Observed.Status)
	}
	fmt.Println("conformant:", rep.Conformant)
	// Output:
	// wpt-valid-es256 pass 200
	// wpt-exp-expired pass 401
	// wpt-wth-other-wit pass 401
	// conformant: true
}
