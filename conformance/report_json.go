package conformance

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// WriteJSON writes the JSON report, the source of truth the other formats
// are rendered from: the Report, finalized (see Finalize: URLs without
// userinfo, Summary and Conformant filled), as encoding/json marshals it,
// indented by two spaces, results in the order given, and a final newline.
// r itself is not modified.
func WriteJSON(w io.Writer, r *Report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(reportView(r)); err != nil {
		return fmt.Errorf("conformance: write JSON report: %w", err)
	}
	return nil
}

// ReadJSON reads a JSON report written by WriteJSON, for re-rendering it in
// another format. Data after the report is an error.
func ReadJSON(rd io.Reader) (*Report, error) {
	dec := json.NewDecoder(rd)
	var r Report
	if err := dec.Decode(&r); err != nil {
		return nil, fmt.Errorf("conformance: read JSON report: %w", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, errors.New("conformance: read JSON report: data after the report")
	}
	return &r, nil
}
