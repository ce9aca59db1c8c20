package matrix

import (
	"context"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	refserver "github.com/wimse-wg/wimse/interop/server"
	"github.com/wimse-wg/wimse/wimse"
)

// TestFixedURL: a server someone else runs, at a fixed URL, trusts the
// credential set kept in a directory (--credentials) and is tested like
// any other, negative probe included; the kept set is reused.
func TestFixedURL(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs processes")
	}
	dir := filepath.Join(t.TempDir(), "creds")
	creds, err := OpenCredentials(dir, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	witBefore, err := os.ReadFile(creds.WIT)
	if err != nil {
		t.Fatal(err)
	}
	bundle, err := os.ReadFile(creds.TrustBundle)
	if err != nil {
		t.Fatal(err)
	}
	keys, err := wimse.ParseJWKSet(bundle)
	if err != nil {
		t.Fatal(err)
	}
	store := wimse.NewTrustStore()
	store.Set(wimse.MustParseTrustDomain(creds.TrustDomain), wimse.Anchors{Keys: keys})
	ts := httptest.NewUnstartedServer(nil)
	h, err := refserver.New(refserver.Config{Trust: store, Audience: "http://" + ts.Listener.Addr().String()})
	if err != nil {
		t.Fatal(err)
	}
	ts.Config.Handler = h
	ts.Start()
	defer ts.Close()

	reg, err := Load(filepath.Join("..", "registry.json"))
	if err != nil {
		t.Fatal(err)
	}
	present(t, reg)
	reg.Implementations = []Implementation{*reg.impl("wimse"), {
		Name: "fixed", Profiles: map[string][]string{ProfileWPT: {"wpt-02"}},
		Server: &Server{URLs: map[string]string{ProfileWPT: ts.URL + "/hello"}},
	}}
	if err := reg.Check(); err != nil {
		t.Fatal(err)
	}
	res, err := Run(context.Background(), reg, Options{Out: t.TempDir(), Only: ProfileWPT, Credentials: dir})
	if err != nil {
		t.Fatal(err)
	}
	buildsOK(t, res)
	for _, c := range res.Cells {
		if c.Status != StatusPass {
			t.Errorf("%s: %s: %s", c.ID, c.Status, c.Detail)
		}
		if c.Server == "fixed" && (c.URL != ts.URL+"/hello" || c.Negative == nil || c.Negative.Exit != 1) {
			t.Errorf("%s: url %s, negative probe %+v", c.ID, c.URL, c.Negative)
		}
	}
	if len(res.Cells) != 3 {
		t.Errorf("%d cells, want 3 (wimse→wimse wpt-02 and wpt-01, wimse→fixed wpt-02)", len(res.Cells))
	}
	witAfter, err := os.ReadFile(creds.WIT)
	if err != nil || string(witAfter) != string(witBefore) {
		t.Errorf("the kept credential set was not reused (%v)", err)
	}
}
