package conformance_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/wimse-wg/wimse/conformance"
	"github.com/wimse-wg/wimse/interop/server"
	"github.com/wimse-wg/wimse/vectors"
)

func TestExplore(t *testing.T) {
	run, err := server.StartLoopback(func(base string) (server.Config, error) { return server.SuiteConfig(vectors.DefaultSeed, base) }, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer run.Close()
	for _, d := range []string{"wpt-02", "wpt-01"} {
		start := time.Now()
		rep, err := conformance.Run(context.Background(), conformance.Config{Target: run.URL + "/path", Draft: d, Profile: conformance.DefaultProfile()})
		if err != nil {
			t.Fatal(err)
		}
		fmt.Println(d, time.Since(start), rep.SummaryLine(), rep.Conformant, rep.Summary.Counts)
		for _, r := range rep.Results {
			if r.Status != conformance.StatusPass {
				fmt.Println(" ", r.ID, r.Status, r.Message)
			}
		}
	}
}
