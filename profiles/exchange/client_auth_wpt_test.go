package exchange_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	"github.com/wimse-wg/wimse/profiles/exchange"
	"github.com/wimse-wg/wimse/tokens/wit"
	"github.com/wimse-wg/wimse/tokens/wpt"
	"github.com/wimse-wg/wimse/wimse"
)

// TestWITProof: the wrapped authentication runs, and the request carries a
// WPT for the WIT that the token endpoint's verifier accepts (aud, wth,
// the WIT's key); without an Audience the request URL is the aud; a
// failing wrapped authentication sends nothing.
func TestWITProof(t *testing.T) {
	raw := witToken(t, workloadKey.Public())
	tok, err := (&wit.Verifier{Trust: witTrustStore(), Policy: wimse.Policy{Now: hxClock}}).Verify(raw)
	if err != nil {
		t.Fatal(err)
	}
	now := func() time.Time { return time.Unix(hxNow, 0) }
	for _, aud := range []string{hxEndpoint, ""} {
		a := &exchange.WITProof{ClientAuth: &exchange.ClientSecretPost{ClientID: "c", Secret: "s"}, WIT: raw, Key: workloadKey, Audience: aud, Now: now}
		r := httptest.NewRequest(http.MethodPost, hxEndpoint, nil)
		form := url.Values{}
		if err := a.Authenticate(context.Background(), r, form); err != nil {
			t.Fatal(err)
		}
		if form.Get(exchange.ParamClientID) != "c" {
			t.Errorf("aud %q: the wrapped authentication did not run: %v", aud, form)
		}
		v := &wpt.Verifier{Policy: wimse.Policy{Now: hxClock}}
		if _, err := v.Verify(r.Header.Get(exchange.HeaderWPT), wpt.Expect{Revision: wimse.RevisionWPT01, Audience: hxEndpoint, WIT: tok}); err != nil {
			t.Errorf("aud %q: the proof does not verify: %v", aud, err)
		}
	}
	failing := &exchange.WITProof{ClientAuth: failAuth{}, WIT: raw, Key: workloadKey}
	r := httptest.NewRequest(http.MethodPost, hxEndpoint, nil)
	if err := failing.Authenticate(context.Background(), r, url.Values{}); err == nil || r.Header.Get(exchange.HeaderWPT) != "" {
		t.Errorf("a failing authentication: err %v, proof %q", err, r.Header.Get(exchange.HeaderWPT))
	}
	if err := (&exchange.WITProof{WIT: raw}).Authenticate(context.Background(), r, url.Values{}); err == nil {
		t.Error("a WITProof without a key signed something")
	}
}

type failAuth struct{}

func (failAuth) Authenticate(context.Context, *http.Request, url.Values) error {
	return errors.New("no credentials")
}

// witTrustStore trusts the fixture's WIT issuer for td.example.
func witTrustStore() *wimse.TrustStore {
	s := wimse.NewTrustStore()
	s.Set(wimse.MustParseTrustDomain("td.example"), wimse.Anchors{Keys: []wimse.IssuerKey{{KeyID: "w1", Public: witIssuerKey.Public()}}})
	return s
}
