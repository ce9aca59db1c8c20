//go:build race

package wimse_test

// raceEnabled: the race detector changes allocation counts, so allocation
// assertions only run without it (they run in the plain `go test ./...`).
const raceEnabled = true
