package spire

import (
	"context"
	"fmt"
	"time"

	"github.com/spiffe/go-spiffe/v2/workloadapi"
)

// pollInterval is how often a readiness condition is re-checked.
const pollInterval = 100 * time.Millisecond

// FirstX509Context fetches the caller's X.509 context (its X.509-SVIDs and
// the trust bundles) from the Workload API, retrying until the agent has an
// identity for the caller or ctx ends. A new registration entry reaches
// the agent at its next synchronisation; until then the Workload API
// answers PermissionDenied ("no identity issued").
func FirstX509Context(ctx context.Context, c *workloadapi.Client) (*workloadapi.X509Context, error) {
	t := time.NewTicker(pollInterval)
	defer t.Stop()
	for {
		x, err := c.FetchX509Context(ctx)
		if err == nil {
			return x, nil
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("spire: no X.509-SVID from the Workload API: %w (last error: %w)", ctx.Err(), err)
		case <-t.C:
		}
	}
}
