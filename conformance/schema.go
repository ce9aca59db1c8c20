package conformance

import (
	"bytes"
	"embed"
	"io/fs"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

//go:embed schema/wimse_conformance_report_v1.schema.json
var schemaFS embed.FS

// ReportSchemaFile is the path, inside ReportSchemaFS, of the JSON Schema
// (2020-12) of the JSON report (ReportSchema).
const ReportSchemaFile = "schema/wimse_conformance_report_v1.schema.json"

// ReportSchemaFS holds the JSON Schema of the JSON report, so that tools
// consuming reports can validate them.
var ReportSchemaFS fs.FS = schemaFS

// CompileReportSchema compiles the JSON report's schema, for validating
// reports (a tool consuming them, or a test of a report writer).
func CompileReportSchema() (*jsonschema.Schema, error) {
	raw, err := fs.ReadFile(ReportSchemaFS, ReportSchemaFile)
	if err != nil {
		return nil, err
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		return nil, err
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource("report.schema.json", doc); err != nil {
		return nil, err
	}
	return c.Compile("report.schema.json")
}
