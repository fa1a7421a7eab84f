package command

import (
	"strings"
)

// The commands a user can give. A plain question is Ask.
const (
	Ask     = "ask"
	Summary = "summary"
	Quote   = "quote"
	Help    = "help"
	Quit    = "quit" // console only
	Reset   = "new"  // console only: forget the conversation
)

// Command is one parsed user request.
type Command struct {
	// Name is one of Ask, Summary, Quote, Help, Quit, Reset.
	Name string
	// Arg is the question, the section or the topic (may be empty).
	Arg string
	// Text is the ID of the text the asker chose (Ask, Summary, Quote);
	// empty: the library routes Ask and Quote, and Summary takes the
	// default text.
	Text string
	// UpTo is the section the group in this place has read to (Ask,
	// Summary, Quote): nothing after it is used. Empty: the whole text.
	UpTo string
}

// Parse reads a line the way the console (and a message to the bot) takes
// it: "/ask …", "/summary [section]", "/quote topic", "/help", "/quit", or
// a plain question. Unknown slash commands become Help, so a typo shows what
// exists instead of being sent to the engine as a question.
func Parse(line string) Command {
	line = strings.TrimSpace(line)
	if !strings.HasPrefix(line, "/") {
		return Command{Name: Ask, Arg: line}
	}
	word, rest, _ := strings.Cut(line[1:], " ")
	rest = strings.TrimSpace(rest)
	switch strings.ToLower(word) {
	case "ask", "frage", "q":
		return Command{Name: Ask, Arg: rest}
	case "summary", "zusammenfassung", "summarize", "summarise":
		return Command{Name: Summary, Arg: rest}
	case "quote", "zitat", "zitiere":
		return Command{Name: Quote, Arg: rest}
	case "quit", "exit", "q!", "ende":
		return Command{Name: Quit}
	case "new", "reset", "neu":
		return Command{Name: Reset}
	default:
		return Command{Name: Help, Arg: word}
	}
}
