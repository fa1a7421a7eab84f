package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"regexp"
	"runtime/debug"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/leviathan-bot/leviathan/bot"
	"github.com/leviathan-bot/leviathan/bot/answer"
	"github.com/leviathan-bot/leviathan/bot/console"
	"github.com/leviathan-bot/leviathan/content"
	"github.com/leviathan-bot/leviathan/retrieval"
)

// version is set at build time with -ldflags "-X main.version=v1.2.3";
// otherwise it comes from the module's build information.
var version = ""

// runAsk answers a question: the answer, then its sources.
func (m *Main) runAsk(ctx context.Context, args []string) int {
	var asJSON bool
	var textID string
	extra := func(fs *flag.FlagSet) {
		fs.BoolVar(&asJSON, "json", false, "print the answer as JSON")
		textFlag(fs, &textID, "answer about this text only; default: the text with the best evidence")
	}
	cfg, rest, log, code, ok := m.parse("ask", m.permute("ask", args, extra), extra)
	if !ok {
		return code
	}
	question := strings.Join(rest, " ")
	if strings.TrimSpace(question) == "" {
		fmt.Fprintln(m.Stderr, `leviathan ask: no question given; usage: leviathan ask "Was versteht der Autor unter Technofeudalismus?"`)
		return exitUsage
	}
	lib, err := openLibrary(ctx, cfg, log, false, hooks{})
	if err != nil {
		return m.fail("ask", err)
	}
	eng, err := lib.answers.Engine(textID)
	if err != nil {
		return m.fail("ask", err)
	}
	req := bot.Request{Question: question}
	var streamed string
	if eng.HasLLM() && !asJSON {
		req.OnText = func(text string) {
			// Print only what is new; if the model's text was revised
			// rather than extended, the final answer is printed below.
			if suffix, ok := strings.CutPrefix(text, streamed); ok {
				fmt.Fprint(m.Stdout, suffix)
				streamed = text
			}
		}
	}
	a, err := lib.answers.Ask(ctx, req, textID)
	if err != nil {
		return m.fail("ask", err)
	}
	if asJSON {
		return m.printJSON("ask", a)
	}
	console.WriteAnswer(m.Stdout, a, streamed, answer.IsGerman(a.Question))
	return exitOK
}

// runSummary summarizes the essay or one section.
func (m *Main) runSummary(ctx context.Context, args []string) int {
	var asJSON bool
	var textID string
	extra := func(fs *flag.FlagSet) {
		fs.BoolVar(&asJSON, "json", false, "print the summary as JSON")
		textFlag(fs, &textID, "summarize this text; default: the built-in essay, or the only text")
	}
	cfg, rest, log, code, ok := m.parse("summary", m.permute("summary", args, extra), extra)
	if !ok {
		return code
	}
	lib, err := openLibrary(ctx, cfg, log, false, hooks{})
	if err != nil {
		return m.fail("summary", err)
	}
	eng, err := lib.answers.Engine(textID)
	if err != nil {
		return m.fail("summary", err)
	}
	var streamed string
	var onText func(string)
	if eng.HasLLM() && !asJSON {
		onText = func(text string) {
			if suffix, ok := strings.CutPrefix(text, streamed); ok {
				fmt.Fprint(m.Stdout, suffix)
				streamed = text
			}
		}
	}
	a, err := lib.answers.Summary(ctx, strings.Join(rest, " "), onText, textID)
	if err != nil {
		return m.fail("summary", err)
	}
	if asJSON {
		return m.printJSON("summary", a)
	}
	console.WriteAnswer(m.Stdout, a, streamed, true)
	return exitOK
}

// passageJSON is a passage in the output of search, quote and passages.
type passageJSON struct {
	ID      string       `json:"id"`
	Label   string       `json:"label"`
	Section string       `json:"section"`
	Kind    content.Kind `json:"kind"`
	Text    string       `json:"text"`
	Score   *float64     `json:"score,omitempty"`
	// Evidence, for search: the passage's sentences that match, verbatim.
	Evidence []string `json:"evidence,omitempty"`
	// TextID and TextTitle name the passage's text (labels are unique
	// only within a text).
	TextID    string `json:"text_id,omitempty"`
	TextTitle string `json:"text_title,omitempty"`
}

func toJSON(p content.Passage, text string, score *float64) passageJSON {
	return passageJSON{ID: p.ID, Label: p.Label, Section: p.Section, Kind: p.Kind, Text: text, Score: score}
}

// textFlag declares --text.
func textFlag(fs *flag.FlagSet, p *string, usage string) {
	fs.StringVar(p, "text", "", "text ID ('leviathan texts' lists them): "+usage)
}

// runSearch lists the passages that best match a query.
func (m *Main) runSearch(ctx context.Context, args []string) int {
	var asJSON bool
	var k int
	var textID string
	extra := func(fs *flag.FlagSet) {
		fs.BoolVar(&asJSON, "json", false, "print the passages as JSON")
		fs.IntVar(&k, "k", 5, "how many passages to list")
		textFlag(fs, &textID, "search this text only; default: the whole library")
	}
	cfg, rest, log, code, ok := m.parse("search", m.permute("search", args, extra), extra)
	if !ok {
		return code
	}
	query := strings.Join(rest, " ")
	if strings.TrimSpace(query) == "" {
		fmt.Fprintln(m.Stderr, `leviathan search: no query given; usage: leviathan search [-k N] "Technofeudalismus"`)
		return exitUsage
	}
	if k < 1 {
		fmt.Fprintf(m.Stderr, "leviathan search: -k must be at least 1, not %d\n", k)
		return exitUsage
	}
	lib, err := openLibrary(ctx, cfg, log, false, hooks{})
	if err != nil {
		return m.fail("search", err)
	}
	hits, err := lib.answers.Search(ctx, query, k, textID)
	if err != nil {
		return m.fail("search", err)
	}
	if asJSON {
		out := struct {
			Query    string        `json:"query"`
			Passages []passageJSON `json:"passages"`
		}{Query: query, Passages: []passageJSON{}}
		for _, h := range hits {
			pj := toJSON(h.Passage, h.Passage.Text, &h.Score)
			pj.TextID, pj.TextTitle = h.TextID, h.TextTitle
			pj.Evidence = h.Evidence
			if pj.Evidence == nil {
				pj.Evidence = []string{}
			}
			out.Passages = append(out.Passages, pj)
		}
		return m.printJSON("search", out)
	}
	if len(lib.texts.Texts) <= 1 {
		for i := range hits {
			hits[i].TextID = ""
		}
	}
	console.WriteHits(m.Stdout, hits)
	return exitOK
}

// runQuote prints verbatim passages or sentences for a topic or a label.
func (m *Main) runQuote(ctx context.Context, args []string) int {
	var asJSON bool
	var n int
	var textID string
	extra := func(fs *flag.FlagSet) {
		fs.BoolVar(&asJSON, "json", false, "print the quotes as JSON")
		fs.IntVar(&n, "n", bot.DefaultQuotes, "how many quotes at most")
		textFlag(fs, &textID, "quote this text; default: the text the topic is about (a label: the built-in essay, or the only text)")
	}
	cfg, rest, log, code, ok := m.parse("quote", m.permute("quote", args, extra), extra)
	if !ok {
		return code
	}
	topic := strings.Join(rest, " ")
	if strings.TrimSpace(topic) == "" {
		fmt.Fprintln(m.Stderr, `leviathan quote: no topic given; usage: leviathan quote "Technofeudalismus" or leviathan quote ¶7`)
		return exitUsage
	}
	lib, err := openLibrary(ctx, cfg, log, false, hooks{})
	if err != nil {
		return m.fail("quote", err)
	}
	quotes, err := lib.answers.Quote(ctx, topic, n, textID)
	if err != nil {
		return m.fail("quote", err)
	}
	if asJSON {
		out := struct {
			Topic  string        `json:"topic"`
			Quotes []passageJSON `json:"quotes"`
		}{Topic: topic, Quotes: []passageJSON{}}
		for _, q := range quotes {
			p := toJSON(q.Passage, q.Text, &q.Score)
			p.TextID, p.TextTitle = q.TextID, q.TextTitle
			out.Quotes = append(out.Quotes, p)
		}
		return m.printJSON("quote", out)
	}
	console.WriteQuotes(m.Stdout, topic, quotes)
	return exitOK
}

// runPassages lists a text's passages by section. It needs no store.
func (m *Main) runPassages(ctx context.Context, args []string) int {
	var asJSON bool
	var textID string
	extra := func(fs *flag.FlagSet) {
		fs.BoolVar(&asJSON, "json", false, "print the passages as JSON")
		textFlag(fs, &textID, "list this text's passages; default: the built-in essay, or the only text")
	}
	cfg, rest, log, code, ok := m.parse("passages", m.permute("passages", args, extra), extra)
	if !ok {
		return code
	}
	if !m.noArgs("passages", rest) {
		return exitUsage
	}
	lib, err := loadTexts(cfg, log)
	if err != nil {
		return m.fail("passages", err)
	}
	text, err := chooseText(lib, textID)
	if err != nil {
		return m.fail("passages", err)
	}
	essay := &text.Essay
	if asJSON {
		out := struct {
			TextID   string        `json:"text_id"`
			Title    string        `json:"title"`
			Author   string        `json:"author"`
			Sections []string      `json:"sections"`
			Passages []passageJSON `json:"passages"`
		}{TextID: text.ID, Title: text.Title(), Author: essay.Meta.Author, Sections: essay.Sections, Passages: []passageJSON{}}
		for _, p := range essay.Passages {
			out.Passages = append(out.Passages, toJSON(p, p.Text, nil))
		}
		return m.printJSON("passages", out)
	}
	console.WritePassages(m.Stdout, essay)
	return exitOK
}

// runIndex builds the store, or reuses it if it is current, and says which.
func (m *Main) runIndex(ctx context.Context, args []string) int {
	var rebuild, asJSON bool
	extra := func(fs *flag.FlagSet) {
		fs.BoolVar(&rebuild, "rebuild", false, "rebuild the store even if it is current")
		fs.BoolVar(&asJSON, "json", false, "print what was done as JSON")
	}
	cfg, rest, log, code, ok := m.parse("index", m.permute("index", args, extra), extra)
	if !ok {
		return code
	}
	if !m.noArgs("index", rest) {
		return exitUsage
	}
	start := time.Now()
	lib, err := openLibrary(ctx, cfg, log, rebuild, hooks{})
	if err != nil {
		return m.fail("index", err)
	}
	took := time.Since(start)
	st := libraryStats(lib.store)
	if st.Memory {
		// The store works for this run only; index exists to leave one on
		// disk for the next.
		fmt.Fprintf(m.Stderr, "leviathan index: couldn't build the store in %s (%s)\n  (try another --data-dir / LEVIATHAN_DATA_DIR)\n", cfg.DataDir, st.Reason)
		return exitError
	}
	if asJSON {
		return m.printJSON("index", struct {
			Dir      string  `json:"dir"`
			Built    bool    `json:"built"`
			Reason   string  `json:"reason,omitempty"`
			Passages int     `json:"passages"`
			Seconds  float64 `json:"seconds"`
		}{cfg.DataDir, st.Built, st.Reason, st.Passages, took.Seconds()})
	}
	verb := "reused the current store"
	if st.Built {
		verb = "built the store"
	}
	reason := ""
	if st.Reason != "" {
		reason = " (" + st.Reason + ")"
	}
	fmt.Fprintf(m.Stdout, "%s in %s%s: %d passages, %s\n", verb, cfg.DataDir, reason, st.Passages, took.Round(time.Millisecond))
	return exitOK
}

// libraryStats sums what opening did over the library's texts: built if
// any store was built (the reasons of those that were), in memory if any
// store is.
func libraryStats(store *retrieval.Library) retrieval.Stats {
	var sum retrieval.Stats
	var reasons []string
	for _, id := range store.IDs() {
		st, _ := store.Stats(id)
		sum.Passages += st.Passages
		sum.Memory = sum.Memory || st.Memory
		if st.Built {
			sum.Built = true
			reasons = append(reasons, id+": "+st.Reason)
		}
	}
	sum.Reason = strings.Join(reasons, "; ")
	if !sum.Built {
		sum.Reason = "store is current"
	}
	if len(store.IDs()) == 1 {
		st, _ := store.Stats(store.IDs()[0])
		sum.Reason = st.Reason
	}
	return sum
}

// runVersion prints the version.
func (m *Main) runVersion(ctx context.Context, args []string) int {
	var asJSON bool
	extra := func(fs *flag.FlagSet) { fs.BoolVar(&asJSON, "json", false, "print the version as JSON") }
	_, rest, _, code, ok := m.parse("version", m.permute("version", args, extra), extra)
	if !ok {
		return code
	}
	if !m.noArgs("version", rest) {
		return exitUsage
	}
	if asJSON {
		return m.printJSON("version", struct {
			Version string `json:"version"`
		}{versionString()})
	}
	fmt.Fprintln(m.Stdout, "leviathan", versionString())
	return exitOK
}

func versionString() string {
	if version != "" {
		return version
	}
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "dev"
	}
	if v := info.Main.Version; v != "" && v != "(devel)" {
		return v
	}
	rev, dirty := "", false
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			dirty = s.Value == "true"
		}
	}
	if rev == "" {
		return "dev"
	}
	if len(rev) > 12 {
		rev = rev[:12]
	}
	if dirty {
		rev += "-dirty"
	}
	return "dev-" + rev
}

// fail reports an error: bad input as a usage error (exit 2) with the
// engine's message, which says what to do; anything else as a run-time
// error (exit 1) with a hint.
func (m *Main) fail(cmd string, err error) int {
	var ie *bot.InputError
	if errors.As(err, &ie) {
		fmt.Fprintf(m.Stderr, "leviathan %s: %s\n", cmd, clipQuoted(ie.Msg))
		return exitUsage
	}
	if errors.Is(err, context.Canceled) {
		fmt.Fprintf(m.Stderr, "leviathan %s: interrupted\n", cmd)
		return exitError
	}
	hint := ""
	if strings.Contains(err.Error(), "passage store") {
		hint = "\n  (try 'leviathan index --rebuild', or another --data-dir / LEVIATHAN_DATA_DIR)"
	}
	fmt.Fprintf(m.Stderr, "leviathan %s: %v%s\n", cmd, err, hint)
	return exitError
}

// noArgs reports whether a command that takes no arguments got none, and
// says so when it got some.
func (m *Main) noArgs(cmd string, rest []string) bool {
	if len(rest) == 0 {
		return true
	}
	fmt.Fprintf(m.Stderr, "leviathan %s: takes no arguments (got %q)\n", cmd, clip(strings.Join(rest, " "), echoRunes))
	return false
}

// quoted is a double-quoted string in a message, as %q writes it.
var quoted = regexp.MustCompile(`"(?:[^"\\]|\\.)*"`)

// clipQuoted shortens every quoted piece of user input in msg (the engine
// echoes an unknown section or label with %q) to echoRunes.
func clipQuoted(msg string) string {
	return quoted.ReplaceAllStringFunc(msg, func(q string) string {
		inner := q[1 : len(q)-1]
		if utf8.RuneCountInString(inner) <= echoRunes {
			return q
		}
		return `"` + clip(inner, echoRunes) + `"`
	})
}

// echoRunes is how much of the user's input an error message repeats.
const echoRunes = 80

func (m *Main) printJSON(cmd string, v any) int {
	enc := json.NewEncoder(m.Stdout)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return m.fail(cmd, fmt.Errorf("couldn't write JSON: %w", err))
	}
	return exitOK
}

// permute moves flags before the arguments, so that both
// `leviathan ask --json "…"` and `leviathan ask "…" --json` work (the flag
// package stops at the first argument). Everything after "--" stays an
// argument; an unknown flag is kept for the flag package to report.
func (m *Main) permute(name string, args []string, extra func(*flag.FlagSet)) []string {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	if extra != nil {
		extra(fs)
	}
	_, _, _ = loadConfig(nil, fs, nil, commandGroups[name]...) // only to declare the shared flags
	var flags, positional []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			positional = append(positional, args[i+1:]...)
			break
		}
		if len(a) < 2 || a[0] != '-' {
			positional = append(positional, a)
			continue
		}
		flags = append(flags, a)
		fname := strings.TrimLeft(a, "-")
		if strings.Contains(fname, "=") {
			continue
		}
		f := fs.Lookup(fname)
		if f == nil {
			continue
		}
		if b, ok := f.Value.(interface{ IsBoolFlag() bool }); ok && b.IsBoolFlag() {
			continue
		}
		if i+1 >= len(args) || args[i+1] == "--" {
			// A flag that wants a value but has none: stop here, so that
			// the flag package reports it rather than taking "--" (or
			// nothing) as the value, e.g. a data directory named "--".
			return flags
		}
		flags = append(flags, args[i+1])
		i++
	}
	return append(append(flags, "--"), positional...)
}
