package console

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the package when a goroutine outlives its tests: the
// console's input reader must end with Run, also when /quit comes before
// the end of the input.
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }
