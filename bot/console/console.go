// Package console is Leviathan's local console: a read-eval-print loop on a
// terminal that takes the same commands as the Discord bot (/ask, /summary,
// /quote, /help, or a plain question, with follow-ups) through the same
// command handling, and prints what Discord would show, source list and
// message splits included. With a language model the answer is printed as it
// is written, through the same Handler hook that lets the Discord bot edit
// its message, and then the rest of the reply; a separator and the final
// reply follow when the checked answer differs from what was streamed. It is
// how someone tries the bot without a token.
package console

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"

	"github.com/leviathan-bot/leviathan/bot"
	"github.com/leviathan-bot/leviathan/bot/command"
)

// MaxTurns is how many earlier turns a follow-up carries; older ones are
// dropped, as on Discord where the reply chain is bounded too. It is the
// engine's memory, set there.
const MaxTurns = bot.MaxTurns

// Console runs the loop. Its fields are its outside world.
type Console struct {
	Handler *command.Handler
	In      io.Reader
	Out     io.Writer
	Log     *slog.Logger
	// Prompt is printed before each line read (empty: none).
	Prompt string
	// Echo prints each line read after the prompt. Set it when the input
	// is not a terminal (a pipe, a file): the terminal then shows nothing of
	// what was typed, and the transcript would read as answers without
	// questions.
	Echo bool
}

// Run reads commands until /quit, end of input or ctx is done. Only an
// error reading input or writing output ends it with an error; failures of
// a question are shown like Discord shows them, and the loop goes on.
func (c *Console) Run(ctx context.Context) error {
	log := c.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	w := &errWriter{w: c.Out}
	sc := bufio.NewScanner(c.In)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	fmt.Fprintln(w, "Leviathan – frag zum Essay „Zerbrechlicher Leviathan“. /help zeigt, was geht; /quit beendet. (Ask about the essay; /help, /quit.)")
	var history []bot.Turn
	lines := make(chan string)
	readErr := make(chan error, 1)
	done := make(chan struct{})
	defer close(done)
	// Reading runs in its own goroutine so that a cancelled ctx ends the
	// loop even while the terminal waits for a line. When the loop ends
	// first (/quit with more input left), done lets the reader go instead
	// of blocking on a line nobody takes.
	go func() {
		defer close(lines)
		for sc.Scan() {
			select {
			case lines <- sc.Text():
			case <-ctx.Done():
				return
			case <-done:
				return
			}
		}
		readErr <- sc.Err()
	}()
	for {
		if c.Prompt != "" {
			fmt.Fprint(w, c.Prompt)
		}
		var line string
		select {
		case <-ctx.Done():
			fmt.Fprintln(w)
			return w.err
		case l, ok := <-lines:
			if !ok {
				fmt.Fprintln(w)
				if err := <-readErr; err != nil {
					return fmt.Errorf("couldn't read the input: %w", err)
				}
				return w.err
			}
			line = l
			if c.Echo {
				fmt.Fprintln(w, line)
			}
		}
		if strings.TrimSpace(line) == "" {
			continue
		}
		cmd := command.Parse(line)
		switch cmd.Name {
		case command.Quit:
			return w.err
		case command.Reset:
			history = nil
			fmt.Fprintln(w, "(Neues Gespräch. / New conversation.)")
			continue
		}
		// A language model's answer is printed as it is written, through
		// the same hook the Discord bot uses to edit its message; an
		// extractive answer never calls it and is printed whole below.
		s := &streamer{w: w}
		r := c.Handler.Handle(ctx, cmd, history, s.update)
		if r.Err != nil {
			log.Error("couldn't answer", "command", r.Command, "err", r.Err)
		}
		s.finish(r)
		if cmd.Name == command.Ask && r.Answer {
			history = append(history, bot.Turn{Question: r.Question, Answer: r.AnswerText})
			if len(history) > MaxTurns {
				history = history[len(history)-MaxTurns:]
			}
		}
		if w.err != nil {
			return w.err
		}
	}
}

// Print writes r as Discord would show it: each message of the split, a
// line between messages, a note when only the asker would see it, and the
// feedback buttons under answers.
func Print(w io.Writer, r command.Reply) {
	if r.Ephemeral {
		fmt.Fprintln(w, "(nur für dich sichtbar / only you can see this)")
	}
	printMessages(w, r.Messages(command.MessageLimit))
	if r.Answer {
		fmt.Fprintln(w, "[👍] [👎]")
	}
	fmt.Fprintln(w)
}

func printMessages(w io.Writer, msgs []string) {
	for i, m := range msgs {
		if i > 0 {
			fmt.Fprintln(w, "───── (nächste Nachricht / next message) ─────")
		}
		fmt.Fprintln(w, m)
	}
}

// Revised introduces the final reply when it differs from the text that was
// streamed: the check removed a citation that points nowhere, or the model
// failed mid-answer and the reply is the extractive fallback or an apology.
const Revised = "――― geprüfte Antwort / checked answer ―――"

// streamer prints an answer while a language model writes it, like
// `leviathan ask` does, and then what of the final reply is still missing.
type streamer struct {
	w        io.Writer
	streamed string
}

// update prints what is new in the text so far. The engine calls it
// synchronously from within Handle, so it needs no lock. A text that was
// revised rather than extended is not printed: finish shows the final one.
func (s *streamer) update(text string) {
	if suffix, ok := strings.CutPrefix(text, s.streamed); ok {
		fmt.Fprint(s.w, suffix)
		s.streamed = text
	}
}

// finish prints r after what update printed: all of it when nothing was
// streamed; only the rest (notice, sources, buttons) when the streamed text
// is the final answer, so it is not shown twice; otherwise a separator and
// all of r.
func (s *streamer) finish(r command.Reply) {
	switch {
	case s.streamed == "":
		Print(s.w, r)
	case strings.TrimSpace(s.streamed) == strings.TrimSpace(r.Text):
		fmt.Fprintln(s.w) // ends the streamed line
		if n := strings.TrimSpace(r.Notice); n != "" {
			// The notice stands above the text on Discord; here the text
			// is already out, so it follows it.
			fmt.Fprintf(s.w, "\n*%s*\n", command.Sanitize(n))
		}
		rest := r
		rest.Text, rest.Notice = "", ""
		if msgs := rest.Messages(command.MessageLimit); len(msgs) > 0 {
			fmt.Fprintln(s.w)
			printMessages(s.w, msgs)
		}
		if r.Answer {
			fmt.Fprintln(s.w, "[👍] [👎]")
		}
		fmt.Fprintln(s.w)
	default:
		fmt.Fprintf(s.w, "\n\n%s\n", Revised)
		Print(s.w, r)
	}
}

// errWriter remembers the first write error so the loop can stop on it.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) Write(p []byte) (int, error) {
	if e.err != nil {
		return 0, e.err
	}
	n, err := e.w.Write(p)
	if err != nil {
		e.err = fmt.Errorf("couldn't write the output: %w", err)
	}
	return n, err
}
