package conformance

import "time"

// Status is the outcome of one vector, in the one scoring vocabulary of
// this module's reports.
type Status string

const (
	// StatusPass: right verdict and right signalling.
	StatusPass Status = "pass"
	// StatusFail: wrong verdict (accepted what must be rejected, or the reverse).
	StatusFail Status = "fail"
	// StatusWarn: right verdict, wrong signalling; or a SHOULD missed
	// without --strict.
	StatusWarn Status = "warn"
	// StatusXFail: failed, and listed in the expected-failures file.
	StatusXFail Status = "xfail"
	// StatusXPass: listed as an expected failure but passed: counts as a failure.
	StatusXPass Status = "xpass"
	// StatusUnsupported: declared unsupported by the target profile.
	StatusUnsupported Status = "unsupported"
	// StatusBlocked: a negative vector whose valid source vector was not
	// accepted in the same run (with the same carriage): its rejection
	// proves nothing, so it is neither a pass nor a fail. A run with blocked
	// vectors is not conformant; fix the sources (Report.Blockers) first.
	StatusBlocked Status = "blocked"
	// StatusSkip: not selected.
	StatusSkip Status = "skip"
	// StatusError: infrastructure (timeout, connection refused): no verdict.
	StatusError Status = "error"
)

// Observed is what the target answered (the last send of a vector).
type Observed struct {
	Status int `json:"status,omitempty"`
	// WWWAuthenticate is the challenge field, if any.
	WWWAuthenticate string `json:"wwwAuthenticate,omitempty"`
	// ContentType of the answer.
	ContentType string `json:"contentType,omitempty"`
	// Reason is the problem body's "reason" member, when the target sends one.
	Reason string `json:"reason,omitempty"`
	// ProblemType is the problem body's "type" member.
	ProblemType string `json:"problemType,omitempty"`
	// Detail is the problem body's "detail" (or "title") member, cut to
	// 200 bytes.
	Detail string `json:"detail,omitempty"`
	// Body is the first 200 bytes of an answer that is not a problem body
	// with a reason or detail (so a user sees what the target said).
	Body string `json:"body,omitempty"`
	// Error describes an infrastructure failure (status error).
	Error string `json:"error,omitempty"`
	// Closed: the target closed or reset the connection after it received
	// the request, without answering.
	Closed bool `json:"closed,omitempty"`
}

// Expected is what the vector expects under the draft played.
type Expected struct {
	Verdict         string `json:"verdict"`
	Reason          string `json:"reason,omitempty"`
	Status          int    `json:"status,omitempty"`
	WWWAuthenticate string `json:"wwwAuthenticate,omitempty"`
}

// Result is the scored outcome of one vector.
type Result struct {
	ID           string   `json:"id"`
	Group        string   `json:"group"`
	Comment      string   `json:"comment"`
	Result       string   `json:"result"` // the vector's valid | invalid | acceptable
	Requirements []string `json:"requirements"`
	// Levels are the levels of the requirements (MUST, SHOULD, ...).
	Levels   []string `json:"levels"`
	Flags    []string `json:"flags,omitempty"`
	Labels   []string `json:"labels,omitempty"`
	Draft    string   `json:"draft"`
	Status   Status   `json:"status"`
	Expected Expected `json:"expected"`
	Observed Observed `json:"observed"`
	// Message explains a status other than pass, in one sentence.
	Message         string        `json:"message,omitempty"`
	Duration        time.Duration `json:"durationNs"`
	Reproduce       string        `json:"reproduce"`
	Request         *SentRequest  `json:"request,omitempty"`
	ExpectedFailure string        `json:"expectedFailure,omitempty"`
	// Source is the valid vector a negative vector was derived from
	// (vectors.Mutation.From): the negative one is judged only behind it.
	Source string `json:"source,omitempty"`
}

// SentRequest is the request as sent, for the report; values of fields the
// user supplied (--header) are redacted.
type SentRequest struct {
	Method string      `json:"method"`
	URL    string      `json:"url"`
	Fields [][2]string `json:"fields"`
	Body   string      `json:"body,omitempty"`
}

// Report is a whole run: the JSON report is this value.
type Report struct {
	// ReportSchema names this format.
	ReportSchema string        `json:"reportSchema"`
	Tool         Tool          `json:"tool"`
	Vectors      VectorSet     `json:"vectors"`
	Target       Target        `json:"target"`
	StartedAt    time.Time     `json:"startedAt"`
	Duration     time.Duration `json:"durationNs"`
	Summary      Summary       `json:"summary"`
	// Conformant is true only if nothing failed, errored, xpassed or was
	// skipped in the claimed profile.
	Conformant bool     `json:"conformant"`
	Results    []Result `json:"results"`
	// Blockers are the source vectors that did not pass and the number of
	// negative vectors blocked behind each, most blocking first: fix these
	// and re-run.
	Blockers []Blocker `json:"blockers,omitempty"`
	// Requirements are the requirements the results cite, sorted by ID,
	// with their text (see requirementsFor): the HTML and Markdown reports
	// link a requirement ID to its text.
	Requirements []RequirementInfo `json:"requirements,omitempty"`
}

// Blocker is a valid source vector that was not accepted, and what it
// blocks.
type Blocker struct {
	// ID is the source vector; Draft the draft it was played under.
	ID    string `json:"id"`
	Draft string `json:"draft,omitempty"`
	// Status is the source's own status (fail, error, xfail, ...).
	Status Status `json:"status"`
	// Blocks is the number of vectors blocked behind it.
	Blocks int `json:"blocks"`
}

// Tool identifies the runner.
type Tool struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

// VectorSet identifies the vectors played.
type VectorSet struct {
	Schema string `json:"schema"`
	Digest string `json:"digest"`
	Count  int    `json:"count"`
}

// Target describes what was tested.
type Target struct {
	URL      string `json:"url"`
	Draft    string `json:"draft"`
	Audience string `json:"audience"`
	Strict   bool   `json:"strict"`
	// InProcess is true when the runner started the reference server itself.
	InProcess bool `json:"inProcess,omitempty"`
}

// Summary counts results per status.
type Summary struct {
	Total  int            `json:"total"`
	Counts map[Status]int `json:"counts"`
}

// RequirementInfo is the text of a requirement a result cites, embedded in
// the report so that a reader sees what a vector rests on without the
// vector files (Report.Requirements).
type RequirementInfo struct {
	ID string `json:"id"`
	// Level is MUST, MUST NOT, SHOULD, SHOULD NOT or RECOMMENDED.
	Level string `json:"level"`
	// Doc is the draft or RFC, Section the section in it.
	Doc     string `json:"doc"`
	Section string `json:"section"`
	// Text paraphrases the requirement.
	Text string `json:"text"`
}
