//go:build race

package stammer_test

const raceEnabled = true
