package server_test

import (
	"context"
	"testing"

	"github.com/wimse-wg/wimse/conformance"
	"github.com/wimse-wg/wimse/internal/mutant"
	"github.com/wimse-wg/wimse/interop/server"
)

// TestSelfTestDetectsEveryMutant: the suite catches the reference server
// with any single mutable check disabled (issue 4, item 7).
func TestSelfTestDetectsEveryMutant(t *testing.T) {
	if testing.Short() {
		t.Skip("the self-test plays the whole suite once per mutant")
	}
	res, err := server.SelfTest(context.Background(), conformance.Config{})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := len(res), len(mutant.Checks()); got != want {
		t.Fatalf("%d mutants played, want %d", got, want)
	}
	for _, m := range res {
		if !m.Detected() {
			t.Errorf("mutant %s (%s: %s) is not detected by any vector", m.Reason, m.Level, m.Description)
		}
	}
}
