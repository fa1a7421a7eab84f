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
	"context"
	"errors"
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
	// Edit reads lines with line editing and history (arrow keys, Ctrl-R),
	// which needs In and Out to be the terminal. Without it, lines are read
	// as they come, which is what a pipe needs.
	Edit bool
	// Color shows Discord's bold, italic and code as terminal styles (see
	// Terminal). Set it only when Out is a terminal.
	Color bool
	// Text, if set, serves `/text ID`: it returns the handler that answers
	// about that text alone ("" for the whole library again) and the
	// line to show, or an error whose message the user reads.
	Text func(id string) (*command.Handler, string, error)
}

// ConsoleHelp follows the help in the console: the commands Discord does
// not have.
const ConsoleHelp = "**Konsole:** `/new` beginnt ein neues Gespräch, `/text ID` fragt nur diesen Text (`/text` wieder alle), `/quit` (oder Strg-D) beendet. " +
	"(Console: `/new` starts a new conversation, `/text ID` asks that text alone (`/text` all again), `/quit` or Ctrl-D ends it.)"

// Run reads commands until /quit, end of input or ctx is done. Only an
// error reading input or writing output ends it with an error; failures of
// a question are shown like Discord shows them, and the loop goes on.
func (c *Console) Run(ctx context.Context) error {
	log := c.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	w := &errWriter{w: c.Out}
	r, err := c.reader()
	if err != nil {
		return err
	}
	fmt.Fprintln(w, "Leviathan – frag zum Essay „Zerbrechlicher Leviathan“. /help zeigt, was geht; /quit beendet. (Ask about the essay; /help, /quit.)")
	var history []bot.Turn
	type read struct {
		line string
		err  error
	}
	want := make(chan struct{})
	lines := make(chan read)
	done := make(chan struct{})
	defer func() {
		close(done)
		r.Close()
	}()
	// Reading runs in its own goroutine so that a cancelled ctx ends the
	// loop even while the terminal waits for a line. It reads a line only
	// when the loop wants one: line editing draws the prompt as it starts
	// reading, which must not happen while an answer is printed. When the
	// loop ends first (/quit with more input left), done lets it go.
	go func() {
		for {
			select {
			case <-want:
			case <-done:
				return
			}
			line, err := r.ReadLine()
			select {
			case lines <- read{line, err}:
			case <-done:
				return
			}
			if err != nil {
				return
			}
		}
	}()
	for {
		if c.Prompt != "" && !c.Edit {
			fmt.Fprint(w, c.Prompt)
		}
		var line string
		select {
		case <-ctx.Done():
			fmt.Fprintln(w)
			return w.err
		case want <- struct{}{}:
		}
		select {
		case <-ctx.Done():
			fmt.Fprintln(w)
			return w.err
		case l := <-lines:
			if l.err != nil {
				if !c.Edit {
					fmt.Fprintln(w)
				}
				if !errors.Is(l.err, io.EOF) {
					return fmt.Errorf("couldn't read the input: %w", l.err)
				}
				return w.err
			}
			line = l.line
			if c.Echo {
				fmt.Fprintln(w, line)
			}
		}
		if strings.TrimSpace(line) == "" {
			continue
		}
		if arg, ok := textCommand(line); ok && c.Text != nil {
			h, msg, err := c.Text(arg)
			if err != nil {
				msg = err.Error()
			} else {
				c.Handler, history = h, nil
			}
			fmt.Fprintln(w, msg)
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
		s := &streamer{w: w, color: c.Color}
		rep := c.Handler.Handle(ctx, cmd, history, s.update)
		if rep.Err != nil {
			log.Error("couldn't answer", "command", rep.Command, "err", rep.Err)
		}
		if cmd.Name == command.Help {
			rep.Text += "\n\n" + ConsoleHelp
		}
		s.finish(rep)
		if cmd.Name == command.Ask && rep.Answer {
			history = append(history, bot.Turn{Question: rep.Question, Answer: rep.AnswerText})
			if len(history) > MaxTurns {
				history = history[len(history)-MaxTurns:]
			}
		}
		if w.err != nil {
			return w.err
		}
	}
}

// textCommand reports whether line is `/text [ID]`, and the ID.
func textCommand(line string) (string, bool) {
	f := strings.Fields(line)
	if len(f) == 0 || f[0] != "/text" || len(f) > 2 {
		return "", false
	}
	if len(f) == 1 {
		return "", true
	}
	return f[1], true
}

// Print writes r as Discord would show it: each message of the split, a
// line between messages, a note when only the asker would see it, and the
// feedback buttons under answers. Markdown is rendered for a terminal (see
// Terminal), with ANSI styles when color is set.
func Print(w io.Writer, r command.Reply, color bool) {
	if r.Ephemeral {
		fmt.Fprintln(w, "(nur für dich sichtbar / only you can see this)")
	}
	printMessages(w, r.Messages(command.MessageLimit), color)
	if r.Answer {
		fmt.Fprintln(w, "[👍] [👎]")
	}
	fmt.Fprintln(w)
}

func printMessages(w io.Writer, msgs []string, color bool) {
	for i, m := range msgs {
		if i > 0 {
			fmt.Fprintln(w, "───── (nächste Nachricht / next message) ─────")
		}
		fmt.Fprintln(w, Terminal(m, color))
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
	color    bool
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
		Print(s.w, r, s.color)
	case strings.TrimSpace(s.streamed) == strings.TrimSpace(r.Text):
		fmt.Fprintln(s.w) // ends the streamed line
		if n := strings.TrimSpace(r.Notice); n != "" {
			// The notice stands above the text on Discord; here the text
			// is already out, so it follows it.
			fmt.Fprintf(s.w, "\n%s\n", Terminal("*"+command.Sanitize(n)+"*", s.color))
		}
		rest := r
		rest.Text, rest.Notice = "", ""
		if msgs := rest.Messages(command.MessageLimit); len(msgs) > 0 {
			fmt.Fprintln(s.w)
			printMessages(s.w, msgs, s.color)
		}
		if r.Answer {
			fmt.Fprintln(s.w, "[👍] [👎]")
		}
		fmt.Fprintln(s.w)
	default:
		fmt.Fprintf(s.w, "\n\n%s\n", Revised)
		Print(s.w, r, s.color)
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
