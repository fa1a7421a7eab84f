package console

import (
	"regexp"
	"strings"
)

// The console shows what Discord would show, and Discord renders Markdown.
// A terminal shows the markers as they are, and a reply's quote lines
// ("> …") look like the prompt, so replies pass through Terminal first.

// ANSI styles, each with the code that ends only it.
const (
	ansiBold      = "\x1b[1m"
	ansiBoldOff   = "\x1b[22m"
	ansiItalic    = "\x1b[3m"
	ansiItalicOff = "\x1b[23m"
	ansiUnder     = "\x1b[4m"
	ansiUnderOff  = "\x1b[24m"
	ansiStrike    = "\x1b[9m"
	ansiStrikeOff = "\x1b[29m"
	ansiDim       = "\x1b[2m"
	ansiDimOff    = "\x1b[22m"
)

// QuoteBar starts a quoted line on the terminal, where Discord draws a bar.
const QuoteBar = "│ "

// inline is one Discord span style: its marker, its pattern (the text in
// group 1, right inside the markers) and its ANSI codes.
type inline struct {
	marker  string
	re      *regexp.Regexp
	on, off string
}

// The spans, longest markers first: "**" must be taken before "*". A
// single "*" or "_" opens only after a non-word character and closes only
// before one, so "Oligarch*innen" and snake_case stay as they are, as on
// Discord.
var inlines = []inline{
	{"`", regexp.MustCompile("`([^`\n]+)`"), ansiDim, ansiDimOff},
	{"**", regexp.MustCompile(`\*\*([^*\n]+?)\*\*`), ansiBold, ansiBoldOff},
	{"__", regexp.MustCompile(`__([^_\n]+?)__`), ansiUnder, ansiUnderOff},
	{"~~", regexp.MustCompile(`~~([^~\n]+?)~~`), ansiStrike, ansiStrikeOff},
	{"*", regexp.MustCompile(`(?:^|[^\p{L}\p{N}*\\])\*([^\s*](?:[^*\n]*[^\s*\\])?)\*(?:$|[^\p{L}\p{N}*])`), ansiItalic, ansiItalicOff},
	{"_", regexp.MustCompile(`(?:^|[^\p{L}\p{N}_\\])_([^\s_](?:[^_\n]*[^\s_\\])?)_(?:$|[^\p{L}\p{N}_])`), ansiItalic, ansiItalicOff},
}

// escaped is a Markdown character escaped with a backslash.
var escaped = regexp.MustCompile(`\\([*_~` + "`" + `>\\|])`)

// Terminal renders Discord Markdown for a terminal: quote lines ("> …")
// begin with a bar instead, so they do not look like the prompt; with
// color, bold, italic, underline, strike-through and code spans become
// ANSI styles and lose their markers; without, they are left as Discord
// gets them (the transcript of a pipe shows what the bot sends).
func Terminal(s string, color bool) string {
	lines := strings.Split(s, "\n")
	for i, line := range lines {
		switch {
		case line == ">":
			line = strings.TrimRight(QuoteBar, " ")
		case strings.HasPrefix(line, "> "):
			line = QuoteBar + line[2:]
		}
		if color {
			line = style(line)
		}
		lines[i] = line
	}
	return strings.Join(lines, "\n")
}

// style turns one line's spans into ANSI styles.
func style(line string) string {
	for _, in := range inlines {
		line = in.re.ReplaceAllStringFunc(line, func(m string) string {
			sub := in.re.FindStringSubmatchIndex(m)
			open, close := sub[2]-len(in.marker), sub[3]+len(in.marker)
			return m[:open] + in.on + m[sub[2]:sub[3]] + in.off + m[close:]
		})
	}
	return escaped.ReplaceAllString(line, "$1")
}
