package console

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the package when a goroutine outlives its tests: the
// console's input reader must end with Run, also when /quit comes before
// the end of the input. The one exception is readline's input loop, which
// blocks for good once its input is closed (chzyer/readline v1.5.1 sends
// io.EOF to a channel nobody reads after Close); `leviathan chat` exits
// right after the console ends, so it costs nothing there.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m, goleak.IgnoreTopFunction("github.com/chzyer/readline.(*Operation).ioloop"))
}
