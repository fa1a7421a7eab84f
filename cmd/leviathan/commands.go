package main

import (
	"context"
	"fmt"
	"strings"
)

// subcommand is one verb of the command line.
type subcommand struct {
	name, args, short string
	run               func(m *Main, ctx context.Context, args []string) int
}

// subcommands, in the order help lists them. It is filled in init, not in
// its declaration: the run methods call parse, which reads subcommands, and
// Go rejects that cycle in a package-level initializer.
var subcommands []subcommand

func init() { subcommands = subcommandList() }

func subcommandList() []subcommand {
	return []subcommand{
		{"ask", "[flags] QUESTION", "answer a question with cited passages", (*Main).runAsk},
		{"search", "[flags] QUERY", "list the passages that best match a query", (*Main).runSearch},
		{"quote", "[flags] TOPIC|LABEL", "quote passages verbatim (a topic, or a label such as ¶12)", (*Main).runQuote},
		{"summary", "[flags] [SECTION]", "summarize the essay or one section", (*Main).runSummary},
		{"eval", "[flags] FILE", "measure search and answers on a question file (JSON lines with gold phrases)", (*Main).runEval},
		{"passages", "[flags]", "list passage labels and sections", (*Main).runPassages},
		{"texts", "[flags]", "list the library: its texts, whether each store is current, skipped files", (*Main).runTexts},
		{"index", "[flags]", "build the vector store (rebuild with --rebuild)", (*Main).runIndex},
		{"chat", "[flags]", "local console: ask like on Discord, without a token", (*Main).runChat},
		{"serve", "[flags]", "run the Discord bot (needs DISCORD_TOKEN)", (*Main).runServe},
		{"healthcheck", "[flags]", "probe a running serve's /healthz (for container health checks)", (*Main).runHealthcheck},
		{"version", "", "print the version", (*Main).runVersion},
	}
}

// Run runs the subcommand named by args[0] and returns the exit code.
func (m *Main) Run(ctx context.Context, args []string) int {
	if len(args) == 0 {
		m.usage()
		return exitUsage
	}
	args = commandFirst(args)
	switch args[0] {
	case "help", "-h", "-help", "--help":
		if len(args) > 1 && !strings.HasPrefix(args[1], "-") {
			return m.Run(ctx, []string{args[1], "-h"})
		}
		m.usage()
		return exitOK
	}
	for _, c := range subcommands {
		if c.name == args[0] {
			return c.run(m, ctx, args[1:])
		}
	}
	if strings.HasPrefix(args[0], "-") {
		fmt.Fprintf(m.Stderr, "leviathan: no command given after the flag %s; flags go after the command: leviathan COMMAND [flags] [arguments]\n\n", clip(args[0], 80))
	} else {
		fmt.Fprintf(m.Stderr, "leviathan: unknown command %q\n\n", clip(args[0], 80))
	}
	m.usage()
	return exitUsage
}

// boolFlags are the flags that take no value; every other flag does (all
// settings are strings, and -k and -n are numbers).
var boolFlags = map[string]bool{"json": true, "rebuild": true, "h": true, "help": true}

// commandFirst moves flags given before the command name after it
// (`leviathan --data-dir X ask …` becomes `leviathan ask --data-dir X …`),
// since every command takes its flags anywhere. Help flags stay where they
// are, so `leviathan -h` still lists the commands.
func commandFirst(args []string) []string {
	i := 0
	for i < len(args) {
		a := args[i]
		if len(a) < 2 || a[0] != '-' || a == "--" {
			break
		}
		name := strings.TrimLeft(a, "-")
		if boolFlags[name] && (name == "h" || name == "help") {
			return args
		}
		i++
		if !strings.Contains(name, "=") && !boolFlags[name] && i < len(args) {
			i++ // the flag's value
		}
	}
	if i == 0 || i >= len(args) || args[i] == "--" {
		return args
	}
	out := append([]string{args[i]}, args[:i]...)
	return append(out, args[i+1:]...)
}

// clip shortens what is echoed of user input to n runes: an error message
// that repeats a 100 KB argument helps nobody.
func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}

func (m *Main) usage() {
	var b strings.Builder
	b.WriteString("leviathan answers questions about Cédric Durand's essay on Trump, Big Tech and technofeudalism.\n\nUsage:\n  leviathan COMMAND [flags] [arguments]\n\nCommands:\n")
	for _, c := range subcommands {
		fmt.Fprintf(&b, "  %-12s %s\n", c.name, c.short)
	}
	b.WriteString("\nRun 'leviathan help COMMAND' or 'leviathan COMMAND -h' for a command's flags.\nEvery flag can also be set by an environment variable (shown in the flag help).\n")
	fmt.Fprint(m.Stderr, b.String())
}
