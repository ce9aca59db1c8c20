// Package reportschema compiles the JSON report's schema
// (conformance.ReportSchemaFS) for the tests of the report writers. It is
// apart from package conformance so that the runner and the Ginkgo
// adapter do not depend on a JSON Schema implementation.
package reportschema

import (
	"bytes"
	"io/fs"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/wimse-wg/wimse/conformance"
)

// Compile compiles the report schema.
func Compile() (*jsonschema.Schema, error) {
	raw, err := fs.ReadFile(conformance.ReportSchemaFS, conformance.ReportSchemaFile)
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
