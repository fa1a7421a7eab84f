package console

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/leviathan-bot/leviathan/bot"
	"github.com/leviathan-bot/leviathan/bot/command"
	"github.com/leviathan-bot/leviathan/content"
)

// fakeEngine answers every question with its number and records the
// history it was given.
type fakeEngine struct {
	histories [][]bot.Turn
}

func (f *fakeEngine) Ask(_ context.Context, r bot.Request) (bot.Answer, error) {
	f.histories = append(f.histories, r.History)
	if r.Question == "kaputt" {
		return bot.Answer{}, errors.New("retrieval exploded")
	}
	return bot.Answer{Question: r.Question, Text: "Antwort auf " + r.Question + " [1].", Covered: true,
		Citations: []bot.Citation{{N: 1, Label: "¶5", Section: "Tech-Oligarchen an der Macht", Text: "Das zweite Dekret kündigte DOGE an."}}}, nil
}

func (f *fakeEngine) Summary(_ context.Context, s string, _ func(string)) (bot.Answer, error) {
	if s == "Kochen" {
		return bot.Answer{}, &bot.InputError{Msg: "Unbekannter Abschnitt „Kochen“."}
	}
	return bot.Answer{Text: strings.Repeat("Eine lange Zusammenfassung. ", 100), Covered: true}, nil
}

func (f *fakeEngine) Quote(context.Context, string, int) ([]bot.Quote, error) { return nil, nil }
func (f *fakeEngine) Essay() *content.Essay                                   { return content.Load() }

func run(t *testing.T, eng *fakeEngine, input string) string {
	t.Helper()
	var out strings.Builder
	c := &Console{Handler: command.NewHandler(eng, command.Options{MaxQuestion: 100}), In: strings.NewReader(input), Out: &out, Prompt: "> "}
	if err := c.Run(context.Background()); err != nil {
		t.Fatalf("Run: %v", err)
	}
	return out.String()
}

func TestFollowUpsKeepHistory(t *testing.T) {
	eng := &fakeEngine{}
	out := run(t, eng, "Was ist DOGE?\n\n/ask Und wer leitet es?\n/new\nNeu?\n")
	if len(eng.histories) != 3 {
		t.Fatalf("engine asked %d times", len(eng.histories))
	}
	if len(eng.histories[0]) != 0 {
		t.Errorf("first question had history %v", eng.histories[0])
	}
	want := []bot.Turn{{Question: "Was ist DOGE?", Answer: "Antwort auf Was ist DOGE? [1]."}}
	if h := eng.histories[1]; len(h) != 1 || h[0] != want[0] {
		t.Errorf("follow-up history = %v, want %v", h, want)
	}
	if len(eng.histories[2]) != 0 {
		t.Errorf("/new kept history %v", eng.histories[2])
	}
	for _, s := range []string{"Antwort auf Und wer leitet es? [1].", command.SourcesHeading, "[1] ¶5 · Tech-Oligarchen an der Macht — „Das zweite Dekret kündigte DOGE an.“", "[👍] [👎]"} {
		if !strings.Contains(out, s) {
			t.Errorf("output lacks %q:\n%s", s, out)
		}
	}
}

func TestHistoryIsBounded(t *testing.T) {
	eng := &fakeEngine{}
	run(t, eng, strings.Repeat("Frage?\n", MaxTurns+3))
	if got := len(eng.histories[len(eng.histories)-1]); got != MaxTurns {
		t.Errorf("last question carried %d turns, want %d", got, MaxTurns)
	}
}

func TestCommandsAndErrors(t *testing.T) {
	eng := &fakeEngine{}
	out := run(t, eng, "/help\n/summary\n/summary Kochen\nkaputt\n/quit\nnever asked\n")
	for _, s := range []string{
		"(nur für dich sichtbar", "/quote ¶12", // help
		"───── (nächste Nachricht", // the long summary is split
		"Einen Abschnitt „Kochen“ gibt es nicht.",
		command.Apology,
	} {
		if !strings.Contains(out, s) {
			t.Errorf("output lacks %q", s)
		}
	}
	if strings.Contains(out, "exploded") {
		t.Error("an internal error reached the user")
	}
	if len(eng.histories) != 1 {
		t.Errorf("engine asked %d times; /quit must stop before the last line", len(eng.histories))
	}
}

func TestCancelledContextEnds(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	pr, pw := io.Pipe() // an input that never ends by itself, like a terminal
	defer pw.Close()
	c := &Console{Handler: command.NewHandler(&fakeEngine{}, command.Options{}), In: pr, Out: &strings.Builder{}}
	if err := c.Run(ctx); err != nil {
		t.Fatalf("Run: %v", err)
	}
}

func TestEchoShowsTheQuestion(t *testing.T) {
	var out strings.Builder
	c := &Console{Handler: command.NewHandler(&fakeEngine{}, command.Options{}), In: strings.NewReader("Was ist DOGE?\n"),
		Out: &out, Prompt: "> ", Echo: true}
	if err := c.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "> Was ist DOGE?\nAntwort auf Was ist DOGE? [1].") {
		t.Errorf("transcript:\n%s", out.String())
	}
}
