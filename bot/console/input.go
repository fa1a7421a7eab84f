package console

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/chzyer/readline"
)

// lineReader reads the console's input one line at a time; io.EOF ends
// the console.
type lineReader interface {
	ReadLine() (string, error)
	Close() error
}

// reader returns the line reader for c: line editing on a terminal, plain
// lines otherwise.
func (c *Console) reader() (lineReader, error) {
	if !c.Edit {
		sc := bufio.NewScanner(c.In)
		sc.Buffer(make([]byte, 64*1024), 1<<20)
		return scanReader{sc}, nil
	}
	in, ok := c.In.(io.ReadCloser)
	if !ok {
		in = io.NopCloser(c.In)
	}
	cfg := &readline.Config{
		Prompt: c.Prompt,
		Stdin:  in,
		Stdout: c.Out,
		// The history lives as long as the console: questions are not
		// written to disk.
		HistoryLimit: 500,
		AutoComplete: readline.NewPrefixCompleter(
			readline.PcItem("/ask"), readline.PcItem("/summary"), readline.PcItem("/quote"),
			readline.PcItem("/help"), readline.PcItem("/new"), readline.PcItem("/quit")),
		InterruptPrompt: "^C",
		EOFPrompt:       "/quit",
		// A terminal that reports no width (a pty nobody sized) would
		// hang readline's cursor arithmetic at the first arrow key.
		FuncGetWidth: func() int {
			if w := readline.GetScreenWidth(); w > 0 {
				return w
			}
			return 80
		},
	}
	editConfig(cfg)
	rl, err := readline.NewEx(cfg)
	if err != nil {
		return nil, fmt.Errorf("couldn't set up line editing: %w", err)
	}
	return editReader{rl}, nil
}

// editConfig lets tests stand in for the terminal (raw mode, width).
var editConfig = func(*readline.Config) {}

// scanReader reads lines as they come (a pipe, a file, a test).
type scanReader struct{ sc *bufio.Scanner }

func (s scanReader) ReadLine() (string, error) {
	if s.sc.Scan() {
		return s.sc.Text(), nil
	}
	if err := s.sc.Err(); err != nil {
		return "", err
	}
	return "", io.EOF
}

func (scanReader) Close() error { return nil }

// editReader reads lines with line editing and history.
type editReader struct{ rl *readline.Instance }

func (e editReader) ReadLine() (string, error) {
	line, err := e.rl.Readline()
	if errors.Is(err, readline.ErrInterrupt) {
		// Ctrl-C on an empty line ends the console, as in a shell's
		// REPLs; with text typed it drops the text.
		if line == "" {
			return "", io.EOF
		}
		return "", nil
	}
	return line, err
}

func (e editReader) Close() error { return e.rl.Close() }

// IsTerminal reports whether f is a terminal, where line editing works and
// styles show.
func IsTerminal(f *os.File) bool {
	return readline.IsTerminal(int(f.Fd()))
}
