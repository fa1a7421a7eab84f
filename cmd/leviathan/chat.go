package main

import (
	"context"
	"fmt"
	"os"
	"strings"

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
	lib, err := openLibrary(ctx, cfg, log, false, hooks{})
	if err != nil {
		fmt.Fprintf(m.Stderr, "leviathan chat: %v\n", err)
		return exitError
	}
	eng := lib.answers.Routed()
	inTTY, outTTY := isTerminal(m.Stdin), isTerminal(m.Stdout)
	opts := command.Options{MaxQuestion: cfg.MaxQuestion, Logger: log}
	c := &console.Console{
		Handler: command.NewHandler(eng, opts),
		Text: func(id string) (*command.Handler, string, error) {
			if id == "" {
				return command.NewHandler(eng, opts), "(Alle Texte. / All texts.)", nil
			}
			one, err := lib.answers.Engine(id)
			if err != nil {
				return nil, "", err
			}
			t, _ := lib.texts.Text(id)
			return command.NewHandler(one, opts), fmt.Sprintf("(Text: %s – %s. /text: alle Texte / all texts.)", t.ID, t.Title()), nil
		},
		In: m.Stdin, Out: m.Stdout, Log: log, Prompt: "> ", Echo: !inTTY,
		// Line editing draws on the terminal, so it needs both ends there;
		// styles need only the output (NO_COLOR: https://no-color.org).
		Edit:  inTTY && outTTY,
		Color: outTTY && getenv(m.Environ, "NO_COLOR") == "" && getenv(m.Environ, "TERM") != "dumb",
	}
	if err := c.Run(ctx); err != nil {
		fmt.Fprintf(m.Stderr, "leviathan chat: %v\n", err)
		return exitError
	}
	return exitOK
}

// isTerminal reports whether v is a terminal, where what the user types
// is already on the screen.
func isTerminal(v any) bool {
	f, ok := v.(*os.File)
	return ok && console.IsTerminal(f)
}

// getenv returns the value of key in environ.
func getenv(environ []string, key string) string {
	for _, kv := range environ {
		if k, v, ok := strings.Cut(kv, "="); ok && k == key {
			return v
		}
	}
	return ""
}
