package console

import (
	"context"
	"strings"
	"testing"

	"github.com/leviathan-bot/leviathan/bot"
	"github.com/leviathan-bot/leviathan/bot/command"
	"github.com/leviathan-bot/leviathan/content"
)

func TestTerminal(t *testing.T) {
	B, b := ansiBold, ansiBoldOff
	I, i := ansiItalic, ansiItalicOff
	tests := []struct {
		in, plain, color string
	}{
		{"**Quellen / Sources**", "**Quellen / Sources**", B + "Quellen / Sources" + b},
		{"*Hinweis: gekürzt.*", "*Hinweis: gekürzt.*", I + "Hinweis: gekürzt." + i},
		{"[1] **¶3** · Einleitung — „x“", "[1] **¶3** · Einleitung — „x“", "[1] " + B + "¶3" + b + " · Einleitung — „x“"},
		{"> Zitat aus dem Essay", QuoteBar + "Zitat aus dem Essay", QuoteBar + "Zitat aus dem Essay"},
		{">", "│", "│"},
		{"Tech-Oligarch*innen und Bürger*innen", "Tech-Oligarch*innen und Bürger*innen", "Tech-Oligarch*innen und Bürger*innen"},
		{"a snake_case_name", "a snake_case_name", "a snake_case_name"},
		{"2 * 3 * 4", "2 * 3 * 4", "2 * 3 * 4"},
		{"`/ask Was ist DOGE?`", "`/ask Was ist DOGE?`", ansiDim + "/ask Was ist DOGE?" + ansiDimOff},
		{`\*kein\* Stil`, `\*kein\* Stil`, "*kein* Stil"},
		{"x >not a quote", "x >not a quote", "x >not a quote"},
	}
	for _, tt := range tests {
		if got := Terminal(tt.in, false); got != tt.plain {
			t.Errorf("Terminal(%q, false) = %q, want %q", tt.in, got, tt.plain)
		}
		if got := Terminal(tt.in, true); got != tt.color {
			t.Errorf("Terminal(%q, true) = %q, want %q", tt.in, got, tt.color)
		}
	}
	if got := Terminal("> a\n> b\nc", false); got != QuoteBar+"a\n"+QuoteBar+"b\nc" || strings.Contains(got, "> ") {
		t.Errorf("multi-line quote = %q", got)
	}
}

// quoteEngine quotes one passage, as /quote ¶5 does.
type quoteEngine struct{ fakeEngine }

func (quoteEngine) Quote(context.Context, string, int) ([]bot.Quote, error) {
	p, _ := content.Load().Lookup("¶5")
	return []bot.Quote{{Passage: p, Text: p.Text, Score: 1}}, nil
}

// TestConsoleRendersForTheTerminal: /help names the console's own
// commands; a quote's lines do not begin with "> " like the prompt; with
// Color the Markdown markers become styles.
func TestConsoleRendersForTheTerminal(t *testing.T) {
	for _, color := range []bool{false, true} {
		var out strings.Builder
		c := &Console{Handler: command.NewHandler(&quoteEngine{}, command.Options{}), In: strings.NewReader("/help\n/quote ¶5\n"),
			Out: &out, Prompt: "> ", Color: color}
		if err := c.Run(context.Background()); err != nil {
			t.Fatal(err)
		}
		got := out.String()
		_, help, _ := strings.Cut(got, "> ")
		help, quote, _ := strings.Cut(help, "> ")
		for _, want := range []string{"/new", "/quit"} {
			if !strings.Contains(help, want) {
				t.Errorf("color %v: /help does not list %s:\n%s", color, want, help)
			}
		}
		if !strings.Contains(quote, QuoteBar) {
			t.Errorf("color %v: the quote has no %q lines:\n%s", color, QuoteBar, quote)
		}
		// Three prompts (before /help, /quote and the end of input) are all.
		if n := strings.Count(got, "\n> "); n != 3 {
			t.Errorf("color %v: a line other than the prompt begins with \"> \":\n%s", color, got)
		}
		if has := strings.Contains(got, "**"); has == color {
			t.Errorf("color %v: Markdown markers shown: %v\n%s", color, has, got)
		}
		if has := strings.Contains(got, ansiBold); has != color {
			t.Errorf("color %v: ANSI styles shown: %v", color, has)
		}
	}
}
