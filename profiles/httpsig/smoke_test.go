package httpsig_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/wimse-wg/wimse/profiles/httpsig"
	"github.com/wimse-wg/wimse/tokens/wit"
	"github.com/wimse-wg/wimse/wimse"
)

func TestRoundTripSignedResponse(t *testing.T) {
	issuer, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	store := wimse.NewTrustStore()
	store.Set(wimse.MustParseTrustDomain("example.org"), wimse.Anchors{Keys: []wimse.IssuerKey{{KeyID: "k", Public: issuer.Public()}}})
	mint := func(sub string) (string, *ecdsa.PrivateKey) {
		k, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		w, err := (&wit.Signer{Key: issuer, KeyID: "k"}).Sign(wit.Claims{Subject: wimse.MustParseID(sub), Expiry: time.Now().Add(time.Hour), Key: k.Public()})
		if err != nil {
			t.Fatal(err)
		}
		return w, k
	}
	cw, ck := mint("wimse://example.org/client")
	sw, sk := mint("wimse://example.org/server")
	for _, rev := range []wimse.Revision{wimse.RevisionHTTPSig07, wimse.RevisionHTTPSig06} {
		var srv *httptest.Server
		v := &httpsig.Verifier{Trust: store, Replay: wimse.NewMemoryReplayCache(0),
			Audience: func(r *http.Request) (string, error) { return srv.URL + r.URL.EscapedPath(), nil }, Scheme: "http"}
		app := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			p, _ := httpsig.PeerFromContext(r.Context())
			b, _ := io.ReadAll(r.Body)
			w.Header().Set("Content-Type", "text/plain")
			io.WriteString(w, p.ID.String()+" "+string(b))
		})
		srv = httptest.NewServer(v.Middleware(&httpsig.Signer{WIT: sw, Key: sk, Alg: "ES256"}, false, nil)(app))
		c := &http.Client{Transport: &httpsig.Transport{
			Signer:                &httpsig.Signer{WIT: cw, Key: ck, Alg: "ES256", Revision: rev},
			RequireSignedResponse: true, Responses: &wit.Verifier{Trust: store},
			Responder: httpsig.AuthorizeID(wimse.MustParseID("wimse://example.org/server")),
		}}
		resp, err := c.Post(srv.URL+"/a/b?x=1", "application/json", strings.NewReader(`{"a":1}`))
		if err != nil {
			t.Fatalf("%s: %v", rev, err)
		}
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != 200 || string(b) != `wimse://example.org/client {"a":1}` {
			t.Fatalf("%s: %d %s", rev, resp.StatusCode, b)
		}
		srv.Close()
	}
}
