//go:build !race

package discord

// raceEnabled: the race detector makes each answer many times slower.
const raceEnabled = false
