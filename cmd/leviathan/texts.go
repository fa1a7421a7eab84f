package main

import (
	"context"
	"flag"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/leviathan-bot/leviathan/bot"
	"github.com/leviathan-bot/leviathan/bot/answer"
	"github.com/leviathan-bot/leviathan/content"
	"github.com/leviathan-bot/leviathan/retrieval"
)

// chooseText returns the text with the given ID, or the default text for
// ""; an unknown ID is a usage error that lists the IDs.
func chooseText(lib *content.Library, id string) (*content.Text, error) {
	if strings.TrimSpace(id) == "" {
		return answer.DefaultText(lib.Texts), nil
	}
	if t, ok := lib.Text(id); ok {
		return t, nil
	}
	ids := make([]string, len(lib.Texts))
	for i, t := range lib.Texts {
		ids[i] = t.ID
	}
	return nil, &bot.InputError{Msg: fmt.Sprintf("There is no text %q. The texts are: %s.", id, strings.Join(ids, ", "))}
}

// textJSON is one text in `texts --json`.
type textJSON struct {
	ID       string `json:"id"`
	Title    string `json:"title"`
	Author   string `json:"author"`
	Language string `json:"language"`
	Passages int    `json:"passages"`
	// Current reports whether the text's store in the data directory
	// matches the text and the embedder (a start would not re-embed it).
	Current bool `json:"current"`
}

// runTexts lists the library: the texts, whether each one's store is
// current, and the files that were skipped and why. It reads the
// manifests and builds nothing.
func (m *Main) runTexts(ctx context.Context, args []string) int {
	var asJSON bool
	extra := func(fs *flag.FlagSet) { fs.BoolVar(&asJSON, "json", false, "print the library as JSON") }
	cfg, rest, log, code, ok := m.parse("texts", m.permute("texts", args, extra), extra)
	if !ok {
		return code
	}
	if !m.noArgs("texts", rest) {
		return exitUsage
	}
	lib, err := loadTexts(cfg, log)
	if err != nil {
		return m.fail("texts", err)
	}
	_, emb, err := newBackend(cfg, log, hooks{})
	if err != nil {
		return m.fail("texts", err)
	}
	if emb == nil {
		emb = retrieval.NewOffline()
	}
	out := struct {
		Texts   []textJSON        `json:"texts"`
		Skipped []content.Skipped `json:"skipped"`
	}{Texts: []textJSON{}, Skipped: lib.Skipped}
	if out.Skipped == nil {
		out.Skipped = []content.Skipped{}
	}
	for _, t := range lib.Texts {
		out.Texts = append(out.Texts, textJSON{
			ID: t.ID, Title: t.Title(), Author: t.Meta.Author, Language: t.Meta.Language,
			Passages: len(t.Passages), Current: retrieval.StoreCurrent(cfg.DataDir, t, emb),
		})
	}
	if asJSON {
		return m.printJSON("texts", out)
	}
	tw := tabwriter.NewWriter(m.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tTITLE\tAUTHOR\tLANGUAGE\tPASSAGES\tSTORE")
	for _, t := range out.Texts {
		store := "current"
		if !t.Current {
			store = "to build"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%s\n", t.ID, clip(t.Title, 50), clip(or(t.Author, "–"), 30), or(t.Language, "–"), t.Passages, store)
	}
	if err := tw.Flush(); err != nil {
		return m.fail("texts", err)
	}
	if len(out.Skipped) > 0 {
		fmt.Fprintf(m.Stdout, "\nSkipped:\n")
		for _, s := range out.Skipped {
			fmt.Fprintf(m.Stdout, "  %s\n", s)
		}
	}
	return exitOK
}

func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
