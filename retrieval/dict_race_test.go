//go:build race

package retrieval

// raceEnabled is true under the race detector, which makes loading the
// full dictionary take half a minute.
const raceEnabled = true
