package matrix

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// SchemaID names the matrix.json format (schema/matrix.schema.json).
const SchemaID = "wimse_interop_matrix_v1"

// Cell statuses: pass, or a failure class (see the package doc).
const (
	StatusPass         = "pass"
	StatusSetup        = "setup"
	StatusClientSide   = "client-side"
	StatusServerSide   = "server-side"
	StatusDisagreement = "disagreement"
	StatusUnknown      = "unknown"
)

// Statuses lists the cell statuses in report order.
func Statuses() []string {
	return []string{StatusPass, StatusClientSide, StatusServerSide, StatusDisagreement, StatusUnknown, StatusSetup}
}

// Result is one matrix run.
type Result struct {
	Schema    string        `json:"schema"`
	Registry  string        `json:"registry"`
	Reference string        `json:"reference"`
	Started   time.Time     `json:"started"`
	Duration  Duration      `json:"duration"`
	Builds    []BuildResult `json:"builds"`
	Cells     []*Cell       `json:"cells"`
	// Stale lists known disagreements whose cells all passed (or that
	// match no cell of a profile that ran): they fail the run.
	Stale   []Known `json:"stale"`
	Summary Summary `json:"summary"`
	// OK is true when every cell passed or is a known disagreement, and
	// no build failed and no known entry is stale.
	OK bool `json:"ok"`
}

// BuildResult is one Go build.
type BuildResult struct {
	Name     string   `json:"name"`
	Package  string   `json:"package"`
	OK       bool     `json:"ok"`
	Output   string   `json:"output,omitempty"`
	Duration Duration `json:"duration"`
}

// Cell is one client × server × profile × draft run.
type Cell struct {
	ID      string `json:"id"`
	Client  string `json:"client"`
	Server  string `json:"server"`
	Profile string `json:"profile"`
	Draft   string `json:"draft"`
	Status  string `json:"status"`
	// Detail says what happened, in a line.
	Detail string `json:"detail"`
	// Known is the registry entry that explains a failing cell.
	Known *Known `json:"known,omitempty"`
	// Controls are the IDs of the control cells the class was judged by.
	Controls      []string `json:"controls,omitempty"`
	URL           string   `json:"url,omitempty"`
	ServerCommand []string `json:"serverCommand,omitempty"`
	ClientCommand []string `json:"clientCommand,omitempty"`
	ClientExit    int      `json:"clientExit"`
	TimedOut      bool     `json:"timedOut,omitempty"`
	ServerStart   Duration `json:"serverStart"`
	ClientTime    Duration `json:"clientTime"`
	// Negative is the negative probe: the same client with rogue
	// credentials, which the server must refuse. It runs only after the
	// client passed.
	Negative *Probe `json:"negative,omitempty"`
	// Evidence is the evidence file, relative to the output directory.
	Evidence string `json:"evidence,omitempty"`

	passed    bool
	serverPID int // the server's process (and process group) ID; 0 when none was started
}

// Probe is one extra client run of a cell.
type Probe struct {
	Command  []string `json:"command"`
	Exit     int      `json:"exit"`
	TimedOut bool     `json:"timedOut,omitempty"`
	Time     Duration `json:"time"`
}

// Summary counts cells by status.
type Summary struct {
	Cells  int            `json:"cells"`
	Known  int            `json:"known"`
	Status map[string]int `json:"status"`
}

// Duration is a time.Duration written in milliseconds.
type Duration time.Duration

// MarshalJSON writes whole milliseconds.
func (d Duration) MarshalJSON() ([]byte, error) {
	return json.Marshal(time.Duration(d).Milliseconds())
}

// UnmarshalJSON reads milliseconds.
func (d *Duration) UnmarshalJSON(b []byte) error {
	var ms int64
	if err := json.Unmarshal(b, &ms); err != nil {
		return err
	}
	*d = Duration(time.Duration(ms) * time.Millisecond)
	return nil
}

// WriteJSON writes r as DIR/matrix.json.
func WriteJSON(dir string, r *Result) error {
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "matrix.json"), append(b, '\n'), 0o644); err != nil {
		return fmt.Errorf("matrix: %w", err)
	}
	return nil
}
