//go:build !race

package e2e

// raceEnabled reports whether this test binary was built with -race; the
// server under test is then built with -race too.
const raceEnabled = false
