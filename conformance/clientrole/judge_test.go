package clientrole_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/wimse-wg/wimse/conformance"
	"github.com/wimse-wg/wimse/conformance/clientrole"
	"github.com/wimse-wg/wimse/profiles/httpwpt"
	"github.com/wimse-wg/wimse/vectors"
	"github.com/wimse-wg/wimse/wimse"
)

// funcClient is a client made of a function.
type funcClient func(ctx context.Context, c *clientrole.Call) error

func (funcClient) Supports(string) bool { return true }

func (f funcClient) Call(ctx context.Context, c *clientrole.Call) error { return f(ctx, c) }

func statuses(rep *conformance.Report) map[string]conformance.Result {
	out := map[string]conformance.Result{}
	for _, r := range rep.Results {
		out[r.ID] = r
	}
	return out
}

// TestWrongAudience: a client whose WPT names another audience fails
// WPT-SEND-AUD, and is answered 400.
func TestWrongAudience(t *testing.T) {
	client := funcClient(func(ctx context.Context, c *clientrole.Call) error {
		cr := c.Credentials
		tr := &httpwpt.Transport{WIT: cr.WIT, Key: cr.Key, Alg: cr.Alg, Revision: wimse.RevisionWPT02, Now: cr.Now,
			Audience: func(*http.Request) string { return "https://elsewhere.example/client/resource" }}
		req, _ := http.NewRequestWithContext(ctx, c.Method, c.URL, nil)
		resp, err := (&http.Client{Transport: tr}).Do(req)
		if err != nil {
			return err
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return errors.New(resp.Status)
		}
		return nil
	})
	rep := run(t, clientrole.Config{Profile: vectors.ClientProfileWPT, Client: client, IDs: []string{"client-wpt-get"}})
	res := statuses(rep)["client-wpt-get"]
	if res.Status != conformance.StatusFail || !strings.Contains(res.Message, "WPT-SEND-AUD") || res.Observed.Status != http.StatusBadRequest {
		t.Errorf("got %s (%d): %s", res.Status, res.Observed.Status, res.Message)
	}
	if strings.Contains(res.Message, "WPT-SEND-WTH") {
		t.Errorf("a correct wth is reported: %s", res.Message)
	}
}

// TestRefusalBlocked: a client that fails on every answer fails the valid
// scenarios, and its refusals of wrong answers are blocked: they prove
// nothing.
func TestRefusalBlocked(t *testing.T) {
	client := funcClient(func(ctx context.Context, c *clientrole.Call) error {
		_ = clientrole.InProcess{}.Call(ctx, c)
		return errors.New("exit 1")
	})
	rep := run(t, clientrole.Config{Profile: vectors.ClientProfileHTTPSig, Client: client,
		IDs: []string{"client-sig-signed-response", "client-sig-response-unsigned", "client-sig-response-bad-signature"}})
	got := statuses(rep)
	if r := got["client-sig-signed-response"]; r.Status != conformance.StatusFail || !strings.Contains(r.Message, "failed on a correct answer") {
		t.Errorf("source: %s: %s", r.Status, r.Message)
	}
	for _, id := range []string{"client-sig-response-unsigned", "client-sig-response-bad-signature"} {
		if r := got[id]; r.Status != conformance.StatusBlocked || r.Source != "client-sig-signed-response" {
			t.Errorf("%s: %s (source %q): %s", id, r.Status, r.Source, r.Message)
		}
	}
	if rep.Conformant {
		t.Error("conformant")
	}
}

// TestSilentClient: a client that sends nothing leaves every scenario
// without a verdict (error), and a listen-only run without a request ends
// at the timeout with one error.
func TestSilentClient(t *testing.T) {
	rep := run(t, clientrole.Config{Profile: vectors.ClientProfileWPT, Client: funcClient(func(context.Context, *clientrole.Call) error { return nil }),
		IDs: []string{"client-wpt-get"}})
	if r := statuses(rep)["client-wpt-get"]; r.Status != conformance.StatusError {
		t.Errorf("silent client: %s: %s", r.Status, r.Message)
	}
	rep = run(t, clientrole.Config{Profile: vectors.ClientProfileMTLS, Timeout: time.Millisecond})
	if len(rep.Results) != 1 || rep.Results[0].Status != conformance.StatusError {
		t.Errorf("listen without a request: %+v", rep.Results)
	}
}
