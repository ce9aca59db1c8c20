package matrix

import "testing"

// TestClassify: a failing cell is judged by the client against the
// reference server and the reference client against the server.
func TestClassify(t *testing.T) {
	const p, d = ProfileWPT, "wpt-02"
	cell := func(c, s string, passed bool) *Cell {
		x := &Cell{ID: cellID(c, s, p, d), Client: c, Server: s, Profile: p, Draft: d, passed: passed}
		if passed {
			x.Status = StatusPass
		}
		return x
	}
	tests := []struct {
		name                       string
		clientCtl, serverCtl, want string // "pass", "fail", "setup" or "" (no control)
	}{
		{"disagreement", "pass", "pass", StatusDisagreement},
		{"client-side", "fail", "pass", StatusClientSide},
		{"server-side", "pass", "fail", StatusServerSide},
		{"both controls fail", "fail", "fail", StatusUnknown},
		{"client control missing", "", "pass", StatusUnknown},
		{"server control did not start", "pass", "setup", StatusUnknown},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			subject := cell("a", "b", false)
			cells := []*Cell{cell("ref", "ref", true), subject}
			for _, ctl := range []struct{ c, s, how string }{{"a", "ref", tt.clientCtl}, {"ref", "b", tt.serverCtl}} {
				switch ctl.how {
				case "pass":
					cells = append(cells, cell(ctl.c, ctl.s, true))
				case "fail":
					cells = append(cells, cell(ctl.c, ctl.s, false))
				case "setup":
					x := cell(ctl.c, ctl.s, false)
					x.Status = StatusSetup
					cells = append(cells, x)
				}
			}
			classify(cells, "ref")
			if subject.Status != tt.want {
				t.Errorf("got %s, want %s", subject.Status, tt.want)
			}
		})
	}
	// The reference itself failing against a peer: the peer's fault when the
	// reference pair passes.
	ref, peerServer := cell("ref", "ref", true), cell("ref", "b", false)
	classify([]*Cell{ref, peerServer}, "ref")
	if peerServer.Status != StatusServerSide {
		t.Errorf("reference client against a failing server: got %s, want %s", peerServer.Status, StatusServerSide)
	}
}
