package httpsig_test

import (
	"crypto/elliptic"
	"encoding/json"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/wimse-wg/wimse/internal/wimsetest"
	"github.com/wimse-wg/wimse/profiles/httpsig"
	"github.com/wimse-wg/wimse/tokens/wit"
	"github.com/wimse-wg/wimse/wimse"
)

// peers is one trusted trust domain, example.org, with a client, a server
// and an intermediary (a proxy holding a WIT of its own, also trusted), a
// stranger from an untrusted trust domain, and a fixed clock.
type peers struct {
	store                                  *wimse.TrustStore
	now                                    time.Time
	client, server, intermediary, stranger *httpsig.Signer
}

var (
	clientID       = wimse.MustParseID("wimse://example.org/svc/client")
	serverID       = wimse.MustParseID("wimse://example.org/svc/server")
	intermediaryID = wimse.MustParseID("wimse://example.org/svc/proxy")
)

func newPeers(t testing.TB) *peers {
	t.Helper()
	now := time.Unix(1767225600, 0)
	issuer := wimsetest.EC(t, elliptic.P256(), "issuer")
	store := wimse.NewTrustStore()
	store.Set(wimse.MustParseTrustDomain("example.org"), wimse.Anchors{Keys: []wimse.IssuerKey{{KeyID: "k", Public: issuer.Public()}}})
	signer := func(sub wimse.ID, label string) *httpsig.Signer {
		key := wimsetest.EC(t, elliptic.P256(), label)
		w, err := (&wit.Signer{Key: issuer, KeyID: "k", Deterministic: true}).Sign(wit.Claims{Subject: sub, Expiry: now.Add(time.Hour), Key: key.Public()})
		if err != nil {
			t.Fatal(err)
		}
		return &httpsig.Signer{WIT: w, Key: key, Alg: "ES256", Now: func() time.Time { return now }}
	}
	return &peers{store: store, now: now,
		client:       signer(clientID, "client"),
		server:       signer(serverID, "server"),
		intermediary: signer(intermediaryID, "proxy"),
		stranger:     signer(wimse.MustParseID("wimse://untrusted.example/svc/client"), "stranger"),
	}
}

// witVerifier trusts example.org at the fixture's time.
func (p *peers) witVerifier() *wit.Verifier {
	return &wit.Verifier{Trust: p.store, Policy: wimse.Policy{Now: func() time.Time { return p.now }}}
}

// verifier verifies requests for base + path at the fixture's time.
func (p *peers) verifier(base string) *httpsig.Verifier {
	return &httpsig.Verifier{Trust: p.store, Policy: p.witVerifier().Policy, Replay: wimse.NewMemoryReplayCache(0),
		Audience: httpsig.AudienceFromBase(base), Scheme: "http"}
}

// problemReason is the "reason" member of a problem body.
func problemReason(t testing.TB, body []byte) wimse.Reason {
	t.Helper()
	var p struct {
		Reason wimse.Reason `json:"reason"`
	}
	if err := json.Unmarshal(body, &p); err != nil {
		t.Fatalf("not a problem body: %q", body)
	}
	return p.Reason
}

// echoPeer answers 200 with the peer's identifier and the body it read.
var echoPeer = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	p, _ := httpsig.PeerFromContext(r.Context())
	b, _ := io.ReadAll(r.Body)
	w.Header().Set("Content-Type", "text/plain")
	_, _ = w.Write([]byte(p.ID.String() + " " + string(b)))
})
