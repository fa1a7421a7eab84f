package main

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/leviathan-bot/leviathan/bot/command"
	"github.com/leviathan-bot/leviathan/bot/console"
)

// runChat runs the local console: the Discord bot's commands on a terminal,
// without a token.
func (m *Main) runChat(ctx context.Context, args []string) int {
	cfg, rest, log, code, ok := m.parse("chat", m.permute("chat", args, nil), nil)
	if !ok {
		return code
	}
	if !m.noArgs("chat", rest) {
		return exitUsage
	}
	eng, _, err := openEngine(ctx, cfg, log, false)
	if err != nil {
		fmt.Fprintf(m.Stderr, "leviathan chat: %v\n", err)
		return exitError
	}
	c := &console.Console{
		Handler: command.NewHandler(eng, command.Options{MaxQuestion: cfg.MaxQuestion, Logger: log}),
		In:      m.Stdin, Out: m.Stdout, Log: log, Prompt: "> ", Echo: !isTerminal(m.Stdin),
	}
	if err := c.Run(ctx); err != nil {
		fmt.Fprintf(m.Stderr, "leviathan chat: %v\n", err)
		return exitError
	}
	return exitOK
}

// isTerminal reports whether r is a terminal (a character device), where
// what the user types is already on the screen.
func isTerminal(r io.Reader) bool {
	f, ok := r.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
