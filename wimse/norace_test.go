//go:build !race

package wimse_test

const raceEnabled = false
