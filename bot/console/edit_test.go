package console

import (
	"context"
	"io"
	"strings"
	"sync"
	"testing"

	"github.com/chzyer/readline"

	"github.com/leviathan-bot/leviathan/bot/command"
)

// TestLineEditing: with Edit, arrow keys move in the line and recall
// earlier lines (they printed ^[[D before), on a stand-in terminal.
func TestLineEditing(t *testing.T) {
	old := editConfig
	editConfig = func(c *readline.Config) {
		c.FuncIsTerminal = func() bool { return true }
		c.FuncMakeRaw = func() error { return nil }
		c.FuncExitRaw = func() error { return nil }
		c.FuncGetWidth = func() int { return 80 }
		c.FuncOnWidthChanged = func(func()) {}
	}
	t.Cleanup(func() { editConfig = old })

	in, typing := io.Pipe()
	eng := &fakeEngine{}
	var out syncBuilder
	c := &Console{Handler: command.NewHandler(eng, command.Options{}), In: in, Out: &out, Prompt: "> ", Edit: true}
	done := make(chan error, 1)
	go func() { done <- c.Run(context.Background()) }()
	// "Was it DOGE?", two steps left, a letter less and one more: "Was ist DOGE?";
	// then the up arrow brings it back for a second question.
	for _, keys := range []string{"Was it DOGE?", "\x1b[D\x1b[D\x1b[D\x1b[D\x1b[D\x1b[D\x1b[D", "s", "\r", "\x1b[A", "\r", "\x04"} {
		if _, err := typing.Write([]byte(keys)); err != nil {
			t.Fatal(err)
		}
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	typing.Close()
	// Both questions reached the engine as "Was ist DOGE?".
	if n := strings.Count(out.String(), "Antwort auf Was ist DOGE? [1]."); n != 2 || len(eng.histories) != 2 {
		t.Errorf("%d answers to \"Was ist DOGE?\", %d questions; want 2:\n%q", n, len(eng.histories), out.String())
	}
	if strings.Contains(out.String(), "^[[") {
		t.Errorf("escape sequences were echoed:\n%q", out.String())
	}
}

// syncBuilder is a strings.Builder that line editing's goroutines may
// write to.
type syncBuilder struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuilder) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuilder) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
