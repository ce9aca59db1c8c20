package matrix

import "embed"

// Schemas holds the JSON Schemas of the registry
// (schema/registry.schema.json) and of matrix.json
// (schema/matrix.schema.json).
//
//go:embed schema/*.schema.json
var Schemas embed.FS
