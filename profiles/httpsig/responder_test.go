package httpsig_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/wimse-wg/wimse/profiles/httpsig"
	"github.com/wimse-wg/wimse/wimse"
)

// TestTransportNamesTheResponder: a signed response is accepted only from
// the responder the client expects (issue 9 item 5). An intermediary with a
// WIT of its own, from a trusted trust domain, can sign a response that
// verifies; the transport must still refuse it, and tell the caller who
// signed the responses it accepts. Real loopback round trips.
func TestTransportNamesTheResponder(t *testing.T) {
	p := newPeers(t)
	serve := func(signer *httpsig.Signer) *httptest.Server {
		srv := httptest.NewServer(p.verifier("http://svc.example").Middleware(signer, true, nil)(echoPeer))
		t.Cleanup(srv.Close)
		return srv
	}
	server, intermediary := serve(p.server), serve(p.intermediary)
	transport := func(required bool, responder httpsig.Authorizer) *httpsig.Transport {
		return &httpsig.Transport{
			Signer:                p.client,
			RequireSignedResponse: required,
			Responses:             p.witVerifier(),
			Responder:             responder,
			Audience:              func(r *http.Request) string { return "http://svc.example" + r.URL.EscapedPath() },
		}
	}
	for _, tc := range []struct {
		name      string
		srv       *httptest.Server
		required  bool
		responder httpsig.Authorizer
		want      wimse.Reason // "" means accepted, signed by wantID
		wantID    wimse.ID
	}{
		{"the expected server", server, true, httpsig.AuthorizeID(serverID), "", serverID},
		{"an intermediary signs instead", intermediary, true, httpsig.AuthorizeID(serverID), wimse.ReasonHTTPSigResponderIdentity, wimse.ID{}},
		{"an intermediary signs an opportunistic response", intermediary, false, httpsig.AuthorizeID(serverID), wimse.ReasonHTTPSigResponderIdentity, wimse.ID{}},
		{"one of several expected responders", server, true, httpsig.AuthorizeOneOf(intermediaryID, serverID), "", serverID},
		{"any member of the trust domain, said explicitly", intermediary, true, httpsig.AuthorizeMemberOf(serverID.TrustDomain()), "", intermediaryID},
		{"a member of another trust domain expected", server, true, httpsig.AuthorizeMemberOf(wimse.MustParseTrustDomain("other.example")), wimse.ReasonHTTPSigResponderIdentity, wimse.ID{}},
		{"an authorizer error without a reason", server, true, func(*httpsig.Peer) error { return errors.New("no") }, wimse.ReasonHTTPSigResponderIdentity, wimse.ID{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := &http.Client{Transport: transport(tc.required, tc.responder)}
			resp, err := c.Get(tc.srv.URL + "/a")
			if tc.want != "" {
				if got := wimse.ReasonOf(err); got != tc.want {
					t.Fatalf("reason %q, want %q (%v)", got, tc.want, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			got, ok := httpsig.ResponderFromResponse(resp)
			if !ok || got.ID != tc.wantID || got.WIT == nil || got.WIT.Subject != tc.wantID {
				t.Errorf("responder %+v (%v), want %s", got, ok, tc.wantID)
			}
		})
	}
	t.Run("no expectation: the transport refuses to run", func(t *testing.T) {
		c := &http.Client{Transport: transport(true, nil)}
		if _, err := c.Get(server.URL + "/a"); err == nil {
			t.Fatal("a transport that verifies responses but expects no responder was used")
		}
	})
	t.Run("an unsigned optional response names no responder", func(t *testing.T) {
		plain := httptest.NewServer(p.verifier("http://svc.example").Middleware(nil, false, nil)(echoPeer))
		defer plain.Close()
		c := &http.Client{Transport: transport(false, httpsig.AuthorizeID(serverID))}
		resp, err := c.Get(plain.URL + "/a")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		if got, ok := httpsig.ResponderFromResponse(resp); ok {
			t.Errorf("responder %+v for an unsigned response", got)
		}
	})
}
