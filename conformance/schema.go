package conformance

import (
	"embed"
	"io/fs"
)

//go:embed schema/wimse_conformance_report_v1.schema.json
var schemaFS embed.FS

// ReportSchemaFile is the path, inside ReportSchemaFS, of the JSON Schema
// (2020-12) of the JSON report (ReportSchema).
const ReportSchemaFile = "schema/wimse_conformance_report_v1.schema.json"

// ReportSchemaFS holds the JSON Schema of the JSON report, so that tools
// consuming reports can validate them.
var ReportSchemaFS fs.FS = schemaFS
