package clientrole_test

import (
	"context"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/wimse-wg/wimse/conformance"
	"github.com/wimse-wg/wimse/conformance/clientrole"
	"github.com/wimse-wg/wimse/internal/mutant"
	"github.com/wimse-wg/wimse/vectors"
)

// fixedNow is the clock of every test: the suite and the clients agree on
// it, so nothing depends on the wall-clock date.
var fixedNow = func() time.Time { return time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC) }

var plays = []struct{ profile, draft string }{
	{vectors.ClientProfileWPT, "wpt-02"},
	{vectors.ClientProfileWPT, "wpt-01"},
	{vectors.ClientProfileHTTPSig, vectors.Sig07},
	{vectors.ClientProfileHTTPSig, vectors.Sig06},
	{vectors.ClientProfileMTLS, ""},
}

func listen(t testing.TB) net.Listener {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	return ln
}

func run(t testing.TB, cfg clientrole.Config) *conformance.Report {
	t.Helper()
	cfg.Listener = listen(t)
	if cfg.Now == nil {
		cfg.Now = fixedNow
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = 10 * time.Second
	}
	rep, err := clientrole.Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// TestOwnClientsPass: this module's transports, in process, pass every
// client-role scenario of every profile and draft, under --strict.
func TestOwnClientsPass(t *testing.T) {
	for _, p := range plays {
		t.Run(p.profile+"/"+p.draft, func(t *testing.T) {
			rep := run(t, clientrole.Config{Profile: p.profile, Draft: p.draft, Client: clientrole.InProcess{}, Strict: true})
			for _, res := range rep.Results {
				if res.Status != conformance.StatusPass {
					t.Errorf("%s: %s: %s (%s)", res.ID, res.Status, res.Message, res.Observed.Detail)
				}
			}
			if !rep.Conformant || len(rep.Results) == 0 {
				t.Errorf("not conformant: %s", rep.SummaryLine())
			}
			t.Log(rep.SummaryLine())
		})
	}
}

// TestListen: without a client the suite scores whatever arrives.
func TestListen(t *testing.T) {
	ln := listen(t)
	addr := ln.Addr().String()
	done := make(chan *conformance.Report)
	go func() {
		rep, err := clientrole.Run(context.Background(), clientrole.Config{Profile: vectors.ClientProfileWPT, Listener: ln, Requests: 2, Now: fixedNow, Timeout: 10 * time.Second})
		if err != nil {
			t.Error(err)
		}
		done <- rep
	}()
	// The in-process client, driven by hand against the listening suite.
	creds := suiteCredentials(t)
	for range 2 {
		call := &clientrole.Call{Profile: vectors.ClientProfileWPT, Draft: "wpt-02", URL: "http://" + addr + "/anything?x=1", Method: "GET", Credentials: creds}
		if err := (clientrole.InProcess{}).Call(context.Background(), call); err != nil {
			t.Fatal(err)
		}
	}
	rep := <-done
	if len(rep.Results) != 2 {
		t.Fatalf("%d results, want 2", len(rep.Results))
	}
	for _, res := range rep.Results {
		if res.Status != conformance.StatusPass || !strings.HasPrefix(res.ID, "client-wpt-any-request-") {
			t.Errorf("%s: %s: %s", res.ID, res.Status, res.Message)
		}
	}
}

func suiteCredentials(t testing.TB) *clientrole.Credentials {
	t.Helper()
	c, err := clientrole.IssueCredentials("", fixedNow)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestOwnClientsPassOverTLS: the WIT profiles served over HTTPS (the
// suite's test certificate) pass as well.
func TestOwnClientsPassOverTLS(t *testing.T) {
	for _, p := range plays[:3] {
		rep := run(t, clientrole.Config{Profile: p.profile, Draft: p.draft, Client: clientrole.InProcess{}, Strict: true, TLS: true})
		if !rep.Conformant || !strings.HasPrefix(rep.Target.URL, "https://localhost:") {
			t.Errorf("%s %s over TLS: %s (%s)", p.profile, p.draft, rep.SummaryLine(), rep.Target.URL)
		}
	}
}

// TestClientChecksCiteSenderRequirements: every client mutant names
// sender-side requirements of the table (or MTLS-CLIENT-SERVER-ID).
func TestClientChecksCiteSenderRequirements(t *testing.T) {
	sender := map[string]bool{}
	for _, id := range vectors.SenderRequirements() {
		sender[id] = true
	}
	for _, c := range mutant.ClientChecks() {
		for _, q := range c.Requirements {
			if !sender[q] {
				t.Errorf("%s cites %s, not a sender-side requirement", c.Reason, q)
			}
		}
	}
}

// TestListenSignedAndMTLS: listening, the suite signs the answer a
// wit-httpsig client asks to be signed (our client verifies it), and
// scores the certificate an mtls client presents.
func TestListenSignedAndMTLS(t *testing.T) {
	for _, tc := range []struct{ profile, draft, scheme, host string }{
		{vectors.ClientProfileHTTPSig, vectors.Sig07, "http", ""},
		{vectors.ClientProfileMTLS, "", "https", "localhost"},
	} {
		ln := listen(t)
		addr := ln.Addr().String()
		if tc.host != "" {
			_, port, _ := net.SplitHostPort(addr)
			addr = tc.host + ":" + port
		}
		done := make(chan *conformance.Report)
		go func() {
			rep, err := clientrole.Run(context.Background(), clientrole.Config{Profile: tc.profile, Listener: ln, Now: fixedNow, Timeout: 10 * time.Second})
			if err != nil {
				t.Error(err)
			}
			done <- rep
		}()
		call := &clientrole.Call{Profile: tc.profile, Draft: tc.draft, URL: tc.scheme + "://" + addr + "/x", Method: "POST", Body: `{"a":1}`,
			SignResponse: tc.draft != "", Credentials: suiteCredentials(t)}
		if err := (clientrole.InProcess{}).Call(context.Background(), call); err != nil {
			t.Errorf("%s: %v", tc.profile, err)
		}
		rep := <-done
		if len(rep.Results) != 1 || rep.Results[0].Status != conformance.StatusPass {
			t.Errorf("%s: %+v", tc.profile, rep.Results)
		}
	}
}
