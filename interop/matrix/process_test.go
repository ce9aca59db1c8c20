//go:build unix

package matrix

import (
	"context"
	"errors"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// TestNoLeaksAndTimeouts: a server that starts a child of its own leaves
// nothing behind (its whole process group is stopped), and a client that
// never returns is cut off at the time bound and judged by its controls.
func TestNoLeaksAndTimeouts(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs processes")
	}
	reg, err := Load(filepath.Join("..", "registry.json"))
	if err != nil {
		t.Fatal(err)
	}
	present(t, reg)
	ref := *reg.impl("wimse")
	wpt := map[string][]string{ProfileWPT: {"wpt-02"}}
	// A server whose shell leaves a child that never exits (tail -f
	// /dev/null) beside the real server.
	forking := []string{"sh", "-c", `tail -f /dev/null & exec "$0" "$@"`}
	forking = append(forking, ref.Server.Commands[ProfileWPT]...)
	reg.Implementations = []Implementation{
		ref,
		{Name: "forking", Profiles: wpt, Server: &Server{Commands: map[string][]string{ProfileWPT: forking}}},
		{Name: "hanging", Profiles: wpt, Client: &Client{Commands: map[string][]string{ProfileWPT: {"tail", "-f", "/dev/null", "{{url}}"}}}},
	}
	if err := reg.Check(); err != nil {
		t.Fatal(err)
	}
	res, err := Run(context.Background(), reg, Options{Out: t.TempDir(), Timeout: 3 * time.Second, Only: ProfileWPT})
	if err != nil {
		t.Fatal(err)
	}
	buildsOK(t, res)
	want := map[string]string{
		"wimse--wimse--wit-wpt--wpt-02":     StatusPass,
		"wimse--wimse--wit-wpt--wpt-01":     StatusPass,
		"wimse--forking--wit-wpt--wpt-02":   StatusPass,
		"hanging--wimse--wit-wpt--wpt-02":   StatusClientSide,
		"hanging--forking--wit-wpt--wpt-02": StatusClientSide,
	}
	if len(res.Cells) != len(want) {
		t.Errorf("%d cells, want %d", len(res.Cells), len(want))
	}
	for _, c := range res.Cells {
		if c.Status != want[c.ID] {
			t.Errorf("%s: got %s (%s), want %s", c.ID, c.Status, c.Detail, want[c.ID])
		}
		if c.Client == "hanging" && !c.TimedOut {
			t.Errorf("%s: not marked timed out", c.ID)
		}
		if c.serverPID == 0 {
			t.Errorf("%s: no server process recorded", c.ID)
			continue
		}
		// Signal 0 to the process group: ESRCH once every member is gone.
		if err := syscall.Kill(-c.serverPID, 0); !errors.Is(err, syscall.ESRCH) {
			t.Errorf("%s: process group %d still has members after the run (kill: %v)", c.ID, c.serverPID, err)
		}
	}
}
